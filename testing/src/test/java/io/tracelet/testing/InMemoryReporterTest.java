package io.tracelet.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracelet.FinishedSpan;
import io.tracelet.Tracing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemoryReporterTest {
  final InMemoryReporter reporter = new InMemoryReporter();
  final Tracing tracing = Tracing.newBuilder().serviceName("reporter-test").reporter(reporter).build();

  @AfterEach void closeTracing() {
    tracing.close();
  }

  @Test void keepsFinishedSpansInTheOrderTheyArrive() {
    tracing.tracer().spanBuilder("first").start().finish();
    tracing.tracer().spanBuilder("second").start().finish();
    assertThat(tracing.flush()).isTrue();

    assertThat(reporter.spans()).extracting(FinishedSpan::name).containsExactly("first", "second");
  }

  @Test void spansIsASnapshotThatLaterSpansDoNotChange() {
    tracing.tracer().spanBuilder("first").start().finish();
    tracing.flush();
    List<FinishedSpan> snapshot = reporter.spans();

    tracing.tracer().spanBuilder("second").start().finish();
    tracing.flush();

    assertThat(snapshot).hasSize(1);
    assertThat(reporter.spans()).hasSize(2);
    assertThatThrownBy(() -> snapshot.add(snapshot.get(0))).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test void clearForgetsWhatWasReported() {
    tracing.tracer().spanBuilder("before").start().finish();
    tracing.flush();

    reporter.clear();
    tracing.tracer().spanBuilder("after").start().finish();
    tracing.flush();

    assertThat(reporter.spans()).extracting(FinishedSpan::name).containsExactly("after");
  }

  @Test void awaitSpansReturnsOnceSpansFinishedOnOtherThreadsArrive() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch waiting = new CountDownLatch(1);
    try {
      Future<List<FinishedSpan>> awaited = pool.submit(() -> {
        waiting.countDown();
        return reporter.awaitSpans(3, Duration.ofSeconds(30));
      });
      assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
      pool.submit(() -> {
        for (int i = 0; i < 3; i++) tracing.tracer().spanBuilder("span-" + i).start().finish();
      });

      // The recorder delivers within its batch delay (1 s) without a flush; the waiter wakes then.
      assertThat(awaited.get(30, TimeUnit.SECONDS)).extracting(FinishedSpan::name)
          .containsExactly("span-0", "span-1", "span-2");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test void awaitSpansReturnsAtOnceWhenEnoughSpansAreThere() {
    tracing.tracer().spanBuilder("there").start().finish();
    tracing.flush();

    assertThat(reporter.awaitSpans(1, Duration.ZERO)).extracting(FinishedSpan::name).containsExactly("there");
    assertThat(reporter.awaitSpans(0, Duration.ZERO)).hasSize(1);
  }

  @Test void awaitSpansFailsAtTheDeadlineListingWhatArrived() {
    tracing.tracer().spanBuilder("only one").start().finish();
    tracing.flush();

    long start = System.nanoTime();
    assertThatThrownBy(() -> reporter.awaitSpans(2, Duration.ofMillis(200)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("expected at least 2 spans within PT0.2S but 1 arrived")
        .hasMessageContaining("\"only one\" INTERNAL");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
  }

  @Test void awaitSpansGivesUpWhenInterruptedAndKeepsTheInterrupt() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> reporter.awaitSpans(1, Duration.ofSeconds(30)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("interrupted")
          .hasCauseInstanceOf(InterruptedException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test void awaitSpansRefusesANegativeCount() {
    assertThatThrownBy(() -> reporter.awaitSpans(-1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test void keepsEverySpanFinishedConcurrently() throws Exception {
    int threads = 4;
    int spansPerThread = 500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < spansPerThread; i++) tracing.tracer().spanBuilder("concurrent").start().finish();
        }));
      }
      for (Future<?> f : done) f.get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    assertThat(reporter.awaitSpans(threads * spansPerThread, Duration.ofSeconds(30))).hasSize(threads * spansPerThread);
  }

  @Test void isClosedOnceTracingClosesIt() {
    assertThat(reporter.isClosed()).isFalse();

    tracing.close();

    assertThat(reporter.isClosed()).isTrue();
    assertThat(reporter).hasToString("InMemoryReporter{0 spans, closed}");
  }
}
