package io.tracelet.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.FinishedSpan;
import io.tracelet.KeepPolicy;
import io.tracelet.Sampler;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import io.tracelet.testing.InMemoryReporter;
import io.tracelet.testing.TraceletAssertions;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Java snippets of tracer-core/README.md: each stands, line for line, in tested code (the keep
 * policy's is below, and runs).
 */
class CoreReadmeSnippetsTest {

  @Test void everyJavaSnippetOfTheCoreReadmeIsKeptInTestedCode() throws IOException {
    List<List<String>> snippets = RootReadmeSnippetsTest.javaSnippets(
        Files.readAllLines(RootReadmeSnippetsTest.ROOT.resolve("tracer-core/README.md")));
    List<List<String>> sources = RootReadmeSnippetsTest.testedSources();

    assertThat(snippets).isNotEmpty();
    for (List<String> snippet : snippets) {
      assertThat(sources.stream().anyMatch(source -> RootReadmeSnippetsTest.contains(source, snippet)))
          .as("tracer-core/README.md snippet not found in any tested source:%n%s", String.join("\n", snippet))
          .isTrue();
    }
  }

  @Test void theKeepPolicyOfTheReadmeKeepsAFailedRequestThatHeadSamplingSaidNoTo() {
    InMemoryReporter reporter = new InMemoryReporter();
    Tracing tracing = Tracing.newBuilder()
        .serviceName("checkout")
        .sampler(Sampler.probability(0.01))
        .keepPolicy(KeepPolicy.newBuilder()
            .keepErrors()                                  // a span of the local part failed
            .keepSlowerThan(Duration.ofSeconds(1))         // the local root took longer
            .build())                                      // and a downstream keep, on by default
        .reporter(reporter)
        .build();
    try (tracing) {
      Span failed = unsampledRoot(tracing);
      tracing.tracer().spanBuilder("charge").parent(failed.context()).start()
          .error(new IllegalStateException("card declined")).finish();
      failed.finish();
      Span ordinary = unsampledRoot(tracing);
      ordinary.finish();

      List<FinishedSpan> spans = reporter.awaitSpans(2, Duration.ofSeconds(10));
      assertThat(spans).extracting(FinishedSpan::name).containsExactlyInAnyOrder("charge", "POST /checkout");
      spans.forEach(span -> TraceletAssertions.assertThat(span).hasTag(KeepPolicy.TAG, KeepPolicy.ERROR));
      assertThat(tracing.counters().localTracesKept()).containsEntry(KeepPolicy.ERROR, 1L);
      assertThat(tracing.counters().localTracesDiscarded()).isEqualTo(1);
    }
  }

  // A root span of a trace that head sampling said no to (99 in 100 are).
  private static Span unsampledRoot(Tracing tracing) {
    while (true) {
      Span root = tracing.tracer().spanBuilder("POST /checkout").kind(SpanKind.SERVER).start();
      if (!root.context().isSampled()) return root;
      root.abandon();
    }
  }
}
