package io.tracelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeepPolicyTest {
  final CollectingReporter reporter = new CollectingReporter();
  final FakeClock clock = new FakeClock();
  final List<Tracing> tracings = new ArrayList<>();

  @AfterEach void close() {
    tracings.forEach(Tracing::close);
  }

  Tracing tracing(KeepPolicy policy) {
    Tracing tracing = reporter.tracing().clock(clock).sampler(Sampler.never()).keepPolicy(policy).build();
    tracings.add(tracing);
    return tracing;
  }

  List<FinishedSpan> reported(Tracing tracing) {
    assertThat(tracing.flush()).isTrue();
    return reporter.spans();
  }

  static String keepTag(FinishedSpan span) {
    for (int i = 0; i < span.tagCount(); i++) {
      if (span.tagKey(i).equals(KeepPolicy.TAG)) return span.tagValue(i);
    }
    return null;
  }

  @Test void withoutAPolicyAnUnsampledSpanStaysANoop() {
    Tracing tracing = reporter.tracing().sampler(Sampler.never()).build();
    tracings.add(tracing);
    Span span = tracing.tracer().spanBuilder("s").start();
    assertThat(span.isRecording()).isFalse();
    assertThat(span.isKept()).isFalse();
    span.error(new IllegalStateException("x"));
    span.finish();
    assertThat(reported(tracing)).isEmpty();
  }

  @Test void anErrorKeepsTheWholeLocalPartTaggedWithWhyAndThePropagatedFlagStaysUnsampled() {
    Tracing tracing = tracing(KeepPolicy.newBuilder().keepErrors().build());
    Tracer tracer = tracing.tracer();
    Span root = tracer.spanBuilder("GET /cart").kind(SpanKind.SERVER).start();
    Span child;
    try (Scope scope = root.makeCurrent()) {
      tracer.spanBuilder("fine").start().finish();
      child = tracer.spanBuilder("charge").kind(SpanKind.CLIENT).start();
    }
    assertThat(root.isRecording()).isTrue();
    assertThat(root.context().hasSamplingDecision()).isTrue();
    assertThat(root.context().isSampled()).as("downstream sees the head's decision").isFalse();
    assertThat(root.isKept()).isFalse();
    child.error(new IllegalStateException("declined"));
    assertThat(root.isKept()).as("an error makes the local part kept before the root ends").isTrue();
    child.finish();
    assertThat(reported(tracing)).as("held until the root finishes").isEmpty();

    root.finish();

    List<FinishedSpan> spans = reported(tracing);
    assertThat(spans).extracting(FinishedSpan::name).containsExactlyInAnyOrder("fine", "charge", "GET /cart");
    assertThat(spans).allSatisfy(s -> assertThat(keepTag(s)).isEqualTo(KeepPolicy.ERROR));
    assertThat(spans).allSatisfy(s -> assertThat(s.traceId()).isEqualTo(root.context().traceId()));
    assertThat(tracing.counters().localTracesKept()).contains(entry(KeepPolicy.ERROR, 1L));
    assertThat(tracing.counters().spansAccepted()).isEqualTo(3);
    assertThat(tracing.counters().provisionalSpansPending()).isZero();
  }

  @Test void anErrorTagSetByHandCountsAsAnError() {
    Tracing tracing = tracing(KeepPolicy.newBuilder().keepErrors().build());
    Span root = tracing.tracer().spanBuilder("GET /").start();
    root.tag("error", "500");
    root.finish();
    assertThat(reported(tracing)).singleElement().satisfies(s -> assertThat(keepTag(s)).isEqualTo("error"));
  }

  @Test void anOrdinaryLocalPartIsDiscardedAndCounted() {
    Tracing tracing = tracing(KeepPolicy.newBuilder().keepErrors().keepSlowerThan(Duration.ofSeconds(1)).build());
    Span root = tracing.tracer().spanBuilder("GET /").start();
    tracing.tracer().spanBuilder("child").parent(root).start().finish();
    clock.advanceNanos(TimeUnit.MILLISECONDS.toNanos(999));
    root.finish();

    assertThat(reported(tracing)).isEmpty();
    assertThat(tracing.counters().localTracesDiscarded()).isEqualTo(1);
    assertThat(tracing.counters().localTracesKept().values()).allMatch(n -> n == 0);
    assertThat(tracing.counters().provisionalSpansPending()).isZero();
  }

  @Test void aSlowLocalRootIsKeptAndSaysSoWhileStillRunning() {
    Tracing tracing = tracing(KeepPolicy.newBuilder().keepSlowerThan(Duration.ofMillis(500)).build());
    Span root = tracing.tracer().spanBuilder("GET /slow").start();
    tracing.tracer().spanBuilder("db").parent(root.context()).start().finish();
    assertThat(root.isKept()).isFalse();
    clock.advanceNanos(TimeUnit.MILLISECONDS.toNanos(501));
    assertThat(root.isKept()).as("slow so far: it will be kept").isTrue();
    root.finish();

    assertThat(reported(tracing)).hasSize(2).allSatisfy(s -> assertThat(keepTag(s)).isEqualTo(KeepPolicy.SLOW));
  }

  @Test void aSlowSpanMatchedByARuleKeepsItsLocalPart() {
    Tracing tracing = tracing(KeepPolicy.newBuilder()
        .keepSlowerThan(SpanKind.CLIENT, "charge*", Duration.ofMillis(100)).build());
    Span root = tracing.tracer().spanBuilder("POST /buy").start();
    Span other = tracing.tracer().spanBuilder("audit").kind(SpanKind.CLIENT).parent(root).start();
    Span charge = tracing.tracer().spanBuilder("charge card").kind(SpanKind.CLIENT).parent(root).start();
    clock.advanceNanos(TimeUnit.MILLISECONDS.toNanos(150));
    other.finish(); // slow too, but no rule matches it
    assertThat(root.isKept()).isFalse();
    charge.finish();
    root.finish();

    assertThat(reported(tracing)).hasSize(3).allSatisfy(s -> assertThat(keepTag(s)).isEqualTo(KeepPolicy.SLOW));
  }

  @Test void aDownstreamKeepKeepsTheCallerUnlessThePolicySaysNo() {
    for (boolean honoured : new boolean[] {true, false}) {
      Tracing tracing = tracing(KeepPolicy.newBuilder().keepWhenDownstreamKept(honoured).build());
      Span root = tracing.tracer().spanBuilder("GET /").start();
      Span call = tracing.tracer().spanBuilder("GET /inventory").kind(SpanKind.CLIENT).parent(root).start();
      call.markDownstreamKept();
      assertThat(root.isKept()).isEqualTo(honoured);
      call.finish();
      root.finish();
      assertThat(tracing.flush()).isTrue();
      assertThat(tracing.counters().localTracesKept()).contains(entry(KeepPolicy.DOWNSTREAM, honoured ? 1L : 0L));
      assertThat(tracing.counters().spansAccepted()).isEqualTo(honoured ? 2 : 0);
    }
  }

  @Test void childrenFinishingAfterTheirRootFollowItsDecision() {
    Tracing tracing = tracing(KeepPolicy.newBuilder().keepErrors().build());
    Span keptRoot = tracing.tracer().spanBuilder("kept").start();
    Span keptLate = tracing.tracer().spanBuilder("late child of kept").parent(keptRoot).start();
    Span droppedRoot = tracing.tracer().spanBuilder("dropped").start();
    Span droppedLate = tracing.tracer().spanBuilder("late child of dropped").parent(droppedRoot.context()).start();
    keptRoot.error(new RuntimeException("boom")).finish();
    droppedRoot.finish();
    keptLate.finish();
    droppedLate.finish();

    assertThat(reported(tracing)).extracting(FinishedSpan::name).containsExactlyInAnyOrder("kept", "late child of kept");
    assertThat(reported(tracing)).allSatisfy(s -> assertThat(keepTag(s)).isEqualTo(KeepPolicy.ERROR));
  }

  @Test void aLocalPartPastItsLimitIsKeptTruncatedAndTheRestCounted() {
    Tracing tracing = tracing(KeepPolicy.newBuilder().keepErrors().maxSpansPerLocalTrace(2).build());
    Span root = tracing.tracer().spanBuilder("root").start();
    for (int i = 0; i < 5; i++) tracing.tracer().spanBuilder("child " + i).parent(root).start().finish();
    root.error(new IllegalStateException("x")).finish();

    assertThat(reported(tracing)).extracting(FinishedSpan::name).containsExactlyInAnyOrder("child 0", "child 1", "root");
    assertThat(tracing.counters().provisionalSpansOverflowed()).isEqualTo(3);
  }

  @Test void anAbandonedRootDiscardsItsLocalPart() {
    Tracing tracing = tracing(KeepPolicy.newBuilder().keepErrors().build());
    Span root = tracing.tracer().spanBuilder("root").start();
    tracing.tracer().spanBuilder("child").parent(root).start().error(new RuntimeException()).finish();
    root.abandon();
    assertThat(reported(tracing)).isEmpty();
    assertThat(tracing.counters().localTracesDiscarded()).isEqualTo(1);
    assertThat(tracing.counters().provisionalSpansPending()).isZero();
  }

  /** A root never finished holds no memory and no place under the process limit once collected. */
  @Test void aLocalPartWhoseRootIsNeverFinishedIsCollectedAndGivesItsPlacesBack() throws Exception {
    Tracing tracing = tracing(KeepPolicy.newBuilder().keepErrors().maxPendingSpans(10).build());
    WeakReference<Span> leaked = leakALocalPartOfTenSpans(tracing);
    assertThat(tracing.counters().provisionalSpansPending()).isEqualTo(10);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (tracing.counters().provisionalSpansPending() != 0 && System.nanoTime() < deadline) {
      System.gc();
      Span root = tracing.tracer().spanBuilder("a new local part gives collected places back").start();
      tracing.tracer().spanBuilder("child").parent(root).start().finish();
      root.finish();
    }
    assertThat(leaked.get()).isNull();
    assertThat(tracing.counters().provisionalSpansPending()).isZero();

    long overflowed = tracing.counters().provisionalSpansOverflowed();
    Span root = tracing.tracer().spanBuilder("after").start();
    tracing.tracer().spanBuilder("child").parent(root).start().finish();
    root.error(new RuntimeException()).finish();
    assertThat(reported(tracing)).hasSize(2);
    assertThat(tracing.counters().provisionalSpansOverflowed()).isEqualTo(overflowed);
  }

  private static WeakReference<Span> leakALocalPartOfTenSpans(Tracing tracing) {
    Span root = tracing.tracer().spanBuilder("never finished").start();
    for (int i = 0; i < 10; i++) tracing.tracer().spanBuilder("child").parent(root).start().finish();
    return new WeakReference<>(root);
  }

  /**
   * Many threads, many concurrent local parts, children finishing after their roots, a tiny process
   * limit. Every local part fails, so every one is kept: each span is then reported exactly once or
   * counted as overflowed, and nothing stays pending. Then the same with no failure: nothing is
   * reported and every local part is counted discarded.
   */
  @Test void underManyThreadsEverySpanIsReportedOnceOrCountedAndNothingStaysPending() throws Exception {
    for (boolean fail : new boolean[] {true, false}) {
      CollectingReporter sink = new CollectingReporter();
      Tracing tracing = Tracing.newBuilder().serviceName("stress").sampler(Sampler.never()).reporter(sink)
          .queueCapacity(1 << 20).keepPolicy(KeepPolicy.newBuilder().keepErrors()
              .maxSpansPerLocalTrace(6).maxPendingSpans(64).build()).build();
      int threads = 8;
      int tracesPerThread = 2_000;
      AtomicLong finished = new AtomicLong();
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread worker = new Thread(() -> {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          try {
            start.await();
          } catch (InterruptedException e) {
            return;
          }
          for (int i = 0; i < tracesPerThread; i++) {
            Span root = tracing.tracer().spanBuilder("root").start();
            int children = random.nextInt(1, 10);
            List<Span> late = new ArrayList<>();
            for (int c = 0; c < children; c++) {
              Span child = tracing.tracer().spanBuilder("child").parent(root).start();
              if (random.nextBoolean()) late.add(child);
              else child.finish();
            }
            if (fail) root.error(new IllegalStateException("fails"));
            root.finish();
            late.forEach(Span::finish);
            finished.addAndGet(children + 1);
          }
        });
        worker.start();
        workers.add(worker);
      }
      start.countDown();
      for (Thread worker : workers) worker.join();
      assertThat(tracing.flush(Duration.ofSeconds(30))).isTrue();
      tracing.close();

      TracingCounters c = tracing.counters();
      List<FinishedSpan> spans = sink.spans();
      Set<Long> ids = new HashSet<>();
      for (FinishedSpan span : spans) ids.add(span.spanId());
      assertThat(ids).as("no span reported twice").hasSize(spans.size());
      assertThat(c.provisionalSpansPending()).isZero();
      assertThat(c.spansDropped()).isZero();
      if (fail) {
        assertThat((long) spans.size() + c.provisionalSpansOverflowed()).isEqualTo(finished.get());
        assertThat(c.localTracesKept()).contains(entry(KeepPolicy.ERROR, (long) threads * tracesPerThread));
        assertThat(c.provisionalSpansOverflowed()).as("the tiny limits were reached").isPositive();
      } else {
        assertThat(spans).isEmpty();
        assertThat(c.localTracesDiscarded()).isEqualTo((long) threads * tracesPerThread);
      }
    }
  }
}
