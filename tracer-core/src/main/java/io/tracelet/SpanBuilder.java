package io.tracelet;

import io.tracelet.internal.SpanMeter;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Describes a span before it starts: name, kind, parent, remote peer, first tags and start time.
 *
 * <p>By default the parent is the current span of the calling thread; {@link #parent(TraceContext)}
 * or {@link #parent(Span)} choose another, {@link #noParent()} starts a new trace. Sampling is
 * decided in {@link #start()}: a parent's decision is followed, otherwise the {@link Sampler} is
 * asked once for the new trace.
 *
 * <p>Not thread-safe: build and start on one thread. The builder keeps its first two tags in
 * fields and allocates an array only from the third, so a builder with up to two tags allocates
 * nothing but itself, which the JIT removes when the builder does not escape: an unsampled span
 * started with two tags costs what one without tags costs (the {@code unsampledSpanWithBuilderTags}
 * benchmark shows it).
 */
public final class SpanBuilder {
  private final TracingState state;
  private String name;
  private SpanKind kind = SpanKind.INTERNAL;
  private boolean explicitParent;
  private Span parentSpan;
  private TraceContext parentContext;
  private Endpoint remoteEndpoint;
  private String key0, value0, key1, value1;
  private String[] moreTags; // from the third tag: key, value, key, value...
  private int tagCount;
  private Baggage baggage;
  private long startTimestamp;

  SpanBuilder(TracingState state, String name) {
    this.state = state;
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

  /**
   * A tag set at start, as {@link Span#tag(String, String)} would set it: a sampled span gets it,
   * an unsampled one ignores it. The first two cost nothing on an unsampled span.
   */
  public SpanBuilder tag(String key, String value) {
    if (key == null || value == null) return this;
    int i = tagCount++;
    if (i == 0) {
      key0 = key;
      value0 = value;
    } else if (i == 1) {
      key1 = key;
      value1 = value;
    } else {
      int at = 2 * (i - 2);
      if (moreTags == null) {
        moreTags = new String[8];
      } else if (at == moreTags.length) {
        moreTags = Arrays.copyOf(moreTags, at * 2);
      }
      moreTags[at] = key;
      moreTags[at + 1] = value;
    }
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
    return explicitParent ? parentSpan : state.currentContext.span();
  }

  private TraceContext parentContext(Span localParent) {
    return localParent != null ? localParent.context() : explicitParent ? parentContext : null;
  }

  /**
   * Starts the span: recording when its trace is sampled, a no-op carrying its context otherwise.
   * A parent's decision is followed; a new trace asks the sampler.
   */
  public Span start() {
    // Small enough to be inlined: the builder then goes to nothing that is not inlined, so escape
    // analysis removes it. The work is in create(), which takes the builder's fields, not the builder.
    Span localParent = localParent();
    TraceContext parent = parentContext(localParent);
    if (baggage != null) parent = withBaggage(parent, baggage);
    return create(state, name, kind, startTimestamp, parent, localParent, remoteEndpoint,
        tagCount, key0, value0, key1, value1, moreTags);
  }

  // Takes the builder's fields, never the builder, so that start() stays small. Decides the IDs and
  // sampling; an unsampled span without a keep policy ends here (small enough to be inlined, so that
  // path allocates its no-op and nothing else), measured or not; a recorded one goes on in record().
  private static Span create(TracingState state, String name, SpanKind kind, long startTimestamp,
      TraceContext parent, Span localParent, Endpoint remoteEndpoint,
      int tagCount, String key0, String value0, String key1, String value1, String[] moreTags) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    boolean join = parent != null && parent.hasIds();
    long traceIdHigh = join ? parent.traceIdHigh() : state.traceId128Bit ? TracingState.nextId(random) : 0L;
    long traceId = join ? parent.traceId() : TracingState.nextId(random);
    // A new root's span ID is its trace ID's low half, as Brave does: one random number fewer.
    long spanId = join ? TracingState.nextId(random) : traceId;
    boolean debug = parent != null && parent.debug();
    boolean sampled = debug || (parent != null && parent.hasSamplingDecision()
        ? parent.isSampled() : state.sample(traceId, name, kind));
    if (!sampled && state.keeper == null) {
      return unsampled(state, name, kind, startTimestamp, parent, traceIdHigh, traceId, spanId);
    }
    int flags = (sampled ? TraceContext.SAMPLED_SET | TraceContext.SAMPLED : TraceContext.SAMPLED_SET)
        | (debug ? TraceContext.DEBUG : 0) | TraceContext.LOCAL
        | (join ? parent.flags() & TraceContext.RANDOM_TRACE_ID : TraceContext.RANDOM_TRACE_ID);
    return record(state, name, kind, startTimestamp, parent, localParent, remoteEndpoint,
        tagCount, key0, value0, key1, value1, moreTags, traceIdHigh, traceId, spanId, flags);
  }

  /**
   * The span of a head-unsampled trace without a keep policy: the no-op, or, for a kind that span
   * metrics measure, a span that records what they need.
   */
  private static Span unsampled(TracingState state, String name, SpanKind kind, long startTimestamp,
      TraceContext parent, long traceIdHigh, long traceId, long spanId) {
    SpanMeter meter = state.meter;
    if (meter == null || !meter.measures(kind, isLocalRoot(parent))) {
      return new NoopSpan(state, parent, traceIdHigh, traceId, spanId);
    }
    return MeasuredSpan.start(state, parent, traceIdHigh, traceId, spanId, name, kind, startTimestamp);
  }

  /** A recording span: sampled, or provisional under a keep policy (flags without SAMPLED). */
  private static RealSpan record(TracingState state, String name, SpanKind kind, long startTimestamp,
      TraceContext parent, Span localParent, Endpoint remoteEndpoint,
      int tagCount, String key0, String value0, String key1, String value1, String[] moreTags,
      long traceIdHigh, long traceId, long spanId, int flags) {
    LocalTrace localTrace = (flags & TraceContext.SAMPLED) == 0 ? provisionalParentTrace(state, parent) : null;
    long start = startTimestamp;
    long startNanos;
    if (start != 0L) {
      startNanos = RealSpan.NO_ANCHOR;
    } else {
      startNanos = state.clock.nanoTime();
      // A local child's time derives from its parent's anchor, never from a new wall-clock read.
      start = localParent != null ? localParent.childEpochMicrosAt(startNanos) : state.epochMicrosAt(startNanos);
    }
    RealSpan span = new RealSpan(state, parent, traceIdHigh, traceId, spanId, flags, name, kind, start, startNanos,
        localTrace);
    if (remoteEndpoint != null) span.remoteEndpoint(remoteEndpoint);
    if (tagCount > 0) span.tag(key0, value0);
    if (tagCount > 1) span.tag(key1, value1);
    for (int i = 0; i < tagCount - 2; i++) span.tag(moreTags[2 * i], moreTags[2 * i + 1]);
    return span;
  }

  /**
   * True for a span whose parent is no span of this process: a new trace, or a context extracted
   * from a carrier (or built by hand).
   */
  static boolean isLocalRoot(TraceContext parent) {
    return parent == null || (parent.flags() & TraceContext.LOCAL) == 0;
  }

  /**
   * For a provisional span: the local part it joins, when its parent is a provisional span of this
   * tracing; null makes it a local root.
   */
  private static LocalTrace provisionalParentTrace(TracingState state, TraceContext parent) {
    RealSpan provisionalParent = parent == null ? null : parent.provisionalSpan;
    return provisionalParent != null && provisionalParent.state == state ? provisionalParent.localTraceForChild() : null;
  }

  private static TraceContext withBaggage(TraceContext parent, Baggage baggage) {
    return parent == null
        ? TraceContext.newBuilder().baggage(baggage).build()
        : parent.toBuilder().baggage(baggage).build();
  }
}
