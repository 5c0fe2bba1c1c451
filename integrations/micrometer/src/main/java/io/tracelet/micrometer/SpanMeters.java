package io.tracelet.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.tracelet.SpanKind;
import io.tracelet.metrics.SpanMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The span-metrics meters of one service in one registry: per span name, kind and status, a
 * counter of calls and a timer of durations, made on first use and then found with one map lookup
 * and one array read. At most {@code maxSpanNames} names ({@link TraceletMetrics#MAX_SPAN_NAMES});
 * spans of further names go to {@value SpanMetrics#OTHER}.
 */
final class SpanMeters {
  // The OpenTelemetry Collector spanmetrics connector's names; Micrometer's Prometheus naming turns
  // the dots into underscores and adds _total to the counter and _seconds to the timer.
  static final String CALLS = "traces.span.metrics.calls";
  static final String DURATION = "traces.span.metrics.duration";
  static final String SERVICE_NAME = "service.name";
  static final String SPAN_NAME = "span.name";
  static final String SPAN_KIND = "span.kind";
  static final String STATUS_CODE = "status.code";
  static final String STATUS_ERROR = "STATUS_CODE_ERROR";
  static final String STATUS_UNSET = "STATUS_CODE_UNSET";
  private static final SpanKind[] KINDS = SpanKind.values();
  private static final int SLOTS = KINDS.length * 2; // kind x (failed or not)

  /** The connector's {@code span.kind} value of each kind, by ordinal. */
  private static final String[] KIND_VALUES = new String[KINDS.length];

  static {
    for (SpanKind kind : KINDS) KIND_VALUES[kind.ordinal()] = "SPAN_KIND_" + kind.name();
  }

  private final MeterRegistry registry;
  private final String serviceName;
  private final Duration[] buckets;
  private final int maxSpanNames;
  private final ConcurrentHashMap<String, AtomicReferenceArray<Series>> byName = new ConcurrentHashMap<>();

  SpanMeters(MeterRegistry registry, String serviceName, List<Duration> buckets, int maxSpanNames) {
    this.registry = registry;
    this.maxSpanNames = maxSpanNames;
    this.serviceName = serviceName;
    this.buckets = buckets.toArray(new Duration[0]);
  }

  MeterRegistry registry() {
    return registry;
  }

  void record(SpanMetrics.Measurement m) {
    Series series = series(m.spanName(), m.kind(), m.error());
    series.calls.increment();
    series.duration.record(m.durationNanos(), TimeUnit.NANOSECONDS);
  }

  /** The connector's {@code span.kind} value: {@code SPAN_KIND_SERVER} and so on. */
  static String kindValue(SpanKind kind) {
    return KIND_VALUES[kind.ordinal()];
  }

  private Series series(String spanName, SpanKind kind, boolean error) {
    AtomicReferenceArray<Series> slots = byName.get(spanName);
    if (slots == null) {
      if (byName.size() >= maxSpanNames) spanName = SpanMetrics.OTHER;
      slots = byName.computeIfAbsent(spanName, name -> new AtomicReferenceArray<>(SLOTS));
    }
    int slot = kind.ordinal() * 2 + (error ? 1 : 0);
    Series series = slots.get(slot);
    if (series == null) {
      // Racing threads register the same meters: Micrometer returns the one registered first.
      series = new Series(registry, Tags.of(SERVICE_NAME, serviceName, SPAN_NAME, spanName,
          SPAN_KIND, kindValue(kind), STATUS_CODE, error ? STATUS_ERROR : STATUS_UNSET), buckets);
      slots.compareAndSet(slot, null, series);
    }
    return series;
  }

  private static final class Series {
    final Counter calls;
    final Timer duration;

    Series(MeterRegistry registry, Tags tags, Duration[] buckets) {
      this.calls = Counter.builder(CALLS)
          .description("Spans that ended, failed or not, as the OpenTelemetry Collector's spanmetrics connector counts calls")
          .tags(tags)
          .register(registry);
      this.duration = Timer.builder(DURATION)
          .description("Span durations, in the OpenTelemetry Collector spanmetrics connector's buckets")
          .tags(tags)
          .publishPercentileHistogram(false)
          .serviceLevelObjectives(buckets)
          .register(registry);
    }
  }
}
