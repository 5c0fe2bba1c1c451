package io.tracelet;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters that show whether tracing is healthy, to read directly or bind to a metrics system.
 *
 * <p>Thread-safe; every getter is a cheap snapshot of a monotonically increasing count (except
 * {@link #queuedSpans()}). The recorder's counts obey
 * {@code spansAccepted == spansReported + spansFailed + queuedSpans} (modulo in-flight batches).
 */
public final class TracingMetrics {
  private final SpanRecorder recorder;
  final LongAdder tagsDropped = new LongAdder();
  final LongAdder eventsDropped = new LongAdder();
  final LongAdder tagValuesTruncated = new LongAdder();

  TracingMetrics(SpanRecorder recorder) {
    this.recorder = recorder;
  }

  /** Finished spans the recorder took in. */
  public long spansAccepted() {
    return recorder.accepted();
  }

  /** Finished spans dropped because the recorder's queue was full. */
  public long spansDropped() {
    return recorder.dropped();
  }

  /** Finished spans dropped because tracing was closed when they finished. */
  public long spansDroppedAfterClose() {
    return recorder.droppedAfterClose();
  }

  /** Spans handed to the reporter in batches it took without throwing. */
  public long spansReported() {
    return recorder.reported();
  }

  /** Spans in batches whose {@link SpanReporter#report} threw. */
  public long spansFailed() {
    return recorder.failed();
  }

  /** Calls to {@link SpanReporter#report} that threw. */
  public long reporterFailures() {
    return recorder.reporterFailures();
  }

  /** Spans waiting in the recorder's queue now. */
  public long queuedSpans() {
    return recorder.queued();
  }

  /** Tags dropped because a span had {@link SpanLimits#maxTags()} already. */
  public long tagsDropped() {
    return tagsDropped.sum();
  }

  /** Events dropped because a span had {@link SpanLimits#maxEvents()} already. */
  public long eventsDropped() {
    return eventsDropped.sum();
  }

  /** Tag values cut to {@link SpanLimits#maxTagValueLength()}. */
  public long tagValuesTruncated() {
    return tagValuesTruncated.sum();
  }

  @Override public String toString() {
    return "TracingMetrics{accepted=" + spansAccepted() + ", dropped=" + spansDropped()
        + ", droppedAfterClose=" + spansDroppedAfterClose() + ", reported=" + spansReported()
        + ", failed=" + spansFailed() + ", queued=" + queuedSpans() + ", tagsDropped=" + tagsDropped()
        + ", eventsDropped=" + eventsDropped() + ", tagValuesTruncated=" + tagValuesTruncated() + "}";
  }
}
