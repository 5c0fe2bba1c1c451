package io.tracelet.propagation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracelet.Baggage;
import io.tracelet.Propagator;
import io.tracelet.TraceContext;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The composite and the default for mixed B3 / W3C estates. */
class PropagatorsTest {
  static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  final Propagator defaults = Propagators.w3cThenB3();

  @Test void w3cThenB3_prefersW3CWhenBothArePresent() {
    Headers headers = Headers.of("traceparent", TRACEPARENT,
        "X-B3-TraceId", "48485a3953bb6124", "X-B3-SpanId", "a2fb4a1d1a96d312");

    assertThat(defaults.extract(headers, Headers.GETTER).traceIdHex()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
  }

  @Test void w3cThenB3_aMalformedTraceparentGivesWayToB3() {
    Headers headers = Headers.of("traceparent", "00-garbage",
        "X-B3-TraceId", "48485a3953bb6124", "X-B3-SpanId", "a2fb4a1d1a96d312");

    assertThat(defaults.extract(headers, Headers.GETTER).traceIdHex()).isEqualTo("48485a3953bb6124");
  }

  @Test void w3cThenB3_acceptsB3SingleAndMulti() {
    assertThat(defaults.extract(Headers.of("b3", "48485a3953bb6124-a2fb4a1d1a96d312-1"), Headers.GETTER)
        .isSampled()).isTrue();
    assertThat(defaults.extract(Headers.of("X-B3-Sampled", "0"), Headers.GETTER).hasSamplingDecision()).isTrue();
    assertThat(defaults.extract(Headers.of("X-B3-Sampled", "0"), Headers.GETTER).isSampled()).isFalse();
  }

  @Test void w3cThenB3_injectsW3CB3MultiAndBaggage() {
    TraceContext c = TraceContext.newBuilder().traceId(0L, 0x48485a3953bb6124L).spanId(0xa2fb4a1d1a96d312L)
        .sampled(true).traceState("rojo=1").baggage(Baggage.empty().with("user", "alice")).build();
    Headers out = new Headers();

    defaults.inject(c, out, Headers.SETTER);

    assertThat(out.names()).containsExactly("traceparent", "tracestate",
        "x-b3-traceid", "x-b3-spanid", "x-b3-sampled", "baggage");
    assertThat(defaults.extract(out, Headers.GETTER)).isEqualTo(c);
  }

  @Test void baggage_joinsTheContextOfWhicheverFormatCarriesTheTrace() {
    TraceContext fromW3C = defaults.extract(Headers.of("traceparent", TRACEPARENT, "baggage", "k=v"), Headers.GETTER);
    TraceContext fromB3 = defaults.extract(Headers.of("b3", "1", "baggage", "k=v"), Headers.GETTER);

    assertThat(fromW3C.baggage().get("k")).isEqualTo("v");
    assertThat(fromW3C.hasIds()).isTrue();
    assertThat(fromB3.baggage().get("k")).isEqualTo("v");
    assertThat(fromB3.isSampled()).isTrue();
  }

  @Test void baggage_withoutATraceIsAContextWithoutIds() {
    TraceContext c = defaults.extract(Headers.of("baggage", "k=v"), Headers.GETTER);

    assertThat(c.hasIds()).isFalse();
    assertThat(c.hasSamplingDecision()).isFalse();
    assertThat(c.baggage().get("k")).isEqualTo("v");
  }

  @Test void nothingPresent_extractsNothing() {
    assertThat(defaults.extract(new Headers(), Headers.GETTER)).isNull();
    assertThat(defaults.extract(new Headers(), null)).isNull();
  }

  @Test void composite_extractionOrderIsTheOrderGiven() {
    Headers both = Headers.of("traceparent", TRACEPARENT,
        "X-B3-TraceId", "48485a3953bb6124", "X-B3-SpanId", "a2fb4a1d1a96d312");

    assertThat(Propagators.composite(Propagators.b3(), Propagators.w3c()).extract(both, Headers.GETTER)
        .traceIdHex()).isEqualTo("48485a3953bb6124");
  }

  @Test void composite_keysAreTheUnionInOrder() {
    assertThat(defaults.keys()).containsExactly("traceparent", "tracestate",
        "b3", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags", "baggage");
  }

  @Test void composite_nestedCompositesAreFlattened() {
    Propagator nested = Propagators.composite(Propagators.composite(Propagators.w3c(), Propagators.baggage()),
        Propagators.b3Single(), Propagators.w3c());

    assertThat(nested).hasToString(
        "CompositePropagator{W3CTraceContextPropagator, B3SinglePropagator, W3CBaggagePropagator}");
  }

  @Test void composite_aFormatOfTheUsersOwnGetsTheBaggage() {
    Propagator own = new Propagator() {
      @Override public List<String> keys() {
        return List.of("my-trace");
      }

      @Override public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
        setter.set(carrier, "my-trace", Long.toString(context.traceId()));
      }

      @Override public <C> TraceContext extract(C carrier, Getter<C> getter) {
        String id = getter.get(carrier, "my-trace");
        return id == null ? null : TraceContext.newBuilder().traceId(0L, Long.parseLong(id)).spanId(1L).build();
      }
    };

    TraceContext c = Propagators.composite(own, Propagators.baggage())
        .extract(Headers.of("my-trace", "42", "baggage", "k=v"), Headers.GETTER);

    assertThat(c.traceId()).isEqualTo(42L);
    assertThat(c.baggage().get("k")).isEqualTo("v");
  }

  @Test void composite_needsAtLeastOnePropagatorAndNoNull() {
    assertThatThrownBy(Propagators::composite).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Propagators.composite(Propagators.w3c(), null)).isInstanceOf(NullPointerException.class);
  }

  @Test void singleFormatFactories_returnSharedInstances() {
    assertThat(Propagators.b3()).isSameAs(Propagators.b3());
    assertThat(Propagators.w3c()).isSameAs(Propagators.w3c());
    assertThat(Propagators.w3cThenB3()).isSameAs(Propagators.w3cThenB3());
  }
}
