package io.tracelet.alerts;

import io.tracelet.Clock;
import io.tracelet.SpanKind;
import io.tracelet.metrics.SpanMetrics;
import io.tracelet.metrics.SpanMetrics.Measurement;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Alerts in this process, for teams without Prometheus: thresholds on the error ratio and on a
 * latency quantile of each span name over a sliding window, fed by {@link SpanMetrics} as its
 * listener. When a rule crosses its threshold for a span name, and again when it comes back within
 * it, the callbacks get an {@link Alert} and one line is logged (System.Logger {@code
 * io.tracelet.alerts.SpanAlerts}: WARNING when firing, INFO when resolved), naming the slowest
 * recent traces this process recorded for that name, as Zipkin links when a UI URL is configured:
 *
 * <pre>{@code
 * SpanAlerts alerts = SpanAlerts.newBuilder()
 *     .rule(AlertRule.errorRatioAbove(0.05))
 *     .rule(AlertRule.latencyAbove(0.99, Duration.ofMillis(500)).spans(SpanKind.SERVER, null))
 *     .zipkinUi("http://127.0.0.1:9411")
 *     .onAlert(alert -> pager.send(alert.message()))
 *     .build();
 * SpanMetrics metrics = SpanMetrics.newBuilder().addListener(alerts).build();
 * }</pre>
 *
 * <p><b>The window.</b> {@link Builder#window} (one minute) in {@link Builder#slices} (6) slices;
 * the rules look at the last {@code slices} slices, the current one included. Each slice is a fixed
 * array of counters: calls, failures, and one per latency bucket (the OpenTelemetry Collector
 * spanmetrics connector's bounds, plus each latency rule's threshold, so that a quantile's rule is
 * decided exactly); and the few slowest recorded spans of its time.
 *
 * <p><b>When rules are evaluated.</b> No thread of its own: on the thread of a span that ends when
 * a slice has passed since the last evaluation (one volatile read per span otherwise; the
 * evaluation never waits for a lock: if another thread evaluates, it is skipped), or when {@link
 * #evaluate()} is called. An idle service evaluates nothing until its next span: call {@code
 * evaluate()} from a scheduler of yours to see alerts resolve while no span ends.
 *
 * <p><b>Bounds.</b> At most {@link Builder#maxSeries} span names (service, kind, name) are tracked
 * (1000); spans of further names are counted in {@link #untrackedSpans()} and otherwise ignored
 * (span metrics have cut and folded names already). A tracked name holds at most {@code slices}
 * slices of {@code 2 + buckets + 1} counters and {@code 2 × worstTraces} trace references.
 *
 * <p>Thread-safe; recording is lock-free. Callbacks run on the evaluating thread, one at a time; one
 * that throws is logged and the others still run.
 */
public final class SpanAlerts implements SpanMetrics.Listener {
  private static final System.Logger LOG = System.getLogger(SpanAlerts.class.getName());
  // The OpenTelemetry Collector spanmetrics connector's default bounds, in milliseconds.
  private static final long[] DEFAULT_BOUNDS_MS = {
      2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10_000, 15_000};

  private final AlertRule[] rules;
  private final Clock clock;
  private final long sliceNanos;
  private final int slices;
  private final Duration window;
  private final long[] bounds;
  private final String zipkinUi; // "<base>/zipkin/traces/", or null
  private final List<Consumer<Alert>> callbacks;
  private final int maxSeries;
  private final int worstTraces;
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Track>[]> byService = new ConcurrentHashMap<>();
  private final AtomicInteger tracked = new AtomicInteger();
  private final LongAdder untracked = new LongAdder();
  private final AtomicLong nextEvaluation;
  private final ReentrantLock evaluating = new ReentrantLock();
  private final Map<String, Alert> firing = new LinkedHashMap<>(); // guarded by evaluating
  private volatile List<Alert> firingNow = List.of();

  private SpanAlerts(Builder b) {
    this.rules = b.rules.toArray(new AlertRule[0]);
    this.clock = b.clock;
    this.window = b.window;
    this.slices = b.slices;
    this.sliceNanos = Math.max(1L, b.window.toNanos() / b.slices);
    TreeSet<Long> bounds = new TreeSet<>();
    for (long ms : DEFAULT_BOUNDS_MS) bounds.add(ms * 1_000_000L);
    for (AlertRule r : rules) if (r.isLatency()) bounds.add(r.thresholdNanos());
    this.bounds = bounds.stream().mapToLong(Long::longValue).toArray();
    this.zipkinUi = b.zipkinUi == null ? null : b.zipkinUi.replaceAll("/+$", "") + "/zipkin/traces/";
    this.callbacks = List.copyOf(b.callbacks);
    this.maxSeries = b.maxSeries;
    this.worstTraces = b.worstTraces;
    this.nextEvaluation = new AtomicLong(clock.nanoTime() + sliceNanos);
  }

  /** A builder; add at least one rule. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** Counts a measured span in its name's window, and evaluates when a slice has passed. */
  @Override public void onEnd(Measurement m) {
    long now = clock.nanoTime();
    Track track = track(m.serviceName(), m.kind(), m.spanName());
    if (track != null) track.record(Math.floorDiv(now, sliceNanos), m, zipkinUi);
    long next = nextEvaluation.get();
    if (now - next >= 0 && nextEvaluation.compareAndSet(next, now + sliceNanos) && evaluating.tryLock()) {
      try {
        evaluateLocked(now);
      } finally {
        evaluating.unlock();
      }
    }
  }

  private Track track(String service, SpanKind kind, String name) {
    ConcurrentHashMap<String, Track>[] kinds = byService.get(service);
    if (kinds == null) kinds = byService.computeIfAbsent(service, s -> newKindMaps());
    ConcurrentHashMap<String, Track> names = kinds[kind.ordinal()];
    Track t = names.get(name);
    return t != null ? t : newTrack(names, service, kind, name);
  }

  @SuppressWarnings({"unchecked", "rawtypes"}) // an array of one generic type, never exposed
  private static ConcurrentHashMap<String, Track>[] newKindMaps() {
    ConcurrentHashMap<String, Track>[] maps = new ConcurrentHashMap[SpanKind.values().length];
    for (int i = 0; i < maps.length; i++) maps[i] = new ConcurrentHashMap<>();
    return maps;
  }

  private Track newTrack(ConcurrentHashMap<String, Track> names, String service, SpanKind kind, String name) {
    int n = 0;
    for (AlertRule r : rules) if (r.matches(name, kind)) n++;
    if (n == 0) return null; // no rule for it: nothing to track, nothing allocated
    if (tracked.get() >= maxSeries) { // full: a read, no contended write
      untracked.increment();
      return null;
    }
    if (tracked.getAndIncrement() >= maxSeries) { // lost the race for the last place
      tracked.getAndDecrement();
      untracked.increment();
      return null;
    }
    int[] applying = new int[n];
    n = 0;
    for (int i = 0; i < rules.length; i++) if (rules[i].matches(name, kind)) applying[n++] = i;
    Track fresh = new Track(service, name, kind, applying, slices, bounds, worstTraces);
    Track prior = names.putIfAbsent(name, fresh);
    if (prior == null) return fresh;
    tracked.getAndDecrement();
    return prior;
  }

  /**
   * Evaluates every rule now, raising and resolving alerts (callbacks and log lines as usual), and
   * returns the alerts raised or resolved by this call. For idle services, or a scheduler of yours;
   * ending spans evaluates on its own once a slice.
   */
  public List<Alert> evaluate() {
    evaluating.lock();
    try {
      return evaluateLocked(clock.nanoTime());
    } finally {
      evaluating.unlock();
    }
  }

  private List<Alert> evaluateLocked(long now) {
    long current = Math.floorDiv(now, sliceNanos);
    List<Alert> changes = new ArrayList<>();
    for (ConcurrentHashMap<String, Track>[] kinds : byService.values()) {
      for (ConcurrentHashMap<String, Track> names : kinds) {
        for (Track t : names.values()) evaluate(t, current, changes);
      }
    }
    if (!changes.isEmpty()) {
      firingNow = List.copyOf(firing.values());
      for (Alert a : changes) announce(a);
    }
    return changes;
  }

  private void evaluate(Track t, long current, List<Alert> changes) {
    Track.Window w = t.window(current);
    t.expire(current);
    for (int i = 0; i < t.rules.length; i++) {
      AlertRule rule = rules[t.rules[i]];
      long badCalls;
      boolean crossed;
      double value;
      if (rule.isLatency()) {
        int bucket = Arrays.binarySearch(bounds, rule.thresholdNanos()); // always a bound
        badCalls = w.calls() - w.atMost(bucket);
        // The quantile is above the threshold exactly when more than (1 - q) of the calls took longer.
        crossed = w.calls() >= rule.minCalls() && w.atMost(bucket) < rule.ratioOrQuantile() * w.calls();
        value = w.calls() == 0 ? 0.0 : w.quantileNanos(rule.ratioOrQuantile()) / 1e9;
      } else {
        badCalls = w.errors();
        value = w.calls() == 0 ? 0.0 : (double) w.errors() / w.calls();
        crossed = w.calls() >= rule.minCalls() && value > rule.ratioOrQuantile();
      }
      if (crossed == t.firing[i]) continue;
      t.firing[i] = crossed;
      Alert.State state = crossed ? Alert.State.FIRING : Alert.State.RESOLVED;
      List<Alert.Trace> traces = crossed ? w.worst(!rule.isLatency()) : List.of();
      Alert alert = new Alert(state, rule, t.serviceName, t.spanName, t.kind, value, w.calls(), badCalls, traces,
          clock.epochMicros(), message(state, rule, t, value, w.calls(), badCalls, traces));
      String key = t.rules[i] + "\u0000" + t.serviceName + "\u0000" + t.kind + "\u0000" + t.spanName;
      if (crossed) {
        firing.put(key, alert);
      } else {
        firing.remove(key);
      }
      changes.add(alert);
    }
  }

  private String message(Alert.State state, AlertRule rule, Track t, double value, long calls, long bad,
      List<Alert.Trace> traces) {
    boolean firing = state == Alert.State.FIRING;
    StringBuilder s = new StringBuilder("alert ").append(firing ? "firing" : "resolved").append(": ")
        .append(rule.what()).append(" of ").append(t.serviceName).append(' ').append(t.kind).append(' ');
    quote(t.spanName, s);
    if (rule.isLatency()) {
      s.append(" is ").append(millis((long) (value * 1e9))).append(firing ? " > " : " <= ")
          .append(millis(rule.thresholdNanos()));
    } else {
      s.append(" is ").append(String.format(Locale.ROOT, "%.3f", value)).append(firing ? " > " : " <= ")
          .append(String.format(Locale.ROOT, "%.3f", rule.ratioOrQuantile()));
    }
    s.append(" over the last ").append(seconds(window)).append(" (").append(calls).append(" calls, ").append(bad)
        .append(rule.isLatency() ? " slower than " + millis(rule.thresholdNanos()) : " failed").append(')');
    if (firing) {
      if (traces.isEmpty()) {
        s.append("; no recorded trace in the window");
      } else {
        s.append(rule.isLatency() ? "; slowest recorded traces: " : "; slowest failed recorded traces: ");
        for (int i = 0; i < traces.size(); i++) s.append(i == 0 ? "" : " ").append(traces.get(i));
      }
    }
    return s.toString();
  }

  /** The span name in double quotes, with quotes, backslashes and control characters escaped: one line, always. */
  private static void quote(String name, StringBuilder s) {
    s.append('"');
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '"' || c == '\\') {
        s.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
        s.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        s.append(c);
      }
    }
    s.append('"');
  }

  static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }

  private static String seconds(Duration d) {
    long millis = d.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }

  private void announce(Alert a) {
    LOG.log(a.state() == Alert.State.FIRING ? Level.WARNING : Level.INFO, a.message());
    for (Consumer<Alert> c : callbacks) {
      try {
        c.accept(a);
      } catch (RuntimeException e) { // a broken callback must not break the request that evaluated
        LOG.log(Level.WARNING, "alert callback " + c + " failed", e);
      }
    }
  }

  /** The alerts firing now (as of the last evaluation), in the order they fired. */
  public List<Alert> firing() {
    return firingNow;
  }

  /** Spans of names not tracked because {@link Builder#maxSeries} names were tracked already. */
  public long untrackedSpans() {
    return untracked.sum();
  }

  /** Span names tracked now (those a rule applies to). */
  public int trackedSeries() {
    return tracked.get();
  }

  @Override public String toString() {
    return "SpanAlerts{rules=" + Arrays.toString(rules) + ", window=" + window + ", firing=" + firingNow.size() + "}";
  }

  /** Configures {@link SpanAlerts}. Not thread-safe. */
  public static final class Builder {
    private final List<AlertRule> rules = new ArrayList<>();
    private Clock clock = Clock.system();
    private Duration window = Duration.ofMinutes(1);
    private int slices = 6;
    private String zipkinUi;
    private final List<Consumer<Alert>> callbacks = new ArrayList<>();
    private int maxSeries = 1000;
    private int worstTraces = 3;

    Builder() {
    }

    /** Adds a rule, checked for each span name it applies to. */
    public Builder rule(AlertRule rule) {
      rules.add(Objects.requireNonNull(rule, "rule == null"));
      return this;
    }

    /**
     * The sliding window the rules look at; one minute.
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder window(Duration window) {
      Objects.requireNonNull(window, "window == null");
      if (window.isNegative() || window.isZero()) throw new IllegalArgumentException("window must be positive: " + window);
      this.window = window;
      return this;
    }

    /**
     * How many slices the window moves by (6): the oldest slice leaves the window as a new one
     * begins, and rules are evaluated about once a slice.
     *
     * @throws IllegalArgumentException when not in [1, 60]
     */
    public Builder slices(int slices) {
      if (slices < 1 || slices > 60) throw new IllegalArgumentException("slices must be in [1, 60]: " + slices);
      this.slices = slices;
      return this;
    }

    /** The time source; the system clock by default. Replace it only in tests. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * The Zipkin server whose UI alerts link to, such as {@code http://127.0.0.1:9411}: traces are
     * named as {@code <base>/zipkin/traces/<traceId>}. None by default (traces are named by ID).
     */
    public Builder zipkinUi(String baseUrl) {
      this.zipkinUi = Objects.requireNonNull(baseUrl, "baseUrl == null");
      return this;
    }

    /** Adds a callback for every alert raised or resolved, called on the evaluating thread. */
    public Builder onAlert(Consumer<Alert> callback) {
      callbacks.add(Objects.requireNonNull(callback, "callback == null"));
      return this;
    }

    /**
     * The most span names (service, kind, name) tracked; 1000.
     *
     * @throws IllegalArgumentException when below 1
     */
    public Builder maxSeries(int max) {
      if (max < 1) throw new IllegalArgumentException("maxSeries must be positive: " + max);
      this.maxSeries = max;
      return this;
    }

    /**
     * How many of the worst recent recorded traces an alert names; 3.
     *
     * @throws IllegalArgumentException when not in [1, 20]
     */
    public Builder worstTraces(int count) {
      if (count < 1 || count > 20) throw new IllegalArgumentException("worstTraces must be in [1, 20]: " + count);
      this.worstTraces = count;
      return this;
    }

    /**
     * The alerts, to add as a listener of {@link SpanMetrics}.
     *
     * @throws IllegalStateException when no rule was added
     */
    public SpanAlerts build() {
      if (rules.isEmpty()) throw new IllegalStateException("no rule: add one with rule(...)");
      return new SpanAlerts(this);
    }
  }
}
