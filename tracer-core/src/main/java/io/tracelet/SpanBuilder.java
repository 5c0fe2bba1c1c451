package io.tracelet;

import java.util.Arrays;

/**
 * Describes a span before it starts: name, kind, parent, remote peer, first tags and start time.
 *
 * <p>By default the parent is the current span of the calling thread; {@link #parent(TraceContext)}
 * or {@link #parent(Span)} choose another, {@link #noParent()} starts a new trace. Sampling is
 * decided in {@link #start()}: a parent's decision is followed, otherwise the {@link Sampler} is
 * asked once for the new trace.
 *
 * <p>Not thread-safe: build and start on one thread. Setting a tag on an unsampled span costs
 * nothing; a builder allocates nothing but itself, which the JIT usually removes.
 */
public final class SpanBuilder {
  private static final String[] NO_TAGS = new String[0];

  private final Tracer tracer;
  private String name;
  private SpanKind kind = SpanKind.INTERNAL;
  private boolean explicitParent;
  private Span parentSpan;
  private TraceContext parentContext;
  private Endpoint remoteEndpoint;
  private String[] tags = NO_TAGS;
  private int tagCount;
  private Baggage baggage;
  private long startTimestamp;

  SpanBuilder(Tracer tracer, String name) {
    this.tracer = tracer;
    this.name = name == null ? "" : name;
  }

  public SpanBuilder name(String name) {
    if (name != null) this.name = name;
    return this;
  }

  /** The span's kind; {@link SpanKind#INTERNAL} by default. Null is ignored. */
  public SpanBuilder kind(SpanKind kind) {
    if (kind != null) this.kind = kind;
    return this;
  }

  /**
   * The parent: a context from another thread or extracted from a carrier. Null, or a context
   * without IDs, starts a new trace (with that context's sampling decision and baggage, if any).
   */
  public SpanBuilder parent(TraceContext parent) {
    this.explicitParent = true;
    this.parentSpan = null;
    this.parentContext = parent;
    return this;
  }

  /** The parent span; null starts a new trace. */
  public SpanBuilder parent(Span parent) {
    this.explicitParent = true;
    this.parentSpan = parent;
    this.parentContext = null;
    return this;
  }

  /** Starts a new trace, whatever span is current. */
  public SpanBuilder noParent() {
    return parent((TraceContext) null);
  }

  /** The peer of a client, server, producer or consumer span. */
  public SpanBuilder remoteEndpoint(Endpoint remote) {
    this.remoteEndpoint = remote;
    return this;
  }

  /** A tag set at start; cheaper than tagging an unsampled span later, and seen by nothing else. */
  public SpanBuilder tag(String key, String value) {
    if (key == null || value == null) return this;
    if (tagCount * 2 == tags.length) tags = Arrays.copyOf(tags, Math.max(4, tags.length * 2));
    tags[2 * tagCount] = key;
    tags[2 * tagCount + 1] = value;
    tagCount++;
    return this;
  }

  /** Adds a baggage entry to the new span's context; children and propagation carry it. */
  public SpanBuilder baggage(String name, String value) {
    if (baggage == null) {
      TraceContext parent = parentContext(localParent());
      baggage = parent == null ? Baggage.empty() : parent.baggage();
    }
    baggage = baggage.with(name, value);
    return this;
  }

  /** The start time in epoch microseconds, for spans recorded after the fact; 0 means now. */
  public SpanBuilder startTimestamp(long epochMicros) {
    this.startTimestamp = epochMicros;
    return this;
  }

  private Span localParent() {
    return explicitParent ? parentSpan : tracer.currentContext().span();
  }

  private TraceContext parentContext(Span localParent) {
    return localParent != null ? localParent.context() : explicitParent ? parentContext : null;
  }

  /** Starts the span: recording when its trace is sampled, a no-op carrying its context otherwise. */
  public Span start() {
    // The builder is passed to nothing that is not inlined, so escape analysis can remove it.
    Span localParent = localParent();
    TraceContext parent = parentContext(localParent);
    if (baggage != null) parent = withBaggage(parent, baggage);
    Span span = tracer.newSpan(name, kind, startTimestamp, parent, localParent);
    if (remoteEndpoint != null) span.remoteEndpoint(remoteEndpoint);
    for (int i = 0; i < tagCount; i++) span.tag(tags[2 * i], tags[2 * i + 1]);
    return span;
  }

  private static TraceContext withBaggage(TraceContext parent, Baggage baggage) {
    return parent == null
        ? TraceContext.newBuilder().baggage(baggage).build()
        : parent.toBuilder().baggage(baggage).build();
  }
}
