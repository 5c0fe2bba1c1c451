package io.tracelet.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.tracelet.TraceContext;
import io.tracelet.Tracing;
import io.tracelet.TracingCounters;
import io.tracelet.metrics.SpanMetrics;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Binds a {@link Tracing} to Micrometer: its span metrics, under the names and labels of the
 * OpenTelemetry Collector's {@code spanmetrics} connector, and its counters as {@code tracelet.*}
 * meters.
 *
 * <pre>{@code
 * Tracing tracing = Tracing.newBuilder()
 *     .serviceName("checkout")
 *     .spanMetrics(SpanMetrics.newBuilder().build())
 *     .reporter(reporter)
 *     .build();
 * TraceletMetrics.create(tracing).bindTo(registry);
 * }</pre>
 *
 * <p><b>Span metrics</b>, when the tracing has {@link Tracing#spanMetrics()}: for every measured span
 * of this tracing's service (head-sampled or not), at its end, on the thread that ends it,
 * <ul>
 *   <li>the counter {@code traces.span.metrics.calls} (Prometheus: {@code
 *       traces_span_metrics_calls_total}) is incremented, and
 *   <li>the timer {@code traces.span.metrics.duration} (Prometheus: {@code
 *       traces_span_metrics_duration_seconds_bucket}, {@code _sum}, {@code _count}, and
 *       Micrometer's {@code _max}) records its duration in the buckets of {@link
 *       SpanMetrics#durationBuckets()} (by default the connector's),
 * </ul>
 * tagged {@code service.name}, {@code span.name}, {@code span.kind} ({@code SPAN_KIND_SERVER},
 * {@code SPAN_KIND_CONSUMER}, {@code SPAN_KIND_CLIENT}, {@code SPAN_KIND_PRODUCER},
 * {@code SPAN_KIND_INTERNAL}) and {@code status.code} ({@code STATUS_CODE_ERROR} for a span that
 * failed, else {@code STATUS_CODE_UNSET}), which Prometheus spells {@code service_name},
 * {@code span_name}, {@code span_kind}, {@code status_code}. While it records a span that was
 * recorded (sampled or kept), {@link TraceletSpanContext} offers that span as the exemplar.
 *
 * <p><b>Bounds.</b> The core folds span names past {@code SpanMetrics.Builder.maxSpanNames} into
 * {@value SpanMetrics#OTHER}, so a registry holds at most two meters per name, kind and status;
 * this binder also stops at {@value #MAX_SPAN_NAMES} names per registry, folding the rest into
 * {@value SpanMetrics#OTHER} itself.
 *
 * <p><b>Counters</b>, read when the registry reads them (a scrape), tagged {@code service.name}:
 * {@code tracelet.spans.accepted}, {@code tracelet.spans.reported}, {@code tracelet.spans.lost}
 * (tag {@code cause}: {@code QueueFull}, {@code Closed}, {@code CloseTimeout}, or the reporter's
 * reason), the gauge {@code tracelet.spans.queued}, {@code tracelet.traces.kept} (tag {@code
 * reason}: {@code error}, {@code slow}, {@code downstream}), {@code tracelet.traces.discarded},
 * {@code tracelet.spans.provisional.overflowed}, the gauge {@code
 * tracelet.spans.provisional.pending}, {@code tracelet.tags.dropped}, {@code
 * tracelet.events.dropped}, {@code tracelet.tag.values.truncated}; with span metrics also {@code
 * tracelet.span.metrics.folded} and {@code tracelet.span.metrics.listener.failures} (of every
 * service that shares the {@code SpanMetrics}). See {@link TracingCounters} for what each counts.
 *
 * <p>Thread-safe. Binding to several registries records into each; binding to the same registry
 * twice binds once. {@link #close()} stops recording span metrics and removes this binder's listener
 * from the span metrics. Recording never throws into the code that
 * ends a span: the core catches and counts what a listener throws.
 */
public final class TraceletMetrics implements MeterBinder, AutoCloseable {
  /** The most span names one registry gets meters for; the rest are folded into {@value SpanMetrics#OTHER}. */
  public static final int MAX_SPAN_NAMES = 10_000;

  private final Tracing tracing;
  private final String serviceName; // as the span metrics report it: lowercased
  private final Tags tags;
  private final SpanMetrics spanMetrics; // null when the tracing has none
  private final int maxSpanNames;
  private volatile SpanMeters[] bound = new SpanMeters[0]; // copy-on-write, under this
  private final SpanMetrics.Listener listener = this::record;
  private boolean listening; // under this
  private volatile boolean closed;

  private TraceletMetrics(Tracing tracing, int maxSpanNames) {
    this.tracing = tracing;
    this.maxSpanNames = maxSpanNames;
    this.serviceName = tracing.serviceName().toLowerCase(Locale.ROOT);
    this.tags = Tags.of(SpanMeters.SERVICE_NAME, serviceName);
    this.spanMetrics = tracing.spanMetrics();
  }

  /** A binder over {@code tracing}: its counters, and its span metrics when it has them. */
  public static TraceletMetrics create(Tracing tracing) {
    return create(tracing, MAX_SPAN_NAMES);
  }

  static TraceletMetrics create(Tracing tracing, int maxSpanNames) { // a smaller cap, for tests
    Objects.requireNonNull(tracing, "tracing == null");
    return new TraceletMetrics(tracing, maxSpanNames);
  }

  /**
   * Registers the counters in {@code registry} and, with span metrics, records every measured span
   * of this service into it from now on.
   */
  @Override public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry == null");
    CounterMeters.bind(tracing.counters(), registry, tags);
    if (spanMetrics == null) return;
    FunctionCounter.builder("tracelet.span.metrics.folded", spanMetrics, SpanMetrics::foldedSpans)
        .description("Spans counted under the span name 'other' because their service and kind had the most names")
        .tags(tags).register(registry);
    FunctionCounter.builder("tracelet.span.metrics.listener.failures", spanMetrics, SpanMetrics::listenerFailures)
        .description("Span metrics listeners that threw (the span was counted)")
        .tags(tags).register(registry);
    synchronized (this) {
      if (closed) return;
      for (SpanMeters meters : bound) {
        if (meters.registry() == registry) return;
      }
      SpanMeters[] more = Arrays.copyOf(bound, bound.length + 1);
      more[bound.length] = new SpanMeters(registry, serviceName, spanMetrics.durationBuckets(), maxSpanNames);
      bound = more;
      if (!listening) {
        spanMetrics.addListener(listener);
        listening = true;
      }
    }
  }

  /** Stops recording span metrics into every registry; the meters stay registered. */
  @Override public void close() {
    synchronized (this) {
      closed = true;
      bound = new SpanMeters[0];
      if (listening) {
        spanMetrics.removeListener(listener);
        listening = false;
      }
    }
  }

  // The listener: records one measured span into every bound registry, offering it as the exemplar
  // when it was recorded, and explicitly not otherwise (so that no other span is offered instead).
  private void record(SpanMetrics.Measurement m) {
    SpanMeters[] registries = bound;
    if (registries.length == 0 || !serviceName.equals(m.serviceName())) return;
    TraceContext previous = EndingSpan.set(m.recorded() ? m.context() : EndingSpan.NOT_RECORDED);
    try {
      for (SpanMeters meters : registries) meters.record(m);
    } finally {
      EndingSpan.restore(previous);
    }
  }

  @Override public String toString() {
    return "TraceletMetrics{" + serviceName + (spanMetrics == null ? ", no span metrics" : "") + "}";
  }
}
