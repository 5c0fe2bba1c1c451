package io.tracelet.reporter.slf4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.Tracing;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** The snippets of README.md, as they are there. */
class ReadmeTest {
  @Test void create() {
    Tracing tracing = Tracing.newBuilder()
        .serviceName("checkout")
        .reporter(Slf4jReporter.create()) // logger "io.tracelet.spans", INFO
        .build();
    tracing.close();

    assertThat(Slf4jReporter.create()).hasToString("Slf4jReporter{io.tracelet.spans, INFO}");
  }

  @Test void options() {
    Slf4jReporter reporter = Slf4jReporter.newBuilder()
        .loggerName("spans")     // "io.tracelet.spans" by default
        .level(Level.DEBUG)      // org.slf4j.event.Level; INFO by default
        .build();

    assertThat(reporter).hasToString("Slf4jReporter{spans, DEBUG}");
  }
}
