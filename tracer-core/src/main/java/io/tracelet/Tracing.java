package io.tracelet;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

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
  private final Duration closeTimeout;
  private boolean closed; // guarded by this

  private Tracing(Builder b) {
    this.serviceName = b.serviceName;
    this.propagator = b.propagator;
    this.closeTimeout = b.closeTimeout;
    this.currentContext = new CurrentContext(b.decorators, b.strictScopes);
    this.recorder = new SpanRecorder(b.reporter, b.queueCapacity, b.maxBatchSpans, b.maxBatchBytes,
        b.maxBatchDelay, "tracelet-recorder-" + b.serviceName);
    String ip = b.localIp != null ? b.localIp : detectLocalIp();
    this.tracer = new Tracer(b.clock, b.sampler, b.traceId128Bit, b.limits,
        Endpoint.of(b.serviceName, ip, b.localPort), currentContext, recorder);
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

  /** Health counters: spans accepted, dropped, reported, failed; limits applied. */
  public TracingMetrics metrics() {
    return tracer.metrics();
  }

  /** Delivers every span finished before this call to the reporter, waiting up to 10 seconds. */
  public boolean flush() {
    return flush(Duration.ofSeconds(10));
  }

  /** Delivers every span finished before this call; false when {@code timeout} passed first. */
  public boolean flush(Duration timeout) {
    return recorder.flush(timeout);
  }

  /** Closes with the configured close timeout (5 seconds by default). */
  @Override public void close() {
    close(closeTimeout);
  }

  /**
   * Stops accepting spans, delivers what is queued within {@code timeout}, closes the reporter and
   * stops the recorder thread. Returns how many accepted spans could not be delivered (also
   * logged); 0 when already closed.
   */
  public long close(Duration timeout) {
    synchronized (this) {
      if (closed) return 0L;
      closed = true;
    }
    return recorder.close(timeout);
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
    private Propagator propagator = Propagator.noop();
    private SpanReporter reporter = batch -> { };
    private Clock clock = Clock.system();
    private final List<ScopeDecorator> decorators = new ArrayList<>();
    private SpanLimits limits = SpanLimits.defaults();
    private boolean traceId128Bit = true;
    private boolean strictScopes;
    private int queueCapacity = 8192;
    private int maxBatchSpans = 512;
    private long maxBatchBytes = 500_000;
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
     * A batch goes to the reporter when it has {@code maxSpans} spans, about {@code maxBytes}
     * bytes of encoded span, or its first span has waited {@code maxDelay}, whichever is first.
     * Defaults: 512 spans, 500 kB, one second.
     */
    public Builder batching(int maxSpans, long maxBytes, Duration maxDelay) {
      if (maxSpans < 1 || maxBytes < 1 || maxDelay == null || maxDelay.isNegative()) {
        throw new IllegalArgumentException("batching limits must be positive");
      }
      this.maxBatchSpans = maxSpans;
      this.maxBatchBytes = maxBytes;
      this.maxBatchDelay = maxDelay;
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
      if (value == null) throw new NullPointerException(name + " == null");
      return value;
    }
  }
}
