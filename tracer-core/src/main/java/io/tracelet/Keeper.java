package io.tracelet;

import java.lang.ref.ReferenceQueue;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The process-wide side of a {@link KeepPolicy}: the policy, the recorder kept spans go to, the
 * count of provisional spans held against {@link KeepPolicy#maxPendingSpans}, and the counts of
 * decisions. One per {@link Tracing} with a keep policy. Thread-safe.
 *
 * <p>Nothing here holds a span: local parts are reachable only from their own spans. A local part
 * that buffered spans is tracked by a weak {@link LocalTrace.Pending}; when one is
 * garbage-collected undecided, its count is given back the next time a local root starts (no thread
 * of its own).
 */
final class Keeper {
  final KeepPolicy policy;
  final SpanRecorder recorder;
  private final AtomicLong pendingSpans = new AtomicLong();
  private final ReferenceQueue<LocalTrace> collected = new ReferenceQueue<>();
  private final Set<LocalTrace.Pending> tracked = ConcurrentHashMap.newKeySet();
  final LongAdder keptError = new LongAdder();
  final LongAdder keptSlow = new LongAdder();
  final LongAdder keptDownstream = new LongAdder();
  final LongAdder discarded = new LongAdder();
  final LongAdder overflowed = new LongAdder();
  final LongAdder collectedUndecided = new LongAdder();

  Keeper(KeepPolicy policy, SpanRecorder recorder) {
    this.policy = policy;
    this.recorder = recorder;
  }

  /** A new local part whose root is {@code root}; first gives back the places of collected ones. */
  LocalTrace newLocalTrace(RealSpan root) {
    reclaim();
    return new LocalTrace(this, root);
  }

  /**
   * Takes one place under the process limit; false when there is none, even after giving back the
   * places of local parts collected undecided.
   */
  boolean reserve() {
    if (pendingSpans.incrementAndGet() <= policy.maxPendingSpans) return true;
    pendingSpans.decrementAndGet();
    return reclaim() && reserve();
  }

  /** Gives back the places of local parts collected undecided; true when there were any. */
  private boolean reclaim() {
    boolean any = false;
    for (LocalTrace.Pending p; (p = (LocalTrace.Pending) collected.poll()) != null; ) {
      if (tracked.remove(p)) {
        pendingSpans.addAndGet(-p.count);
        collectedUndecided.increment();
        any = true;
      }
    }
    return any;
  }

  LocalTrace.Pending track(LocalTrace trace) {
    LocalTrace.Pending p = new LocalTrace.Pending(trace, collected);
    tracked.add(p);
    return p;
  }

  /** The local part was decided: its places go back, and its reference will never be enqueued. */
  void untrack(LocalTrace.Pending p) {
    if (tracked.remove(p)) pendingSpans.addAndGet(-p.count);
    p.clear();
  }

  void kept(String reason) {
    switch (reason) {
      case KeepPolicy.ERROR: keptError.increment(); break;
      case KeepPolicy.SLOW: keptSlow.increment(); break;
      default: keptDownstream.increment(); break;
    }
  }

  long pendingSpans() {
    return pendingSpans.get();
  }

  Map<String, Long> keptByReason() {
    Map<String, Long> kept = new TreeMap<>();
    kept.put(KeepPolicy.ERROR, keptError.sum());
    kept.put(KeepPolicy.SLOW, keptSlow.sum());
    kept.put(KeepPolicy.DOWNSTREAM, keptDownstream.sum());
    return kept;
  }
}
