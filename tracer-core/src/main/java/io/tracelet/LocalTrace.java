package io.tracelet;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Arrays;

/**
 * The provisional spans of one local part of a head-unsampled trace: the spans this process made
 * under one local root, held (finished) until the root finishes and the {@link KeepPolicy} decides
 * for all of them. Spans finishing after the decision follow it.
 *
 * <p>A root that never has a child needs none of this: it decides alone at finish, and leaves one
 * of the shared, already decided instances ({@link #decidedAlone}) in its place, so that a child
 * started after all follows its decision. A provisional root thus allocates what a sampled span
 * does; a {@code LocalTrace} of its own comes with its first child, or a downstream keep.
 *
 * <p>Thread-safe: spans of one local part may finish on any thread. The buffer and the decision are
 * guarded by this object's lock, taken once per finished span (uncontended but for spans of one
 * request finishing at the same moment); the keep signals are volatile, set from any thread. The
 * shared decided instances are immutable and never locked.
 */
final class LocalTrace {
  private static final int PENDING = 0;
  private static final int KEPT = 1;
  private static final int DISCARDED = 2;
  private static final LocalTrace KEPT_ERROR = new LocalTrace(KeepPolicy.ERROR);
  private static final LocalTrace KEPT_SLOW = new LocalTrace(KeepPolicy.SLOW);
  private static final LocalTrace KEPT_DOWNSTREAM = new LocalTrace(KeepPolicy.DOWNSTREAM);
  private static final LocalTrace DISCARDED_ALONE = new LocalTrace(null);

  final Keeper keeper; // null for the shared decided instances
  final RealSpan root;
  // Keep signals, set from any thread before the decision.
  private volatile boolean errored;
  private volatile boolean slow;
  private volatile boolean downstreamKept;

  private RealSpan[] spans; // guarded by this
  private int count; // guarded by this
  private volatile int decision; // written under this
  private String reason; // guarded by this; final for the shared decided instances
  private Pending pending; // guarded by this: the weak companion once a span is buffered

  LocalTrace(Keeper keeper, RealSpan root) {
    this.keeper = keeper;
    this.root = root;
  }

  private LocalTrace(String keptReason) { // a shared, decided instance
    this.keeper = null;
    this.root = null;
    this.reason = keptReason;
    this.decision = keptReason == null ? DISCARDED : KEPT;
  }

  /** The shared instance a root that decided alone leaves behind: kept for {@code reason}, or not (null). */
  static LocalTrace decidedAlone(String reason) {
    if (reason == null) return DISCARDED_ALONE;
    switch (reason) {
      case KeepPolicy.ERROR: return KEPT_ERROR;
      case KeepPolicy.SLOW: return KEPT_SLOW;
      default: return KEPT_DOWNSTREAM;
    }
  }

  /** Why a span with no local part of its own would be kept, or null: its error, or its slowness. */
  static String reasonAlone(KeepPolicy policy, RealSpan span, long durationMicros) {
    if (policy.errors && span.hasError()) return KeepPolicy.ERROR;
    if (durationMicros > policy.rootSlowerThanMicros
        || policy.isSlow(span.name(), span.kind(), durationMicros)) return KeepPolicy.SLOW;
    return null;
  }

  void markError() {
    if (keeper != null && keeper.policy.errors) errored = true;
  }

  void markDownstreamKept() {
    if (keeper != null && keeper.policy.downstream) downstreamKept = true;
  }

  /** True when this local part is kept, or certain to be: what a server answers upstream. */
  boolean isKeptSoFar() {
    int d = decision;
    if (d != PENDING) return d == KEPT;
    return reasonNow(root.elapsedMicros()) != null;
  }

  private String reasonNow(long rootMicros) {
    KeepPolicy policy = keeper.policy;
    if (errored || (policy.errors && root.hasError())) return KeepPolicy.ERROR;
    if (slow || rootMicros > policy.rootSlowerThanMicros) return KeepPolicy.SLOW;
    if (downstreamKept) return KeepPolicy.DOWNSTREAM;
    return null;
  }

  /**
   * A span of this local part finished (its error tag, if any, already set). True when it went to
   * the recorder now: its part was kept already, or it is the root and its part is kept now.
   */
  boolean finished(RealSpan span) {
    if (keeper == null) { // decided already, by a root alone
      if (reason == null) return false;
      span.tagKept(reason);
      span.state.recorder.offer(span);
      return true;
    }
    KeepPolicy policy = keeper.policy;
    if (policy.errors && span.hasError()) errored = true;
    if (policy.isSlow(span.name(), span.kind(), span.duration())) slow = true;
    if (span == root) {
      decide();
      return decision == KEPT;
    }
    synchronized (this) {
      if (decision == KEPT) {
        span.tagKept(reason);
        keeper.recorder.offer(span);
        return true;
      }
      if (decision == PENDING) buffer(span); // DISCARDED: the span goes with its local part
      return false;
    }
  }

  private void buffer(RealSpan span) { // holding this
    if (count >= keeper.policy.maxSpansPerLocalTrace || !keeper.reserve()) {
      keeper.overflowed.increment();
      return;
    }
    if (spans == null) {
      spans = new RealSpan[4];
      pending = keeper.track(this);
    } else if (count == spans.length) {
      spans = Arrays.copyOf(spans, count * 2);
    }
    spans[count++] = span;
    pending.count = count;
  }

  private void decide() {
    String why = reasonNow(root.duration());
    synchronized (this) {
      if (decision != PENDING) return;
      release();
      if (why == null) {
        decision = DISCARDED;
        keeper.discarded.increment();
        spans = null;
        return;
      }
      reason = why;
      decision = KEPT;
      keeper.kept(why);
      for (int i = 0; i < count; i++) {
        spans[i].tagKept(why);
        keeper.recorder.offer(spans[i]);
      }
      spans = null;
      root.tagKept(why);
      keeper.recorder.offer(root);
    }
  }

  /** The root was abandoned: the local part goes with it. */
  void abandon() {
    if (keeper == null) return;
    synchronized (this) {
      if (decision != PENDING) return;
      release();
      decision = DISCARDED;
      keeper.discarded.increment();
      spans = null;
    }
  }

  private void release() { // holding this
    if (pending != null) {
      keeper.untrack(pending);
      pending = null;
    }
  }

  /**
   * Counts a local part's buffered spans against the process limit, and gives them back when the
   * local part is garbage-collected undecided (its root never finished): a weak reference, so it
   * holds nothing alive.
   */
  static final class Pending extends WeakReference<LocalTrace> {
    volatile int count; // written under the LocalTrace's lock; read once enqueued

    Pending(LocalTrace trace, ReferenceQueue<LocalTrace> queue) {
      super(trace, queue);
    }
  }
}
