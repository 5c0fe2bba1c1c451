package io.tracelet;

import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The one daemon thread between finishing threads and the {@link SpanReporter}: it drains a
 * {@link SpanRing} in batches of at most {@code maxBatchSpans}, or whatever has waited {@code
 * maxDelay}, and accounts for every span it was offered.
 *
 * <p>Every offered span ends in exactly one of: dropped because the ring was full, dropped because
 * the recorder was closed, reported, failed (the reporter threw, or said so with a {@link
 * ReportException}), or undelivered (still queued, or in a batch the reporter had not returned, when
 * {@link #close} gave up). Until close, the accepted ones not yet in a final state are queued.
 *
 * <p>Idle means asleep: with nothing to batch the thread parks without a timeout, after announcing
 * it in {@code asleep}; a producer that fills a slot reads {@code asleep} and unparks the thread
 * when it is set. The announcement and the producer's claim are both volatile accesses and each
 * side checks the other's after its own (the thread re-checks the ring after announcing), so one
 * of them always sees the other: a span never waits for a thread that sleeps without a deadline.
 * With a batch open, the thread sleeps until the batch's deadline, and producers wake it early
 * only every half ring, so that the ring cannot fill while it sleeps.
 */
final class SpanRecorder implements Runnable {
  private static final System.Logger LOG = System.getLogger(SpanRecorder.class.getName());
  /** The cause under which spans dropped for a full queue are counted. */
  static final String QUEUE_FULL = "QueueFull";
  /** The cause under which spans finished after close are counted. */
  static final String CLOSED = "Closed";
  /** The cause under which spans close() could not deliver in time are counted. */
  static final String CLOSE_TIMEOUT = "CloseTimeout";
  private static final long STILL_FAILING_LOG_INTERVAL = TimeUnit.MINUTES.toNanos(1);
  /** How long an idle consumer naps before it sleeps until woken. */
  private static final long IDLE_NAP_MICROS = 1000L;
  /** The most of the close timeout kept for an interrupted reporter to return in. */
  private static final long MAX_INTERRUPT_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final VarHandle ASLEEP;

  static {
    try {
      ASLEEP = MethodHandles.lookup().findVarHandle(SpanRecorder.class, "asleep", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final SpanRing ring;
  private final long wakeMask;
  private final SpanReporter reporter;
  private final int maxBatchSpans;
  private final long maxDelayNanos;
  private final Thread thread;
  private final LongAdder dropped = new LongAdder();
  private final LongAdder droppedAfterClose = new LongAdder();
  private final Object flushLock = new Object();

  // Consumer-thread state.
  private final List<FinishedSpan> batch;
  private long failureStreak;
  private long lastFailureLog;

  // Final counts, written by the consumer (and once by close) while holding this; read anywhere.
  private volatile long reported;
  private volatile long failed;
  private volatile long undelivered;
  private final Map<String, Long> failedByCause = new HashMap<>(); // guarded by this
  private boolean accountsClosed; // guarded by this
  // Spans the consumer has taken and handed to the reporter; what flush() waits for.
  private volatile long delivered;
  private volatile long wakeups;

  // Written by other threads, read by the consumer.
  @SuppressWarnings("unused") // accessed through ASLEEP
  private volatile boolean asleep;
  private volatile long stopDeadline; // written before the ring is sealed
  // Set once the ring is sealed. The consumer reads this flag, never the ring's contended producer
  // index, in its loop: reading that index once per span pulled its cache line away from the
  // producers' compare-and-sets, and doubled a sampled span's cost.
  private volatile boolean stopping;
  private volatile boolean gaveUp;
  private volatile long flushTarget;

  SpanRecorder(SpanReporter reporter, int capacity, int maxBatchSpans, Duration maxDelay, String threadName) {
    this.ring = new SpanRing(capacity);
    this.wakeMask = ring.capacity() / 2 - 1; // a producer wakes the consumer at every half ring of indices
    this.reporter = reporter;
    this.maxBatchSpans = maxBatchSpans;
    this.maxDelayNanos = maxDelay.toNanos();
    this.batch = new ArrayList<>(maxBatchSpans);
    this.thread = new Thread(this, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues a finished span, or drops and counts it. Never blocks. */
  void offer(RealSpan span) {
    long index = ring.offer(span);
    if (index >= 0) {
      if ((boolean) ASLEEP.getVolatile(this)) { // volatile: pairs with the consumer's announcement
        if (ASLEEP.compareAndSet(this, true, false)) LockSupport.unpark(thread);
      } else if ((index & wakeMask) == 0) {
        LockSupport.unpark(thread); // every half ring of spans
      }
    } else if (index == SpanRing.FULL) {
      dropped.increment();
    } else {
      droppedAfterClose.increment();
    }
  }

  long accepted() {
    return ring.accepted();
  }

  long dropped() {
    return dropped.sum();
  }

  long droppedAfterClose() {
    return droppedAfterClose.sum();
  }

  long reported() {
    return reported;
  }

  long failed() {
    return failed;
  }

  long undelivered() {
    return undelivered;
  }

  /** Accepted spans in no final state yet: in the ring, or in a batch the reporter holds. */
  long queued() {
    return Math.max(0L, accepted() - reported - failed - undelivered);
  }

  /** How many times the recorder thread woke from a sleep; for tests of idle cost. */
  long wakeups() {
    return wakeups;
  }

  /** Spans lost to reporters by cause, and the recorder's own causes; a sorted snapshot. */
  Map<String, Long> lostByCause() {
    Map<String, Long> causes = new TreeMap<>();
    synchronized (this) {
      causes.putAll(failedByCause);
    }
    putIfPositive(causes, QUEUE_FULL, dropped());
    putIfPositive(causes, CLOSED, droppedAfterClose());
    putIfPositive(causes, CLOSE_TIMEOUT, undelivered);
    return Collections.unmodifiableMap(causes);
  }

  private static void putIfPositive(Map<String, Long> causes, String cause, long count) {
    if (count > 0) causes.merge(cause, count, Long::sum);
  }

  /**
   * Delivers to the reporter every span accepted before this call; returns false when
   * {@code timeout} passed first or the recorder is stopped.
   */
  boolean flush(Duration timeout) {
    long target = accepted();
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (flushLock) {
      if (flushTarget < target) flushTarget = target;
      while (delivered < target) {
        if (!thread.isAlive()) return false;
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) return false;
        LockSupport.unpark(thread);
        try {
          flushLock.wait(Math.max(1L, Math.min(TimeUnit.NANOSECONDS.toMillis(remaining), 10L)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Refuses new spans, delivers what is queued and returns within {@code timeout}. A reporter
   * still busy near the deadline is interrupted; if it does not return by the deadline its batch
   * counts as undelivered, and the thread (a daemon, which cannot hold up the JVM's exit) ends as
   * soon as the reporter returns. The reporter is closed by the recorder thread after its last
   * batch. Returns how many accepted spans were undelivered; call once.
   */
  long close(Duration timeout) {
    long timeoutNanos = Math.max(0L, timeout.toNanos());
    long deadline = System.nanoTime() + timeoutNanos;
    stopDeadline = deadline;
    long accepted = ring.seal();
    stopping = true; // volatile: after the seal and the deadline, which the consumer then sees
    LockSupport.unpark(thread);
    joinUntil(deadline - Math.min(MAX_INTERRUPT_GRACE_NANOS, timeoutNanos / 4));
    if (thread.isAlive()) {
      gaveUp = true;
      thread.interrupt(); // an interruptible reporter returns now
      joinUntil(deadline);
    }
    long lost;
    synchronized (this) {
      accountsClosed = true; // a batch the reporter still holds stays undelivered
      lost = accepted - reported - failed;
      undelivered = lost;
    }
    if (thread.isAlive()) {
      LOG.log(Level.WARNING, "tracing closed while " + reporter + " still held a batch after the close "
          + "timeout of " + timeout + "; it did not respond to an interrupt. The batch counts as "
          + "undelivered; the recorder thread ends, and closes the reporter, when the reporter returns");
    }
    if (lost > 0) {
      LOG.log(Level.WARNING, "tracing closed with " + lost + " span(s) not delivered to " + reporter
          + " within " + timeout);
    }
    return lost;
  }

  private void joinUntil(long deadline) {
    try {
      for (long remaining; thread.isAlive() && (remaining = deadline - System.nanoTime()) > 0; ) {
        thread.join(remaining / 1_000_000L, (int) (remaining % 1_000_000L));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override public void run() {
    try {
      drain();
    } finally {
      Thread.interrupted(); // close()'s interrupt is spent: let the reporter close cleanly
      try {
        reporter.close();
      } catch (Throwable t) {
        LOG.log(Level.WARNING, "closing reporter " + reporter + " failed", t);
      }
    }
  }

  private void drain() {
    long batchStart = 0;
    while (true) {
      boolean stopping = this.stopping;
      long deadline = stopDeadline;
      if (gaveUp || (stopping && System.nanoTime() - deadline > 0)) return; // close() gave up
      RealSpan span = ring.poll(stopping, deadline);
      if (span != null) {
        if (batch.isEmpty()) batchStart = System.nanoTime();
        batch.add(span);
        if (batch.size() >= maxBatchSpans) deliver();
        continue;
      }
      ring.release(); // the ring looks empty: give producers all their room back
      if (!batch.isEmpty()
          && (stopping || flushTarget > delivered || System.nanoTime() - batchStart >= maxDelayNanos)) {
        deliver();
        continue;
      }
      if (stopping) {
        if (ring.isEmpty()) return;
        continue; // a claimed span not stored yet: poll waits for it until the deadline
      }
      if (batch.isEmpty()) {
        sleepUntilWoken();
      } else {
        long untilDue = maxDelayNanos - (System.nanoTime() - batchStart);
        if (untilDue > 0) {
          LockSupport.parkNanos(this, untilDue);
          wakeups = wakeups + 1;
        }
      }
    }
  }

  /**
   * Idle: sleeps without a deadline until a producer, flush or close wakes it. Consumer only. It
   * first naps {@value #IDLE_NAP_MICROS} µs unannounced, so that a steady stream of spans, which
   * empties the ring now and then, does not make a producer pay an unpark for every pause.
   */
  private void sleepUntilWoken() {
    LockSupport.parkNanos(this, IDLE_NAP_MICROS * 1000L);
    wakeups = wakeups + 1;
    if (!ring.isEmpty() || stopping || flushTarget > delivered) return;
    ASLEEP.setVolatile(this, true); // volatile: see the class comment
    if (ring.isEmpty() && !stopping && flushTarget <= delivered) LockSupport.park(this);
    ASLEEP.setVolatile(this, false);
    wakeups = wakeups + 1;
  }

  private void deliver() {
    ring.release(); // producers get their room back while the reporter works
    int size = batch.size();
    int lost = 0;
    String cause = null;
    try {
      reporter.report(batch);
      if (failureStreak > 0) {
        LOG.log(Level.INFO, "reporter " + reporter + " recovered after " + failureStreak + " failed batch(es)");
        failureStreak = 0;
      }
    } catch (ReportException e) { // the reporter logs its own failures
      lost = Math.min(size, e.spansFailed());
      cause = e.reason();
    } catch (Throwable t) { // a reporter must never stop the recorder
      lost = size;
      cause = causeOf(t);
      logFailure(t);
    } finally {
      batch.clear();
    }
    account(size - lost, lost, cause);
    long previous = delivered;
    delivered = ring.consumed();
    if (flushTarget > previous) {
      synchronized (flushLock) {
        flushLock.notifyAll();
      }
    }
  }

  private synchronized void account(int ok, int lost, String cause) {
    if (accountsClosed || gaveUp) return; // close() counts this batch as undelivered
    reported = reported + ok;
    if (lost > 0) {
      failed = failed + lost;
      failedByCause.merge(cause, (long) lost, Long::sum);
    }
  }

  static String causeOf(Throwable t) {
    String name = t.getClass().getSimpleName();
    return name.isEmpty() ? t.getClass().getName() : name; // an anonymous class has no simple name
  }

  /** Logs the first failure of a streak in full, then at most once a minute. */
  private void logFailure(Throwable t) {
    long now = System.nanoTime();
    if (failureStreak++ == 0) {
      LOG.log(Level.WARNING, "reporter " + reporter + " failed; spans of failed batches are counted and dropped", t);
      lastFailureLog = now;
    } else if (now - lastFailureLog >= STILL_FAILING_LOG_INTERVAL) {
      LOG.log(Level.WARNING, "reporter " + reporter + " still failing: " + failureStreak + " batch(es) in a row; last: " + t);
      lastFailureLog = now;
    }
  }
}
