package io.tracelet.apache.httpclient5;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.FinishedSpan;
import io.tracelet.Tracing;
import io.tracelet.testing.InMemoryReporter;
import java.util.List;

/** Reading the behaviour tests' spans. */
final class TestSpans {
  private TestSpans() {
  }

  /** The one span {@code tracing} reported, waiting for it, and checking that no other came. */
  static FinishedSpan only(InMemoryReporter reporter, Tracing tracing) {
    List<FinishedSpan> spans = reporter.awaitSpans(1, TestServer.TIMEOUT);
    tracing.flush();
    assertThat(reporter.spans()).hasSize(1);
    return spans.get(0);
  }

  /** {@code traceid-spanid} of a span, as a {@code traceparent} carries them. */
  static String ids(FinishedSpan span) {
    return String.format("%016x%016x-%016x", span.traceIdHigh(), span.traceId(), span.spanId());
  }

  /** {@code traceid-spanid} of a {@code traceparent} value. */
  static String ids(String traceparent) {
    return traceparent.substring(3, 52);
  }
}
