package io.tracelet.metrics;

import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.TraceContext;

/** The {@link SpanMetrics.Measurement} listeners see: one per measured span, made only when there are listeners. */
final class Ended implements SpanMetrics.Measurement {
  private final String serviceName;
  private final String spanName;
  private final SpanKind kind;
  private final boolean error;
  private final long durationNanos;
  private final Span span;
  private final boolean recorded;

  Ended(String serviceName, String spanName, SpanKind kind, boolean error, long durationNanos, Span span,
      boolean recorded) {
    this.serviceName = serviceName;
    this.spanName = spanName;
    this.kind = kind;
    this.error = error;
    this.durationNanos = durationNanos;
    this.span = span;
    this.recorded = recorded;
  }

  @Override public String serviceName() {
    return serviceName;
  }

  @Override public String spanName() {
    return spanName;
  }

  @Override public SpanKind kind() {
    return kind;
  }

  @Override public boolean error() {
    return error;
  }

  @Override public long durationNanos() {
    return durationNanos;
  }

  @Override public TraceContext context() {
    return span.context();
  }

  @Override public boolean recorded() {
    return recorded;
  }

  @Override public String toString() {
    return "Measurement{" + serviceName + " " + kind + " " + spanName + (error ? " error" : "") + " "
        + durationNanos + "ns" + (recorded ? " recorded" : "") + "}";
  }
}
