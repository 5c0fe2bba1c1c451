package io.tracelet;

/**
 * The span of an unsampled trace, or a remote context made current without a span. Records
 * nothing. Its context is built on first use from the IDs and a template context, which keeps an
 * unsampled span at 48 bytes (one object) when nobody asks for its context.
 */
final class NoopSpan extends Span {
  // Flags of an unsampled root this process starts: decided no, with a random trace ID, made here.
  private static final int ROOT_FLAGS = TraceContext.SAMPLED_SET | TraceContext.RANDOM_TRACE_ID | TraceContext.LOCAL;

  private final TraceContext template; // the parent (or extracted) context, or null for a root
  private final long traceIdHigh;
  private final long traceId;
  private final long spanId;
  private TraceContext context; // built once when asked; racing threads build equal values

  NoopSpan(TracingState state, TraceContext template, long traceIdHigh, long traceId, long spanId) {
    super(state);
    this.template = template;
    this.traceIdHigh = traceIdHigh;
    this.traceId = traceId;
    this.spanId = spanId;
  }

  /** A no-op span whose context is exactly {@code context}: a remote or captured context. */
  NoopSpan(TracingState state, TraceContext context) {
    this(state, null, context.traceIdHigh(), context.traceId(), context.spanId());
    this.context = context;
  }

  @Override public TraceContext context() {
    TraceContext c = context;
    if (c == null) context = c = unsampledContext(template, traceIdHigh, traceId, spanId);
    return c;
  }

  /**
   * The context of a span this process started in an unsampled trace: decided no, made here, the
   * parent's tracestate and baggage, if any ({@code template}: the parent or extracted context, or
   * null for a root).
   */
  static TraceContext unsampledContext(TraceContext template, long traceIdHigh, long traceId, long spanId) {
    if (template == null) return new TraceContext(traceIdHigh, traceId, spanId, 0L, ROOT_FLAGS, null, Baggage.empty());
    int keep = template.flags() & TraceContext.RANDOM_TRACE_ID;
    int flags = (template.hasIds() ? keep : TraceContext.RANDOM_TRACE_ID) | TraceContext.SAMPLED_SET | TraceContext.LOCAL;
    return new TraceContext(traceIdHigh, traceId, spanId, template.spanId(), flags,
        template.traceState(), template.baggage()).withHexOf(template);
  }

  @Override public boolean isRecording() {
    return false;
  }

  @Override public boolean isKept() {
    return false;
  }

  @Override public void markDownstreamKept() {
  }

  @Override public Span name(String name) {
    return this;
  }

  @Override public Span tag(String key, String value) {
    return this;
  }

  @Override public Span event(String name) {
    return this;
  }

  @Override public Span event(long epochMicros, String name) {
    return this;
  }

  @Override public Span error(Throwable error) {
    return this;
  }

  @Override public Span remoteEndpoint(Endpoint remote) {
    return this;
  }

  @Override public void finish() {
  }

  @Override public void finish(long epochMicros) {
  }

  @Override public void abandon() {
  }

  @Override long childEpochMicrosAt(long nanos) {
    return state.epochMicrosAt(nanos);
  }

  @Override public String toString() {
    return "NoopSpan{" + context() + "}";
  }
}
