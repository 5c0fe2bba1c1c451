package io.tracelet.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.Tracing;
import io.tracelet.reporter.zipkin.ZipkinReporter;
import org.junit.jupiter.api.Test;

/**
 * The root README's Zipkin snippet, verbatim. Whether a Zipkin listens on 127.0.0.1:9411 or not,
 * it must not throw, and the span must be accounted for: sent, or dropped and counted.
 */
class RootReadmeReporterTest {
  void pay() {
  }

  @Test void zipkinSnippetRunsAndAccountsForItsSpanWhateverListensOn9411() {
    ZipkinReporter reporter = ZipkinReporter.http("http://127.0.0.1:9411/api/v2/spans");
    Tracing tracing = Tracing.newBuilder()
        .serviceName("checkout")
        .reporter(reporter)
        .build();
    tracing.tracer().inSpan("charge", () -> pay());
    tracing.close(); // delivers what is queued, then closes the reporter and its sender

    assertThat(tracing.counters().spansAccepted()).isEqualTo(1);
    assertThat(reporter.counters().spansSent() + reporter.counters().spansDropped()).isEqualTo(1);
  }
}
