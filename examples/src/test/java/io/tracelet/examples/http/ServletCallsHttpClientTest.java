package io.tracelet.examples.http;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.FinishedSpan;
import io.tracelet.SpanKind;
import io.tracelet.testing.InMemoryReporter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServletCallsHttpClientTest {

  @Test void oneTraceAcrossTheServletTheClientAndTheServerAndNoneForHealthChecks() throws Exception {
    InMemoryReporter reporter = new InMemoryReporter();
    try (ServletCallsHttpClient services = new ServletCallsHttpClient(reporter)) {
      HttpClient customer = HttpClient.newHttpClient();

      HttpResponse<String> product = customer.send(
          HttpRequest.newBuilder(services.catalog().resolve("products/piano")).build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> health = customer.send(
          HttpRequest.newBuilder(services.catalog().resolve("health")).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(product.body()).isEqualTo("piano costs 12.50");
      assertThat(health.body()).isEqualTo("up");
      List<FinishedSpan> spans = reporter.awaitSpans(3, Duration.ofSeconds(10));
      services.flush();
      assertThat(reporter.spans()).hasSize(3); // none for /health
      FinishedSpan catalog = only(spans, SpanKind.SERVER, "catalog");
      FinishedSpan call = only(spans, SpanKind.CLIENT, "catalog");
      FinishedSpan prices = only(spans, SpanKind.SERVER, "prices");
      assertThat(catalog).isRoot().hasName("GET /products/*").hasTag("http.route", "/products/*");
      assertThat(call).hasParent(catalog).hasTag("http.path", "/prices").hasTag("http.status_code", "200");
      assertThat(prices).hasParent(call).hasTag("http.status_code", "200");
    }
  }

  private static FinishedSpan only(List<FinishedSpan> spans, SpanKind kind, String service) {
    return spans.stream()
        .filter(s -> s.kind() == kind && service.equals(s.localEndpoint().serviceName()))
        .reduce((a, b) -> { throw new AssertionError("more than one " + kind + " span of " + service); })
        .orElseThrow(() -> new AssertionError("no " + kind + " span of " + service));
  }
}
