package io.tracelet;

import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

// Cache-line padding by inheritance: the JVM lays out a superclass's fields before a subclass's,
// so the producers' fields, the consumer's published index and the consumer's own state never
// share a 64-byte line.
abstract class RecorderPad0 {
  long p00, p01, p02, p03, p04, p05, p06, p07;
}

abstract class RecorderProducerFields extends RecorderPad0 {
  /** The next slot index to hand out; also the count of accepted spans. */
  volatile long producerIndex;
  /** Producers' cached bound: indices below it have a free slot. Read and written acquire/release. */
  long producerLimit;
}

abstract class RecorderPad1 extends RecorderProducerFields {
  long p10, p11, p12, p13, p14, p15, p16, p17;
}

abstract class RecorderReleasedIndex extends RecorderPad1 {
  /** Every slot below this index has been consumed and emptied. Written by the consumer only. */
  long releasedIndex;
}

abstract class RecorderPad2 extends RecorderReleasedIndex {
  long p20, p21, p22, p23, p24, p25, p26, p27;
}

/**
 * The bounded, lock-free multi-producer single-consumer queue between finishing threads and the
 * reporter, with the one daemon thread that drains it in batches.
 *
 * <p>{@link #offer} is lock-free and never waits: one compare-and-set on {@code producerIndex}
 * claims a unique index, which a producer only tries while the index is below {@code
 * producerLimit}, and then a release store fills slot {@code index & mask}. That slot is free: the
 * consumer consumes in index order, empties each slot it consumes, and then publishes how far it
 * got ({@code releasedIndex}, a release store, every {@value #RELEASE_EVERY} spans and whenever
 * the ring looks empty); {@code producerLimit} is a published index plus the capacity, read with
 * acquire and cached with release, so the emptying happens before any store into the slot again.
 * A producer whose cached limit is reached reads the published index afresh; if the ring is still
 * full it drops and counts the span, on reads alone. A failed compare-and-set means another
 * producer claimed that index, so some offer always progresses; on one core's worth of producers
 * it costs one atomic instruction, where a counter of permits beside the index took two.
 *
 * <p>The consumer reads a slot with acquire; a claimed slot that is still empty means its producer
 * is between its two steps, so the consumer waits for it (the consumer may wait; producers never
 * do).
 */
final class SpanRecorder extends RecorderPad2 implements Runnable {
  private static final System.Logger LOG = System.getLogger(SpanRecorder.class.getName());
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long STILL_FAILING_LOG_INTERVAL = TimeUnit.MINUTES.toNanos(1);
  private static final int RELEASE_EVERY = 64;
  /** How long the consumer spins on a claimed slot before taking its producer for descheduled. */
  private static final long STALL_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(10);
  /** How long the consumer sleeps at a time while a descheduled producer holds up its slot. */
  private static final long STALLED_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
  private static final VarHandle PRODUCER_INDEX;
  private static final VarHandle PRODUCER_LIMIT;
  private static final VarHandle RELEASED_INDEX;
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(RecordingSpan[].class);

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      PRODUCER_INDEX = lookup.findVarHandle(RecorderProducerFields.class, "producerIndex", long.class);
      PRODUCER_LIMIT = lookup.findVarHandle(RecorderProducerFields.class, "producerLimit", long.class);
      RELEASED_INDEX = lookup.findVarHandle(RecorderReleasedIndex.class, "releasedIndex", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final RecordingSpan[] ring;
  private final int mask;
  private final long capacity;
  private final long wakeMask;
  private final SpanReporter reporter;
  private final int maxBatchSpans;
  private final long maxBatchBytes;
  private final long maxDelayNanos;
  private final Thread thread;
  private final LongAdder dropped = new LongAdder();
  private final LongAdder droppedAfterClose = new LongAdder();
  private final Object flushLock = new Object();

  // Consumer-thread state.
  private final List<FinishedSpan> batch;
  private long consumerIndex;
  private long unreleased;
  private long failureStreak;
  private long lastFailureLog;

  // Written by the consumer only (single writer), read by anyone.
  private volatile long delivered;
  private volatile long reported;
  private volatile long failed;
  private volatile long reporterFailures;

  // Written by other threads, read by the consumer.
  private volatile boolean closed;
  private volatile boolean stopping;
  private volatile long stopDeadline;
  private volatile long flushTarget;

  SpanRecorder(SpanReporter reporter, int capacity, int maxBatchSpans, long maxBatchBytes,
      Duration maxDelay, String threadName) {
    int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1; // the next power of two
    this.ring = new RecordingSpan[size];
    this.mask = size - 1;
    this.capacity = size;
    this.producerLimit = size; // the published index starts at 0
    this.wakeMask = size / 2 - 1; // a producer wakes the consumer at every half ring of indices
    this.reporter = reporter;
    this.maxBatchSpans = maxBatchSpans;
    this.maxBatchBytes = maxBatchBytes;
    this.maxDelayNanos = maxDelay.toNanos();
    this.batch = new ArrayList<>(maxBatchSpans);
    this.thread = new Thread(this, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Queues a finished span, or drops and counts it. Never blocks; loops only when another producer
   * claimed the index first.
   */
  void offer(RecordingSpan span) {
    if (closed) { // volatile read: sees close() promptly
      droppedAfterClose.increment();
      return;
    }
    long index;
    do {
      index = (long) PRODUCER_INDEX.getVolatile(this);
      long limit = (long) PRODUCER_LIMIT.getAcquire(this); // acquire: see the class comment
      if (index >= limit) {
        limit = (long) RELEASED_INDEX.getAcquire(this) + capacity; // acquire: the emptied slots
        if (index >= limit) { // full: dropped on reads alone, leaving the index to the others
          dropped.increment();
          return;
        }
        PRODUCER_LIMIT.setRelease(this, limit); // any producer's limit is a valid, if low, bound
      }
    } while (!PRODUCER_INDEX.compareAndSet(this, index, index + 1)); // volatile CAS: a unique slot
    SLOT.setRelease(ring, (int) index & mask, span); // release: the span's fields before it
    if ((index & wakeMask) == 0) LockSupport.unpark(thread); // every half ring of spans
  }

  long accepted() {
    return (long) PRODUCER_INDEX.getVolatile(this);
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

  long reporterFailures() {
    return reporterFailures;
  }

  long queued() {
    return accepted() - delivered;
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
   * Stops accepting, delivers what is queued within {@code timeout}, stops the thread and closes
   * the reporter. Returns how many accepted spans the reporter never took: still queued, or in
   * batches it failed.
   */
  long close(Duration timeout) {
    closed = true;
    stopDeadline = System.nanoTime() + timeout.toNanos();
    stopping = true;
    LockSupport.unpark(thread);
    try {
      thread.join(Math.max(1L, timeout.toMillis()));
      if (thread.isAlive()) { // the reporter is stuck: interrupt it, and do not wait long
        thread.interrupt();
        thread.join(1000L);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      reporter.close();
    } catch (Throwable t) {
      LOG.log(Level.WARNING, "closing reporter " + reporter + " failed", t);
    }
    long undelivered = accepted() - reported;
    if (undelivered > 0) {
      LOG.log(Level.WARNING, "tracing closed with " + undelivered + " span(s) not delivered to " + reporter
          + " (" + failed + " in failed batches, " + queued() + " still queued)");
    }
    return undelivered;
  }

  @Override public void run() {
    long batchBytes = 0;
    long batchStart = 0;
    while (true) {
      if (stopping && System.nanoTime() - stopDeadline > 0) break; // close() gave up waiting
      RecordingSpan span = poll();
      if (span != null) {
        if (batch.isEmpty()) batchStart = System.nanoTime();
        batch.add(span);
        batchBytes += span.estimatedSize();
        if (batch.size() >= maxBatchSpans || batchBytes >= maxBatchBytes) {
          deliver();
          batchBytes = 0;
        }
        continue;
      }
      release(); // the ring looks empty: give producers all their room back
      boolean stop = stopping;
      if (!batch.isEmpty()
          && (stop || flushTarget > delivered || System.nanoTime() - batchStart >= maxDelayNanos)) {
        deliver();
        batchBytes = 0;
        continue;
      }
      if (stop || Thread.currentThread().isInterrupted()) break;
      long park = batch.isEmpty() ? IDLE_PARK_NANOS
          : Math.min(IDLE_PARK_NANOS, maxDelayNanos - (System.nanoTime() - batchStart));
      if (park > 0) LockSupport.parkNanos(this, park);
    }
    release();
  }

  /** The next span in index order, or null when none has been claimed. Consumer thread only. */
  private RecordingSpan poll() {
    long index = consumerIndex;
    int offset = (int) index & mask;
    RecordingSpan span = (RecordingSpan) SLOT.getAcquire(ring, offset); // acquire: pairs with offer's release
    if (span == null) {
      if (index == (long) PRODUCER_INDEX.getVolatile(this)) return null; // volatile: nothing claimed
      // Claimed but not stored yet: its producer is one store away. Wait for it (consumer only):
      // spin for up to STALL_SPIN_NANOS, which covers a store delayed by cache misses, then sleep.
      // A producer still not done was descheduled between its two steps, and sleeping leaves this
      // core idle, where the scheduler can run it at once; yielding would keep this core busy
      // while the producer waits in another core's queue (with two producers on two cores,
      // yielding here delivered half as many spans).
      long spinUntil = System.nanoTime() + STALL_SPIN_NANOS;
      while ((span = (RecordingSpan) SLOT.getAcquire(ring, offset)) == null) {
        long now = System.nanoTime();
        if (now - spinUntil < 0) {
          Thread.onSpinWait();
        } else {
          if (stopping && now - stopDeadline > 0) return null;
          LockSupport.parkNanos(this, STALLED_PARK_NANOS);
        }
      }
    }
    // Plain store: the release store of releasedIndex orders it before any reuse.
    SLOT.set(ring, offset, null);
    consumerIndex = index + 1;
    if (++unreleased == RELEASE_EVERY) release();
    return span;
  }

  /** Publishes how far the consumer got, so that producers may fill the slots it emptied. */
  private void release() {
    if (unreleased != 0) {
      RELEASED_INDEX.setRelease(this, consumerIndex); // release: the emptied slots before it
      unreleased = 0;
    }
  }

  private void deliver() {
    release(); // producers get their room back while the reporter works
    int size = batch.size();
    try {
      reporter.report(batch);
      reported = reported + size;
      if (failureStreak > 0) {
        LOG.log(Level.INFO, "reporter " + reporter + " recovered after " + failureStreak + " failed batch(es)");
        failureStreak = 0;
      }
    } catch (Throwable t) { // a reporter must never stop the recorder
      failed = failed + size;
      reporterFailures = reporterFailures + 1;
      logFailure(t);
    } finally {
      batch.clear();
    }
    long previous = delivered;
    delivered = consumerIndex;
    if (flushTarget > previous) {
      synchronized (flushLock) {
        flushLock.notifyAll();
      }
    }
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
