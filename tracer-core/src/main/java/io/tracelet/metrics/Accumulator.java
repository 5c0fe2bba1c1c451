package io.tracelet.metrics;

import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.TraceContext;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Collections;
import java.util.concurrent.atomic.LongAdder;

/**
 * One series' figures: a striped counter of nanoseconds and one per histogram bucket, each bucket's
 * made on its first call (most series see a few buckets only), and each bucket's exemplar. The
 * count of calls is the sum of the buckets, so a call costs two counter additions. Lock-free.
 */
final class Accumulator {
  private static final long EXEMPLAR_MIN_AGE_MICROS = 1_000_000L;
  private static final VarHandle ADDERS = MethodHandles.arrayElementVarHandle(LongAdder[].class);
  private static final VarHandle EXEMPLARS = MethodHandles.arrayElementVarHandle(SpanMetrics.Exemplar[].class);

  private final LongAdder sumNanos = new LongAdder();
  private final LongAdder[] buckets; // elements set once, by compare-and-set
  private final SpanMetrics.Exemplar[] exemplars; // elements replaced with release stores

  Accumulator(int bucketCount) {
    this.buckets = new LongAdder[bucketCount];
    this.exemplars = new SpanMetrics.Exemplar[bucketCount];
  }

  void record(int bucket, long nanos, Span span, long endEpochMicros, boolean recorded) {
    LongAdder adder = (LongAdder) ADDERS.getAcquire(buckets, bucket);
    if (adder == null) adder = newAdder(bucket);
    adder.increment();
    sumNanos.add(nanos);
    if (recorded) exemplar(bucket, nanos, span, endEpochMicros);
  }

  private LongAdder newAdder(int bucket) {
    LongAdder fresh = new LongAdder();
    LongAdder prior = (LongAdder) ADDERS.compareAndExchange(buckets, bucket, null, fresh);
    return prior == null ? fresh : prior;
  }

  // At most one new exemplar a second per bucket, by the spans' end times, so that a sampled
  // stream does not allocate one per span; a wall-clock step replaces it at once.
  private void exemplar(int bucket, long nanos, Span span, long endEpochMicros) {
    SpanMetrics.Exemplar current = (SpanMetrics.Exemplar) EXEMPLARS.getAcquire(exemplars, bucket);
    if (current != null && Math.abs(endEpochMicros - current.epochMicros()) < EXEMPLAR_MIN_AGE_MICROS) return;
    TraceContext c = span.context();
    EXEMPLARS.setRelease(exemplars, bucket, new SpanMetrics.Exemplar(c.traceIdHex(), c.spanIdHex(), nanos,
        endEpochMicros));
  }

  /** The series now, or null when it has no call yet. */
  SpanMetrics.Series snapshot(String serviceName, String spanName, SpanKind kind, boolean error) {
    long[] counts = new long[buckets.length];
    long total = 0;
    for (int i = 0; i < counts.length; i++) {
      LongAdder a = (LongAdder) ADDERS.getAcquire(buckets, i);
      counts[i] = a == null ? 0L : a.sum();
      total += counts[i];
    }
    if (total == 0) return null;
    SpanMetrics.Exemplar[] ex = new SpanMetrics.Exemplar[exemplars.length];
    for (int i = 0; i < ex.length; i++) ex[i] = (SpanMetrics.Exemplar) EXEMPLARS.getAcquire(exemplars, i);
    return new SpanMetrics.Series(serviceName, spanName, kind, error, sumNanos.sum(), counts,
        Collections.unmodifiableList(Arrays.asList(ex)));
  }
}
