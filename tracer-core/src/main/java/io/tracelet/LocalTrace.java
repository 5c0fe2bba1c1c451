package io.tracelet;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Arrays;

/**
 * The provisional spans of one local part of a head-unsampled trace: the spans this process made
 * under one local root, held (finished) until the root finishes and the {@link KeepPolicy} decides
 * for all of them. Spans finishing after the decision follow it.
 *
 * <p>Thread-safe: spans of one local part may finish on any thread. The buffer and the decision are
 * guarded by this object's lock, taken once per finished span (uncontended but for spans of one
 * request finishing at the same moment); the keep signals are volatile, set from any thread.
 */
final class LocalTrace {
  private static final int PENDING = 0;
  private static final int KEPT = 1;
  private static final int DISCARDED = 2;

  final Keeper keeper;
  final RealSpan root;
  // Keep signals, set from any thread before the decision.
  volatile boolean errored;
  volatile boolean slow;
  volatile boolean downstreamKept;

  private RealSpan[] spans; // guarded by this
  private int count; // guarded by this
  private int decision; // guarded by this; read without it by isKept (a stale PENDING is fine)
  private String reason; // guarded by this
  private Pending pending; // guarded by this: the weak companion once a span is buffered

  LocalTrace(Keeper keeper, RealSpan root) {
    this.keeper = keeper;
    this.root = root;
  }

  /** True when this local part is kept, or certain to be: what a server answers upstream. */
  boolean isKeptSoFar(long rootElapsedMicros) {
    int d = decision; // a racy read: at worst a decision made a moment ago is seen as pending
    if (d != PENDING) return d == KEPT;
    return reasonNow(rootElapsedMicros) != null;
  }

  private String reasonNow(long rootMicros) {
    KeepPolicy policy = keeper.policy;
    if (errored) return KeepPolicy.ERROR;
    if (slow || rootMicros > policy.rootSlowerThanMicros) return KeepPolicy.SLOW;
    if (downstreamKept) return KeepPolicy.DOWNSTREAM;
    return null;
  }

  /** A span of this local part finished (its error tag, if any, already set). */
  void finished(RealSpan span) {
    KeepPolicy policy = keeper.policy;
    if (policy.errors && span.hasError()) errored = true;
    if (policy.isSlow(span.name(), span.kind(), span.duration())) slow = true;
    if (span == root) {
      decide();
      return;
    }
    synchronized (this) {
      if (decision == KEPT) {
        span.tagKept(reason);
        keeper.recorder.offer(span);
      } else if (decision == PENDING) {
        buffer(span);
      } // DISCARDED: the span goes with its local part
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
      decision = KEPT;
      reason = why;
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
