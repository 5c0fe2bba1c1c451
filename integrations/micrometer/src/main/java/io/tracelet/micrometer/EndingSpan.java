package io.tracelet.micrometer;

import io.tracelet.TraceContext;

/**
 * The span whose measurement {@link TraceletMetrics} is recording on this thread, for
 * {@link TraceletSpanContext} to offer as an exemplar. Set only for the duration of one record call,
 * on the thread that ends the span.
 */
final class EndingSpan {
  /** Marks a record call for a span that was not recorded: it must not become an exemplar. */
  static final TraceContext NOT_RECORDED = TraceContext.newBuilder().traceId(0L, 1L).spanId(1L).build();

  private static final ThreadLocal<TraceContext> CURRENT = new ThreadLocal<>();

  private EndingSpan() {
  }

  /**
   * Sets the ending span ({@link #NOT_RECORDED} for one that was not recorded) and returns what was
   * set before, for {@link #restore(TraceContext)}.
   */
  static TraceContext set(TraceContext context) {
    TraceContext previous = CURRENT.get();
    CURRENT.set(context);
    return previous;
  }

  static void restore(TraceContext previous) {
    CURRENT.set(previous);
  }

  /** The ending span, {@link #NOT_RECORDED}, or null outside a record call. */
  static TraceContext get() {
    return CURRENT.get();
  }
}
