package io.tracelet.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.tracer.common.SpanContext;
import io.tracelet.KeepPolicy;
import io.tracelet.Sampler;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.TraceContext;
import io.tracelet.Tracing;
import io.tracelet.metrics.SpanMetrics;
import io.tracelet.testing.InMemoryReporter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a Prometheus server reads from Micrometer's Prometheus registry: names, labels, buckets and
 * exemplars, parsed from the scrape output ({@link Exposition}).
 *
 * <p>The Prometheus client looks at one observation per series every 90 ms for an exemplar: each
 * test expects an exemplar only from the first span of a series.
 */
class PrometheusScrapeTest {
  static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
  static final long START = 1_700_000_000_000_000L;

  final List<Tracing> tracings = new ArrayList<>();
  final List<PrometheusMeterRegistry> registries = new ArrayList<>();

  @AfterEach void close() {
    tracings.forEach(Tracing::close);
    registries.forEach(PrometheusMeterRegistry::close);
  }

  Tracing tracing(String service, Sampler sampler, KeepPolicy keep) {
    Tracing.Builder builder = Tracing.newBuilder().serviceName(service).sampler(sampler)
        .spanMetrics(SpanMetrics.newBuilder().build()).reporter(new InMemoryReporter());
    if (keep != null) builder.keepPolicy(keep);
    Tracing tracing = builder.build();
    tracings.add(tracing);
    return tracing;
  }

  PrometheusMeterRegistry registry(SpanContext spanContext) {
    PrometheusMeterRegistry registry =
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), Clock.SYSTEM, spanContext);
    registries.add(registry);
    return registry;
  }

  /** A span that lasted exactly {@code micros}; returns its context. */
  static TraceContext span(Tracing tracing, String name, long micros, boolean error) {
    Span span = tracing.tracer().spanBuilder(name).kind(SpanKind.SERVER).startTimestamp(START).start();
    if (error) span.error(new IllegalStateException("declined"));
    span.finish(START + micros);
    return span.context();
  }

  static Map<String, String> labels(String... keysAndValues) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) labels.put(keysAndValues[i], keysAndValues[i + 1]);
    return labels;
  }

  static Map<String, String> series(String service, String name, String status) {
    return labels("service_name", service, "span_kind", "SPAN_KIND_SERVER", "span_name", name, "status_code", status);
  }

  static Map<String, String> bucket(String service, String name, String status, String le) {
    Map<String, String> labels = series(service, name, status);
    labels.put("le", le);
    return labels;
  }

  static Exposition.Sample sample(List<Exposition.Sample> samples, String name, Map<String, String> labels) {
    List<Exposition.Sample> matching = samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().equals(labels)).toList();
    assertThat(matching).as("%s%s in the scrape", name, labels).hasSize(1);
    return matching.get(0);
  }

  @Test void holdsTheConnectorsNamesLabelsAndBuckets() {
    Tracing tracing = tracing("Shop", Sampler.always(), null);
    PrometheusMeterRegistry registry = registry(TraceletSpanContext.create(tracing));
    TraceletMetrics.create(tracing).bindTo(registry);

    for (int i = 0; i < 7; i++) span(tracing, "GET /cart", 3_000, false);
    for (int i = 0; i < 2; i++) span(tracing, "GET /cart", 1_200_000, false);
    for (int i = 0; i < 3; i++) span(tracing, "GET /cart", 2_000, true);

    for (String contentType : List.of(OPENMETRICS, "text/plain; version=0.0.4; charset=utf-8")) {
      List<Exposition.Sample> samples = Exposition.parse(registry.scrape(contentType));

      TreeSet<String> names = samples.stream().map(Exposition.Sample::name).filter(n -> n.startsWith("traces_"))
          .collect(Collectors.toCollection(TreeSet::new));
      assertThat(names).containsExactly(
          "traces_span_metrics_calls_total",
          "traces_span_metrics_duration_seconds_bucket",
          "traces_span_metrics_duration_seconds_count",
          "traces_span_metrics_duration_seconds_max", // Micrometer's, beside the connector's series
          "traces_span_metrics_duration_seconds_sum");
      assertThat(sample(samples, "traces_span_metrics_calls_total", series("shop", "GET /cart", "STATUS_CODE_UNSET"))
          .value()).isEqualTo(9.0);
      assertThat(sample(samples, "traces_span_metrics_calls_total", series("shop", "GET /cart", "STATUS_CODE_ERROR"))
          .value()).isEqualTo(3.0);
      assertThat(Exposition.named(samples, "traces_span_metrics_calls_total")).hasSize(2);

      // Cumulative buckets at the connector's default bounds, in seconds, then +Inf.
      List<String> le = List.of("0.002", "0.004", "0.006", "0.008", "0.01", "0.05", "0.1", "0.2", "0.4", "0.8",
          "1.0", "1.4", "2.0", "5.0", "10.0", "15.0", "+Inf");
      List<Double> expected = List.of(0d, 7d, 7d, 7d, 7d, 7d, 7d, 7d, 7d, 7d, 7d, 9d, 9d, 9d, 9d, 9d, 9d);
      for (int i = 0; i < le.size(); i++) {
        assertThat(sample(samples, "traces_span_metrics_duration_seconds_bucket",
            bucket("shop", "GET /cart", "STATUS_CODE_UNSET", le.get(i))).value()).as("le=%s", le.get(i))
            .isEqualTo(expected.get(i));
      }
      assertThat(sample(samples, "traces_span_metrics_duration_seconds_bucket",
          bucket("shop", "GET /cart", "STATUS_CODE_ERROR", "0.002")).value()).isEqualTo(3.0);
      assertThat(sample(samples, "traces_span_metrics_duration_seconds_count",
          series("shop", "GET /cart", "STATUS_CODE_UNSET")).value()).isEqualTo(9.0);
      assertThat(sample(samples, "traces_span_metrics_duration_seconds_sum",
          series("shop", "GET /cart", "STATUS_CODE_UNSET")).value()).isCloseTo(2.421, org.assertj.core.data.Offset.offset(1e-9));
      assertThat(sample(samples, "tracelet_spans_accepted_total", labels("service_name", "shop")).value()).isEqualTo(12.0);
    }
  }

  @Test void bucketsCarryTheTraceOfARecordedSpan() {
    Tracing tracing = tracing("shop", Sampler.always(), null);
    PrometheusMeterRegistry registry = registry(TraceletSpanContext.create());
    TraceletMetrics.create(tracing).bindTo(registry);

    TraceContext slow = span(tracing, "GET /slow", 1_200_000, false);
    TraceContext fast = span(tracing, "GET /fast", 3_000, false);

    List<Exposition.Sample> samples = Exposition.parse(registry.scrape(OPENMETRICS));
    assertThat(sample(samples, "traces_span_metrics_duration_seconds_bucket",
        bucket("shop", "GET /slow", "STATUS_CODE_UNSET", "1.4")).exemplar()).isEqualTo(new Exposition.Exemplar(
        labels("span_id", slow.spanIdHex(), "trace_id", slow.traceIdHex()), 1.2));
    assertThat(sample(samples, "traces_span_metrics_duration_seconds_bucket",
        bucket("shop", "GET /fast", "STATUS_CODE_UNSET", "0.004")).exemplar().labels())
        .containsEntry("trace_id", fast.traceIdHex()).containsEntry("span_id", fast.spanIdHex());
    assertThat(sample(samples, "traces_span_metrics_calls_total", series("shop", "GET /fast", "STATUS_CODE_UNSET"))
        .exemplar().labels()).containsEntry("trace_id", fast.traceIdHex());
    // Only the bucket the span fell in: the cumulative ones above it carry none of their own.
    assertThat(samples).filteredOn(s -> s.name().equals("traces_span_metrics_duration_seconds_bucket")
        && s.exemplar() != null).hasSize(2);
  }

  @Test void countsUnsampledSpansButNeverOffersThemAsExemplars() {
    Tracing tracing = tracing("shop", Sampler.never(), null);
    PrometheusMeterRegistry registry = registry(TraceletSpanContext.create(tracing));
    TraceletMetrics.create(tracing).bindTo(registry);

    for (int i = 0; i < 4; i++) span(tracing, "GET /cart", 3_000, i == 0);

    List<Exposition.Sample> samples = Exposition.parse(registry.scrape(OPENMETRICS));
    assertThat(sample(samples, "traces_span_metrics_calls_total", series("shop", "GET /cart", "STATUS_CODE_UNSET"))
        .value()).isEqualTo(3.0);
    assertThat(sample(samples, "traces_span_metrics_calls_total", series("shop", "GET /cart", "STATUS_CODE_ERROR"))
        .value()).isEqualTo(1.0);
    assertThat(samples).filteredOn(s -> s.exemplar() != null).isEmpty();
  }

  @Test void offersSpansTheKeepPolicyKept() {
    Tracing tracing = tracing("shop", Sampler.never(), KeepPolicy.newBuilder().keepErrors().build());
    PrometheusMeterRegistry registry = registry(TraceletSpanContext.create(tracing));
    TraceletMetrics.create(tracing).bindTo(registry);

    TraceContext failed = span(tracing, "POST /pay", 3_000, true); // a local root that failed: kept
    span(tracing, "POST /pay", 3_000, false); // discarded

    List<Exposition.Sample> samples = Exposition.parse(registry.scrape(OPENMETRICS));
    assertThat(sample(samples, "traces_span_metrics_duration_seconds_bucket",
        bucket("shop", "POST /pay", "STATUS_CODE_ERROR", "0.004")).exemplar().labels())
        .containsEntry("trace_id", failed.traceIdHex());
    assertThat(samples).filteredOn(s -> s.labels().containsValue("STATUS_CODE_UNSET") && s.exemplar() != null)
        .isEmpty();
  }

  @Test void offersTheCurrentSampledSpanToOtherMetersOnlyWhenAskedTo() {
    Tracing tracing = tracing("shop", Sampler.always(), null);
    PrometheusMeterRegistry withCurrent = registry(TraceletSpanContext.create(tracing));
    PrometheusMeterRegistry endingOnly = registry(TraceletSpanContext.create());
    Timer timer = Timer.builder("checkout.charge").serviceLevelObjectives(java.time.Duration.ofMillis(10)).register(withCurrent);
    Timer other = Timer.builder("checkout.charge").serviceLevelObjectives(java.time.Duration.ofMillis(10)).register(endingOnly);

    Span request = tracing.tracer().spanBuilder("POST /checkout").kind(SpanKind.SERVER).start();
    try (Scope scope = request.makeCurrent()) {
      timer.record(5, TimeUnit.MILLISECONDS);
      other.record(5, TimeUnit.MILLISECONDS);
    } finally {
      request.finish();
    }

    assertThat(sample(Exposition.parse(withCurrent.scrape(OPENMETRICS)), "checkout_charge_seconds_bucket",
        labels("le", "0.01")).exemplar().labels()).containsEntry("trace_id", request.context().traceIdHex())
        .containsEntry("span_id", request.context().spanIdHex());
    assertThat(sample(Exposition.parse(endingOnly.scrape(OPENMETRICS)), "checkout_charge_seconds_bucket",
        labels("le", "0.01")).exemplar()).isNull();
  }

  @Test void neverOffersTheCurrentSpanForAnUnrecordedOneThatEnds() {
    Tracing current = tracing("web", Sampler.always(), null);
    Tracing unsampled = tracing("shop", Sampler.never(), null);
    PrometheusMeterRegistry registry = registry(TraceletSpanContext.create(current));
    TraceletMetrics.create(unsampled).bindTo(registry);

    Span request = current.tracer().spanBuilder("GET /").kind(SpanKind.SERVER).start();
    try (Scope scope = request.makeCurrent()) {
      span(unsampled, "GET /cart", 3_000, false); // ends while a sampled span of another tracing is current
    } finally {
      request.finish();
    }

    List<Exposition.Sample> samples = Exposition.parse(registry.scrape(OPENMETRICS));
    assertThat(sample(samples, "traces_span_metrics_calls_total", series("shop", "GET /cart", "STATUS_CODE_UNSET"))
        .value()).isEqualTo(1.0);
    assertThat(samples).filteredOn(s -> s.exemplar() != null).isEmpty();
  }

  @Test void hostileNamesMakeAValidExposition(@TempDir Path dir) throws Exception {
    Tracing tracing = tracing("shop", Sampler.always(), null);
    PrometheusMeterRegistry registry = registry(TraceletSpanContext.create(tracing));
    TraceletMetrics.create(tracing).bindTo(registry);
    List<String> names = List.of("a\"quote", "back\\slash", "new\nline", "{brace}=\"x\",y # {trace_id=\"f\"} 1",
        "日本語 ✓", " ", "tab\there");

    for (String name : names) span(tracing, name, 3_000, false);

    // Prometheus's own parser accepts it (and its linter has nothing to say).
    Promtool.run(dir, registry.scrape("text/plain; version=0.0.4; charset=utf-8"), "check", "metrics");
    List<Exposition.Sample> samples = Exposition.parse(registry.scrape(OPENMETRICS));
    for (String name : names) {
      assertThat(sample(samples, "traces_span_metrics_calls_total", series("shop", name, "STATUS_CODE_UNSET"))
          .value()).as(name).isEqualTo(1.0);
    }
  }
}
