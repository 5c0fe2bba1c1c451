package io.tracelet.examples.async;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.FinishedSpan;
import io.tracelet.Tracing;
import io.tracelet.testing.InMemoryReporter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ContextAcrossThreadsTest {
  private final InMemoryReporter reporter = new InMemoryReporter();
  private final Tracing tracing = Tracing.newBuilder().serviceName("profile-page").reporter(reporter).build();
  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach void close() {
    pool.shutdown();
    tracing.close();
  }

  @Test void workOnOtherThreadsStaysInTheTraceAsChildrenOfThePage() throws Exception {
    List<String> parts = ContextAcrossThreads.renderProfilePage(tracing, pool);

    tracing.flush();
    List<FinishedSpan> spans = reporter.awaitSpans(5, Duration.ofSeconds(10));
    assertThat(spans).hasSize(5).isCompleteTrace();
    assertThat(spans).rootSpan().hasName("render page");
    FinishedSpan page = named(spans, "render page");
    String callerThread = tag(page, "thread");
    for (String child : List.of("load profile", "load orders", "rank orders", "load avatar")) {
      FinishedSpan span = named(spans, child);
      assertThat(span).hasParent(page);
      assertThat(tag(span, "thread")).as("thread of %s", child).isNotEqualTo(callerThread);
    }
    assertThat(tag(named(spans, "load avatar"), "thread")).isEqualTo("avatar-loader");
    assertThat(parts).hasSize(3);
    assertThat(parts.get(0)).startsWith("profile (on pool-");
    assertThat(parts.get(1)).startsWith("ranked orders (on pool-");
    assertThat(parts.get(2)).isEqualTo("avatar (on avatar-loader)");
  }

  private static FinishedSpan named(List<FinishedSpan> spans, String name) {
    return spans.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  private static String tag(FinishedSpan span, String key) {
    for (int i = 0; i < span.tagCount(); i++) {
      if (span.tagKey(i).equals(key)) return span.tagValue(i);
    }
    throw new AssertionError(span.name() + " has no tag " + key);
  }
}
