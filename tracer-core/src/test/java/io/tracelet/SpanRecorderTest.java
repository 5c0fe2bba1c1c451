package io.tracelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
    assertThat(tracing.counters().spansDropped()).isZero();
    assertThat(tracing.counters().spansAccepted()).isEqualTo(offered);
    assertThat(tracing.counters().spansReported()).isEqualTo(offered);
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
    Tracing tracing = Tracing.newBuilder().reporter(stuck).queueCapacity(16).maxBatchSpans(4).maxBatchDelay(Duration.ZERO).build();
    int producers = 4;
    int perProducer = 100_000;

    produce(tracing.tracer(), producers, perProducer);
    producersDone.countDown();
    assertThat(tracing.flush(Duration.ofSeconds(30))).isTrue();
    tracing.close();

    TracingCounters m = tracing.counters();
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

      TracingCounters m = tracing.counters();
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
        .maxBatchSpans(1_000_000).maxBatchDelay(Duration.ofHours(1)).build();
    for (int i = 1; i <= 10_000; i++) tracing.tracer().spanBuilder("s").startTimestamp(i).start().finish(i + 1);

    assertThat(tracing.close(Duration.ofSeconds(30))).isZero();
    assertThat(tracing.counters().spansDropped()).isZero();
    assertThat(reporter.received).isEqualTo(10_000);
    assertThat(closed[0]).isTrue();
    assertThat(recorderThreads("closing")).isEmpty();

    tracing.tracer().spanBuilder("late").start().finish();
    assertThat(tracing.counters().spansDroppedAfterClose()).isEqualTo(1);
    assertThat(tracing.close(Duration.ofSeconds(1))).isZero(); // idempotent
  }

  @Test void closeGivesUpOnAStuckReporterSaysWhatItCouldNotDeliverAndStopsTheThread() {
    CountDownLatch never = new CountDownLatch(1);
    Tracing tracing = Tracing.newBuilder().serviceName("stuck").maxBatchSpans(1).maxBatchDelay(Duration.ZERO).reporter(batch -> {
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
    Tracing tracing = Tracing.newBuilder().maxBatchSpans(1).maxBatchDelay(Duration.ZERO).reporter(batch -> {
      if (calls.incrementAndGet() <= 3) throw new IllegalStateException("backend down");
      kept.addAll(batch);
    }).build();
    for (int i = 0; i < 5; i++) {
      tracing.tracer().spanBuilder("s" + i).start().finish();
      assertThat(tracing.flush()).isTrue();
    }
    tracing.close();
    assertThat(tracing.counters().spansLostByCause()).containsExactly(entry("IllegalStateException", 3L));
    assertThat(tracing.counters().spansFailed()).isEqualTo(3);
    assertThat(tracing.counters().spansReported()).isEqualTo(2);
    assertThat(kept).extracting(FinishedSpan::name).containsExactly("s3", "s4");
  }

  @Test void batchesAreBoundedByCount() {
    List<Integer> sizes = new ArrayList<>();
    Tracing byCount = Tracing.newBuilder().maxBatchSpans(10).maxBatchDelay(Duration.ofHours(1)).reporter(batch -> {
      sizes.add(batch.size());
    }).build();
    for (int i = 0; i < 35; i++) byCount.tracer().spanBuilder("s").start().finish();
    byCount.close();
    assertThat(sizes).allSatisfy(size -> assertThat(size).isBetween(1, 10));
    assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(35);
  }

  @Test void aReportExceptionFailsOnlyTheSpansItCountsUnderItsReason() {
    Tracing tracing = Tracing.newBuilder().maxBatchSpans(5).maxBatchDelay(Duration.ofHours(1)).reporter(batch -> {
      throw new ReportException(2, "SpanTooLarge");
    }).build();
    for (int i = 0; i < 5; i++) tracing.tracer().spanBuilder("s").start().finish();
    assertThat(tracing.flush()).isTrue();
    tracing.close();

    assertThat(tracing.counters().spansReported()).isEqualTo(3);
    assertThat(tracing.counters().spansFailed()).isEqualTo(2);
    assertThat(tracing.counters().spansLostByCause()).containsExactly(entry("SpanTooLarge", 2L));
  }

  /**
   * Producers race close() round after round: every span they offered ends in exactly one final
   * state, the reporter received exactly the ones counted reported, and nothing stays queued.
   */
  @Test void closeRacingBusyProducersAccountsForEveryOfferedSpan() throws Exception {
    int producers = 4;
    for (int round = 0; round < 200; round++) {
      AtomicLong received = new AtomicLong();
      Tracing tracing = Tracing.newBuilder().serviceName("race").queueCapacity(256).maxBatchSpans(64)
          .reporter(batch -> received.addAndGet(batch.size())).build();
      CountDownLatch producing = new CountDownLatch(producers);
      long[] offered = new long[producers];
      List<Thread> threads = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        int id = p;
        Thread thread = new Thread(() -> {
          for (int i = 0; i < 20_000; i++) {
            tracing.tracer().spanBuilder("s").start().finish();
            offered[id]++;
            if (i == 100) producing.countDown();
          }
        });
        thread.start();
        threads.add(thread);
      }
      producing.await();
      long undelivered = tracing.close(Duration.ofSeconds(10));
      for (Thread thread : threads) thread.join();

      TracingCounters c = tracing.counters();
      long total = 0;
      for (long n : offered) total += n;
      assertThat(c.spansAccepted() + c.spansDropped() + c.spansDroppedAfterClose()).as("round %s", round)
          .isEqualTo(total);
      assertThat(c.spansReported() + c.spansFailed() + c.spansUndelivered()).as("round %s", round)
          .isEqualTo(c.spansAccepted());
      assertThat(c.spansUndelivered()).isEqualTo(undelivered);
      assertThat(c.spansQueued()).as("round %s", round).isZero();
      assertThat(received.get()).as("round %s", round).isEqualTo(c.spansReported());
    }
    assertThat(recorderThreads("race")).isEmpty();
  }

  /**
   * A reporter that ignores interrupts (a blocking socket read does) cannot hold close() past its
   * timeout: close returns on time with the batch counted undelivered, and the recorder thread, a
   * daemon, ends and closes the reporter as soon as the reporter returns.
   */
  @Test void closeReturnsOnTimeFromAReporterThatIgnoresInterrupts() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch reporting = new CountDownLatch(1);
    CountDownLatch reporterClosed = new CountDownLatch(1);
    SpanReporter deaf = new SpanReporter() {
      @Override public void report(List<FinishedSpan> batch) {
        reporting.countDown();
        boolean interrupted = false;
        while (true) {
          try {
            release.await();
            break;
          } catch (InterruptedException e) {
            interrupted = true; // ignored, as a socket read ignores it
          }
        }
        if (interrupted) Thread.currentThread().interrupt();
      }

      @Override public void close() {
        reporterClosed.countDown();
      }
    };
    Tracing tracing = Tracing.newBuilder().serviceName("deaf").maxBatchSpans(2).maxBatchDelay(Duration.ZERO)
        .reporter(deaf).build();
    for (int i = 0; i < 6; i++) tracing.tracer().spanBuilder("s").start().finish();
    assertThat(reporting.await(10, TimeUnit.SECONDS)).isTrue();

    Duration timeout = Duration.ofMillis(500);
    long start = System.nanoTime();
    long undelivered = tracing.close(timeout);
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(tookMillis).as("close took %s ms", tookMillis).isLessThan(timeout.toMillis() + 250);
    assertThat(undelivered).isEqualTo(6);
    assertThat(tracing.counters().spansLostByCause()).containsExactly(entry("CloseTimeout", 6L));
    assertThat(reporterClosed.getCount()).isEqualTo(1); // the reporter still holds the recorder thread

    release.countDown();
    for (Thread thread : recorderThreads("deaf")) thread.join(10_000);
    assertThat(recorderThreads("deaf")).isEmpty();
    assertThat(reporterClosed.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(tracing.counters().spansReported()).as("counts are final once close returned").isZero();
  }

  /** Idle means asleep: no wakeups without work, and the first span after a pause still goes out. */
  @Test void anIdleRecorderSleepsUntilWorkArrives() throws Exception {
    CountDownLatch delivered = new CountDownLatch(2);
    Tracing tracing = Tracing.newBuilder().maxBatchDelay(Duration.ofMillis(20))
        .reporter(batch -> delivered.countDown()).build();
    tracing.tracer().spanBuilder("first").start().finish();
    assertThat(tracing.flush()).isTrue();

    SpanRecorder recorder = tracing.recorder();
    Thread.sleep(200); // settles: flush may leave one permit, spent by one wakeup right after it
    long before = recorder.wakeups();
    Thread.sleep(1000); // measuring idleness: nothing to wait for but time
    assertThat(recorder.wakeups() - before).as("wakeups in an idle second").isZero();

    tracing.tracer().spanBuilder("after the pause").start().finish();
    assertThat(delivered.await(10, TimeUnit.SECONDS)).isTrue();
    tracing.close();
  }

  @Test void aBatchWaitsAtMostTheMaxDelay() throws Exception {
    CountDownLatch delivered = new CountDownLatch(1);
    Tracing tracing = Tracing.newBuilder().maxBatchSpans(1000).maxBatchDelay(Duration.ofMillis(50))
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
    assertThat(tracing.counters().spansAccepted()).isZero();
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
