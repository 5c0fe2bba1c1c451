package io.tracelet.metrics;

import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.TraceContext;
import io.tracelet.Tracing;
import io.tracelet.internal.SpanMeter;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request, error and duration metrics of spans, computed in this process for every span of the
 * chosen kinds, head-sampled or not: per service, span name, kind and status (failed or not), a
 * count of calls and a latency histogram. Hand one to {@link Tracing.Builder#spanMetrics}; read it
 * with {@link #snapshot()}, or follow each measured span with a {@link Listener} (the Micrometer
 * binder is one).
 *
 * <pre>{@code
 * SpanMetrics metrics = SpanMetrics.newBuilder().build();  // SERVER, CONSUMER and local roots
 * Tracing tracing = Tracing.newBuilder().serviceName("checkout").spanMetrics(metrics).build();
 * }</pre>
 *
 * <p><b>What is measured.</b> Each finished span of a chosen kind ({@link SpanKind#SERVER} and
 * {@link SpanKind#CONSUMER} by default) and each local root (a span whose parent is no span of this
 * process: a new trace, or one continued from a carrier), once, when it finishes: under the name it
 * has then, with its duration, as failed when it recorded an error or has an {@code error} tag.
 * Head-unsampled spans count: such a span of a measured kind keeps its name, start and error for
 * the purpose. Under a keep policy a provisional span counts once at its finish, whether its local
 * part is later kept or discarded. Abandoned spans do not count.
 *
 * <p><b>Bounds.</b> At most {@link Builder#maxSpanNames} distinct names per service and kind; spans
 * of further names are counted under the name {@value #OTHER} ({@link #foldedSpans()} says how
 * many). Names longer than {@value #MAX_NAME_LENGTH} characters are cut to that length. So the
 * series are bounded by services × kinds × (names + 1) × 2, and a series holds a counter of
 * nanoseconds and one counter per bucket it has seen, made on first use.
 *
 * <p><b>Cost.</b> Without span metrics nothing changes. With them, an unmeasured span costs what
 * it did; a measured span pays a map lookup and two striped-counter additions at finish (no lock),
 * and a head-unsampled measured span is one object of 72 bytes instead of the no-op's 48, with two
 * clock reads. With listeners, each measured span also allocates its {@link Measurement} (40 bytes).
 * The {@code spanMetrics...} rows of the benchmarks measure it.
 *
 * <p>Thread-safe. Listeners run on the thread that ends each span and must be quick; one that
 * throws is caught, logged (at most once a minute) and counted in {@link #listenerFailures()}.
 */
public final class SpanMetrics {
  /** The name spans are counted under when their service and kind have {@link Builder#maxSpanNames} names already. */
  public static final String OTHER = "other";
  /** The longest span name kept; longer names are cut to it. */
  public static final int MAX_NAME_LENGTH = 256;
  private static final System.Logger LOG = System.getLogger(SpanMetrics.class.getName());
  private static final Listener[] NO_LISTENERS = {};
  private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  static {
    SpanMeter.install((metrics, serviceName) -> metrics.meter(serviceName));
  }

  private final int kinds;
  private final boolean localRoots;
  final int maxSpanNames;
  final long[] upperBoundsNanos; // ascending; a last +Inf bucket follows them
  private final List<Duration> durationBuckets;
  private final ConcurrentHashMap<String, ServiceMeter> services = new ConcurrentHashMap<>();
  private volatile Listener[] listeners; // copy-on-write, under this
  final LongAdder folded = new LongAdder();
  private final LongAdder listenerFailures = new LongAdder();
  private final AtomicLong nextFailureLog = new AtomicLong(System.nanoTime());

  private SpanMetrics(Builder b) {
    int mask = 0;
    for (SpanKind k : b.kinds) mask |= 1 << k.ordinal();
    this.kinds = mask;
    this.localRoots = b.localRoots;
    this.maxSpanNames = b.maxSpanNames;
    this.durationBuckets = List.copyOf(b.durationBuckets);
    this.upperBoundsNanos = b.durationBuckets.stream().mapToLong(Duration::toNanos).toArray();
    this.listeners = b.listeners.toArray(NO_LISTENERS);
  }

  /** A builder with the defaults: SERVER and CONSUMER spans and local roots, 1000 names, the connector's buckets. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** The meter of one service; tracings of one service name share it. */
  private SpanMeter meter(String serviceName) {
    return services.computeIfAbsent(serviceName, s -> new ServiceMeter(this, s, kinds, localRoots));
  }

  /**
   * Adds a listener called for every measured span from now on, after the span is counted; also
   * after this was built (the Micrometer binder adds itself). Adding one copies the list: do it at
   * startup, not per request.
   */
  public void addListener(Listener listener) {
    Objects.requireNonNull(listener, "listener == null");
    synchronized (this) {
      Listener[] current = listeners;
      Listener[] more = Arrays.copyOf(current, current.length + 1);
      more[current.length] = listener;
      listeners = more;
    }
  }

  /**
   * Removes {@code listener}, the same object that was added (one registration of it, if it was
   * added more than once); returns whether it was registered. A span already being counted on
   * another thread may still reach it. With no listener left, measured spans allocate nothing for
   * listeners again.
   */
  public boolean removeListener(Listener listener) {
    Objects.requireNonNull(listener, "listener == null");
    synchronized (this) {
      Listener[] current = listeners;
      for (int i = 0; i < current.length; i++) {
        if (current[i] == listener) {
          Listener[] fewer = Arrays.copyOf(current, current.length - 1);
          System.arraycopy(current, i + 1, fewer, i, current.length - i - 1);
          listeners = fewer;
          return true;
        }
      }
      return false;
    }
  }

  /**
   * Every series with at least one span so far, one per service, span name, kind and status,
   * sorted by those. A span counted while this runs may show in some figures of its series and not
   * yet in others; once spans stop, the figures are exact.
   */
  public List<Series> snapshot() {
    List<Series> all = new ArrayList<>();
    for (ServiceMeter service : services.values()) service.collect(all);
    all.sort(Comparator.comparing(Series::serviceName).thenComparing(Series::kind)
        .thenComparing(Series::spanName).thenComparing(Series::error));
    return Collections.unmodifiableList(all);
  }

  /** Spans counted under {@value #OTHER} because their service and kind had {@link Builder#maxSpanNames} names already. */
  public long foldedSpans() {
    return folded.sum();
  }

  /** Calls of listeners that threw (caught: the span and the other listeners went on). */
  public long listenerFailures() {
    return listenerFailures.sum();
  }

  /** The histogram's upper bounds, ascending; a last bucket above them all (+Inf) follows. */
  public List<Duration> durationBuckets() {
    return durationBuckets;
  }

  /** The index of the bucket of a duration: the first whose upper bound is at least it, or the last (+Inf). */
  int bucketOf(long nanos) {
    long[] bounds = upperBoundsNanos;
    int i = 0;
    while (i < bounds.length && nanos > bounds[i]) i++;
    return i;
  }

  /** Calls each listener with the span just counted; never throws. */
  void notifyListeners(String serviceName, String spanName, SpanKind kind, boolean error, long nanos, Span span,
      boolean recorded) {
    Listener[] ls = listeners;
    if (ls.length == 0) return;
    Ended m = new Ended(serviceName, spanName, kind, error, nanos, span, recorded);
    for (Listener l : ls) {
      try {
        l.onEnd(m);
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable e) { // a broken listener must not break the request
        listenerFailed(l, e);
      }
    }
  }

  private void listenerFailed(Listener l, Throwable e) {
    listenerFailures.increment();
    long now = System.nanoTime();
    long next = nextFailureLog.get();
    if (now - next >= 0 && nextFailureLog.compareAndSet(next, now + LOG_INTERVAL_NANOS)) {
      LOG.log(Level.WARNING, "span metrics listener " + l + " failed (" + listenerFailures.sum()
          + " failures so far, logged at most once a minute); the span was counted", e);
    }
  }

  @Override public String toString() {
    return "SpanMetrics{services=" + services.keySet() + ", foldedSpans=" + foldedSpans() + "}";
  }

  /** Configures {@link SpanMetrics}. Not thread-safe. */
  public static final class Builder {
    private Set<SpanKind> kinds = EnumSet.of(SpanKind.SERVER, SpanKind.CONSUMER);
    private boolean localRoots = true;
    private int maxSpanNames = 1000;
    private List<Duration> durationBuckets = DEFAULT_BUCKETS;
    private final List<Listener> listeners = new ArrayList<>();

    // The OpenTelemetry Collector spanmetrics connector's default explicit buckets, in milliseconds.
    private static final List<Duration> DEFAULT_BUCKETS = millis(
        2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10_000, 15_000);

    Builder() {
    }

    /**
     * The kinds measured wherever they are in a trace; {@link SpanKind#SERVER} and {@link
     * SpanKind#CONSUMER} by default. Add {@link SpanKind#CLIENT} and {@link SpanKind#PRODUCER} for
     * the calls this service makes. None leaves only local roots (see {@link #localRoots}).
     */
    public Builder kinds(SpanKind... kinds) {
      Objects.requireNonNull(kinds, "kinds == null");
      Set<SpanKind> set = EnumSet.noneOf(SpanKind.class);
      for (SpanKind k : kinds) set.add(Objects.requireNonNull(k, "kind == null"));
      this.kinds = set;
      return this;
    }

    /**
     * Whether local roots of any kind are measured too: spans whose parent is no span of this
     * process (a scheduled job's root, an {@code INTERNAL} span continuing a trace from a message);
     * true by default.
     */
    public Builder localRoots(boolean count) {
      this.localRoots = count;
      return this;
    }

    /**
     * The most distinct span names counted per service and kind; 1000. Spans of further names are
     * counted under {@value SpanMetrics#OTHER}.
     *
     * @throws IllegalArgumentException when below 1
     */
    public Builder maxSpanNames(int max) {
      if (max < 1) throw new IllegalArgumentException("maxSpanNames must be positive: " + max);
      this.maxSpanNames = max;
      return this;
    }

    /**
     * The histogram's upper bounds, strictly ascending and positive; the OpenTelemetry Collector
     * spanmetrics connector's defaults (2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000,
     * 5000, 10000 and 15000 ms). A last bucket above them all (+Inf) is always added.
     *
     * @throws IllegalArgumentException when empty, not ascending, or not positive
     */
    public Builder durationBuckets(Duration... upperBounds) {
      Objects.requireNonNull(upperBounds, "upperBounds == null");
      if (upperBounds.length == 0) throw new IllegalArgumentException("no duration buckets");
      Duration previous = Duration.ZERO;
      for (Duration d : upperBounds) {
        Objects.requireNonNull(d, "upperBound == null");
        if (d.compareTo(previous) <= 0) {
          throw new IllegalArgumentException("duration buckets must be positive and strictly ascending: "
              + Arrays.toString(upperBounds));
        }
        previous = d;
      }
      this.durationBuckets = List.of(upperBounds);
      return this;
    }

    /** Adds a listener called for every measured span; see {@link SpanMetrics#addListener}. */
    public Builder addListener(Listener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener == null"));
      return this;
    }

    /** The span metrics, to hand to {@link Tracing.Builder#spanMetrics}. */
    public SpanMetrics build() {
      return new SpanMetrics(this);
    }

    private static List<Duration> millis(long... values) {
      List<Duration> list = new ArrayList<>();
      for (long v : values) list.add(Duration.ofMillis(v));
      return List.copyOf(list);
    }
  }

  /**
   * Follows every measured span as it is counted: called on the thread that ends it, after it is
   * counted. Must be quick and must not block; one that throws is counted in {@link
   * #listenerFailures()} and never reaches the caller of {@code finish}.
   */
  @FunctionalInterface
  public interface Listener {
    /** A measured span ended; {@code m} is valid only during this call. */
    void onEnd(Measurement m);
  }

  /**
   * A measured span that just ended, as a {@link Listener} sees it: valid only during {@link
   * Listener#onEnd} (it may be reused: copy what you keep).
   */
  public interface Measurement {
    /** The service the span is counted under (as reported: lowercased). */
    String serviceName();

    /** The span name it is counted under: its name, cut or folded into {@value SpanMetrics#OTHER}. */
    String spanName();

    /** Its kind; {@link SpanKind#INTERNAL} for local work. */
    SpanKind kind();

    /** True when it recorded an error or has an {@code error} tag. */
    boolean error();

    /** How long it lasted. */
    long durationNanos();

    /** Its context (built on first call for a head-unsampled span). */
    TraceContext context();

    /**
     * True when its trace is recorded in this process, so that it makes a good exemplar: it was
     * head-sampled, or a keep policy had kept its local part when it ended (a local root's
     * decision is made at its finish, before it is measured). False for a head-unsampled span that
     * is not kept, or not yet.
     */
    boolean recorded();
  }

  /** One series of a {@link #snapshot()}: calls, their total duration and histogram. Immutable. */
  public static final class Series {
    private final String serviceName;
    private final String spanName;
    private final SpanKind kind;
    private final boolean error;
    private final long count;
    private final long sumNanos;
    private final long[] bucketCounts;
    private final List<Exemplar> exemplars;

    Series(String serviceName, String spanName, SpanKind kind, boolean error, long sumNanos, long[] bucketCounts,
        List<Exemplar> exemplars) {
      this.serviceName = serviceName;
      this.spanName = spanName;
      this.kind = kind;
      this.error = error;
      this.sumNanos = sumNanos;
      this.bucketCounts = bucketCounts;
      long c = 0;
      for (long b : bucketCounts) c += b;
      this.count = c;
      this.exemplars = exemplars;
    }

    /** The service (lowercased, as reported). */
    public String serviceName() {
      return serviceName;
    }

    /** The span name, or {@value SpanMetrics#OTHER} for spans folded past the name limit. */
    public String spanName() {
      return spanName;
    }

    /** The span kind. */
    public SpanKind kind() {
      return kind;
    }

    /** True for the series of failed spans. */
    public boolean error() {
      return error;
    }

    /** Calls counted: the sum of {@link #bucketCounts()}. */
    public long count() {
      return count;
    }

    /** Their durations added up. */
    public long sumNanos() {
      return sumNanos;
    }

    /**
     * Calls per bucket, not cumulative: one per {@link SpanMetrics#durationBuckets()} bound (at
     * most that long, longer than the bound before), and a last one for longer calls. A copy.
     */
    public long[] bucketCounts() {
      return bucketCounts.clone();
    }

    /**
     * One entry per bucket, as {@link #bucketCounts()}: a recent recorded span that fell in it, or
     * null where there is none. An exemplar is replaced at most once a second (by the spans' end
     * times). Unmodifiable.
     */
    public List<Exemplar> exemplars() {
      return exemplars;
    }

    @Override public String toString() {
      return "Series{" + serviceName + " " + kind + " " + spanName + (error ? " error" : "") + " count=" + count
          + " sumNanos=" + sumNanos + " buckets=" + Arrays.toString(bucketCounts) + "}";
    }
  }

  /** A recorded span that fell in a bucket, to link a latency to a trace. Immutable. */
  public static final class Exemplar {
    private final String traceId;
    private final String spanId;
    private final long durationNanos;
    private final long epochMicros;

    Exemplar(String traceId, String spanId, long durationNanos, long epochMicros) {
      this.traceId = traceId;
      this.spanId = spanId;
      this.durationNanos = durationNanos;
      this.epochMicros = epochMicros;
    }

    /** The trace ID, lowercase hex. */
    public String traceId() {
      return traceId;
    }

    /** The span ID, lowercase hex. */
    public String spanId() {
      return spanId;
    }

    /** How long the span lasted. */
    public long durationNanos() {
      return durationNanos;
    }

    /** When it ended, in microseconds since the epoch. */
    public long epochMicros() {
      return epochMicros;
    }

    @Override public String toString() {
      return "Exemplar{" + traceId + "/" + spanId + " " + durationNanos + "ns}";
    }
  }
}
