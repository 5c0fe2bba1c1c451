package io.tracelet;

import java.util.Objects;

/**
 * The identity of a span and what travels with it across threads and processes: trace ID (64 or
 * 128 bits), span ID, parent span ID, the sampling decision, the debug and shared flags, the W3C
 * {@code tracestate} and baggage.
 *
 * <p>Immutable and safe to share between threads. The lowercase-hex forms of the IDs are computed
 * on first use and cached (a benign race: every thread computes the same string).
 *
 * <p>A context extracted from a carrier may hold a sampling decision with no IDs at all, as B3's
 * {@code X-B3-Sampled: 0} does; {@link #hasIds()} tells. Such a context only steers the new trace
 * that a span started from it opens.
 */
public final class TraceContext {
  static final int SAMPLED_SET = 1;
  static final int SAMPLED = 2;
  static final int DEBUG = 4;
  static final int SHARED = 8;
  static final int RANDOM_TRACE_ID = 16;
  // Made by a span of this process (not extracted from a carrier, not built by hand): a span
  // started from it is a local child, not a local root. Not part of the context's value.
  static final int LOCAL = 32;

  private final long traceIdHigh;
  private final long traceId;
  private final long spanId;
  private final long parentId;
  private final int flags;
  private final String traceState;
  private final Baggage baggage;
  // The provisional span whose context this is, so that children started from the context join
  // its local part; null otherwise. Not part of the context's value: equals and builders ignore it.
  final RealSpan provisionalSpan;
  // Cached on first use; a racing thread computes an identical string.
  private String traceIdHex;
  private String spanIdHex;
  private String parentIdHex;

  TraceContext(long traceIdHigh, long traceId, long spanId, long parentId, int flags,
      String traceState, Baggage baggage) {
    this(traceIdHigh, traceId, spanId, parentId, flags, traceState, baggage, null);
  }

  TraceContext(long traceIdHigh, long traceId, long spanId, long parentId, int flags,
      String traceState, Baggage baggage, RealSpan provisionalSpan) {
    this.provisionalSpan = provisionalSpan;
    this.traceIdHigh = traceIdHigh;
    this.traceId = traceId;
    this.spanId = spanId;
    this.parentId = parentId;
    this.flags = flags;
    this.traceState = traceState;
    this.baggage = baggage;
  }

  /** A builder for contexts read from a carrier (propagators) or made by hand in tests. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** A builder that starts as a copy of this context. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.traceIdHigh = traceIdHigh;
    b.traceId = traceId;
    b.spanId = spanId;
    b.parentId = parentId;
    b.flags = flags;
    b.traceState = traceState;
    b.baggage = baggage;
    return b;
  }

  /** False for a context that carries only a sampling decision (and perhaps baggage). */
  public boolean hasIds() {
    return traceId != 0L;
  }

  /** The upper 64 bits of a 128-bit trace ID, or 0 for a 64-bit trace ID. */
  public long traceIdHigh() {
    return traceIdHigh;
  }

  /** The lower 64 bits of the trace ID; never 0 when {@link #hasIds()}. */
  public long traceId() {
    return traceId;
  }

  /** This span's ID; never 0 when {@link #hasIds()}. */
  public long spanId() {
    return spanId;
  }

  /** The parent span's ID, or 0 for a root span. */
  public long parentId() {
    return parentId;
  }

  /** True when the trace ID has 128 bits. */
  public boolean is128Bit() {
    return traceIdHigh != 0L;
  }

  /**
   * True when this context carries a sampling decision, yes or no; false when the decision is
   * still to be made (by the sampler of the process that starts the next span).
   */
  public boolean hasSamplingDecision() {
    return (flags & SAMPLED_SET) != 0;
  }

  /** True when this trace is sampled; false when unsampled or undecided. */
  public boolean isSampled() {
    return (flags & (SAMPLED_SET | SAMPLED)) == (SAMPLED_SET | SAMPLED);
  }

  /** True when the trace is forced to be recorded and kept (B3's debug flag); implies sampled. */
  public boolean debug() {
    return (flags & DEBUG) != 0;
  }

  /** True when this span's ID was created by a remote client and is shared with it (B3 join). */
  public boolean shared() {
    return (flags & SHARED) != 0;
  }

  /**
   * True when the trace ID is known to be random in its rightmost 7 bytes (W3C Trace Context
   * Level 2's {@code random} flag). Trace IDs made by Tracelet always are.
   */
  public boolean traceIdRandom() {
    return (flags & RANDOM_TRACE_ID) != 0;
  }

  /** The W3C {@code tracestate} received with this trace, passed on untouched; may be null. */
  public String traceState() {
    return traceState;
  }

  /** The baggage carried with this trace; never null, {@link Baggage#empty()} when there is none. */
  public Baggage baggage() {
    return baggage;
  }

  /** The trace ID as 32 (128-bit) or 16 (64-bit) lowercase hex characters. */
  public String traceIdHex() {
    String s = traceIdHex;
    if (s == null) {
      traceIdHex = s = traceIdHigh != 0L ? Hex.of(traceIdHigh, traceId) : Hex.of(traceId);
    }
    return s;
  }

  /**
   * Takes the hex strings {@code parent} has already made of this context's trace ID and of its own span
   * ID (this context's parent ID), so that a child injected after its parent was (a client call in a
   * server span whose IDs went into the log context) does not encode them again. Before publication
   * only; reading the parent's cache races benignly, as strings are immutable. Returns this context.
   */
  TraceContext withHexOf(TraceContext parent) {
    if (parent.traceId == traceId && parent.traceIdHigh == traceIdHigh) traceIdHex = parent.traceIdHex;
    if (parentId != 0L && parent.spanId == parentId) parentIdHex = parent.spanIdHex;
    return this;
  }

  /** The span ID as 16 lowercase hex characters. */
  public String spanIdHex() {
    String s = spanIdHex;
    if (s == null) spanIdHex = s = Hex.of(spanId);
    return s;
  }

  /** The parent ID as 16 lowercase hex characters, or null for a root span. */
  public String parentIdHex() {
    String s = parentIdHex;
    if (s == null && parentId != 0L) parentIdHex = s = Hex.of(parentId);
    return s;
  }

  int flags() {
    return flags;
  }

  @Override public boolean equals(Object o) {
    if (o == this) return true;
    if (!(o instanceof TraceContext)) return false;
    TraceContext that = (TraceContext) o;
    return traceIdHigh == that.traceIdHigh && traceId == that.traceId && spanId == that.spanId
        && parentId == that.parentId && (flags & ~LOCAL) == (that.flags & ~LOCAL)
        && Objects.equals(traceState, that.traceState) && baggage.equals(that.baggage);
  }

  @Override public int hashCode() {
    return Long.hashCode(traceIdHigh ^ traceId ^ spanId) * 31 + (flags & ~LOCAL);
  }

  @Override public String toString() {
    String decision = isSampled() ? " sampled" : hasSamplingDecision() ? " unsampled" : " undecided";
    if (!hasIds()) return "TraceContext{" + decision.substring(1) + "}";
    return traceIdHex() + "/" + spanIdHex() + (parentId != 0L ? "<" + parentIdHex() : "")
        + decision
        + (debug() ? " debug" : "") + (shared() ? " shared" : "");
  }

  /**
   * Builds a {@link TraceContext}. Not thread-safe; meant to be used and dropped by one thread.
   * {@link #build()} validates: a trace ID without a span ID (or the reverse) is refused.
   */
  public static final class Builder {
    long traceIdHigh, traceId, spanId, parentId;
    int flags;
    String traceState;
    Baggage baggage = Baggage.empty();

    Builder() {
    }

    /** The trace ID: upper 64 bits (0 for a 64-bit ID) and lower 64 bits (never 0). */
    public Builder traceId(long high, long low) {
      this.traceIdHigh = high;
      this.traceId = low;
      return this;
    }

    public Builder spanId(long spanId) {
      this.spanId = spanId;
      return this;
    }

    /** The parent span's ID, 0 for none. */
    public Builder parentId(long parentId) {
      this.parentId = parentId;
      return this;
    }

    /** {@code TRUE}, {@code FALSE} or {@code null} (not decided). */
    public Builder sampled(Boolean sampled) {
      flags &= ~(SAMPLED_SET | SAMPLED);
      if (sampled != null) flags |= SAMPLED_SET | (sampled ? SAMPLED : 0);
      return this;
    }

    /** Debug forces sampling on. */
    public Builder debug(boolean debug) {
      flags = debug ? flags | DEBUG | SAMPLED_SET | SAMPLED : flags & ~DEBUG;
      return this;
    }

    public Builder shared(boolean shared) {
      flags = shared ? flags | SHARED : flags & ~SHARED;
      return this;
    }

    public Builder traceIdRandom(boolean random) {
      flags = random ? flags | RANDOM_TRACE_ID : flags & ~RANDOM_TRACE_ID;
      return this;
    }

    /** The W3C {@code tracestate} header value to pass on; null or empty for none. */
    public Builder traceState(String traceState) {
      this.traceState = traceState == null || traceState.isEmpty() ? null : traceState;
      return this;
    }

    public Builder baggage(Baggage baggage) {
      this.baggage = baggage == null ? Baggage.empty() : baggage;
      return this;
    }

    /**
     * The context. Either both trace ID and span ID are set (non-zero), or neither is, which makes
     * a context that carries only a sampling decision and baggage.
     *
     * @throws IllegalStateException when only one of trace ID and span ID is set
     */
    public TraceContext build() {
      if ((traceId == 0L) != (spanId == 0L)) {
        throw new IllegalStateException("trace ID and span ID must both be set or both be 0");
      }
      if (traceId == 0L && (traceIdHigh != 0L || parentId != 0L)) {
        throw new IllegalStateException("a context without IDs cannot have a parent or high trace ID bits");
      }
      return new TraceContext(traceIdHigh, traceId, spanId, parentId, flags, traceState, baggage);
    }
  }
}
