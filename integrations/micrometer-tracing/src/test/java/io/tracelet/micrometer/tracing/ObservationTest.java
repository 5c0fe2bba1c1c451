package io.tracelet.micrometer.tracing;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.tracelet.FinishedSpan;
import io.tracelet.SpanKind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Micrometer Observation through Micrometer Tracing's handlers, recorded as Tracelet spans. */
class ObservationTest {
  final Fixture fixture = new Fixture();
  final Tracer tracer = fixture.tracer;
  final ObservationRegistry registry = ObservationRegistry.create();

  ObservationTest() {
    registry.observationConfig().observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
        new PropagatingSenderTracingObservationHandler<>(tracer, fixture.propagator),
        new PropagatingReceiverTracingObservationHandler<>(tracer, fixture.propagator),
        new DefaultTracingObservationHandler(tracer)));
  }

  @AfterEach void close() {
    fixture.close();
  }

  @Test void anObservation_isASpan_namedByItsContextualNameOrName() {
    Observation.createNotStarted("http.server.requests", registry).contextualName("GET /orders").start().stop();
    Observation.createNotStarted("plain", registry).start().stop();

    List<FinishedSpan> spans = fixture.spans();
    assertThat(spans.get(0)).hasName("GET /orders").hasKind(SpanKind.INTERNAL).isRoot();
    assertThat(spans.get(1)).hasName("plain");
  }

  @Test void keyValues_becomeTags_lowAndHighCardinality() {
    Observation.createNotStarted("op", registry)
        .lowCardinalityKeyValue("method", "GET")
        .highCardinalityKeyValue("uri.full", "/orders/42")
        .start().stop();

    assertThat(fixture.onlySpan()).hasTag("method", "GET").hasTag("uri.full", "/orders/42");
  }

  @Test void anError_isTheSpansError() {
    IllegalStateException error = new IllegalStateException("declined");
    assertThatThrownBy(() -> Observation.createNotStarted("charge", registry).observe(() -> {
      throw error;
    })).isSameAs(error);

    FinishedSpan span = fixture.onlySpan();
    assertThat(span.error()).isSameAs(error);
    assertThat(span).hasTag("error", "declined");
  }

  @Test void anEvent_isASpanEvent_atItsTime() {
    long millis = System.currentTimeMillis();
    Observation observation = Observation.start("op", registry);
    observation.event(Observation.Event.of("cache.miss", "cache miss", millis));
    observation.stop();

    FinishedSpan span = fixture.onlySpan();
    assertThat(span.eventName(0)).isEqualTo("cache miss");
    assertThat(span.eventTimestamp(0)).isEqualTo(TimeUnit.MILLISECONDS.toMicros(millis));
  }

  @Test void scopes_makeTheSpanCurrent_andChildrenNest() {
    Observation parent = Observation.start("parent", registry);
    Span parentSpan = spanOf(parent);
    try (Observation.Scope scope = parent.openScope()) {
      assertThat(tracer.currentSpan()).isEqualTo(parentSpan);
      Observation child = Observation.start("child", registry); // the current observation is its parent
      try (Observation.Scope childScope = child.openScope()) {
        assertThat(tracer.currentSpan()).isEqualTo(spanOf(child));
        Span manual = tracer.nextSpan().name("manual").start();
        manual.end();
      }
      assertThat(tracer.currentSpan()).isEqualTo(parentSpan);
      child.stop();
    }
    assertThat(tracer.currentSpan()).isNull();
    parent.stop();

    List<FinishedSpan> spans = fixture.spans();
    assertThat(spans).isCompleteTrace();
    assertThat(spans).spanNamed("child").hasParent(spans.get(2));
    assertThat(spans).spanNamed("manual").hasParent(spans.get(1));
  }

  @Test void explicitParentObservations_andManualSpansBetween() {
    Observation parent = Observation.start("parent", registry);
    Span surprise;
    try (Observation.Scope scope = parent.openScope()) {
      surprise = tracer.nextSpan().name("surprise").start();
      try (Tracer.SpanInScope ws = tracer.withSpan(surprise)) {
        Observation child = Observation.createNotStarted("child", registry).start();
        child.scoped(() -> Observation.createNotStarted("grandchild", registry).parentObservation(child).start()
            .stop());
        child.stop();
      }
      surprise.end();
    }
    parent.stop();

    List<FinishedSpan> spans = fixture.spans();
    assertThat(spans).extracting(FinishedSpan::name).containsExactly("grandchild", "child", "surprise", "parent");
    assertThat(spans).isCompleteTrace();
    assertThat(spans.get(0)).hasParent(spans.get(1));
    assertThat(spans.get(1)).hasParent(spans.get(2));
    assertThat(spans.get(2)).hasParent(spans.get(3));
  }

  @Test void senderAndReceiverContexts_propagateThroughTheCarrier() {
    Map<String, String> headers = new HashMap<>();
    SenderContext<Map<String, String>> send = new SenderContext<>((carrier, key, value) -> carrier.put(key, value), Kind.CLIENT);
    send.setCarrier(headers);
    send.setRemoteServiceName("inventory");
    Observation client = Observation.createNotStarted("http.client", () -> send, registry).start();
    client.stop();

    ReceiverContext<Map<String, String>> receive = new ReceiverContext<>((carrier, key) -> carrier.get(key), Kind.SERVER);
    receive.setCarrier(headers);
    Observation.createNotStarted("http.server", () -> receive, registry).start().stop();

    List<FinishedSpan> spans = fixture.spans();
    assertThat(spans.get(0)).hasKind(SpanKind.CLIENT).hasRemoteServiceName("inventory");
    assertThat(spans.get(1)).hasKind(SpanKind.SERVER).hasParent(spans.get(0));
  }

  private static Span spanOf(Observation observation) {
    TracingObservationHandler.TracingContext context =
        observation.getContextView().get(TracingObservationHandler.TracingContext.class);
    return context.getSpan();
  }
}
