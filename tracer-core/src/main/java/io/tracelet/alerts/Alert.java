package io.tracelet.alerts;

import io.tracelet.SpanKind;
import java.util.List;

/**
 * A rule of {@link SpanAlerts} crossed its threshold for one span name ({@link State#FIRING}), or
 * came back within it ({@link State#RESOLVED}): what was measured over the window, and the worst
 * recent traces this process recorded for that name, with their Zipkin links when a UI URL is
 * configured. Immutable.
 */
public final class Alert {
  /** Whether the threshold was crossed, or is no longer. */
  public enum State {
    /** The threshold is passed. */
    FIRING,
    /** It no longer is (or too few calls are left in the window to tell). */
    RESOLVED
  }

  private final State state;
  private final AlertRule rule;
  private final String serviceName;
  private final String spanName;
  private final SpanKind kind;
  private final double value;
  private final long calls;
  private final long failedOrSlow;
  private final List<Trace> traces;
  private final long epochMicros;
  private final String message;

  Alert(State state, AlertRule rule, String serviceName, String spanName, SpanKind kind, double value, long calls,
      long failedOrSlow, List<Trace> traces, long epochMicros, String message) {
    this.state = state;
    this.rule = rule;
    this.serviceName = serviceName;
    this.spanName = spanName;
    this.kind = kind;
    this.value = value;
    this.calls = calls;
    this.failedOrSlow = failedOrSlow;
    this.traces = List.copyOf(traces);
    this.epochMicros = epochMicros;
    this.message = message;
  }

  /** Firing, or resolved. */
  public State state() {
    return state;
  }

  /** The rule crossed or cleared. */
  public AlertRule rule() {
    return rule;
  }

  /** The service of the spans. */
  public String serviceName() {
    return serviceName;
  }

  /** The span name (as {@code SpanMetrics} counts it: cut, or {@code other} past its name limit). */
  public String spanName() {
    return spanName;
  }

  /** The span kind. */
  public SpanKind kind() {
    return kind;
  }

  /**
   * What was measured over the window: the error ratio, or the latency quantile's estimate in
   * seconds (interpolated within its bucket; the highest bucket bound when it lies above them all).
   */
  public double value() {
    return value;
  }

  /** Calls in the window. */
  public long calls() {
    return calls;
  }

  /** Failed calls in the window (error-ratio rules), or calls slower than the threshold (latency rules). */
  public long failedOrSlow() {
    return failedOrSlow;
  }

  /**
   * The worst recent traces this process recorded (head-sampled, or kept by its keep policy) for the
   * span name, worst first: for an error-ratio rule the slowest failed ones, for a latency rule the
   * slowest; at most {@link SpanAlerts.Builder#worstTraces} of them. Empty when resolved, or when none
   * of the window's spans was recorded.
   */
  public List<Trace> traces() {
    return traces;
  }

  /** When the alert was raised or resolved, in microseconds since the epoch (on the alerts' clock). */
  public long epochMicros() {
    return epochMicros;
  }

  /** The one line logged for it. */
  public String message() {
    return message;
  }

  @Override public String toString() {
    return message;
  }

  /** A recorded trace an alert names. Immutable. */
  public static final class Trace {
    private final String traceId;
    private final long durationNanos;
    private final boolean error;
    private final String url;

    Trace(String traceId, long durationNanos, boolean error, String url) {
      this.traceId = traceId;
      this.durationNanos = durationNanos;
      this.error = error;
      this.url = url;
    }

    /** The trace ID, lowercase hex. */
    public String traceId() {
      return traceId;
    }

    /** How long the span of the alert's name lasted in it. */
    public long durationNanos() {
      return durationNanos;
    }

    /** True when that span failed. */
    public boolean error() {
      return error;
    }

    /** The trace in the Zipkin UI ({@code <base>/zipkin/traces/<traceId>}), or null when no UI URL is configured. */
    public String url() {
      return url;
    }

    @Override public String toString() {
      return url != null ? url : traceId;
    }
  }
}
