package io.tracelet.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.Sampler;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import io.tracelet.metrics.SpanMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The span metrics and alerts snippets of tracer-core/README.md, line for line (the examples module checks that). */
class ReadmeSnippetsTest {
  final List<String> paged = new ArrayList<>();

  void page(String message) {
    paged.add(message);
  }

  @Test void spanMetricsCountUnsampledRequests() {
    SpanMetrics metrics = SpanMetrics.newBuilder()               // SERVER, CONSUMER and local roots
        .kinds(SpanKind.SERVER, SpanKind.CONSUMER, SpanKind.CLIENT) // CLIENT and PRODUCER on request
        .build();
    Tracing tracing = Tracing.newBuilder()
        .serviceName("checkout")
        .sampler(Sampler.probability(0.01))
        .spanMetrics(metrics)
        .build();
    try (tracing) {
      for (int i = 0; i < 200; i++) {
        Span span = tracing.tracer().spanBuilder("POST /checkout").kind(SpanKind.SERVER).start();
        if (i % 10 == 0) span.tag("error", "500");
        span.finish();
      }
    }
    PrintStream out = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      for (SpanMetrics.Series s : metrics.snapshot()) {
        System.out.println(s.spanName() + " " + s.kind() + (s.error() ? " failed: " : ": ") + s.count());
      }
    } finally {
      System.setOut(out);
    }
    assertThat(printed.toString(StandardCharsets.UTF_8).lines())
        .containsExactly("POST /checkout SERVER: 180", "POST /checkout SERVER failed: 20");
  }

  @Test void alertsPageWhenTooManyCallsFail() {
    SpanAlerts alerts = SpanAlerts.newBuilder()
        .rule(AlertRule.errorRatioAbove(0.05))                     // more than 5% of the calls failed
        .rule(AlertRule.latencyAbove(0.99, Duration.ofMillis(500)) // the p99 above 500 ms
            .spans(SpanKind.SERVER, "GET *"))
        .zipkinUi("http://127.0.0.1:9411")
        .onAlert(alert -> page(alert.message()))
        .build();
    SpanMetrics metrics = SpanMetrics.newBuilder().addListener(alerts).build();

    try (Tracing tracing = Tracing.newBuilder().serviceName("shop").spanMetrics(metrics).build()) {
      for (int i = 0; i < 20; i++) {
        Span span = tracing.tracer().spanBuilder("POST /buy").kind(SpanKind.SERVER).start();
        if (i % 2 == 0) span.error(new IllegalStateException("declined"));
        span.finish();
      }
    }
    assertThat(alerts.evaluate()).hasSize(1);
    assertThat(paged).singleElement().asString()
        .startsWith("alert firing: error ratio of shop SERVER \"POST /buy\" is 0.500 > 0.050 over the last 60 s"
            + " (20 calls, 10 failed); slowest failed recorded traces: http://127.0.0.1:9411/zipkin/traces/");
  }
}
