package io.tracelet.micrometer.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Propagator: fields, inject, extract, with the Tracing's own format (W3C, then B3, with baggage). */
class PropagatorTest {
  final Fixture fixture = new Fixture();
  final Tracer tracer = fixture.tracer;
  final Propagator propagator = fixture.propagator;

  @AfterEach void close() {
    fixture.close();
  }

  @Test void fields_areTheTracingPropagatorsKeys() {
    assertThat(propagator.fields()).isEqualTo(fixture.tracing.propagator().keys())
        .contains("traceparent", "b3", "x-b3-traceid", "baggage");
  }

  @Test void inject_writesW3CAndB3() {
    Span span = tracer.nextSpan().start();
    TraceContext context = span.context();
    Map<String, String> carrier = new HashMap<>();
    propagator.inject(context, carrier, Map::put);

    assertThat(carrier.get("traceparent")).startsWith("00-" + context.traceId() + "-" + context.spanId() + "-");
    assertThat(carrier).containsEntry("x-b3-traceid", context.traceId()).containsEntry("x-b3-spanid", context.spanId());
  }

  @Test void inject_ignoresNulls() {
    Map<String, String> carrier = new HashMap<>();
    propagator.<Map<String, String>>inject(null, carrier, Map::put);
    propagator.<Map<String, String>>inject(tracer.nextSpan().context(), null, Map::put);
    assertThat(carrier).isEmpty();
  }

  @Test void extract_continuesTheTrace_asAChildOfTheRemoteSpan() {
    Map<String, String> carrier = Map.of("traceparent", "00-3e425f2373d89640bde06e8285e7bf88-9a5fdefae3abb440-01");
    Span span = propagator.extract(carrier, Map::get).kind(Span.Kind.SERVER).name("GET /").start();
    span.end();

    assertThat(span.context().traceId()).isEqualTo("3e425f2373d89640bde06e8285e7bf88");
    assertThat(span.context().parentId()).isEqualTo("9a5fdefae3abb440");
    assertThat(span.context().sampled()).isTrue();
    assertThat(fixture.onlySpan().name()).isEqualTo("GET /");
  }

  @Test void extract_ofB3Single() {
    Map<String, String> carrier = Map.of("b3", "3e425f2373d89640bde06e8285e7bf88-9a5fdefae3abb440-0");
    Span span = propagator.extract(carrier, Map::get).start();

    assertThat(span.context().traceId()).isEqualTo("3e425f2373d89640bde06e8285e7bf88");
    assertThat(span.isNoop()).as("the caller's decision is followed").isTrue();
  }

  @Test void extract_withNothingToExtract_isAChildOfTheCurrentSpan_orARoot() {
    Span root = propagator.extract(Map.<String, String>of(), Map::get).start();
    assertThat(root.context().parentId()).isNull();

    try (Tracer.SpanInScope ws = tracer.withSpan(root)) {
      Span child = propagator.extract(Map.<String, String>of(), Map::get).start();
      assertThat(child.context().parentId()).isEqualTo(root.context().spanId());
    }
  }

  @Test void extract_ofAMalformedHeader_startsANewTrace() {
    Map<String, String> carrier = Map.of("traceparent", "00-zz-zz-01");
    Span span = propagator.extract(carrier, Map::get).start();
    assertThat(span.context().parentId()).isNull();
    assertThat(span.context().traceId()).hasSize(32);
  }

  @Test void roundTrip_throughACarrier() {
    Span client = tracer.spanBuilder().kind(Span.Kind.CLIENT).start();
    Map<String, String> carrier = new HashMap<>();
    propagator.inject(client.context(), carrier, Map::put);
    Span server = propagator.extract(carrier, (c, k) -> c.get(k)).kind(Span.Kind.SERVER).start();

    assertThat(server.context().traceId()).isEqualTo(client.context().traceId());
    assertThat(server.context().parentId()).isEqualTo(client.context().spanId());
  }
}
