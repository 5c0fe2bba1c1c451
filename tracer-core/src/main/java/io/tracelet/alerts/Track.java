package io.tracelet.alerts;

import io.tracelet.SpanKind;
import io.tracelet.metrics.SpanMetrics.Measurement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The sliding window of one span name (service, kind, name): a ring of slices, each a fixed array
 * of counters (calls, failures, one per latency bucket) and the slowest recorded spans of its
 * time, replaced when its time comes round again. Recording is lock-free: a slice is installed by
 * compare-and-set, its counters are atomic; a late span whose slice was already replaced is dropped.
 */
final class Track {
  private static final int CALLS = 0;
  private static final int ERRORS = 1;
  private static final int FIRST_BUCKET = 2;

  final String serviceName;
  final String spanName;
  final SpanKind kind;
  final int[] rules; // indexes of the rules that apply
  final boolean[] firing; // per entry of rules; read and written under the evaluation lock
  private final AtomicReferenceArray<Slice> ring;
  private final long[] bounds; // latency bucket upper bounds, ascending; then +Inf
  private final int worst;

  Track(String serviceName, String spanName, SpanKind kind, int[] rules, int slices, long[] bounds, int worst) {
    this.serviceName = serviceName;
    this.spanName = spanName;
    this.kind = kind;
    this.rules = rules;
    this.firing = new boolean[rules.length];
    this.ring = new AtomicReferenceArray<>(slices);
    this.bounds = bounds;
    this.worst = worst;
  }

  void record(long sliceIndex, Measurement m, String zipkinUi) {
    Slice s = slice(sliceIndex);
    if (s == null) return; // from a slice already gone round
    long nanos = m.durationNanos();
    int b = 0;
    while (b < bounds.length && nanos > bounds[b]) b++;
    s.counts.getAndIncrement(CALLS);
    if (m.error()) s.counts.getAndIncrement(ERRORS);
    s.counts.getAndIncrement(FIRST_BUCKET + b);
    if (m.recorded()) {
      offer(s.slowest, m, zipkinUi);
      if (m.error()) offer(s.slowestFailed, m, zipkinUi);
    }
  }

  private Slice slice(long index) {
    int at = (int) Math.floorMod(index, (long) ring.length());
    Slice s = ring.get(at);
    if (s != null && s.index == index) return s;
    if (s != null && s.index > index) return null;
    Slice fresh = new Slice(index, FIRST_BUCKET + bounds.length + 1, worst);
    if (ring.compareAndSet(at, s, fresh)) return fresh;
    s = ring.get(at);
    return s.index == index ? s : null;
  }

  // Replaces the fastest of the slice's slowest spans when this one is slower (or a place is free);
  // a lost race drops this one: the list is the slowest recent spans, give or take one.
  private void offer(AtomicReferenceArray<Alert.Trace> slowest, Measurement m, String zipkinUi) {
    long nanos = m.durationNanos();
    int at = -1;
    Alert.Trace fastest = null;
    for (int i = 0; i < slowest.length(); i++) {
      Alert.Trace t = slowest.get(i);
      if (t == null) {
        at = i;
        fastest = null;
        break;
      }
      if (fastest == null || t.durationNanos() < fastest.durationNanos()) {
        at = i;
        fastest = t;
      }
    }
    if (fastest != null && fastest.durationNanos() >= nanos) return;
    String traceId = m.context().traceIdHex();
    slowest.compareAndSet(at, fastest, new Alert.Trace(traceId, nanos, m.error(),
        zipkinUi == null ? null : zipkinUi + traceId));
  }

  /** The window's figures at slice {@code current}: the slices of the last {@code ring length} indexes. */
  Window window(long current) {
    Window w = new Window(FIRST_BUCKET + bounds.length + 1);
    for (int i = 0; i < ring.length(); i++) {
      Slice s = ring.get(i);
      if (s == null || s.index > current || s.index <= current - ring.length()) continue;
      for (int j = 0; j < w.counts.length; j++) w.counts[j] += s.counts.get(j);
      w.add(s.slowest, w.slowest);
      w.add(s.slowestFailed, w.slowestFailed);
    }
    return w;
  }

  /** Forgets slices that have left the window, so that an idle name holds only its counters' ring. */
  void expire(long current) {
    for (int i = 0; i < ring.length(); i++) {
      Slice s = ring.get(i);
      if (s != null && s.index <= current - ring.length()) ring.compareAndSet(i, s, null);
    }
  }

  static final class Slice {
    final long index;
    final AtomicLongArray counts;
    final AtomicReferenceArray<Alert.Trace> slowest;
    final AtomicReferenceArray<Alert.Trace> slowestFailed;

    Slice(long index, int counters, int worst) {
      this.index = index;
      this.counts = new AtomicLongArray(counters);
      this.slowest = new AtomicReferenceArray<>(worst);
      this.slowestFailed = new AtomicReferenceArray<>(worst);
    }
  }

  /** The sum of the window's slices, read once per evaluation (not thread-safe: one evaluator). */
  final class Window {
    final long[] counts;
    private final List<Alert.Trace> slowest = new ArrayList<>();
    private final List<Alert.Trace> slowestFailed = new ArrayList<>();

    Window(int counters) {
      this.counts = new long[counters];
    }

    long calls() {
      return counts[CALLS];
    }

    long errors() {
      return counts[ERRORS];
    }

    /** Calls that took at most {@code bounds[bucket]}. */
    long atMost(int bucket) {
      long n = 0;
      for (int i = 0; i <= bucket; i++) n += counts[FIRST_BUCKET + i];
      return n;
    }

    /**
     * The quantile's estimate in nanoseconds, interpolated within its bucket as Prometheus's
     * {@code histogram_quantile} does; the highest bound when it lies above them all.
     */
    double quantileNanos(double q) {
      double rank = q * calls();
      long below = 0;
      for (int i = 0; i < bounds.length; i++) {
        long n = counts[FIRST_BUCKET + i];
        if (below + n >= rank && n > 0) {
          double lower = i == 0 ? 0.0 : bounds[i - 1];
          return lower + (bounds[i] - lower) * (rank - below) / n;
        }
        below += n;
      }
      return bounds[bounds.length - 1];
    }

    private void add(AtomicReferenceArray<Alert.Trace> traces, List<Alert.Trace> into) {
      for (int i = 0; i < traces.length(); i++) {
        Alert.Trace t = traces.get(i);
        if (t != null) into.add(t);
      }
    }

    /** The slowest recorded traces of the window (failed ones only, or all), one entry per trace. */
    List<Alert.Trace> worst(boolean failedOnly) {
      List<Alert.Trace> all = new ArrayList<>(failedOnly ? slowestFailed : slowest);
      all.sort(Comparator.comparingLong(Alert.Trace::durationNanos).reversed());
      List<Alert.Trace> top = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      for (Alert.Trace t : all) {
        if (top.size() == worst) break;
        if (seen.add(t.traceId())) top.add(t);
      }
      return top;
    }
  }
}
