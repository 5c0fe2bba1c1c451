package io.tracelet;

import io.tracelet.internal.SpanMeter;
import io.tracelet.metrics.SpanMetrics;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Owns a service's tracing: its {@link Tracer}, current-span storage, propagation, and the span
 * recorder with its background thread. Build one per service at startup and close it at shutdown:
 *
 * <pre>{@code
 * Tracing tracing = Tracing.newBuilder()
 *     .serviceName("checkout")
 *     .sampler(Sampler.rateLimited(100))
 *     .reporter(spanReporter)
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops accepting spans, delivers what is queued (within the
 * close timeout), closes the reporter and stops the recorder thread; it is idempotent.
 */
public final class Tracing implements AutoCloseable {
  private final String serviceName;
  private final Propagator propagator;
  private final CurrentContext currentContext;
  private final SpanRecorder recorder;
  private final Tracer tracer;
  private final TracingCounters counters;
  private final Duration closeTimeout;
  private final SpanMetrics spanMetrics; // null unless set
  private boolean closed; // guarded by this

  private Tracing(Builder b) {
    this.serviceName = b.serviceName;
    this.propagator = b.propagator;
    this.closeTimeout = b.closeTimeout;
    this.spanMetrics = b.spanMetrics;
    this.currentContext = new CurrentContext(b.decorators, b.strictScopes);
    this.recorder = new SpanRecorder(b.reporter, b.queueCapacity, b.maxBatchSpans, b.maxBatchDelay,
        "tracelet-recorder-" + b.serviceName);
    String ip = b.localIp != null ? b.localIp : detectLocalIp();
    Endpoint local = Endpoint.of(b.serviceName, ip, b.localPort);
    // Metrics go under the service name spans are reported under (lowercased).
    SpanMeter meter = b.spanMetrics == null ? null
        : SpanMeter.of(b.spanMetrics, local.serviceName() == null ? "" : local.serviceName());
    TracingState state = new TracingState(b.clock, b.sampler, b.traceId128Bit, b.limits, local, currentContext,
        recorder, b.keepPolicy, meter);
    this.tracer = new Tracer(state);
    this.counters = new TracingCounters(recorder, state.limitCounters, state.keeper);
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** The tracer that starts this service's spans. */
  public Tracer tracer() {
    return tracer;
  }

  /** The current span per thread, and wrappers that carry it to other threads. */
  public CurrentContext currentContext() {
    return currentContext;
  }

  /** The propagator integrations use for this service; {@link Propagator#noop()} unless set. */
  public Propagator propagator() {
    return propagator;
  }

  /** The service name spans are reported under. */
  public String serviceName() {
    return serviceName;
  }

  /** What happened to this service's spans: accepted, reported, lost and why; limits applied. */
  public TracingCounters counters() {
    return counters;
  }

  /**
   * The span metrics this service's spans are counted in ({@link Builder#spanMetrics}), for
   * reading them or binding them to a metrics system; null when none were set.
   */
  public SpanMetrics spanMetrics() {
    return spanMetrics;
  }

  /** Delivers every span finished before this call to the reporter, waiting up to 10 seconds. */
  public boolean flush() {
    return flush(Duration.ofSeconds(10));
  }

  /** Delivers every span finished before this call; false when {@code timeout} passed first. */
  public boolean flush(Duration timeout) {
    return recorder.flush(timeout);
  }

  /**
   * {@link #close(Duration)} with the configured close timeout (5 seconds by default); what could
   * not be delivered is logged and counted in {@link TracingCounters#spansUndelivered()}.
   */
  @Override public void close() {
    close(closeTimeout);
  }

  /**
   * Stops accepting spans, delivers what is queued, and returns within {@code timeout}: spans
   * finished from now on are counted as dropped after close. A reporter still busy near the
   * deadline is interrupted; one that ignores the interrupt is left to its (daemon) recorder thread,
   * which closes the reporter and ends when the reporter returns. Returns how many accepted spans
   * were not delivered (also logged, and counted as {@link TracingCounters#spansUndelivered()});
   * 0 when already closed.
   */
  public long close(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout == null");
    synchronized (this) {
      if (closed) return 0L;
      closed = true;
    }
    return recorder.close(timeout);
  }

  SpanRecorder recorder() { // for tests of the recorder's behaviour inside a whole Tracing
    return recorder;
  }

  @Override public String toString() {
    return "Tracing{" + serviceName + "}";
  }

  // The first non-loopback IPv4 of an interface that is up, else the first IPv6; never DNS.
  private static String detectLocalIp() {
    try {
      String ipv6 = null;
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback()) continue;
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          if (address.isLinkLocalAddress() || address.isLoopbackAddress()) continue;
          if (address instanceof Inet4Address) return address.getHostAddress();
          if (ipv6 == null) ipv6 = address.getHostAddress();
        }
      }
      return ipv6 != null ? ipv6 : "127.0.0.1";
    } catch (Exception | Error e) { // no network information: report the loopback address
      return "127.0.0.1";
    }
  }

  /**
   * Configures {@link Tracing}. Every setting has a default; {@link #serviceName} and
   * {@link #reporter} are the ones to set. Not thread-safe.
   */
  public static final class Builder {
    private String serviceName = "unknown";
    private String localIp;
    private int localPort;
    private Sampler sampler = Sampler.always();
    private KeepPolicy keepPolicy;
    private SpanMetrics spanMetrics;
    private Propagator propagator = Propagator.noop();
    private SpanReporter reporter = batch -> { };
    private Clock clock = Clock.system();
    private final List<ScopeDecorator> decorators = new ArrayList<>();
    private SpanLimits limits = SpanLimits.defaults();
    private boolean traceId128Bit = true;
    private boolean strictScopes;
    private int queueCapacity = 8192;
    private int maxBatchSpans = 512;
    private Duration maxBatchDelay = Duration.ofSeconds(1);
    private Duration closeTimeout = Duration.ofSeconds(5);

    Builder() {
    }

    /** The service name spans are reported under ("unknown" by default); lowercased. */
    public Builder serviceName(String serviceName) {
      this.serviceName = require(serviceName, "serviceName");
      return this;
    }

    /** This host's IP in reported spans; detected from the network interfaces by default. */
    public Builder localIp(String ip) {
      this.localIp = ip;
      return this;
    }

    /** This service's listening port in reported spans; none by default. */
    public Builder localPort(int port) {
      this.localPort = port;
      return this;
    }

    /** Decides which new traces are recorded; {@link Sampler#always()} by default. */
    public Builder sampler(Sampler sampler) {
      this.sampler = require(sampler, "sampler");
      return this;
    }

    /**
     * Keeps the local parts of head-unsampled traces that matter (errors, slow requests, a
     * downstream keep); none by default, which keeps an unsampled span a 48-byte no-op. With one,
     * an unsampled span records provisionally until its local root finishes; see {@link KeepPolicy}.
     */
    public Builder keepPolicy(KeepPolicy keepPolicy) {
      this.keepPolicy = require(keepPolicy, "keepPolicy");
      return this;
    }

    /**
     * Counts calls and their latency per span name, kind and status for the kinds {@code
     * spanMetrics} chooses, head-sampled or not; none by default, which costs nothing. One {@link
     * SpanMetrics} may serve several tracings: their spans are told apart by service name. See
     * {@link SpanMetrics} for what is measured and what it costs.
     */
    public Builder spanMetrics(SpanMetrics spanMetrics) {
      this.spanMetrics = require(spanMetrics, "spanMetrics");
      return this;
    }

    /** The format integrations inject and extract; {@link Propagator#noop()} by default. */
    public Builder propagator(Propagator propagator) {
      this.propagator = require(propagator, "propagator");
      return this;
    }

    /** Where finished spans go; by default they are dropped after recording. */
    public Builder reporter(SpanReporter reporter) {
      this.reporter = require(reporter, "reporter");
      return this;
    }

    /** The time source; replace it only in tests. */
    public Builder clock(Clock clock) {
      this.clock = require(clock, "clock");
      return this;
    }

    /** Adds a decorator run on every scope, in the order added (an MDC decorator, say). */
    public Builder addScopeDecorator(ScopeDecorator decorator) {
      decorators.add(require(decorator, "decorator"));
      return this;
    }

    /** Bounds on tags and events per span; {@link SpanLimits#defaults()} by default. */
    public Builder spanLimits(SpanLimits limits) {
      this.limits = require(limits, "limits");
      return this;
    }

    /** 128-bit trace IDs for new traces (the default), or 64-bit for old Zipkin peers. */
    public Builder traceId128Bit(boolean traceId128Bit) {
      this.traceId128Bit = traceId128Bit;
      return this;
    }

    /**
     * For tests: scopes closed out of order or on another thread throw, with where they were
     * opened. Costs a stack trace per scope; off by default.
     */
    public Builder strictScopes(boolean strictScopes) {
      this.strictScopes = strictScopes;
      return this;
    }

    /** How many finished spans may wait for the reporter (rounded up to a power of two); 8192. */
    public Builder queueCapacity(int queueCapacity) {
      if (queueCapacity < 2 || queueCapacity > (1 << 24)) {
        throw new IllegalArgumentException("queueCapacity must be in [2, 16777216]: " + queueCapacity);
      }
      this.queueCapacity = queueCapacity;
      return this;
    }

    /**
     * The most spans in one batch handed to the reporter; 512. The reporter decides how many bytes
     * go in one message.
     *
     * @throws IllegalArgumentException when below 1
     */
    public Builder maxBatchSpans(int maxBatchSpans) {
      if (maxBatchSpans < 1) throw new IllegalArgumentException("maxBatchSpans must be positive: " + maxBatchSpans);
      this.maxBatchSpans = maxBatchSpans;
      return this;
    }

    /**
     * The longest a finished span waits for its batch to fill before the batch goes to the reporter
     * anyway; one second. Zero delivers whatever is queued each time the recorder looks.
     *
     * @throws IllegalArgumentException when negative
     */
    public Builder maxBatchDelay(Duration maxBatchDelay) {
      if (require(maxBatchDelay, "maxBatchDelay").isNegative()) {
        throw new IllegalArgumentException("maxBatchDelay must not be negative: " + maxBatchDelay);
      }
      this.maxBatchDelay = maxBatchDelay;
      return this;
    }

    /** How long {@link Tracing#close()} waits to deliver queued spans; 5 seconds. */
    public Builder closeTimeout(Duration closeTimeout) {
      this.closeTimeout = require(closeTimeout, "closeTimeout");
      return this;
    }

    /** Builds and starts tracing (the recorder thread starts now). */
    public Tracing build() {
      return new Tracing(this);
    }

    private static <T> T require(T value, String name) {
      return Objects.requireNonNull(value, name + " == null");
    }
  }
}
