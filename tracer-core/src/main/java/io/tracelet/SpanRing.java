package io.tracelet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

// Cache-line padding by inheritance: the JVM lays out a superclass's fields before a subclass's,
// so the producers' fields, the consumer's published index, the consumer's own state and the
// constants every offer reads (the array, mask and capacity) never share a 64-byte line. Without the
// last pad, the consumer's write of its index on every span invalidated the line of the constants
// each producer reads on every offer, and two producers delivered half as many spans.
abstract class RingPad0 {
  long p00, p01, p02, p03, p04, p05, p06, p07;
}

abstract class RingProducerFields extends RingPad0 {
  /**
   * The next index to hand out, so also the count of accepted spans; its sign bit is set once the
   * ring is sealed. Written only by compare-and-set ({@link SpanRing#offer}) and by one atomic OR
   * ({@link SpanRing#seal}).
   */
  volatile long producerIndex;
  /** Producers' cached bound: indices below it have a free slot. Read and written acquire/release. */
  long producerLimit;
}

abstract class RingPad1 extends RingProducerFields {
  long p10, p11, p12, p13, p14, p15, p16, p17;
}

abstract class RingReleasedIndex extends RingPad1 {
  /** Every slot below this index has been consumed and emptied. Written by the consumer only. */
  long releasedIndex;
}

abstract class RingPad2 extends RingReleasedIndex {
  long p20, p21, p22, p23, p24, p25, p26, p27;
}

abstract class RingConsumerFields extends RingPad2 {
  /** The next index to consume. Consumer only. */
  long consumerIndex;
  /** Spans consumed since the last publication of {@code releasedIndex}. Consumer only. */
  long unreleased;
}

abstract class RingPad3 extends RingConsumerFields {
  long p30, p31, p32, p33, p34, p35, p36, p37;
}

/**
 * A bounded, lock-free multi-producer single-consumer ring of finished spans. Only a queue: the
 * thread that drains it, batching and counting are {@link SpanRecorder}'s.
 *
 * <p>{@link #offer} is lock-free and never waits: one compare-and-set on {@code producerIndex}
 * claims a unique index, which a producer only tries while the index is below {@code
 * producerLimit}, and then a release store fills slot {@code index & mask}. That slot is free: the
 * consumer consumes in index order, empties each slot it consumes, and then publishes how far it
 * got ({@code releasedIndex}, a release store, every {@value #RELEASE_EVERY} spans and whenever
 * the ring looks empty); {@code producerLimit} is a published index plus the capacity, read with
 * acquire and cached with release, so the emptying happens before any store into the slot again.
 * A producer whose cached limit is reached reads the published index afresh; if the ring is still
 * full it refuses the span on reads alone. A failed compare-and-set means another producer claimed
 * that index, so some offer always progresses; on one core's worth of producers it costs one
 * atomic instruction.
 *
 * <p>{@link #seal} sets the sign bit of {@code producerIndex} with one atomic OR. Every claim is a
 * compare-and-set from a non-negative index, so a claim either happened before the seal (and is
 * in the count the seal returns) or fails and then sees the sign bit: there is no span that is
 * claimed after the ring was sealed, and no claimed span the count misses.
 *
 * <p>The consumer reads a slot with acquire; a claimed slot that is still empty means its producer
 * is between its two steps, so the consumer waits for it (the consumer may wait; producers never
 * do), pausing before it looks again so that it does not chase the producers slot by slot.
 */
final class SpanRing extends RingPad3 {
  /** {@link #offer}'s answer when the ring has no free slot. */
  static final long FULL = -1L;
  /** {@link #offer}'s answer once the ring is sealed. */
  static final long SEALED = -2L;
  private static final long SEAL_BIT = Long.MIN_VALUE;
  private static final int RELEASE_EVERY = 64;
  /** How long a closing consumer spins on a claimed slot before taking its producer for descheduled. */
  private static final long STALL_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(10);
  /** How long the consumer waits at a time on a claimed slot that is not filled yet. */
  private static final long STALLED_WAIT_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
  /** How many of those waits a running consumer spends on its own core before it sleeps. */
  private static final int STALLED_PAUSES = 3;
  private static final VarHandle PRODUCER_INDEX;
  private static final VarHandle PRODUCER_LIMIT;
  private static final VarHandle RELEASED_INDEX;
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(RealSpan[].class);

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      PRODUCER_INDEX = lookup.findVarHandle(RingProducerFields.class, "producerIndex", long.class);
      PRODUCER_LIMIT = lookup.findVarHandle(RingProducerFields.class, "producerLimit", long.class);
      RELEASED_INDEX = lookup.findVarHandle(RingReleasedIndex.class, "releasedIndex", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final RealSpan[] ring;
  private final int mask;
  private final long capacity;

  /** A ring of {@code capacity} slots rounded up to a power of two. */
  SpanRing(int capacity) {
    int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1; // the next power of two
    this.ring = new RealSpan[size];
    this.mask = size - 1;
    this.capacity = size;
    this.producerLimit = size; // the published index starts at 0
  }

  /** The number of slots. */
  int capacity() {
    return (int) capacity;
  }

  /**
   * Stores {@code span} and returns its index, or returns {@link #FULL} or {@link #SEALED}. Never
   * blocks; loops only when another producer claimed the index first.
   */
  long offer(RealSpan span) {
    long index;
    do {
      index = (long) PRODUCER_INDEX.getVolatile(this);
      if (index < 0) return SEALED; // the sign bit: see the class comment
      long limit = (long) PRODUCER_LIMIT.getAcquire(this); // acquire: see the class comment
      if (index >= limit) {
        limit = (long) RELEASED_INDEX.getAcquire(this) + capacity; // acquire: the emptied slots
        if (index >= limit) return FULL; // on reads alone, leaving the index to the others
        PRODUCER_LIMIT.setRelease(this, limit); // any producer's limit is a valid, if low, bound
      }
    } while (!PRODUCER_INDEX.compareAndSet(this, index, index + 1)); // volatile CAS: a unique slot
    SLOT.setRelease(ring, (int) index & mask, span); // release: the span's fields before it
    return index;
  }

  /** Refuses every later offer; returns how many spans were ever accepted. Idempotent. */
  long seal() {
    return (long) PRODUCER_INDEX.getAndBitwiseOr(this, SEAL_BIT) & ~SEAL_BIT;
  }

  /** How many spans were accepted so far. */
  long accepted() {
    return (long) PRODUCER_INDEX.getVolatile(this) & ~SEAL_BIT;
  }

  /** How many spans the consumer has taken. Consumer thread only. */
  long consumed() {
    return consumerIndex;
  }

  /**
   * True when every accepted span has been taken. Consumer thread only; a volatile read, so that a
   * consumer that announced it is going to sleep and then sees an empty ring cannot miss a claim.
   */
  boolean isEmpty() {
    return consumerIndex == accepted();
  }

  /**
   * The next span in index order, or null when none has been claimed, or, once {@code closing},
   * when its producer has not stored it yet and {@code giveUpAt} (a nanoTime) has passed. Consumer
   * thread only.
   */
  RealSpan poll(boolean closing, long giveUpAt) {
    long index = consumerIndex;
    int offset = (int) index & mask;
    RealSpan span = (RealSpan) SLOT.getAcquire(ring, offset); // acquire: pairs with offer's release
    if (span == null) {
      if (index == accepted()) return null; // volatile: nothing claimed
      if ((span = awaitStore(offset, closing, giveUpAt)) == null) return null;
    }
    // Plain store: the release store of releasedIndex orders it before any reuse.
    SLOT.set(ring, offset, null);
    consumerIndex = index + 1;
    if (++unreleased == RELEASE_EVERY) release();
    return span;
  }

  /**
   * Waits for the producer that claimed the slot at {@code offset} to store its span; returns null
   * only when {@code closing} and {@code giveUpAt} has passed.
   *
   * <p>A claimed slot still empty means the consumer caught up with a producer between its two
   * steps. While running, the consumer pauses {@code STALLED_WAIT_NANOS} before it looks again,
   * so that the producers get ahead and it next drains a run of filled slots. Looking again at
   * once kept it at the head of the ring, where every look at the slot, and at the producers'
   * index, takes a cache line the producers are writing: consumer and producers went slot by slot
   * together, each slowing the others. The first {@code STALLED_PAUSES} pauses spin on the clock
   * alone, which touches no line the producers use and keeps the consumer's core, where a sleep
   * gave it up for the timer's slack (tens of microseconds more) and to the scheduler's placement
   * (RATIONALE.md, "Why the consumer waits the way it does"). A slot still empty after them was
   * claimed by a producer that was descheduled between its two steps: the consumer then sleeps,
   * leaving its core idle, where the scheduler can run that producer at once, where spinning or
   * yielding would keep the core busy while the producer waits in its queue (with two producers on
   * two cores, yielding delivered half as many spans). While closing, when what is left should go
   * out promptly, it looks again at once for up to {@code STALL_SPIN_NANOS}, which covers a store
   * delayed by cache misses, and then sleeps.
   */
  private RealSpan awaitStore(int offset, boolean closing, long giveUpAt) {
    long spinUntil = closing ? System.nanoTime() + STALL_SPIN_NANOS : 0L;
    int pauses = 0;
    RealSpan span;
    do {
      long now = System.nanoTime();
      if (closing && now - spinUntil < 0) {
        Thread.onSpinWait();
      } else if (!closing && pauses++ < STALLED_PAUSES) {
        for (long until = now + STALLED_WAIT_NANOS; System.nanoTime() - until < 0; ) Thread.onSpinWait();
      } else {
        if (closing && now - giveUpAt > 0) return null;
        LockSupport.parkNanos(this, STALLED_WAIT_NANOS);
      }
    } while ((span = (RealSpan) SLOT.getAcquire(ring, offset)) == null);
    return span;
  }

  /** Publishes how far the consumer got, so that producers may fill the slots it emptied. */
  void release() {
    if (unreleased != 0) {
      RELEASED_INDEX.setRelease(this, consumerIndex); // release: the emptied slots before it
      unreleased = 0;
    }
  }
}
