package io.tracelet.examples.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.FinishedSpan;
import io.tracelet.Tracing;
import io.tracelet.testing.InMemoryReporter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SamplerRulesTest {
  private static final int COUNT = 1000;

  private final InMemoryReporter reporter = new InMemoryReporter();
  private final Tracing tracing =
      Tracing.newBuilder().serviceName("shop").sampler(SamplerRules.sampler()).reporter(reporter).build();

  @AfterEach void closeTracing() {
    tracing.close();
  }

  @Test void theFirstMatchingRuleDecidesEachTraceAndItsSpansFollow() {
    long start = System.nanoTime();
    Map<String, Integer> kept = SamplerRules.startRoots(tracing.tracer(), COUNT);
    double seconds = (System.nanoTime() - start) / 1e9;

    assertThat(kept).containsEntry("GET /health", 0).containsEntry("POST /checkout/confirm", COUNT);
    // A quarter of the consumers' traces, decided by the random trace ID: 250 give or take (σ ≈ 14).
    assertThat(kept.get("recompute recommendations")).isBetween(150, 350);
    // Ten a second, in a burst of ten to begin with.
    assertThat(kept.get("GET /products")).isBetween(10, 10 + (int) Math.ceil(seconds * 10) + 1);

    // Each kept trace is whole: its root and its child, even though the child is named GET /health.
    int traces = kept.values().stream().mapToInt(Integer::intValue).sum();
    tracing.flush();
    List<FinishedSpan> spans = reporter.awaitSpans(2 * traces, Duration.ofSeconds(10));
    assertThat(spans).hasSize(2 * traces);
    Set<Long> roots = spans.stream().filter(s -> s.parentId() == 0).map(FinishedSpan::spanId).collect(Collectors.toSet());
    assertThat(roots).hasSize(traces);
    assertThat(spans).filteredOn(s -> s.parentId() != 0)
        .hasSize(traces)
        .allSatisfy(child -> {
          assertThat(child.name()).isEqualTo("GET /health");
          assertThat(roots).contains(child.parentId());
        });
  }
}
