package io.tracelet;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SpanRecorderTest {

  /** Marks each span's explicit start timestamp (its identity here) in a bit set; counts repeats. */
  static final class MarkingReporter implements SpanReporter {
    final BitSet seen = new BitSet();
    long duplicates;
    long received;

    @Override public synchronized void report(List<FinishedSpan> batch) {
      for (FinishedSpan span : batch) {
        int id = (int) span.startTimestamp();
        if (seen.get(id)) duplicates++;
        seen.set(id);
        received++;
      }
    }
  }

  private static void produce(Tracer tracer, int producers, int perProducer) throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int base = p * perProducer + 1;
      Thread thread = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < perProducer; i++) {
          tracer.spanBuilder("s").startTimestamp(base + i).start().finish(base + i + 1);
        }
      });
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (Thread thread : threads) thread.join();
  }

  @Test void fourProducersOfAMillionSpansEachWithRoomForAllDeliverEverySpanExactlyOnce() throws Exception {
    MarkingReporter reporter = new MarkingReporter();
    int producers = 4;
    int perProducer = 1_000_000;
    Tracing tracing = Tracing.newBuilder().reporter(reporter).queueCapacity(1 << 22).build();

    produce(tracing.tracer(), producers, perProducer);
    assertThat(tracing.flush(Duration.ofSeconds(60))).isTrue();
    tracing.close();

    long offered = (long) producers * perProducer;
    assertThat(tracing.metrics().spansDropped()).isZero();
    assertThat(tracing.metrics().spansAccepted()).isEqualTo(offered);
    assertThat(tracing.metrics().spansReported()).isEqualTo(offered);
    assertThat(reporter.received).isEqualTo(offered);
    assertThat(reporter.duplicates).isZero();
    assertThat(reporter.seen.cardinality()).isEqualTo((int) offered);
    assertThat(reporter.seen.nextClearBit(1)).isEqualTo((int) offered + 1);
  }

  @Test void aTinyRingDropsAndCountsExactlyAndProducersNeverWaitForTheConsumer() throws Exception {
    CountDownLatch producersDone = new CountDownLatch(1);
    AtomicInteger received = new AtomicInteger();
    // The reporter is stuck until every producer has finished: producers can only finish if they
    // never wait for the consumer.
    SpanReporter stuck = batch -> {
      try {
        producersDone.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      received.addAndGet(batch.size());
    };
    Tracing tracing = Tracing.newBuilder().reporter(stuck).queueCapacity(16).batching(4, 1_000_000, Duration.ZERO).build();
    int producers = 4;
    int perProducer = 100_000;

    produce(tracing.tracer(), producers, perProducer);
    producersDone.countDown();
    assertThat(tracing.flush(Duration.ofSeconds(30))).isTrue();
    tracing.close();

    TracingMetrics m = tracing.metrics();
    assertThat(m.spansAccepted() + m.spansDropped()).isEqualTo((long) producers * perProducer);
    assertThat(m.spansDropped()).isPositive();
    assertThat(m.spansAccepted()).isEqualTo(m.spansReported()).isEqualTo(received.get());
  }

  /**
   * Rings small enough to wrap thousands of times, so that producers store into slots the consumer
   * emptied moments before, and eight producers race for each slot: every accepted span still
   * arrives once, none twice, none made up.
   */
  @Test void smallRingsThatWrapConstantlyDeliverEachAcceptedSpanExactlyOnce() throws Exception {
    for (int capacity : new int[] {2, 4, 16, 128, 1024}) {
      MarkingReporter reporter = new MarkingReporter();
      Tracing tracing = Tracing.newBuilder().reporter(reporter).queueCapacity(capacity).build();
      int producers = 8;
      int perProducer = 100_000;

      produce(tracing.tracer(), producers, perProducer);
      assertThat(tracing.flush(Duration.ofSeconds(30))).isTrue();
      tracing.close();

      TracingMetrics m = tracing.metrics();
      assertThat(m.spansAccepted() + m.spansDropped()).as("ring of %s", capacity)
          .isEqualTo((long) producers * perProducer);
      assertThat(reporter.duplicates).as("ring of %s", capacity).isZero();
      assertThat(reporter.received).as("ring of %s", capacity)
          .isEqualTo(m.spansAccepted()).isEqualTo(m.spansReported()).isEqualTo(reporter.seen.cardinality());
    }
  }

  @Test void closeDeliversEverythingQueuedBeforeItAndStopsTheThread() throws Exception {
    MarkingReporter reporter = new MarkingReporter();
    boolean[] closed = new boolean[1];
    SpanReporter closing = new SpanReporter() {
      @Override public void report(List<FinishedSpan> batch) {
        reporter.report(batch);
      }

      @Override public void close() {
        closed[0] = true;
      }
    };
    // A long delay: only close() can make the recorder deliver these.
    Tracing tracing = Tracing.newBuilder().serviceName("closing").reporter(closing).queueCapacity(16_384)
        .batching(1_000_000, Long.MAX_VALUE, Duration.ofHours(1)).build();
    for (int i = 1; i <= 10_000; i++) tracing.tracer().spanBuilder("s").startTimestamp(i).start().finish(i + 1);

    assertThat(tracing.close(Duration.ofSeconds(30))).isZero();
    assertThat(tracing.metrics().spansDropped()).isZero();
    assertThat(reporter.received).isEqualTo(10_000);
    assertThat(closed[0]).isTrue();
    assertThat(recorderThreads("closing")).isEmpty();

    tracing.tracer().spanBuilder("late").start().finish();
    assertThat(tracing.metrics().spansDroppedAfterClose()).isEqualTo(1);
    assertThat(tracing.close(Duration.ofSeconds(1))).isZero(); // idempotent
  }

  @Test void closeGivesUpOnAStuckReporterSaysWhatItCouldNotDeliverAndStopsTheThread() {
    CountDownLatch never = new CountDownLatch(1);
    Tracing tracing = Tracing.newBuilder().serviceName("stuck").batching(1, 1, Duration.ZERO).reporter(batch -> {
      try {
        never.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException("interrupted");
      }
    }).build();
    for (int i = 0; i < 5; i++) tracing.tracer().spanBuilder("s").start().finish();

    long undelivered = tracing.close(Duration.ofMillis(200));
    assertThat(undelivered).isEqualTo(5);
    assertThat(recorderThreads("stuck")).isEmpty();
  }

  @Test void aThrowingReporterIsCountedAndTheRecorderGoesOn() {
    AtomicInteger calls = new AtomicInteger();
    List<FinishedSpan> kept = new ArrayList<>();
    Tracing tracing = Tracing.newBuilder().batching(1, 1, Duration.ZERO).reporter(batch -> {
      if (calls.incrementAndGet() <= 3) throw new IllegalStateException("backend down");
      kept.addAll(batch);
    }).build();
    for (int i = 0; i < 5; i++) {
      tracing.tracer().spanBuilder("s" + i).start().finish();
      assertThat(tracing.flush()).isTrue();
    }
    tracing.close();
    assertThat(tracing.metrics().reporterFailures()).isEqualTo(3);
    assertThat(tracing.metrics().spansFailed()).isEqualTo(3);
    assertThat(tracing.metrics().spansReported()).isEqualTo(2);
    assertThat(kept).extracting(FinishedSpan::name).containsExactly("s3", "s4");
  }

  @Test void batchesAreBoundedByCountAndBytes() {
    List<Integer> sizes = new ArrayList<>();
    CountDownLatch hold = new CountDownLatch(1);
    Tracing byCount = Tracing.newBuilder().batching(10, Long.MAX_VALUE, Duration.ofHours(1)).reporter(batch -> {
      sizes.add(batch.size());
    }).build();
    for (int i = 0; i < 35; i++) byCount.tracer().spanBuilder("s").start().finish();
    byCount.close();
    assertThat(sizes).allSatisfy(size -> assertThat(size).isBetween(1, 10));
    assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(35);

    sizes.clear();
    Tracing byBytes = Tracing.newBuilder().batching(1000, 3000, Duration.ofHours(1)).reporter(batch -> {
      sizes.add(batch.size());
    }).build();
    String big = "x".repeat(1000);
    for (int i = 0; i < 20; i++) byBytes.tracer().spanBuilder("s").tag("big", big).start().finish();
    byBytes.close();
    hold.countDown();
    assertThat(sizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(3));
    assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(20);
  }

  @Test void aBatchWaitsAtMostTheMaxDelay() throws Exception {
    CountDownLatch delivered = new CountDownLatch(1);
    Tracing tracing = Tracing.newBuilder().batching(1000, Long.MAX_VALUE, Duration.ofMillis(50))
        .reporter(batch -> delivered.countDown()).build();
    tracing.tracer().spanBuilder("s").start().finish();
    assertThat(delivered.await(10, TimeUnit.SECONDS)).isTrue();
    tracing.close();
  }

  @Test void aMillionSpansStartedAndNeverFinishedAreGarbageCollected() throws Exception {
    Tracing tracing = Tracing.newBuilder().build();
    List<WeakReference<Span>> refs = new ArrayList<>();
    for (int i = 0; i < 1_000_000; i++) {
      Span span = tracing.tracer().spanBuilder("leak").tag("k", "v").start();
      if (i % 10_000 == 0) refs.add(new WeakReference<>(span));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (refs.stream().anyMatch(r -> r.get() != null) && System.nanoTime() < deadline) {
      System.gc();
      Thread.onSpinWait();
    }
    assertThat(refs).hasSize(100).allSatisfy(r -> assertThat(r.get()).isNull());
    assertThat(tracing.metrics().spansAccepted()).isZero();
    tracing.close();
  }

  static List<Thread> recorderThreads(String service) {
    List<Thread> alive = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("tracelet-recorder-" + service) && t.isAlive()) alive.add(t);
    }
    return alive;
  }
}
