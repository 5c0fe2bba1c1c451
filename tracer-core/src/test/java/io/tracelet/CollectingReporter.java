package io.tracelet;

import java.util.ArrayList;
import java.util.List;

/** Keeps what the recorder delivers. (The testing module's InMemoryReporter depends on this module.) */
final class CollectingReporter implements SpanReporter {
  private final List<FinishedSpan> spans = new ArrayList<>();
  volatile boolean closed;

  @Override public synchronized void report(List<FinishedSpan> batch) {
    spans.addAll(batch);
  }

  synchronized List<FinishedSpan> spans() {
    return new ArrayList<>(spans);
  }

  @Override public void close() {
    closed = true;
  }

  /** A Tracing that reports here, samples everything and checks scopes strictly. */
  Tracing.Builder tracing() {
    return Tracing.newBuilder().serviceName("test").localIp("10.0.0.1").reporter(this).strictScopes(true);
  }
}
