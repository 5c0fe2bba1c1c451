package io.tracelet.examples.demo;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Clock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import io.tracelet.alerts.Alert;
import io.tracelet.alerts.AlertRule;
import io.tracelet.alerts.SpanAlerts;
import io.tracelet.metrics.SpanMetrics;
import io.tracelet.micrometer.TraceletMetrics;
import io.tracelet.micrometer.TraceletSpanContext;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The demo's metrics and alerts: every service counts its requests in span metrics
 * ({@link SpanMetrics}), serves them on {@code /metrics} in Prometheus's format through
 * {@code tracelet-micrometer} (with exemplars naming recorded traces), and feeds one set of
 * in-process alerts ({@link SpanAlerts}: more than 5% of a span name's calls failed, or its p90
 * above 1 s, over 30 seconds), which log a line when they fire and when they resolve, with the
 * Zipkin links of the traces they name. Thread-safe.
 */
public final class DemoSignals implements AutoCloseable {
  /** The in-process alerts' window: short, so that the demo's few purchases fire them. */
  static final Duration ALERT_WINDOW = Duration.ofSeconds(30);
  /**
   * Micrometer also puts exemplars on a histogram's {@code _count}, which Prometheus accepts from 2.43 on
   * (Debian 12 ships 2.42, which would drop every scrape): buckets and counters carry them either way.
   */
  private static final PrometheusConfig EXEMPLARS_ON_BUCKETS_ONLY = new PrometheusConfig() {
    @Override public String get(String key) {
      return null;
    }

    @Override public Properties prometheusProperties() {
      Properties properties = PrometheusConfig.super.prometheusProperties();
      properties.setProperty("io.prometheus.exporter.exemplarsOnAllMetricTypes", "false");
      return properties;
    }
  };

  private final List<Integer> metricsPorts; // by service, in the order of Shop.SERVICES; empty: any free port
  private final SpanAlerts alerts;
  private final Map<String, HttpServer> endpoints = new LinkedHashMap<>(); // guarded by this

  /**
   * @param metricsPorts the port of each service's {@code /metrics}, in the order of {@link Shop#SERVICES}
   *     (empty: free ports), as {@code demo.sh} has Prometheus scrape them
   */
  DemoSignals(String zipkinUrl, List<Integer> metricsPorts) {
    this.metricsPorts = List.copyOf(metricsPorts);
    this.alerts = SpanAlerts.newBuilder()
        .rule(AlertRule.errorRatioAbove(0.05).minCalls(5))
        .rule(AlertRule.latencyAbove(0.9, Duration.ofSeconds(1)).spans(SpanKind.SERVER, "*").minCalls(5))
        .window(ALERT_WINDOW).slices(6)
        .zipkinUi(zipkinUrl) // each alert is logged as it fires and resolves, with these links
        .build();
  }

  /** The span metrics of one service: the alerts follow them. */
  SpanMetrics spanMetrics() {
    return SpanMetrics.newBuilder().addListener(alerts).build();
  }

  /** Serves the span metrics and counters of {@code tracing} on {@code /metrics} of a port of its own. */
  synchronized void serve(String serviceName, Tracing tracing) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(EXEMPLARS_ON_BUCKETS_ONLY, new PrometheusRegistry(),
        Clock.SYSTEM, TraceletSpanContext.create(tracing));
    TraceletMetrics.create(tracing).bindTo(registry);
    int index = Shop.SERVICES.indexOf(serviceName);
    int port = index >= 0 && index < metricsPorts.size() ? metricsPorts.get(index) : 0;
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
      server.createContext("/metrics", exchange -> {
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        String contentType = accept != null && accept.contains("application/openmetrics-text")
            ? "application/openmetrics-text; version=1.0.0; charset=utf-8" // what carries exemplars
            : "text/plain; version=0.0.4; charset=utf-8";
        byte[] body = registry.scrape(contentType).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream response = exchange.getResponseBody()) {
          response.write(body);
        }
      });
      server.start();
      endpoints.put(serviceName, server);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve the metrics of " + serviceName + " on port " + port, e);
    }
  }

  /** Where each service serves its metrics, one line per service. */
  synchronized String describe() {
    StringBuilder lines = new StringBuilder();
    endpoints.forEach((service, server) -> lines.append(lines.length() == 0 ? "" : "\n")
        .append(String.format("  %-9s  http://127.0.0.1:%d/metrics", service, server.getAddress().getPort())));
    return lines.toString();
  }

  /** Evaluates the in-process alerts now (printing what changed) and returns those firing. */
  List<Alert> firing() {
    alerts.evaluate();
    return alerts.firing();
  }

  /** Stops serving the metrics. */
  @Override public synchronized void close() {
    endpoints.values().forEach(server -> server.stop(0));
    endpoints.clear();
  }
}
