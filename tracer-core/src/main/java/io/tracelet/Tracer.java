package io.tracelet;

import java.lang.System.Logger.Level;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Starts spans. Obtained from {@link Tracing#tracer()}; one per {@link Tracing}.
 *
 * <p>Thread-safe. Starting an unsampled span allocates one 48-byte object; a sampled span with two
 * tags, about 150 bytes.
 */
public final class Tracer {
  private static final System.Logger LOG = System.getLogger(Tracer.class.getName());
  /** How long a wall-clock reading anchors root timestamps before it is read again. */
  static final long WALL_CLOCK_REFRESH_NANOS = 1_000_000_000L;

  private final Clock clock;
  private final Sampler sampler;
  private final boolean traceId128Bit;
  private final SpanLimits limits;
  private final Endpoint localEndpoint;
  private final CurrentContext currentContext;
  private final SpanRecorder recorder;
  private final TracingMetrics metrics;
  // The last wall-clock reading and the nanoTime it was taken at; replaced, never mutated.
  private volatile WallClockAnchor anchor;

  Tracer(Clock clock, Sampler sampler, boolean traceId128Bit, SpanLimits limits, Endpoint localEndpoint,
      CurrentContext currentContext, SpanRecorder recorder) {
    this.clock = clock;
    this.sampler = sampler;
    this.traceId128Bit = traceId128Bit;
    this.limits = limits;
    this.localEndpoint = localEndpoint;
    this.currentContext = currentContext;
    this.recorder = recorder;
    this.metrics = new TracingMetrics(recorder);
  }

  /** A builder for a span named {@code name} (null: empty), child of the current span by default. */
  public SpanBuilder spanBuilder(String name) {
    return new SpanBuilder(this, name);
  }

  /** The current span on this thread, or null. */
  public Span currentSpan() {
    return currentContext.span();
  }

  /**
   * A span that records nothing and has exactly {@code context}: makes a remote or captured
   * context current (so that children join it) without reporting a span for it.
   */
  public Span toSpan(TraceContext context) {
    return new NoopSpan(this, context);
  }

  /** Runs {@code task} in a new child span, current while it runs; records its error; finishes. */
  public void inSpan(String name, Runnable task) {
    Span span = spanBuilder(name).start();
    try (Scope ignored = span.makeCurrent()) {
      task.run();
    } catch (RuntimeException | Error e) {
      span.error(e);
      throw e;
    } finally {
      span.finish();
    }
  }

  /** Like {@link #inSpan(String, Runnable)}, returning what {@code task} returns. */
  public <T> T inSpan(String name, Supplier<T> task) {
    Span span = spanBuilder(name).start();
    try (Scope ignored = span.makeCurrent()) {
      return task.get();
    } catch (RuntimeException | Error e) {
      span.error(e);
      throw e;
    } finally {
      span.finish();
    }
  }

  /** Like {@link #inSpan(String, Supplier)}, for a task that throws checked exceptions. */
  public <T> T callInSpan(String name, Callable<T> task) throws Exception {
    Span span = spanBuilder(name).start();
    try (Scope ignored = span.makeCurrent()) {
      return task.call();
    } catch (Exception | Error e) {
      span.error(e);
      throw e;
    } finally {
      span.finish();
    }
  }

  Span newSpan(String name, SpanKind kind, long startTimestamp, TraceContext parent, Span localParent) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    boolean join = parent != null && parent.hasIds();
    long traceIdHigh = join ? parent.traceIdHigh() : traceId128Bit ? nextId(random) : 0L;
    long traceId = join ? parent.traceId() : nextId(random);
    // A new root's span ID is its trace ID's low half, as Brave does: one random number fewer.
    long spanId = join ? nextId(random) : traceId;
    boolean debug = parent != null && parent.debug();
    Boolean decided = parent == null ? null : parent.sampled();
    boolean sampled = debug || (decided != null ? decided : sample(traceId, name, kind));
    if (!sampled) return new NoopSpan(this, parent, traceIdHigh, traceId, spanId);

    int flags = TraceContext.SAMPLED_SET | TraceContext.SAMPLED | (debug ? TraceContext.DEBUG : 0)
        | (join ? parent.flags() & TraceContext.RANDOM_TRACE_ID : TraceContext.RANDOM_TRACE_ID);
    long startNanos;
    if (startTimestamp != 0L) {
      startNanos = RecordingSpan.NO_ANCHOR;
    } else if (localParent instanceof RecordingSpan && ((RecordingSpan) localParent).hasClockAnchor()) {
      // A local child: its time derives from its parent's anchor, never from the wall clock.
      startNanos = clock.nanoTime();
      startTimestamp = ((RecordingSpan) localParent).epochMicrosAt(startNanos);
    } else {
      startNanos = clock.nanoTime();
      startTimestamp = epochMicrosAt(startNanos);
    }
    return new RecordingSpan(this, parent, traceIdHigh, traceId, spanId, flags, name, kind, startTimestamp,
        startNanos);
  }

  /**
   * The wall-clock time at {@code nanos}: the clock's epoch reading is taken at most once a second
   * and every timestamp in between derives from {@code nanoTime()}, which saves a clock read (30 ns
   * on a VM) per local root and keeps roots started within a second consistent with each other.
   */
  private long epochMicrosAt(long nanos) {
    WallClockAnchor a = anchor;
    if (a == null || nanos - a.nanos >= WALL_CLOCK_REFRESH_NANOS || nanos - a.nanos < 0) {
      anchor = a = new WallClockAnchor(clock.epochMicros(), nanos); // benign race: any fresh anchor will do
    }
    return a.epochMicros + (nanos - a.nanos) / 1000L;
  }

  private static final class WallClockAnchor {
    final long epochMicros;
    final long nanos;

    WallClockAnchor(long epochMicros, long nanos) {
      this.epochMicros = epochMicros;
      this.nanos = nanos;
    }
  }

  private boolean sample(long traceId, String name, SpanKind kind) {
    try {
      return sampler.isSampled(traceId, name, kind);
    } catch (RuntimeException e) { // a broken sampler must not break the request
      LOG.log(Level.WARNING, "sampler " + sampler + " failed; not sampling this trace", e);
      return false;
    }
  }

  private static long nextId(ThreadLocalRandom random) {
    long id;
    do {
      id = random.nextLong();
    } while (id == 0L);
    return id;
  }

  Clock clock() {
    return clock;
  }

  SpanLimits limits() {
    return limits;
  }

  TracingMetrics metrics() {
    return metrics;
  }

  SpanRecorder recorder() {
    return recorder;
  }

  Endpoint localEndpoint() {
    return localEndpoint;
  }

  CurrentContext currentContext() {
    return currentContext;
  }
}
