package io.tracelet.metrics;

import io.tracelet.SpanKind;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The span names of one service and kind, each with its two series (failed or not), at most
 * {@link SpanMetrics.Builder#maxSpanNames} of them and the fold series {@value SpanMetrics#OTHER}.
 *
 * <p>Lock-free: a known name is one concurrent-map read; a new name reserves a place under the
 * limit with an atomic increment before it is added, and gives it back if another thread added the
 * name first, so the limit holds exactly under any interleaving. Nothing is ever removed.
 */
final class NameTable {
  private final SpanMetrics metrics;
  private final SpanKind kind;
  private final ConcurrentHashMap<String, Entry> byName = new ConcurrentHashMap<>();
  private final AtomicInteger names = new AtomicInteger(); // places taken under the limit
  private final Entry other;

  NameTable(SpanMetrics metrics, SpanKind kind) {
    this.metrics = metrics;
    this.kind = kind;
    // The fold series is the series of the name "other": a span of that name joins it, unfolded.
    this.other = new Entry(SpanMetrics.OTHER, metrics.upperBoundsNanos.length + 1);
    byName.put(SpanMetrics.OTHER, other);
  }

  /** The entry of {@code name}: its own, a new one, or the fold entry past the limit (counted). */
  Entry entry(String name) {
    Entry e = byName.get(name);
    return e != null ? e : add(name);
  }

  private Entry add(String name) {
    String key = name.length() > SpanMetrics.MAX_NAME_LENGTH ? cut(name) : name;
    if (key != name) {
      Entry e = byName.get(key);
      if (e != null) return e;
    }
    if (names.getAndIncrement() >= metrics.maxSpanNames) {
      names.getAndDecrement();
      metrics.folded.increment();
      return other;
    }
    Entry fresh = new Entry(key, metrics.upperBoundsNanos.length + 1);
    Entry prior = byName.putIfAbsent(key, fresh);
    if (prior == null) return fresh;
    names.getAndDecrement(); // another thread added it first
    return prior;
  }

  private static String cut(String name) {
    int length = SpanMetrics.MAX_NAME_LENGTH;
    if (Character.isHighSurrogate(name.charAt(length - 1))) length--; // keep pairs whole
    return name.substring(0, length);
  }

  void collect(String serviceName, List<SpanMetrics.Series> into) {
    for (Entry e : byName.values()) {
      SpanMetrics.Series ok = e.ok.snapshot(serviceName, e.name, kind, false);
      if (ok != null) into.add(ok);
      Accumulator failed = e.failed.get();
      SpanMetrics.Series error = failed == null ? null : failed.snapshot(serviceName, e.name, kind, true);
      if (error != null) into.add(error);
    }
  }

  /** One span name's series: calls that succeeded, and those that failed (made at the first). */
  static final class Entry {
    final String name;
    private final int buckets;
    final Accumulator ok;
    final AtomicReference<Accumulator> failed = new AtomicReference<>();

    Entry(String name, int buckets) {
      this.name = name;
      this.buckets = buckets;
      this.ok = new Accumulator(buckets);
    }

    Accumulator accumulator(boolean error) {
      if (!error) return ok;
      Accumulator a = failed.get();
      if (a != null) return a;
      failed.compareAndSet(null, new Accumulator(buckets));
      return failed.get();
    }
  }
}
