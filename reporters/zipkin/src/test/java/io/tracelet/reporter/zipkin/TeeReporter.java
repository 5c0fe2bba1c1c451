package io.tracelet.reporter.zipkin;

import io.tracelet.FinishedSpan;
import io.tracelet.SpanReporter;
import java.util.List;

/** Hands each batch to two reporters, and closes both: what was sent and what was recorded. */
final class TeeReporter implements SpanReporter {
  private final SpanReporter first;
  private final SpanReporter second;

  TeeReporter(SpanReporter first, SpanReporter second) {
    this.first = first;
    this.second = second;
  }

  @Override public void report(List<FinishedSpan> batch) {
    first.report(batch);
    second.report(batch);
  }

  @Override public void close() {
    first.close();
    second.close();
  }
}
