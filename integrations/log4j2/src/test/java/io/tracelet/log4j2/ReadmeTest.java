package io.tracelet.log4j2;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.Tracing;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;
import org.junit.jupiter.api.Test;

/** The snippets of README.md, compiled and run. */
class ReadmeTest {
  static final Logger log = LogManager.getLogger(ReadmeTest.class);

  @Test void decorator() {
    // README: decorator
    Tracing tracing = Tracing.newBuilder()
        .serviceName("checkout")
        .addScopeDecorator(ThreadContextScopeDecorator.create())
        .build();

    tracing.tracer().inSpan("charge", () -> log.info("charging the card")); // carries traceId and spanId
    // README end

    tracing.close();
    assertThat(ThreadContext.get("traceId")).isNull();
  }

  @Test void keyNames() {
    // README: key names
    ThreadContextScopeDecorator decorator = ThreadContextScopeDecorator.newBuilder()
        .traceIdKey("trace_id")
        .spanIdKey("span_id")
        .build();
    // README end

    assertThat(decorator).hasToString("ThreadContextScopeDecorator{trace_id, span_id}");
  }
}
