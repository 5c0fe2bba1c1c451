package io.tracelet.testing.example;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.FinishedSpan;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import io.tracelet.testing.InMemoryReporter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The example of testing/README.md, word for word: a user's test, in a package of its own, that
 * imports AssertJ's and Tracelet's {@code assertThat} side by side.
 */
class CheckoutTracingTest {
  final InMemoryReporter reporter = new InMemoryReporter();
  final Tracing tracing = Tracing.newBuilder().serviceName("checkout").reporter(reporter).build();

  @AfterEach void closeTracing() {
    tracing.close();
  }

  @Test void chargeIsTracedInsideTheRequest() {
    Span request = tracing.tracer().spanBuilder("POST /checkout").kind(SpanKind.SERVER).start();
    try (Scope ignored = request.makeCurrent()) {
      tracing.tracer().spanBuilder("charge").tag("card", "visa").start().finish();
    } finally {
      request.finish();
    }

    List<FinishedSpan> spans = reporter.awaitSpans(2, Duration.ofSeconds(10));
    assertThat(spans).hasSize(2).isCompleteTrace();
    assertThat(spans).rootSpan().hasName("POST /checkout").hasKind(SpanKind.SERVER).hasNoError();
    assertThat(spans).spanNamed("charge").hasParent(request.context()).hasTag("card", "visa");
    assertThat(reporter.isClosed()).isFalse();
  }
}
