package io.tracelet.micrometer;

import io.prometheus.metrics.tracer.common.SpanContext;
import io.tracelet.CurrentContext;
import io.tracelet.TraceContext;
import io.tracelet.Tracing;
import java.util.Objects;

/**
 * Tells the Prometheus registry which trace an observation belongs to, so that histogram buckets and
 * counters carry exemplars ({@code # {trace_id="...",span_id="..."}} in the OpenMetrics text) that
 * link a latency spike or an error to a trace in Zipkin. Hand it to the registry when you build it:
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
 *     new PrometheusRegistry(), Clock.SYSTEM, TraceletSpanContext.create(tracing));
 * TraceletMetrics.create(tracing).bindTo(registry);
 * }</pre>
 *
 * <p>While {@link TraceletMetrics} records a span's measurement, the span offered is the one that is
 * ending, and only if it was recorded: head-sampled, or already kept by the keep policy when it
 * ended. A span that was not recorded is never offered, so an exemplar never names a trace that
 * Zipkin will not have. At any other time (Micrometer meters of your own, Spring's
 * {@code http.server.requests}), the span offered is the thread's current Tracelet span, if it is
 * head-sampled; {@link #create()} offers nothing then.
 *
 * <p>The Prometheus client samples exemplars at a limited rate (by default it looks at one
 * observation per series every 90 ms, and keeps an exemplar at least 7 seconds): not every
 * recorded span becomes one.
 *
 * <p>Thread-safe and stateless; each call reads the calling thread's state and allocates nothing
 * (trace and span IDs are hex strings the context caches).
 */
public final class TraceletSpanContext implements SpanContext {
  private final CurrentContext currentContext; // null: only the ending spans TraceletMetrics records

  private TraceletSpanContext(CurrentContext currentContext) {
    this.currentContext = currentContext;
  }

  /**
   * Offers the ending span while {@link TraceletMetrics} records it, and otherwise the thread's
   * current span of {@code tracing} when that is head-sampled.
   */
  public static TraceletSpanContext create(Tracing tracing) {
    Objects.requireNonNull(tracing, "tracing == null");
    return new TraceletSpanContext(tracing.currentContext());
  }

  /** Offers only the ending span while {@link TraceletMetrics} records it; nothing at other times. */
  public static TraceletSpanContext create() {
    return new TraceletSpanContext(null);
  }

  /** The trace ID (32 or 16 lowercase hex characters) of the span offered, or null when none is. */
  @Override public String getCurrentTraceId() {
    TraceContext context = offered();
    return context == null ? null : context.traceIdHex();
  }

  /** The span ID (16 lowercase hex characters) of the span offered, or null when none is. */
  @Override public String getCurrentSpanId() {
    TraceContext context = offered();
    return context == null ? null : context.spanIdHex();
  }

  /** True when a span is offered: the client may then take it as an exemplar. */
  @Override public boolean isCurrentSpanSampled() {
    return offered() != null;
  }

  /**
   * Does nothing: the spans offered are recorded already, so there is no sampling decision left to
   * sway (OpenTelemetry's implementation tags the span for a tail sampler).
   */
  @Override public void markCurrentSpanAsExemplar() {
  }

  private TraceContext offered() {
    TraceContext ending = EndingSpan.get();
    if (ending != null) return ending == EndingSpan.NOT_RECORDED ? null : ending;
    if (currentContext == null) return null;
    TraceContext current = currentContext.context();
    return current != null && current.hasIds() && current.isSampled() ? current : null;
  }

  @Override public String toString() {
    return currentContext == null ? "TraceletSpanContext{ending spans}" : "TraceletSpanContext{ending or current spans}";
  }
}
