package io.tracelet.metrics;

import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.internal.SpanMeter;
import java.util.List;

/** The span metrics of one service: a table of names per span kind. Thread-safe, lock-free. */
final class ServiceMeter extends SpanMeter {
  private static final SpanKind[] KINDS = SpanKind.values();

  private final SpanMetrics metrics;
  private final String serviceName;
  private final NameTable[] byKind = new NameTable[KINDS.length];

  ServiceMeter(SpanMetrics metrics, String serviceName, int kinds, boolean localRoots) {
    super(kinds, localRoots);
    this.metrics = metrics;
    this.serviceName = serviceName;
    for (SpanKind k : KINDS) byKind[k.ordinal()] = new NameTable(metrics, k);
  }

  @Override public void ended(Span span, String name, SpanKind kind, boolean error, long durationNanos,
      long endEpochMicros, boolean recorded) {
    NameTable.Entry entry = byKind[kind.ordinal()].entry(name);
    int bucket = metrics.bucketOf(durationNanos);
    entry.accumulator(error).record(bucket, durationNanos, span, endEpochMicros, recorded);
    metrics.notifyListeners(serviceName, entry.name, kind, error, durationNanos, span, recorded);
  }

  void collect(List<SpanMetrics.Series> into) {
    for (NameTable t : byKind) t.collect(serviceName, into);
  }

  @Override public String toString() {
    return "ServiceMeter{" + serviceName + "}";
  }
}
