package io.tracelet.micrometer.tracing;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.tracelet.Tracing;
import io.tracelet.propagation.Propagators;
import io.tracelet.testing.InMemoryReporter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The snippets of README.md, compiled and run. */
class ReadmeTest {
  final InMemoryReporter reporter = new InMemoryReporter();

  @Test void use() {
    // README: use
    Tracing tracing = Tracing.newBuilder()
        .serviceName("checkout")
        .propagator(Propagators.w3cThenB3())          // what the Micrometer propagator reads and writes
        .reporter(reporter)                           // ZipkinReporter.http(...), say
        .build();
    TraceletTracer tracer = TraceletTracer.create(tracing);
    TraceletPropagator propagator = TraceletPropagator.create(tracer);

    ObservationRegistry registry = ObservationRegistry.create();
    registry.observationConfig().observationHandler(new FirstMatchingCompositeObservationHandler(
        new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
        new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
        new DefaultTracingObservationHandler(tracer)));

    Observation.createNotStarted("charge", registry)
        .lowCardinalityKeyValue("card.type", "visa")  // a tag
        .observe(() -> pay());                        // a span named "charge"; an exception is its error
    // README end

    tracing.close();
    assertThat(reporter.spans()).singleElement().satisfies(s -> assertThat(s).hasName("charge")
        .hasTag("card.type", "visa").hasLocalServiceName("checkout"));
  }

  @Test void exporting() {
    // README: exporting
    Tracing tracing = Tracing.newBuilder()
        .reporter(ExportingSpanReporter.create(reporter,
            List.of(span -> !span.getName().equals("GET /health")),               // predicates
            List.of(span -> span.setTags(redact(span.getTags()))),                // filters
            List.of()))                                                           // Micrometer reporters
        .build();
    // README end

    TraceletTracer tracer = TraceletTracer.create(tracing);
    tracer.nextSpan().name("GET /health").start().end();
    tracer.nextSpan().name("charge").start().tag("card", "4111").end();
    tracing.close();
    assertThat(reporter.spans()).singleElement().satisfies(s -> assertThat(s).hasName("charge")
        .hasTag("card", "redacted"));
  }

  static void pay() {
  }

  static Map<String, String> redact(Map<String, String> tags) {
    Map<String, String> redacted = new LinkedHashMap<>(tags);
    redacted.replaceAll((k, v) -> k.equals("card") ? "redacted" : v);
    return redacted;
  }
}
