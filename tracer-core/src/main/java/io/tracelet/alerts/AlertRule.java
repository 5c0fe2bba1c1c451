package io.tracelet.alerts;

import io.tracelet.SpanKind;
import io.tracelet.internal.SpanMatcher;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * A threshold that {@link SpanAlerts} checks for each span name it applies to, over the sliding
 * window: the error ratio, or a latency quantile. Immutable: the methods that narrow a rule return a
 * new one.
 *
 * <pre>{@code
 * AlertRule.errorRatioAbove(0.05).spans(SpanKind.SERVER, "POST /purchase*")
 * AlertRule.latencyAbove(0.99, Duration.ofMillis(500)).minCalls(50)
 * }</pre>
 *
 * <p>A rule fires for a span name when, over the window, it saw at least {@link #minCalls} calls
 * (10 by default) and the threshold is passed; it clears when it no longer is (or too few calls
 * remain in the window). By default it applies to every span name and kind {@code SpanMetrics}
 * measures.
 */
public final class AlertRule {
  private final boolean latency;
  private final double ratioOrQuantile;
  private final long thresholdNanos; // latency rules only
  private final SpanMatcher matcher;
  private final String pattern; // for toString
  private final int minCalls;

  private AlertRule(boolean latency, double ratioOrQuantile, long thresholdNanos, SpanMatcher matcher,
      String pattern, int minCalls) {
    this.latency = latency;
    this.ratioOrQuantile = ratioOrQuantile;
    this.thresholdNanos = thresholdNanos;
    this.matcher = matcher;
    this.pattern = pattern;
    this.minCalls = minCalls;
  }

  /**
   * Fires when more than {@code ratio} of the calls failed (an error recorded, or an {@code error}
   * tag), in [0, 1).
   *
   * @throws IllegalArgumentException when {@code ratio} is not in [0, 1)
   */
  public static AlertRule errorRatioAbove(double ratio) {
    if (!(ratio >= 0.0 && ratio < 1.0)) throw new IllegalArgumentException("ratio must be in [0, 1): " + ratio);
    return new AlertRule(false, ratio, 0L, new SpanMatcher(null, null), "*", 10);
  }

  /**
   * Fires when the {@code quantile} of the calls' durations is above {@code threshold}: that is,
   * when more than {@code 1 - quantile} of the calls took longer than {@code threshold} (decided
   * exactly, not from an estimate: the threshold is one of the window's bucket bounds).
   *
   * @throws IllegalArgumentException when {@code quantile} is not in (0, 1), or {@code threshold}
   *     is not positive
   */
  public static AlertRule latencyAbove(double quantile, Duration threshold) {
    if (!(quantile > 0.0 && quantile < 1.0)) {
      throw new IllegalArgumentException("quantile must be in (0, 1): " + quantile);
    }
    Objects.requireNonNull(threshold, "threshold == null");
    if (threshold.isNegative() || threshold.isZero()) {
      throw new IllegalArgumentException("threshold must be positive: " + threshold);
    }
    return new AlertRule(true, quantile, threshold.toNanos(), new SpanMatcher(null, null), "*", 10);
  }

  /**
   * This rule, for spans of {@code kind} (null: any) whose name matches {@code namePattern} (exact,
   * or a prefix when it ends in {@code *}; null: any).
   */
  public AlertRule spans(SpanKind kind, String namePattern) {
    String shown = (kind == null ? "" : kind + " ") + (namePattern == null ? "*" : namePattern);
    return new AlertRule(latency, ratioOrQuantile, thresholdNanos, new SpanMatcher(kind, namePattern), shown,
        minCalls);
  }

  /**
   * This rule, firing only with at least {@code calls} calls in the window; 10 by default.
   *
   * @throws IllegalArgumentException when below 1
   */
  public AlertRule minCalls(int calls) {
    if (calls < 1) throw new IllegalArgumentException("minCalls must be positive: " + calls);
    return new AlertRule(latency, ratioOrQuantile, thresholdNanos, matcher, pattern, calls);
  }

  /** True for a latency rule, false for an error-ratio rule. */
  public boolean isLatency() {
    return latency;
  }

  /** The error ratio the rule allows, or the latency rule's quantile. */
  public double ratioOrQuantile() {
    return ratioOrQuantile;
  }

  /** The latency rule's threshold in nanoseconds; 0 for an error-ratio rule. */
  public long thresholdNanos() {
    return thresholdNanos;
  }

  /** The fewest calls in the window for the rule to fire. */
  public int minCalls() {
    return minCalls;
  }

  boolean matches(String spanName, SpanKind kind) {
    return matcher.matches(spanName, kind);
  }

  /** What the rule measures, as the log line says it: {@code error ratio} or {@code p99 latency}. */
  String what() {
    return latency ? "p" + quantileLabel() + " latency" : "error ratio";
  }

  private String quantileLabel() {
    String s = String.format(Locale.ROOT, "%.4f", ratioOrQuantile * 100).replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  @Override public String toString() {
    return "AlertRule{" + (latency
        ? what() + " > " + SpanAlerts.millis(thresholdNanos)
        : what() + " > " + String.format(Locale.ROOT, "%.3f", ratioOrQuantile))
        + ", spans " + pattern + ", minCalls " + minCalls + "}";
  }
}
