package io.tracelet.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.Sampler;
import io.tracelet.SpanKind;
import io.tracelet.Tracer;
import io.tracelet.Tracing;
import io.tracelet.metrics.SpanMetrics.Series;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Many threads ending spans at once, round after round: every total exact, the name cap never passed. */
class SpanMetricsStressTest {
  static final int THREADS = 8;
  static final int ROUNDS = 20;
  static final int SPANS_PER_THREAD = 2000;
  static final long START = 1_700_000_000_000_000L;
  // Durations in microseconds: 1 ms (bucket 0), 5 ms (bucket 2), 70 ms (bucket 6), 20 s (+Inf, bucket 16).
  static final long[] DURATIONS = {1_000, 5_000, 70_000, 20_000_000};
  static final int[] BUCKETS = {0, 2, 6, 16};

  final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @AfterEach void shutdown() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  /** Runs {@code SPANS_PER_THREAD} spans on each thread, all starting together; span i of a thread is {@code task(i)}. */
  void race(Tracer sampled, Tracer unsampled, int names) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      done.add(pool.submit(() -> {
        go.await();
        for (int i = 0; i < SPANS_PER_THREAD; i++) {
          Tracer tracer = (i + thread) % 2 == 0 ? sampled : unsampled;
          io.tracelet.Span span = tracer.spanBuilder("n" + (i % names)).kind(SpanKind.SERVER)
              .startTimestamp(START).start();
          if (i % 7 == 0) span.tag("error", "boom");
          span.finish(START + DURATIONS[i % DURATIONS.length]);
        }
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
  }

  @Test void everySeriesIsExactUnderContention() throws Exception {
    int names = 12; // with 7 and 4 above, every (name, error, duration) combination occurs
    for (int round = 0; round < ROUNDS; round++) {
      SpanMetrics metrics = SpanMetrics.newBuilder().build();
      LongAdder heard = new LongAdder();
      metrics.addListener(m -> heard.increment());
      try (Tracing sampled = Tracing.newBuilder().serviceName("s").spanMetrics(metrics).build();
          Tracing unsampled = Tracing.newBuilder().serviceName("s").sampler(Sampler.never()).spanMetrics(metrics)
              .build()) {
        race(sampled.tracer(), unsampled.tracer(), names);
      }

      // What each series must hold, counted the same way the threads chose.
      long[][][] expected = new long[names][2][17];
      for (int t = 0; t < THREADS; t++) {
        for (int i = 0; i < SPANS_PER_THREAD; i++) {
          expected[i % names][i % 7 == 0 ? 1 : 0][BUCKETS[i % DURATIONS.length]]++;
        }
      }
      List<Series> all = metrics.snapshot();
      assertThat(all).hasSize(2 * names);
      for (Series s : all) {
        long[] want = expected[Integer.parseInt(s.spanName().substring(1))][s.error() ? 1 : 0];
        assertThat(s.bucketCounts()).as("round %d %s", round, s).containsExactly(want);
        long sum = 0;
        for (int i = 0; i < DURATIONS.length; i++) sum += want[BUCKETS[i]] * DURATIONS[i] * 1000L;
        assertThat(s.sumNanos()).as("round %d %s", round, s).isEqualTo(sum);
      }
      assertThat(all.stream().mapToLong(Series::count).sum()).isEqualTo((long) THREADS * SPANS_PER_THREAD);
      assertThat(heard.sum()).isEqualTo((long) THREADS * SPANS_PER_THREAD);
      assertThat(metrics.foldedSpans()).isZero();
    }
  }

  @Test void theNameCapHoldsWhileThreadsRaceForTheLastPlaces() throws Exception {
    int cap = 50;
    for (int round = 0; round < ROUNDS; round++) {
      SpanMetrics metrics = SpanMetrics.newBuilder().maxSpanNames(cap).build();
      try (Tracing sampled = Tracing.newBuilder().serviceName("s").spanMetrics(metrics).build();
          Tracing unsampled = Tracing.newBuilder().serviceName("s").sampler(Sampler.never()).spanMetrics(metrics)
              .build()) {
        race(sampled.tracer(), unsampled.tracer(), 400);
      }

      List<Series> all = metrics.snapshot();
      long named = all.stream().filter(s -> !s.spanName().equals(SpanMetrics.OTHER)).map(Series::spanName)
          .distinct().count();
      long other = all.stream().filter(s -> s.spanName().equals(SpanMetrics.OTHER)).mapToLong(Series::count).sum();
      assertThat(named).as("round %d", round).isEqualTo(cap);
      assertThat(other).as("round %d", round).isEqualTo(metrics.foldedSpans()).isPositive();
      assertThat(all.stream().mapToLong(Series::count).sum()).isEqualTo((long) THREADS * SPANS_PER_THREAD);
    }
  }
}
