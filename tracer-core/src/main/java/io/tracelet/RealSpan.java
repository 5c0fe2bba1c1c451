package io.tracelet;

import io.tracelet.internal.SpanMeter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The span of a sampled trace: one mutable object from start to report, holding the tracing's
 * shared state for its clock, limits and recorder. After finish it is never changed again (but for
 * the keep tag a {@link LocalTrace} adds before handing it on) and is handed, as it is, to the
 * recorder and the reporter.
 *
 * <p>A provisional span (a head-unsampled trace under a {@link KeepPolicy}) is the same object
 * with a {@link LocalTrace}: at finish it goes to its local part instead of the recorder.
 */
final class RealSpan extends Span implements FinishedSpan {
  private static final int LIVE = 0;
  private static final int FINISHED = 1;
  private static final int ABANDONED = 2;
  static final long NO_ANCHOR = Long.MIN_VALUE;
  private static final VarHandle LIFECYCLE;
  private static final VarHandle LOCAL_TRACE;

  static {
    try {
      LIFECYCLE = MethodHandles.lookup().findVarHandle(RealSpan.class, "lifecycle", int.class);
      LOCAL_TRACE = MethodHandles.lookup().findVarHandle(RealSpan.class, "localTrace", LocalTrace.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final TraceContext parent; // supplies parentId, tracestate and baggage; null for a plain root
  private final long traceIdHigh;
  private final long traceId;
  private final long spanId;
  private final int flags;
  private final long startTimestamp;
  private final long startNanos; // NO_ANCHOR when the start time was given explicitly
  private final SpanKind kind;
  // Provisional spans only: a child's local part, set at start; a root's, set by its first child or
  // a downstream keep (compare-and-set), or left decided by the root alone at finish. Read with
  // acquire (localTrace()); not volatile, so that a head-sampled span's constructor pays no fence.
  private LocalTrace localTrace;
  private TraceContext context;
  private String name;
  private Endpoint remoteEndpoint;
  private long duration;
  // The first two tags in fields, for most spans have at most two: no array to allocate. The
  // others as key, value, key, value... in an array allocated at the third tag.
  private String key0, value0, key1, value1;
  private String[] moreTags;
  private int tagCount;
  private long[] eventTimes;
  private String[] eventNames;
  private int eventCount;
  private Throwable error;
  @SuppressWarnings("unused") // accessed through LIFECYCLE
  private volatile int lifecycle;

  RealSpan(TracingState state, TraceContext parent, long traceIdHigh, long traceId, long spanId,
      int flags, String name, SpanKind kind, long startTimestamp, long startNanos, LocalTrace localTrace) {
    super(state);
    if (localTrace != null) this.localTrace = localTrace;
    this.parent = parent;
    this.traceIdHigh = traceIdHigh;
    this.traceId = traceId;
    this.spanId = spanId;
    this.flags = flags;
    this.name = name;
    this.kind = kind;
    this.startTimestamp = startTimestamp;
    this.startNanos = startNanos;
  }

  /** Epoch microseconds now, on this span's clock anchor. */
  private long nowMicros() {
    return hasClockAnchor() ? epochMicrosAt(state.clock.nanoTime()) : state.clock.epochMicros();
  }

  /** False when the start time was given explicitly: then nothing ties this span to nanoTime. */
  private boolean hasClockAnchor() {
    return startNanos != NO_ANCHOR;
  }

  /** The epoch microseconds at {@code nanos} (a nanoTime reading), on this span's clock anchor. */
  private long epochMicrosAt(long nanos) {
    return startTimestamp + (nanos - startNanos) / 1000L;
  }

  @Override long childEpochMicrosAt(long nanos) {
    return hasClockAnchor() ? epochMicrosAt(nanos) : state.epochMicrosAt(nanos);
  }

  @Override public TraceContext context() {
    TraceContext c = context;
    if (c == null) {
      c = new TraceContext(traceIdHigh, traceId, spanId, parentId(), flags,
          parent == null ? null : parent.traceState(),
          parent == null ? Baggage.empty() : parent.baggage(), isProvisional() ? this : null);
      if (parent != null) c.withHexOf(parent);
      context = c;
    }
    return c;
  }

  /** True for a span of a head-unsampled trace, recorded under a keep policy. */
  private boolean isProvisional() {
    return (flags & TraceContext.SAMPLED) == 0;
  }

  private LocalTrace localTrace() {
    return (LocalTrace) LOCAL_TRACE.getAcquire(this); // acquire: pairs with the compare-and-sets
  }

  @Override public boolean isKept() {
    if (!isProvisional()) return true;
    LocalTrace t = localTrace();
    return t != null ? t.isKeptSoFar() : LocalTrace.reasonAlone(state.keeper.policy, this, elapsedMicros()) != null;
  }

  @Override public void markDownstreamKept() {
    if (isProvisional()) localTraceForChild().markDownstreamKept();
  }

  /** Microseconds since start, now. */
  long elapsedMicros() {
    return nowMicros() - startTimestamp;
  }

  /**
   * The local part a child of this provisional span joins: its own, made now for a root that has
   * none yet, or the decided one a root left behind when it finished alone.
   */
  LocalTrace localTraceForChild() {
    LocalTrace t = localTrace();
    if (t != null) return t;
    t = state.keeper.newLocalTrace(this);
    return LOCAL_TRACE.compareAndSet(this, null, t) ? t : localTrace(); // volatile CAS: one local part per root
  }

  /** True when the span recorded an error or has an {@code error} tag. */
  boolean hasError() {
    return error != null || tagIndex("error") < tagCount;
  }

  /** Adds the keep tag to a finished provisional span, before it is handed on. */
  void tagKept(String reason) {
    putTag(KeepPolicy.TAG, reason, Integer.MAX_VALUE);
  }

  @Override public boolean isRecording() {
    return true;
  }

  @Override public Span name(String name) {
    if (name != null && isLive()) this.name = name;
    return this;
  }

  @Override public Span tag(String key, String value) {
    if (key == null || value == null || !isLive()) return this;
    putTag(key, value, state.limits.maxTags());
    if (isProvisional() && key.equals("error")) markError();
    return this;
  }

  private void putTag(String key, String value, int maxTags) {
    int count = tagCount;
    int i = tagIndex(key);
    if (i == count && count >= maxTags) {
      state.limitCounters.tagsDropped.increment();
      return;
    }
    int maxLength = state.limits.maxTagValueLength();
    if (value.length() > maxLength) {
      value = truncate(value, maxLength);
      state.limitCounters.tagValuesTruncated.increment();
    }
    if (i == 0) {
      key0 = key;
      value0 = value;
    } else if (i == 1) {
      key1 = key;
      value1 = value;
    } else {
      int at = 2 * (i - 2);
      String[] more = moreTags;
      if (more == null) {
        more = moreTags = new String[8];
      } else if (at == more.length) {
        more = moreTags = Arrays.copyOf(more, more.length * 2);
      }
      more[at] = key;
      more[at + 1] = value;
    }
    if (i == count) tagCount = count + 1;
  }

  /** The index of tag {@code key}, or {@link #tagCount} when there is none. */
  private int tagIndex(String key) {
    int i = 0;
    while (i < tagCount && !tagKey(i).equals(key)) i++;
    return i;
  }

  static String truncate(String value, int length) {
    if (Character.isHighSurrogate(value.charAt(length - 1))) length--; // keep pairs whole
    return value.substring(0, length);
  }

  @Override public Span event(String name) {
    return isLive() ? event(nowMicros(), name) : this;
  }

  @Override public Span event(long epochMicros, String name) {
    if (name == null || !isLive()) return this;
    int count = eventCount;
    if (count >= state.limits.maxEvents()) {
      state.limitCounters.eventsDropped.increment();
      return this;
    }
    if (eventTimes == null) {
      eventTimes = new long[2];
      eventNames = new String[2];
    } else if (count == eventTimes.length) {
      eventTimes = Arrays.copyOf(eventTimes, count * 2);
      eventNames = Arrays.copyOf(eventNames, count * 2);
    }
    eventTimes[count] = epochMicros;
    eventNames[count] = name;
    eventCount = count + 1;
    return this;
  }

  @Override public Span error(Throwable error) {
    if (error != null && isLive()) {
      this.error = error;
      if (isProvisional()) markError();
    }
    return this;
  }

  @Override public Span remoteEndpoint(Endpoint remote) {
    if (isLive()) this.remoteEndpoint = remote;
    return this;
  }

  @Override public void finish() {
    if (!LIFECYCLE.compareAndSet(this, LIVE, FINISHED)) return; // volatile CAS: one finish wins
    long nanos;
    if (!hasClockAnchor()) {
      duration = Math.max(0L, state.clock.epochMicros() - startTimestamp);
      nanos = duration * 1000L;
    } else {
      nanos = Math.max(0L, state.clock.nanoTime() - startNanos);
      duration = Math.max(1L, (nanos + 500L) / 1000L);
    }
    ended(nanos);
  }

  @Override public void finish(long epochMicros) {
    if (!LIFECYCLE.compareAndSet(this, LIVE, FINISHED)) return;
    duration = Math.max(0L, epochMicros - startTimestamp);
    ended(duration * 1000L);
  }

  /** Records the finished span, then measures it when span metrics measure its kind. */
  private void ended(long durationNanos) {
    boolean recorded = record();
    SpanMeter meter = state.meter;
    if (meter != null && meter.measures(kind, SpanBuilder.isLocalRoot(parent))) {
      // Once per span, at finish, whatever the keep policy decides for it later.
      meter.ended(this, name, kind, hasError(), durationNanos, startTimestamp + duration, recorded);
    }
  }

  /**
   * Hands the finished span on: to the recorder when sampled, else to its local part. True when it
   * is recorded: sampled, or provisional and kept by then (a root decides its part now).
   */
  private boolean record() {
    if (error != null && tagIndex("error") == tagCount) {
      String message = error.getMessage();
      // Past the tag limit on purpose: a failed span must show as failed.
      putTag("error", message == null || message.isEmpty() ? error.getClass().getSimpleName() : message,
          Integer.MAX_VALUE);
    }
    if (!isProvisional()) {
      state.recorder.offer(this);
      return true;
    }
    LocalTrace t = localTrace();
    if (t == null) { // a root alone decides alone, and leaves its decision for a child started late
      String why = LocalTrace.reasonAlone(state.keeper.policy, this, duration);
      if (LOCAL_TRACE.compareAndSet(this, null, LocalTrace.decidedAlone(why))) {
        if (why == null) {
          state.keeper.discarded.increment();
          return false;
        }
        state.keeper.kept(why);
        tagKept(why);
        state.recorder.offer(this);
        return true;
      }
      t = localTrace(); // a child made one meanwhile
    }
    return t.finished(this);
  }

  private void markError() {
    LocalTrace t = localTrace();
    if (t != null) t.markError(); // a root alone reads its own error at finish
  }

  @Override public void abandon() {
    if (!LIFECYCLE.compareAndSet(this, LIVE, ABANDONED) || !isProvisional()) return;
    LocalTrace t = localTrace();
    if (t == null) {
      if (LOCAL_TRACE.compareAndSet(this, null, LocalTrace.decidedAlone(null))) {
        state.keeper.discarded.increment();
        return;
      }
      t = localTrace();
    }
    if (t.root == this) t.abandon();
  }

  private boolean isLive() {
    return lifecycle == LIVE; // volatile read: a plain load on x86, and it sees a finish from any thread
  }

  // FinishedSpan: read by the reporter after finish; the recorder's release/acquire handoff makes
  // every write above visible.

  @Override public long traceIdHigh() {
    return traceIdHigh;
  }

  @Override public long traceId() {
    return traceId;
  }

  @Override public long spanId() {
    return spanId;
  }

  @Override public long parentId() {
    return parent == null ? 0L : parent.spanId();
  }

  @Override public boolean debug() {
    return (flags & TraceContext.DEBUG) != 0;
  }

  @Override public boolean shared() {
    return (flags & TraceContext.SHARED) != 0;
  }

  @Override public String name() {
    return name;
  }

  @Override public SpanKind kind() {
    return kind;
  }

  @Override public long startTimestamp() {
    return startTimestamp;
  }

  @Override public long duration() {
    return duration;
  }

  @Override public Endpoint localEndpoint() {
    return state.localEndpoint;
  }

  @Override public Endpoint remoteEndpoint() {
    return remoteEndpoint;
  }

  @Override public int tagCount() {
    return tagCount;
  }

  @Override public String tagKey(int i) {
    return i == 0 ? key0 : i == 1 ? key1 : moreTags[2 * (i - 2)];
  }

  @Override public String tagValue(int i) {
    return i == 0 ? value0 : i == 1 ? value1 : moreTags[2 * (i - 2) + 1];
  }

  @Override public int eventCount() {
    return eventCount;
  }

  @Override public long eventTimestamp(int i) {
    return eventTimes[i];
  }

  @Override public String eventName(int i) {
    return eventNames[i];
  }

  @Override public Throwable error() {
    return error;
  }

  @Override public String toString() {
    return "Span{" + name + " " + kind + " " + context() + "}";
  }
}
