package io.tracelet;

/** A clock the test moves by hand (public for the tests of the metrics and alerts packages). */
public final class FakeClock implements Clock {
  volatile long epochMicros = 1_700_000_000_000_000L;
  volatile long nanos = 42_000_000_000L;
  int epochReads;

  @Override public long epochMicros() {
    epochReads++;
    return epochMicros;
  }

  @Override public long nanoTime() {
    return nanos;
  }

  /** Advances monotonic time only: the wall clock stays where it was, as if it had been set back. */
  public void advanceNanos(long delta) {
    nanos += delta;
  }

  /** Advances both clocks by {@code millis}, as time passing does. */
  public void advanceMillis(long millis) {
    nanos += millis * 1_000_000L;
    epochMicros += millis * 1_000L;
  }
}
