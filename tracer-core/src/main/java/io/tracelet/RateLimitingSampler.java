package io.tracelet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * At most N traces a second, by the generic cell rate algorithm: one long, the theoretical time
 * the next trace is due, advanced by 1/N second per sampled trace and allowed to run at most one
 * second ahead of now (the burst). No lock, no allocation.
 */
final class RateLimitingSampler implements Sampler {
  private static final long ONE_SECOND = 1_000_000_000L;
  private static final int MAX_ATTEMPTS = 8;
  private static final VarHandle DUE;

  static {
    try {
      DUE = MethodHandles.lookup().findVarHandle(RateLimitingSampler.class, "due", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final int tracesPerSecond;
  private final long interval;
  private final NanoSource nanos;
  @SuppressWarnings("unused") // accessed through DUE
  private volatile long due;

  RateLimitingSampler(int tracesPerSecond) {
    this(tracesPerSecond, System::nanoTime);
  }

  RateLimitingSampler(int tracesPerSecond, NanoSource nanos) {
    if (tracesPerSecond < 0) throw new IllegalArgumentException("tracesPerSecond < 0: " + tracesPerSecond);
    this.tracesPerSecond = tracesPerSecond;
    this.interval = tracesPerSecond == 0 ? Long.MAX_VALUE : ONE_SECOND / tracesPerSecond;
    this.nanos = nanos;
    this.due = nanos.nanoTime() - ONE_SECOND;
  }

  @Override public boolean isSampled(long traceId, String name, SpanKind kind) {
    if (tracesPerSecond == 0) return false;
    long now = nanos.nanoTime();
    // A bounded number of CAS attempts: a sampler must never spin on the request path. Losing
    // every attempt means other threads are sampling right now; saying no is then fair.
    for (int i = 0; i < MAX_ATTEMPTS; i++) {
      long current = (long) DUE.getVolatile(this); // volatile: the freshest schedule
      long next = Math.max(current, now - ONE_SECOND) + interval;
      if (next - now > 0) return false; // the next slot is in the future: over the rate
      if (DUE.compareAndSet(this, current, next)) return true; // volatile CAS: one winner per slot
    }
    return false;
  }

  @Override public String toString() {
    return "RateLimitingSampler{" + tracesPerSecond + "/s}";
  }

  /** The monotonic time source, replaceable in tests. */
  @FunctionalInterface
  interface NanoSource {
    long nanoTime();
  }
}
