package io.tracelet.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Clock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import io.tracelet.metrics.SpanMetrics;
import io.tracelet.testing.InMemoryReporter;
import io.tracelet.testing.servers.PrometheusClient;
import io.tracelet.testing.servers.PrometheusServer;
import io.tracelet.testing.servers.PrometheusServerExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real Prometheus (the shared one of {@link PrometheusServerExtension}) scrapes a traced service's
 * {@code /metrics} every second with the shipped rules loaded: the span metrics arrive with the
 * connector's names and labels and exact counts, their exemplars are queryable and name traces the
 * service recorded, and the error-ratio alert fires. The rules are loaded with every {@code for:}
 * cut to 1 second, so that the alert fires within the test; promtool's tests cover the durations.
 */
@ExtendWith(PrometheusServerExtension.class)
class RealPrometheusTest {
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final String JOB = "tracelet-real-prometheus-test";
  static final String SERVICE = "realtest";
  static final String HOSTILE = "GET /q\"x\\y";
  static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * Micrometer also puts exemplars on a histogram's {@code _count} by default, which Prometheus
   * accepts from 2.43 on; before (Debian 12 ships 2.42) it drops the whole scrape. Buckets and
   * counters carry them either way.
   */
  static final PrometheusConfig EXEMPLARS_ON_BUCKETS_ONLY = new PrometheusConfig() {
    @Override public String get(String key) {
      return null;
    }

    @Override public Properties prometheusProperties() {
      Properties properties = PrometheusConfig.super.prometheusProperties();
      properties.setProperty("io.prometheus.exporter.exemplarsOnAllMetricTypes", "false");
      return properties;
    }
  };

  final Set<String> recordedTraceIds = ConcurrentHashMap.newKeySet();
  final AtomicInteger purchases = new AtomicInteger();
  final AtomicReference<String> accept = new AtomicReference<>();
  Tracing tracing;
  PrometheusMeterRegistry registry;
  HttpServer service;

  /**
   * The traced service: {@code /purchase} in a SERVER span (every third fails), a request with an
   * odd name, and {@code /metrics} in the format Prometheus asks for.
   */
  @BeforeEach void startService() throws IOException {
    tracing = Tracing.newBuilder().serviceName(SERVICE).spanMetrics(SpanMetrics.newBuilder().build())
        .reporter(new InMemoryReporter()).build();
    registry = new PrometheusMeterRegistry(EXEMPLARS_ON_BUCKETS_ONLY, new PrometheusRegistry(), Clock.SYSTEM,
        TraceletSpanContext.create(tracing));
    TraceletMetrics.create(tracing).bindTo(registry);
    service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    service.createContext("/purchase", exchange -> traced(exchange, "POST /purchase",
        purchases.incrementAndGet() % 3 == 0));
    service.createContext("/odd", exchange -> traced(exchange, HOSTILE, false));
    service.createContext("/metrics", exchange -> {
      String accepts = exchange.getRequestHeaders().getFirst("Accept");
      accept.set(accepts);
      String contentType = accepts != null && accepts.contains("application/openmetrics-text")
          ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
          : "text/plain; version=0.0.4; charset=utf-8";
      respond(exchange, 200, contentType, registry.scrape(contentType));
    });
    service.start();
  }

  void traced(HttpExchange exchange, String name, boolean fail) throws IOException {
    Span span = tracing.tracer().spanBuilder(name).kind(SpanKind.SERVER).start();
    try (Scope scope = span.makeCurrent()) {
      recordedTraceIds.add(span.context().traceIdHex());
      if (fail) span.error(new IllegalStateException("card declined"));
      respond(exchange, fail ? 500 : 200, "text/plain", fail ? "declined" : "ok");
    } finally {
      span.finish();
    }
  }

  static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @AfterEach void stop(PrometheusServer prometheus) {
    prometheus.stopScraping(JOB);
    prometheus.rules(JOB, "groups: []\n");
    service.stop(0);
    tracing.close();
    registry.close();
  }

  void get(String path, int times) throws Exception {
    for (int i = 0; i < times; i++) {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.getAddress().getPort() + path))
          .timeout(Duration.ofSeconds(10)).build();
      client.send(request, HttpResponse.BodyHandlers.discarding());
    }
  }

  /** The shipped rules, with every {@code for:} cut to 1 second. */
  static String rulesFiringFast() throws IOException {
    try (InputStream in = RealPrometheusTest.class.getResourceAsStream("tracelet-rules.yml")) {
      String rules = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      String fast = rules.replaceAll("(?m)^(\\s+for: )\\S+$", "$11s");
      assertThat(fast).isNotEqualTo(rules).doesNotContain("for: 5m", "for: 10m");
      return fast;
    }
  }

  static String selector(String status) {
    return "traces_span_metrics_calls_total{job=\"" + JOB + "\",span_name=\"POST /purchase\",status_code=\"" + status + "\"}";
  }

  @Test void prometheusGetsTheSeriesTheirExemplarsAndTheAlert(PrometheusServer prometheus) throws Exception {
    prometheus.rules(JOB, rulesFiringFast());
    prometheus.scrape(JOB, "127.0.0.1:" + service.getAddress().getPort(), "/metrics");
    assertThat(accept.get()).startsWith("application/openmetrics-text"); // which carries exemplars

    // Prometheus sees a counter's first value as its start: one request of each series first, then the load.
    get("/purchase", 3);
    get("/odd", 1);
    prometheus.awaitQuery("traces_span_metrics_calls_total{job=\"" + JOB + "\"}", samples -> samples.size() == 3, TIMEOUT);
    get("/purchase", 30);

    // The counts, exact, under the connector's labels.
    List<PrometheusClient.Sample> failed = prometheus.awaitQuery(selector("STATUS_CODE_ERROR"),
        samples -> samples.size() == 1 && samples.get(0).value() == 11.0, TIMEOUT);
    assertThat(failed.get(0).labels()).containsOnlyKeys("__name__", "job", "instance", "service_name", "span_name",
        "span_kind", "status_code").containsAllEntriesOf(Map.of("service_name", SERVICE,
        "span_kind", "SPAN_KIND_SERVER", "status_code", "STATUS_CODE_ERROR"));
    prometheus.awaitQuery(selector("STATUS_CODE_UNSET"), samples -> samples.size() == 1 && samples.get(0).value() == 22.0,
        TIMEOUT);
    prometheus.awaitQuery("traces_span_metrics_calls_total{job=\"" + JOB + "\",span_name=\"GET /q\\\"x\\\\y\"}",
        samples -> samples.size() == 1 && samples.get(0).value() == 1.0, TIMEOUT);
    List<PrometheusClient.Sample> buckets = prometheus.query(
        "traces_span_metrics_duration_seconds_bucket{job=\"" + JOB + "\",span_name=\"POST /purchase\",status_code=\"STATUS_CODE_ERROR\"}");
    assertThat(buckets).extracting(s -> s.labels().get("le")).containsExactlyInAnyOrder("0.002", "0.004", "0.006",
        "0.008", "0.01", "0.05", "0.1", "0.2", "0.4", "0.8", "1.0", "1.4", "2.0", "5.0", "10.0", "15.0", "+Inf");
    assertThat(buckets).filteredOn(s -> s.labels().get("le").equals("+Inf")).singleElement()
        .satisfies(s -> assertThat(s.value()).isEqualTo(11.0));

    // Exemplars: trace IDs of requests this service recorded.
    List<PrometheusClient.Exemplar> exemplars = prometheus.awaitExemplars(
        "traces_span_metrics_duration_seconds_bucket{job=\"" + JOB + "\"}", Duration.ofMinutes(5),
        found -> !found.isEmpty(), TIMEOUT);
    assertThat(exemplars).allSatisfy(e -> {
      assertThat(e.labels()).containsOnlyKeys("trace_id", "span_id");
      assertThat(recordedTraceIds).contains(e.labels().get("trace_id"));
      assertThat(e.seriesLabels()).containsEntry("service_name", SERVICE);
    });

    // The error ratio (11 of 33 in all; 10 of 30 since the first scrape) fires the alert.
    List<PrometheusClient.Alert> alerts = prometheus.awaitAlerts(found -> found.stream().anyMatch(a ->
        a.name().equals("TraceletHighErrorRatio") && SERVICE.equals(a.labels().get("service_name"))
            && a.state().equals("firing")), TIMEOUT);
    assertThat(alerts).filteredOn(a -> a.name().equals("TraceletHighErrorRatio")).singleElement().satisfies(a -> {
      assertThat(a.labels()).containsEntry("span_name", "POST /purchase").containsEntry("severity", "warning");
      assertThat(a.annotations().get("summary")).matches(SERVICE + ": [0-9.]+% of \"POST /purchase\" failed");
      assertThat(Double.parseDouble(a.value())).isGreaterThan(0.05);
      assertThat(a.annotations().get("zipkin_search"))
          .isEqualTo("/zipkin/?serviceName=" + SERVICE + "&spanName=POST+%2Fpurchase&annotationQuery=error&lookback=15m");
      assertThat(a.annotations().get("exemplars")).isEqualTo("traces_span_metrics_duration_seconds_bucket{service_name=\""
          + SERVICE + "\",span_name=\"POST /purchase\",status_code=\"STATUS_CODE_ERROR\"}");
    });
  }
}
