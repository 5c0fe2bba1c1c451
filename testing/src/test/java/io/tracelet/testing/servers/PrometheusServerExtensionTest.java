package io.tracelet.testing.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PrometheusServerExtension.class)
class PrometheusServerExtensionTest {
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  HttpServer target;
  final AtomicReference<String> accept = new AtomicReference<>();

  /** A target that serves one counter with an exemplar, in the OpenMetrics text. */
  @BeforeEach void serveMetrics() throws Exception {
    target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    target.createContext("/custom/metrics", exchange -> {
      accept.set(exchange.getRequestHeaders().getFirst("Accept"));
      byte[] body = ("# TYPE launcher_test_calls counter\n"
          + "launcher_test_calls_total{outcome=\"fail\"} 7 # {trace_id=\"463ac35c9f6413ad48485a3953bb6124\"} 1.0\n"
          + "# EOF\n").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", OPENMETRICS);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    target.start();
  }

  @AfterEach void stopTarget(PrometheusServer prometheus) {
    prometheus.stopScraping("launcher-test");
    target.stop(0);
  }

  @Test void servesOnLoopbackOnly(PrometheusServer prometheus) throws Exception {
    assertThat(prometheus.baseUrl()).isEqualTo("http://127.0.0.1:" + prometheus.port());
    assertThat(prometheus.isRunning()).isTrue();
    OtherAddresses.assertRefuseConnectionsTo(prometheus.port());
  }

  @Test void scrapesTargetsInOpenMetricsAndKeepsTheirExemplars(PrometheusServer prometheus) {
    prometheus.scrape("launcher-test", "127.0.0.1:" + target.getAddress().getPort(), "/custom/metrics");

    assertThat(accept.get()).startsWith("application/openmetrics-text");
    List<PrometheusClient.Sample> samples = prometheus.awaitQuery("launcher_test_calls_total{job=\"launcher-test\"}",
        answer -> !answer.isEmpty(), TIMEOUT);
    assertThat(samples).singleElement().satisfies(sample -> {
      assertThat(sample.value()).isEqualTo(7.0);
      assertThat(sample.labels()).containsEntry("outcome", "fail").containsEntry("job", "launcher-test")
          .containsEntry("__name__", "launcher_test_calls_total");
    });
    List<PrometheusClient.Exemplar> exemplars = prometheus.awaitExemplars("launcher_test_calls_total{job=\"launcher-test\"}",
        Duration.ofMinutes(5), answer -> !answer.isEmpty(), TIMEOUT);
    assertThat(exemplars).first().satisfies(exemplar -> {
      assertThat(exemplar.labels()).containsExactly(Map.entry("trace_id", "463ac35c9f6413ad48485a3953bb6124"));
      assertThat(exemplar.value()).isEqualTo(1.0);
      assertThat(exemplar.seriesLabels()).containsEntry("outcome", "fail");
    });
  }

  @Test void evaluatesRulesEverySecondAndAnswersAlerts(PrometheusServer prometheus) {
    prometheus.rules("launcher-test", "groups:\n"
        + "  - name: launcher-test\n"
        + "    rules:\n"
        + "      - alert: LauncherTestAlways\n"
        + "        expr: vector(1)\n"
        + "        labels: {severity: none}\n"
        + "        annotations: {summary: 'always {{ $value }}'}\n");

    List<PrometheusClient.Alert> alerts = prometheus.awaitAlerts(
        answer -> answer.stream().anyMatch(a -> "LauncherTestAlways".equals(a.name())), TIMEOUT);
    assertThat(alerts).filteredOn(a -> "LauncherTestAlways".equals(a.name())).singleElement().satisfies(alert -> {
      assertThat(alert.state()).isEqualTo("firing"); // no for: it fires at once
      assertThat(alert.labels()).containsEntry("severity", "none");
      assertThat(alert.annotations()).containsEntry("summary", "always 1");
    });

    prometheus.rules("launcher-test", "groups: []\n");
    prometheus.awaitAlerts(answer -> answer.stream().noneMatch(a -> "LauncherTestAlways".equals(a.name())), TIMEOUT);
  }

  @Test void refusesRulesItCannotRead(PrometheusServer prometheus) {
    assertThatThrownBy(() -> prometheus.rules("launcher-test-broken", "groups:\n  - name: x\n    rules:\n      - alert: A\n        expr: 'rate('\n"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("refused the rules launcher-test-broken");
    prometheus.rules("launcher-test-broken", "groups: []\n"); // the next reload must not fail on it
  }
}
