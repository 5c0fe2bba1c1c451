package io.tracelet.examples.demo;

import io.tracelet.alerts.Alert;
import io.tracelet.testing.servers.PrometheusClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the demo says of its alerts: the in-process ones ({@link DemoSignals}) firing at the end,
 * and, when a Prometheus scrapes the services with Tracelet's rules ({@code demo.sh} starts one
 * when the {@code prometheus} program is on the PATH), its {@code TraceletHighErrorRatio} alert,
 * waited for, with the Zipkin search it links to and the traces its exemplars name.
 */
final class DemoAlerts {
  static final String ERROR_RATIO = "TraceletHighErrorRatio";
  private static final Duration SERIES_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration ALERT_TIMEOUT = Duration.ofSeconds(60);

  private DemoAlerts() {
  }

  /**
   * Prometheus takes the first value it reads of a counter as its start, so a failure that happens
   * before it has seen the failures' series would not count: one purchase of each kind first (not
   * listed), then a wait until Prometheus has read their series.
   */
  static void warmUp(Shop shop, String prometheusUrl, PrintStream out) throws Exception {
    out.println("Prometheus (" + prometheusUrl + ") counts from the first value it reads of each series: three purchases "
        + "first (plain, slow, declined; not listed, but counted in the metrics), and a wait until it has read them.");
    Traffic.run(shop.webUrl(), Traffic.plan(3), result -> { });
    PrometheusClient.of(prometheusUrl).awaitQuery("traces_span_metrics_calls_total{status_code=\"STATUS_CODE_ERROR\"}",
        series -> !series.isEmpty(), SERIES_TIMEOUT);
  }

  /**
   * Prints the in-process alerts firing now and, with a Prometheus, waits for its error-ratio alert
   * and prints it with its links.
   *
   * @throws IllegalStateException when Prometheus's alert does not fire within a minute
   */
  static void print(DemoSignals signals, Demo.Options options, PrintStream out) {
    List<Alert> firing = signals.firing();
    out.println();
    out.println("In-process alerts firing now (SpanAlerts over the last " + DemoSignals.ALERT_WINDOW.toSeconds() + " s): "
        + (firing.isEmpty() ? "none" : firing.size()));
    for (Alert alert : firing) out.println("  " + alert.message());
    if (options.prometheusUrl() == null) return;

    PrometheusClient prometheus = PrometheusClient.of(options.prometheusUrl());
    out.println();
    out.println("Waiting for Prometheus's alert " + ERROR_RATIO + " (" + prometheus.baseUrl() + "/classic/alerts) ...");
    List<PrometheusClient.Alert> alerts;
    try {
      alerts = prometheus.awaitAlerts(found -> found.stream().anyMatch(a -> a.name().equals(ERROR_RATIO)
          && a.state().equals("firing")), ALERT_TIMEOUT);
    } catch (AssertionError e) {
      throw new IllegalStateException("Prometheus's alert " + ERROR_RATIO + " did not fire within " + ALERT_TIMEOUT
          + ": " + e.getMessage(), e);
    }
    String zipkin = options.zipkinUrl().endsWith("/") ? options.zipkinUrl().substring(0, options.zipkinUrl().length() - 1)
        : options.zipkinUrl();
    for (PrometheusClient.Alert alert : alerts) {
      if (!alert.name().equals(ERROR_RATIO) || !alert.state().equals("firing")) continue;
      out.println("  FIRING " + alert.name() + ": " + alert.annotations().get("summary"));
      out.println("    failed calls in Zipkin: " + alert.annotations().get("zipkin_search"));
      String exemplars = alert.annotations().get("exemplars");
      Set<String> traces = new LinkedHashSet<>();
      for (PrometheusClient.Exemplar exemplar : prometheus.exemplars(exemplars, Duration.ofMinutes(10))) {
        traces.add(exemplar.labels().get("trace_id"));
      }
      out.println("    traces its exemplars name (" + exemplars + "):");
      if (traces.isEmpty()) out.println("      none yet");
      for (String trace : traces) out.println("      " + zipkin + "/zipkin/traces/" + trace);
    }
  }
}
