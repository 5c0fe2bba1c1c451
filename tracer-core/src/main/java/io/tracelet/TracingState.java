package io.tracelet;

import io.tracelet.internal.SpanMeter;
import java.lang.System.Logger.Level;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What every span of one {@link Tracing} shares: the clock and its wall-clock anchor, the sampler,
 * limits and their counters, the local endpoint, the current-context storage, the recorder, and the
 * keep policy's keeper and the span metrics' meter when they are set.
 * Built once by {@link Tracing}; the tracer, span builders and spans hold it and never reach back
 * into the {@link Tracer}, so a span travels one way: builder, span, recorder, reporter.
 *
 * <p>Thread-safe: final fields, and an anchor that is replaced, never mutated.
 */
final class TracingState {
  private static final System.Logger LOG = System.getLogger(TracingState.class.getName());
  /** How long a wall-clock reading anchors root timestamps before it is read again. */
  static final long WALL_CLOCK_REFRESH_NANOS = 1_000_000_000L;

  final Clock clock;
  final Sampler sampler;
  final boolean traceId128Bit;
  final SpanLimits limits;
  final LimitCounters limitCounters = new LimitCounters();
  final Endpoint localEndpoint;
  final CurrentContext currentContext;
  final SpanRecorder recorder;
  final Keeper keeper; // null without a keep policy
  final SpanMeter meter; // null without span metrics
  // The last wall-clock reading and the nanoTime it was taken at; replaced, never mutated.
  private volatile WallClockAnchor anchor;

  TracingState(Clock clock, Sampler sampler, boolean traceId128Bit, SpanLimits limits,
      Endpoint localEndpoint, CurrentContext currentContext, SpanRecorder recorder, KeepPolicy keepPolicy,
      SpanMeter meter) {
    this.clock = clock;
    this.sampler = sampler;
    this.traceId128Bit = traceId128Bit;
    this.limits = limits;
    this.localEndpoint = localEndpoint;
    this.currentContext = currentContext;
    this.recorder = recorder;
    this.keeper = keepPolicy == null ? null : new Keeper(keepPolicy, recorder);
    this.meter = meter;
  }

  /**
   * The wall-clock time at {@code nanos}: the clock's epoch reading is taken at most once a second
   * and every timestamp in between derives from {@code nanoTime()}, which saves a clock read (30 ns
   * on a VM) per local root and keeps roots started within a second consistent with each other.
   */
  long epochMicrosAt(long nanos) {
    WallClockAnchor a = anchor;
    if (a == null || nanos - a.nanos >= WALL_CLOCK_REFRESH_NANOS || nanos - a.nanos < 0) {
      anchor = a = new WallClockAnchor(clock.epochMicros(), nanos); // benign race: any fresh anchor will do
    }
    return a.epochMicros + (nanos - a.nanos) / 1000L;
  }

  /** The sampler's decision for a new trace; a sampler that throws says no (and is logged). */
  boolean sample(long traceId, String name, SpanKind kind) {
    try {
      return sampler.isSampled(traceId, name, kind);
    } catch (RuntimeException e) { // a broken sampler must not break the request
      LOG.log(Level.WARNING, "sampler " + sampler + " failed; not sampling this trace", e);
      return false;
    }
  }

  /** A random non-zero ID. */
  static long nextId(ThreadLocalRandom random) {
    long id;
    do {
      id = random.nextLong();
    } while (id == 0L);
    return id;
  }

  private static final class WallClockAnchor {
    final long epochMicros;
    final long nanos;

    WallClockAnchor(long epochMicros, long nanos) {
      this.epochMicros = epochMicros;
      this.nanos = nanos;
    }
  }
}
