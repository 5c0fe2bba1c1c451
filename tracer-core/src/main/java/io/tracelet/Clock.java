package io.tracelet;

import java.time.Instant;

/**
 * Where spans get their time. Tracelet reads {@link #epochMicros()} at most once a second per
 * tracer and derives every timestamp in between from {@link #nanoTime()} differences: a local
 * root's start from the latest reading, its children's from the root's. So spans on one host never
 * go back in time when the wall clock is adjusted, and a wall-clock step shows within a second.
 *
 * <p>Implementations must be thread-safe. Replace the default only in tests.
 */
public interface Clock {
  /** Microseconds since the epoch. */
  long epochMicros();

  /** A monotonic reading in nanoseconds, as {@link System#nanoTime()}. */
  long nanoTime();

  /** The system clock: {@link Instant#now()} (microsecond precision where the OS has it). */
  static Clock system() {
    return SystemClock.INSTANCE;
  }
}

final class SystemClock implements Clock {
  static final SystemClock INSTANCE = new SystemClock();

  @Override public long epochMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  @Override public long nanoTime() {
    return System.nanoTime();
  }
}
