package io.tracelet.slf4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.Tracing;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The snippets of README.md, compiled and run. */
class ReadmeTest {
  static final Logger log = LoggerFactory.getLogger(ReadmeTest.class);

  @Test void decorator() {
    // README: decorator
    Tracing tracing = Tracing.newBuilder()
        .serviceName("checkout")
        .addScopeDecorator(MdcScopeDecorator.create())
        .build();

    tracing.tracer().inSpan("charge", () -> log.info("charging the card")); // carries traceId and spanId
    // README end

    tracing.close();
    assertThat(MDC.get("traceId")).isNull();
  }

  @Test void keyNames() {
    // README: key names
    MdcScopeDecorator decorator = MdcScopeDecorator.newBuilder()
        .traceIdKey("trace_id")
        .spanIdKey("span_id")
        .build();
    // README end

    assertThat(decorator).hasToString("MdcScopeDecorator{trace_id, span_id}");
  }
}
