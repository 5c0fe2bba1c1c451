package io.tracelet.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.tracer.common.SpanContext;
import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import io.tracelet.metrics.SpanMetrics;
import io.tracelet.testing.InMemoryReporter;
import org.junit.jupiter.api.Test;

/** The Java blocks of this module's README, as written there. */
class ReadmeExampleTest {
  final InMemoryReporter reporter = new InMemoryReporter();

  @Test void use() {
    // README: Use
    Tracing tracing = Tracing.newBuilder()
        .serviceName("checkout")
        .spanMetrics(SpanMetrics.newBuilder().build())   // SERVER and CONSUMER spans and local roots
        .reporter(reporter)
        .build();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
        new PrometheusRegistry(), Clock.SYSTEM, TraceletSpanContext.create(tracing));   // exemplars
    TraceletMetrics.create(tracing).bindTo(registry);

    // serve registry.scrape(contentType) on /metrics, with the content type Prometheus asks for:
    String accept = "application/openmetrics-text; version=1.0.0";    // the scrape's Accept header
    String body = registry.scrape(accept);
    // (end of the README's block)
    assertThat(body).contains("tracelet_spans_accepted_total{service_name=\"checkout\"} 0.0");
    tracing.tracer().spanBuilder("POST /checkout").kind(SpanKind.SERVER).start().finish();
    body = registry.scrape(accept);

    assertThat(body).contains("traces_span_metrics_calls_total{service_name=\"checkout\",span_kind=\"SPAN_KIND_SERVER\","
        + "span_name=\"POST /checkout\",status_code=\"STATUS_CODE_UNSET\"} 1.0 # {span_id=\"").endsWith("# EOF\n");
    tracing.close();
  }

  // README: the two @Bean methods for Spring Boot.
  TraceletMetrics traceletMetrics(Tracing tracing) {
    return TraceletMetrics.create(tracing);
  }

  SpanContext traceletSpanContext(Tracing tracing) {   // io.prometheus.metrics.tracer.common.SpanContext
    return TraceletSpanContext.create(tracing);
  }

  @Test void springBeans() {
    Tracing tracing = Tracing.newBuilder().serviceName("checkout").spanMetrics(SpanMetrics.newBuilder().build())
        .reporter(reporter).build();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (TraceletMetrics metrics = traceletMetrics(tracing)) {
      metrics.bindTo(registry);
      SpanContext spanContext = traceletSpanContext(tracing);
      io.tracelet.Span span = tracing.tracer().spanBuilder("GET /").kind(SpanKind.SERVER).start();
      try (io.tracelet.Scope scope = span.makeCurrent()) {
        assertThat(spanContext.getCurrentTraceId()).isEqualTo(span.context().traceIdHex());
      } finally {
        span.finish();
      }
      assertThat(spanContext.isCurrentSpanSampled()).isFalse();
      assertThat(registry.get("traces.span.metrics.calls").counter().count()).isEqualTo(1.0);
    } finally {
      tracing.close();
    }
  }
}
