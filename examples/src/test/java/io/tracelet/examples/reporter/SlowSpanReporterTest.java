package io.tracelet.examples.reporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.Tracing;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SlowSpanReporterTest {

  @Test void alertsOfEachSlowSpanAndSumsUpOnClose() {
    List<String> alerts = new CopyOnWriteArrayList<>();
    Tracing tracing = Tracing.newBuilder()
        .serviceName("search")
        .reporter(new SlowSpanReporter(Duration.ofMillis(100), alerts::add))
        .build();

    SlowSpanReporter.recordQueries(tracing.tracer(), 1_700_000_000_000_000L);
    assertThat(tracing.close(Duration.ofSeconds(10))).as("spans not delivered").isZero();

    assertThat(alerts).hasSize(2);
    assertThat(alerts.get(0)).matches("SLOW query products took 250 ms \\(trace [0-9a-f]{32}, service search\\)");
    assertThat(alerts.get(1)).isEqualTo("slow-span reporter closed: 1 of 3 spans were slow");
  }
}
