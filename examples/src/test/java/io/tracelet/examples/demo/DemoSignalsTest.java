package io.tracelet.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import io.tracelet.alerts.Alert;
import io.tracelet.testing.InMemoryReporter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A demo service's /metrics and the in-process alerts, as DemoSignals sets them up. */
class DemoSignalsTest {
  @Test void servesSpanMetricsWithExemplarsAndAlertsOnFailures() throws Exception {
    try (DemoSignals signals = new DemoSignals("http://127.0.0.1:9411", List.of());
         Tracing tracing = Tracing.newBuilder().serviceName(WebService.NAME).spanMetrics(signals.spanMetrics())
             .reporter(new InMemoryReporter()).build()) {
      signals.serve(WebService.NAME, tracing);
      String failed = null;
      for (int i = 0; i < 6; i++) {
        Span span = tracing.tracer().spanBuilder("POST /checkout").kind(SpanKind.SERVER).start();
        if (i % 2 == 0) {
          span.error(new IllegalStateException("card declined"));
          failed = span.context().traceIdHex();
        }
        span.finish();
      }

      String address = signals.describe().replaceAll("(?s).*(http://\\S+/metrics).*", "$1");
      HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(address))
          .header("Accept", "application/openmetrics-text; version=1.0.0").timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
          type -> assertThat(type).startsWith("application/openmetrics-text"));
      assertThat(metrics.body()).contains("traces_span_metrics_calls_total{service_name=\"web\",span_kind=\"SPAN_KIND_SERVER\","
          + "span_name=\"POST /checkout\",status_code=\"STATUS_CODE_ERROR\"} 3.0 # {span_id=")
          .contains("tracelet_spans_accepted_total{service_name=\"web\"}")
          .doesNotContain("_count{service_name=\"web\",span_kind=\"SPAN_KIND_SERVER\",span_name=\"POST /checkout\","
              + "status_code=\"STATUS_CODE_ERROR\"} 3 #"); // no exemplar on _count: Prometheus 2.42 would drop the scrape
      List<Alert> firing = signals.firing();
      assertThat(firing).anySatisfy(alert -> {
        assertThat(alert.serviceName()).isEqualTo("web");
        assertThat(alert.spanName()).isEqualTo("POST /checkout");
        assertThat(alert.message()).contains("error ratio").contains("http://127.0.0.1:9411/zipkin/traces/");
      });
      assertThat(failed).isNotNull();
    }
  }
}
