package io.tracelet;

import java.time.Duration;
import java.util.Map;

/**
 * What happened to the spans of one {@link Tracing}, and what its limits cut: a read-only view, to
 * read directly or bind to a metrics system. Every span this process recorded is here, and every
 * one that was lost, with why.
 *
 * <p>Every finished span of a recorded trace is either accepted by the recorder or dropped
 * ({@link #spansDropped()}: the queue was full; {@link #spansDroppedAfterClose()}). Each accepted
 * span then ends in exactly one of {@link #spansReported()}, {@link #spansFailed()} (the reporter
 * failed it) and {@link #spansUndelivered()} (still queued when {@link Tracing#close(Duration)}
 * gave up), and until then counts as {@link #spansQueued()}:
 * {@code spansAccepted == spansReported + spansFailed + spansUndelivered + spansQueued}, exactly
 * once tracing is closed.
 *
 * <p>Thread-safe; every getter is a cheap read of a count that only grows (but {@link
 * #spansQueued()}); {@link #spansLostByCause()} allocates a snapshot.
 */
public final class TracingCounters {
  private final SpanRecorder recorder;
  private final LimitCounters limits;
  private final Keeper keeper; // null without a keep policy

  TracingCounters(SpanRecorder recorder, LimitCounters limits, Keeper keeper) {
    this.recorder = recorder;
    this.limits = limits;
    this.keeper = keeper;
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

  /** Spans the reporter took without reporting a failure. */
  public long spansReported() {
    return recorder.reported();
  }

  /**
   * Spans the reporter failed: in a batch whose {@link SpanReporter#report} threw, or counted by
   * the {@link ReportException} it threw (a Zipkin server that refused a message, say).
   */
  public long spansFailed() {
    return recorder.failed();
  }

  /** Accepted spans that {@link Tracing#close(Duration)} could not deliver within its timeout. */
  public long spansUndelivered() {
    return recorder.undelivered();
  }

  /** Accepted spans not yet reported, failed or undelivered: queued, or with the reporter now. */
  public long spansQueued() {
    return recorder.queued();
  }

  /**
   * Every span lost, by cause: {@code QueueFull} ({@link #spansDropped()}), {@code Closed}
   * ({@link #spansDroppedAfterClose()}), {@code CloseTimeout} ({@link #spansUndelivered()}), and
   * the reporter's causes of {@link #spansFailed()}: the {@link ReportException#reason()} it gave,
   * or the simple class name of what it threw. Causes with no span are absent; sorted by name.
   */
  public Map<String, Long> spansLostByCause() {
    return recorder.lostByCause();
  }

  /**
   * Local parts of head-unsampled traces the {@link KeepPolicy} kept, by reason ({@value
   * KeepPolicy#ERROR}, {@value KeepPolicy#SLOW}, {@value KeepPolicy#DOWNSTREAM}); empty without a
   * keep policy. Their spans are then counted as accepted, like head-sampled ones.
   */
  public Map<String, Long> localTracesKept() {
    return keeper == null ? Map.of() : keeper.keptByReason();
  }

  /** Local parts the keep policy decided not to keep (or whose root was abandoned). */
  public long localTracesDiscarded() {
    return keeper == null ? 0L : keeper.discarded.sum();
  }

  /**
   * Provisional spans dropped because their local part, or the process, held as many as the keep
   * policy allows; a local part kept after that is reported without them.
   */
  public long provisionalSpansOverflowed() {
    return keeper == null ? 0L : keeper.overflowed.sum();
  }

  /** Provisional spans held now, waiting for their local root to finish. */
  public long provisionalSpansPending() {
    return keeper == null ? 0L : keeper.pendingSpans();
  }

  /** Tags dropped because a span had {@link SpanLimits#maxTags()} already. */
  public long tagsDropped() {
    return limits.tagsDropped.sum();
  }

  /** Events dropped because a span had {@link SpanLimits#maxEvents()} already. */
  public long eventsDropped() {
    return limits.eventsDropped.sum();
  }

  /** Tag values cut to {@link SpanLimits#maxTagValueLength()}. */
  public long tagValuesTruncated() {
    return limits.tagValuesTruncated.sum();
  }

  @Override public String toString() {
    return "TracingCounters{accepted=" + spansAccepted() + ", reported=" + spansReported()
        + ", queued=" + spansQueued() + ", lost=" + spansLostByCause() + ", tagsDropped=" + tagsDropped()
        + ", eventsDropped=" + eventsDropped() + ", tagValuesTruncated=" + tagValuesTruncated() + "}";
  }
}
