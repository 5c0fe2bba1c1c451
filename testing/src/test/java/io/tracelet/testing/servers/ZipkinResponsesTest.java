package io.tracelet.testing.servers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How {@link ZipkinServer} reads Zipkin's answers: Prometheus counters and JSON arrays. */
class ZipkinResponsesTest {

  @Test void sumsAMetricOverItsLabelsAndSkipsLongerNames() {
    String text = "# HELP zipkin_collector_spans_total cumulative amount of spans received\n"
        + "# TYPE zipkin_collector_spans_total counter\n"
        + "zipkin_collector_spans_total{transport=\"kafka\",} 2.0\n"
        + "zipkin_collector_spans_total{transport=\"http\",} 5.0\n"
        + "zipkin_collector_spans_dropped_total{transport=\"http\",} 7.0\n"
        + "zipkin_collector_spans_total_other 11.0\n"
        + "zipkin_collector_spans_total 1.0E2\n";

    assertThat(ZipkinServer.metric(text, "zipkin_collector_spans_total")).isEqualTo(107);
    assertThat(ZipkinServer.metric(text, "zipkin_collector_spans_dropped_total")).isEqualTo(7);
    assertThat(ZipkinServer.metric(text, "absent")).isZero();
  }

  @Test void countsTheElementsOfAJsonArray() {
    assertThat(ZipkinServer.countElements("[]")).isZero();
    assertThat(ZipkinServer.countElements(" [ \n ] ")).isZero();
    assertThat(ZipkinServer.countElements("[{\"a\":1}]")).isEqualTo(1);
    assertThat(ZipkinServer.countElements("[{\"a\":[1,2,{\"b\":3}]},{\"c\":\"x,y]\"}]")).isEqualTo(2);
    assertThat(ZipkinServer.countElements("[{\"tag\":\"quote \\\" ,[ and backslash \\\\\"},{}, {} ]")).isEqualTo(3);
    assertThat(ZipkinServer.countElements("[\"a\",1,null]")).isEqualTo(3);
  }
}
