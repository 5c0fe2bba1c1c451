package io.tracelet.testing;

import io.tracelet.FinishedSpan;
import io.tracelet.SpanReporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link SpanReporter} for tests that keeps every finished span it receives, in the order they
 * arrive, so a test can list them, wait for them and assert on them:
 *
 * <pre>{@code
 * InMemoryReporter reporter = new InMemoryReporter();
 * try (Tracing tracing = Tracing.newBuilder().serviceName("svc").reporter(reporter).build()) {
 *   tracing.tracer().spanBuilder("work").start().finish();
 *   List<FinishedSpan> spans = reporter.awaitSpans(1, Duration.ofSeconds(5));
 *   TraceletAssertions.assertThat(spans).singleElement().hasName("work");
 * }
 * }</pre>
 *
 * <p>Thread-safe: the recorder thread reports while test threads read, clear and wait. It keeps
 * references to the spans it is given (Tracelet's finished spans never change), never copies of
 * them; each batch costs an append to an internal list, and each read a copy of that list. Spans
 * are kept until {@link #clear()}: a reporter is meant for one test, not for a long run.
 */
public final class InMemoryReporter implements SpanReporter {
  private final Object lock = new Object();
  private final List<FinishedSpan> spans = new ArrayList<>(); // guarded by lock
  private boolean closed; // guarded by lock

  /** An empty reporter. */
  public InMemoryReporter() {
  }

  /** Keeps the spans of {@code batch} and wakes the threads waiting in {@link #awaitSpans}. */
  @Override public void report(List<FinishedSpan> batch) {
    synchronized (lock) {
      spans.addAll(batch); // copies the references: the recorder reuses the list
      lock.notifyAll();
    }
  }

  /** Every span reported since creation or the last {@link #clear()}, oldest first; a copy. */
  public List<FinishedSpan> spans() {
    synchronized (lock) {
      return List.copyOf(spans);
    }
  }

  /** Forgets the spans reported so far. */
  public void clear() {
    synchronized (lock) {
      spans.clear();
    }
  }

  /**
   * Waits until at least {@code count} spans have been reported (counting from the last
   * {@link #clear()}) and returns all of them, like {@link #spans()}. Returns at once when they are
   * already there; never polls.
   *
   * @throws AssertionError when {@code timeout} passes first (the message lists the spans that did
   *     arrive), or when the waiting thread is interrupted (its interrupt flag is set again)
   * @throws IllegalArgumentException when {@code count} is negative
   */
  public List<FinishedSpan> awaitSpans(int count, Duration timeout) {
    if (count < 0) throw new IllegalArgumentException("count < 0: " + count);
    Objects.requireNonNull(timeout, "timeout == null");
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (spans.size() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0L) {
          throw new AssertionError("expected at least " + count + " spans within " + timeout
              + " but " + spans.size() + " arrived: " + SpanText.describe(spans));
        }
        try {
          lock.wait(Math.max(1L, left / 1_000_000L)); // woken by report(), or at the deadline
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted while waiting for " + count + " spans", e);
        }
      }
      return List.copyOf(spans);
    }
  }

  /** True once {@link #close()} was called, as {@code Tracing.close()} does after the last batch. */
  public boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  /** Records that the reporter was closed; spans reported afterwards are still kept. */
  @Override public void close() {
    synchronized (lock) {
      closed = true;
    }
  }

  @Override public String toString() {
    synchronized (lock) {
      return "InMemoryReporter{" + spans.size() + " spans" + (closed ? ", closed" : "") + "}";
    }
  }
}
