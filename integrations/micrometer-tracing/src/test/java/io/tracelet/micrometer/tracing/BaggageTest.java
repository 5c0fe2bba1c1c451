package io.tracelet.micrometer.tracing;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.Baggage;
import io.micrometer.tracing.BaggageInScope;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Baggage: in scope, on an explicit context, without a span, across inject and extract. */
class BaggageTest {
  final Fixture fixture = new Fixture();
  final Tracer tracer = fixture.tracer;

  @AfterEach void close() {
    fixture.close();
  }

  @Test void createBaggageInScope_isReadableWhileInScope() {
    Span span = tracer.nextSpan().start();
    try (Tracer.SpanInScope ws = tracer.withSpan(span)) {
      try (BaggageInScope baggage = tracer.createBaggageInScope("key1", "value1")) {
        assertThat(baggage.name()).isEqualTo("key1");
        assertThat(baggage.get()).isEqualTo("value1");
        assertThat(tracer.getBaggage("key1").get()).isEqualTo("value1");
        assertThat(tracer.getAllBaggage()).containsExactly(Map.entry("key1", "value1"));
        assertThat(tracer.getBaggage("key1").get(tracer.currentTraceContext().context())).isEqualTo("value1");
      }
      assertThat(tracer.getBaggage("key1").get()).isNull();
      assertThat(tracer.getAllBaggage()).isEmpty();
    }
  }

  @Test void makeCurrentWithAValue_isReadableWhileInScope() {
    Span span = tracer.nextSpan().start();
    try (Tracer.SpanInScope ws = tracer.withSpan(span);
        BaggageInScope baggage = tracer.getBaggage("key1").makeCurrent("value1")) {
      assertThat(tracer.getBaggage("key1").get()).isEqualTo("value1");
    }
  }

  @Test void insideABaggageScope_theCurrentSpanIsStillTheRecordingSpan() {
    Span span = tracer.nextSpan().name("op").start();
    try (Tracer.SpanInScope ws = tracer.withSpan(span);
        BaggageInScope baggage = tracer.createBaggageInScope("key1", "value1")) {
      Span current = tracer.currentSpan();
      assertThat(current).isEqualTo(span);
      assertThat(current.isNoop()).isFalse();
      current.tag("in", "baggage scope");
      tracer.currentSpanCustomizer().event("customized");
      assertThat(tracer.getAllBaggage(current.context())).containsEntry("key1", "value1");
      // a child inherits the baggage and is a child of the span
      Span child = tracer.nextSpan().start();
      assertThat(child.context().parentId()).isEqualTo(span.context().spanId());
      assertThat(tracer.getBaggage("key1").get(child.context())).isEqualTo("value1");
      child.end();
    }
    assertThat(tracer.currentSpan()).isNull();
    span.end();
    assertThat(fixture.spans().get(1)).hasName("op").hasTag("in", "baggage scope").hasEvent("customized");
  }

  @Test void nestedBaggageScopes_restoreInOrder() {
    Span span = tracer.nextSpan().start();
    try (Tracer.SpanInScope ws = tracer.withSpan(span)) {
      try (BaggageInScope outer = tracer.createBaggageInScope("k", "outer")) {
        try (BaggageInScope inner = tracer.createBaggageInScope("k", "inner")) {
          assertThat(tracer.getBaggage("k").get()).isEqualTo("inner");
          assertThat(tracer.currentSpan()).isEqualTo(span);
        }
        assertThat(tracer.getBaggage("k").get()).isEqualTo("outer");
        assertThat(tracer.currentSpan()).isEqualTo(span);
      }
    }
  }

  @Test void baggageOnAnExplicitContext_isReadFromThatContext() {
    Span span = tracer.nextSpan().start();
    try (BaggageInScope baggage = tracer.createBaggageInScope(span.context(), "from_span", "value 3")) {
      assertThat(baggage.get(tracer.currentTraceContext().context())).isEqualTo("value 3");
      assertThat(tracer.currentSpan()).isEqualTo(span);
      assertThat(tracer.getBaggage("from_span").get()).isEqualTo("value 3");
    }
    assertThat(tracer.currentSpan()).isNull();
    assertThat(tracer.getBaggage("from_span").get()).isNull();
    assertThat(tracer.getBaggage(span.context(), "from_span").get()).as("the span's own context is unchanged")
        .isNull();
  }

  @Test void withNoSpanInScope_thereIsNoBaggage_evenMadeCurrent() {
    try (BaggageInScope baggage = tracer.createBaggageInScope("key1", "value1")) {
      assertThat(baggage.get()).isNull();
      assertThat(tracer.getBaggage("key1").get()).isNull();
      assertThat(tracer.currentSpan()).isNull();
    }
    assertThat(tracer.getAllBaggage()).isEmpty();
  }

  @Test @SuppressWarnings("deprecation") void set_changesNoContextUntilMadeCurrent() {
    Span span = tracer.nextSpan().start();
    try (Tracer.SpanInScope ws = tracer.withSpan(span)) {
      Baggage baggage = tracer.createBaggage("key1").set("value1");
      assertThat(tracer.getBaggage("key1").get()).as("Tracelet contexts are immutable").isNull();
      try (BaggageInScope scope = baggage.makeCurrent()) {
        assertThat(tracer.getBaggage("key1").get()).isEqualTo("value1");
      }
    }
  }

  @Test void injectAndExtract_keepTheBaggage() {
    Map<String, String> carrier = new HashMap<>();
    Span span = tracer.nextSpan().start();
    try (Tracer.SpanInScope ws = tracer.withSpan(span);
        BaggageInScope baggage = tracer.createBaggageInScope("key1", "value1")) {
      fixture.propagator.inject(tracer.currentTraceContext().context(), carrier, Map::put);
    }
    assertThat(carrier).containsEntry("baggage", "key1=value1");

    Span extracted = fixture.propagator.extract(carrier, Map::get).start();
    assertThat(tracer.getBaggage(extracted.context(), "key1").get()).isEqualTo("value1");
    try (Tracer.SpanInScope ws = tracer.withSpan(extracted)) {
      assertThat(tracer.getBaggage("key1").get()).isEqualTo("value1");
      try (BaggageInScope baggage = tracer.getBaggage("key1").makeCurrent()) {
        assertThat(baggage.get()).isEqualTo("value1");
      }
    }
  }

  @Test void baggageOnly_isExtractedIntoANewTrace() {
    Map<String, String> carrier = Map.of("baggage", "foo=bar");
    Span span = fixture.propagator.extract(carrier, Map::get).start();
    assertThat(span.context().parentId()).isNull();
    assertThat(tracer.getBaggage(span.context(), "foo").get()).isEqualTo("bar");
  }

  @Test void baggageTagFields_tagTheSpanTheEntryIsAddedTo_ignoringCase() {
    TraceletTracer tagging = TraceletTracer.create(fixture.tracing, java.util.List.of("Country-Code"));
    Span span = tagging.nextSpan().name("op").start();
    try (Tracer.SpanInScope ws = tagging.withSpan(span);
        BaggageInScope country = tagging.createBaggageInScope("country-code", "FO");
        BaggageInScope other = tagging.createBaggageInScope("other", "x")) {
      assertThat(country.get()).isEqualTo("FO");
      assertThat(other.get()).isEqualTo("x");
    } finally {
      span.end();
    }
    assertThat(fixture.onlySpan()).hasTag("country-code", "FO").hasNoTag("other");
  }

  @Test void baggageTagFields_refuseNulls() {
    org.assertj.core.api.Assertions.assertThatNullPointerException()
        .isThrownBy(() -> TraceletTracer.create(fixture.tracing, java.util.Arrays.asList("a", null)))
        .withMessage("baggageTagFields element == null");
  }
}
