package io.tracelet.examples.http;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.FinishedSpan;
import io.tracelet.SpanKind;
import io.tracelet.testing.InMemoryReporter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApacheClientsCallInventoryTest {

  @Test void oneTraceAcrossBothClientsTheRedirectInOneSpanAndTheCallbackInTheCheckoutsTrace() throws Exception {
    InMemoryReporter reporter = new InMemoryReporter();
    try (ApacheClientsCallInventory storefront = new ApacheClientsCallInventory(reporter)) {
      String answer = storefront.checkout();

      List<FinishedSpan> spans = reporter.awaitSpans(6, Duration.ofSeconds(10));
      storefront.flush();
      assertThat(reporter.spans()).hasSize(6);
      assertThat(spans).isCompleteTrace();
      FinishedSpan checkout = spans.stream().filter(s -> s.name().equals("checkout")).findFirst().orElseThrow();
      assertThat(answer).isEqualTo("pianos: 3, drums: 12 [" + String.format("%016x%016x", checkout.traceIdHigh(), checkout.traceId()) + "]");
      List<FinishedSpan> calls = spans.stream().filter(s -> s.kind() == SpanKind.CLIENT).toList();
      assertThat(calls).hasSize(2).allSatisfy(call -> assertThat(call).hasParent(checkout).hasTag("http.status_code", "200"));
      FinishedSpan piano = calls.stream().filter(c -> c.tagCount() > 0 && "/stock-old/piano".equals(tag(c, "http.path")))
          .findFirst().orElseThrow();
      assertThat(piano).hasEvent("redirect");
      List<FinishedSpan> served = spans.stream().filter(s -> s.kind() == SpanKind.SERVER).toList();
      assertThat(served).hasSize(3);
      assertThat(served).filteredOn(s -> s.parentId() == piano.spanId()).extracting(s -> tag(s, "http.status_code"))
          .containsExactlyInAnyOrder("301", "200");
    }
  }

  private static String tag(FinishedSpan span, String key) {
    for (int i = 0; i < span.tagCount(); i++) if (span.tagKey(i).equals(key)) return span.tagValue(i);
    return null;
  }
}
