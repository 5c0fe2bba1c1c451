package io.tracelet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The span of a head-unsampled trace that {@code SpanMetrics} measures (a server span, say): it
 * records what the metrics need and nothing else, its name (renames count), kind, start and
 * whether it failed, and at finish hands them to the tracing's span meter. It is never reported.
 *
 * <p>It says it is recording, so that integrations name it, set its status and record its error as
 * they do on a sampled span (OpenTelemetry's record-only spans do the same); tags other than
 * {@code error}, events and the remote endpoint are dropped. Its context is built on first use, as
 * a {@link NoopSpan}'s is. One object of 72 bytes (with compressed references).
 *
 * <p>Only spans of measured kinds under {@code SpanMetrics}, without a keep policy, are these (a
 * keep policy records unsampled spans provisionally, and those are measured as recording spans):
 * every other unsampled span stays a {@link NoopSpan}.
 */
final class MeasuredSpan extends Span {
  private static final int FINISHED = 1;
  private static final int ABANDONED = 2;
  private static final int ERROR = 4;
  private static final int NO_ANCHOR = 8; // start is epoch microseconds given explicitly, not a nanoTime
  private static final VarHandle STATUS;

  static {
    try {
      STATUS = MethodHandles.lookup().findVarHandle(MeasuredSpan.class, "status", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final TraceContext template; // the parent (or extracted) context, or null for a root
  private final long traceIdHigh;
  private final long traceId;
  private final long spanId;
  private final long start; // a nanoTime reading, or epoch microseconds with NO_ANCHOR
  private final SpanKind kind;
  private String name;
  private TraceContext context; // built once when asked; racing threads build equal values
  @SuppressWarnings("unused") // accessed through STATUS
  private volatile int status;

  private MeasuredSpan(TracingState state, TraceContext template, long traceIdHigh, long traceId, long spanId,
      String name, SpanKind kind, long start, int status) {
    super(state);
    this.template = template;
    this.traceIdHigh = traceIdHigh;
    this.traceId = traceId;
    this.spanId = spanId;
    this.name = name;
    this.kind = kind;
    this.start = start;
    this.status = status;
  }

  /** Starts one now, or at {@code startTimestamp} (epoch microseconds) when that is not 0. */
  static MeasuredSpan start(TracingState state, TraceContext template, long traceIdHigh, long traceId,
      long spanId, String name, SpanKind kind, long startTimestamp) {
    return startTimestamp != 0L
        ? new MeasuredSpan(state, template, traceIdHigh, traceId, spanId, name, kind, startTimestamp, NO_ANCHOR)
        : new MeasuredSpan(state, template, traceIdHigh, traceId, spanId, name, kind, state.clock.nanoTime(), 0);
  }

  @Override public TraceContext context() {
    TraceContext c = context;
    if (c == null) context = c = NoopSpan.unsampledContext(template, traceIdHigh, traceId, spanId);
    return c;
  }

  /** True: it records its name and error for span metrics (see the class comment). */
  @Override public boolean isRecording() {
    return true;
  }

  @Override public boolean isKept() {
    return false;
  }

  @Override public void markDownstreamKept() {
  }

  @Override public Span name(String name) {
    if (name != null && isLive()) this.name = name;
    return this;
  }

  /** Only {@code error} counts: it marks the span failed. */
  @Override public Span tag(String key, String value) {
    if (value != null && "error".equals(key)) markError();
    return this;
  }

  @Override public Span tag(String key, long value) {
    if ("error".equals(key)) markError();
    return this;
  }

  @Override public Span event(String name) {
    return this;
  }

  @Override public Span event(long epochMicros, String name) {
    return this;
  }

  @Override public Span error(Throwable error) {
    if (error != null) markError();
    return this;
  }

  private void markError() {
    if (isLive()) STATUS.getAndBitwiseOr(this, ERROR); // atomic: never loses a concurrent finish
  }

  @Override public Span remoteEndpoint(Endpoint remote) {
    return this;
  }

  @Override public void finish() {
    int s = (int) STATUS.getAndBitwiseOr(this, FINISHED); // volatile: one finish or abandon wins
    if ((s & (FINISHED | ABANDONED)) != 0) return;
    long nanos = (s & NO_ANCHOR) == 0
        ? state.clock.nanoTime() - start
        : (state.clock.epochMicros() - start) * 1000L;
    ended(s, nanos);
  }

  @Override public void finish(long epochMicros) {
    int s = (int) STATUS.getAndBitwiseOr(this, FINISHED);
    if ((s & (FINISHED | ABANDONED)) != 0) return;
    long startMicros = (s & NO_ANCHOR) == 0 ? state.epochMicrosAt(start) : start;
    ended(s, (epochMicros - startMicros) * 1000L);
  }

  private void ended(int status, long nanos) {
    state.meter.ended(this, name, kind, (status & ERROR) != 0, Math.max(0L, nanos), 0L, false);
  }

  @Override public void abandon() {
    STATUS.getAndBitwiseOr(this, ABANDONED);
  }

  private boolean isLive() {
    return (status & (FINISHED | ABANDONED)) == 0;
  }

  @Override long childEpochMicrosAt(long nanos) {
    return state.epochMicrosAt(nanos);
  }

  @Override public String toString() {
    return "MeasuredSpan{" + name + " " + kind + " " + context() + "}";
  }
}
