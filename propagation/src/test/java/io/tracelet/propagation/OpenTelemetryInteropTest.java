package io.tracelet.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.baggage.BaggageEntry;
import io.opentelemetry.api.baggage.BaggageEntryMetadata;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.TraceStateBuilder;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.extension.trace.propagation.B3Propagator;
import io.tracelet.Baggage;
import io.tracelet.Propagator;
import io.tracelet.TraceContext;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tracelet's W3C Trace Context, W3C Baggage and B3 against OpenTelemetry's own propagators, in both
 * directions.
 */
class OpenTelemetryInteropTest {
  static final int CONTEXTS = 5_000;

  static final TextMapGetter<Headers> GETTER = new TextMapGetter<>() {
    @Override public String get(Headers carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };
  static final TextMapSetter<Headers> SETTER = Headers::set;

  final RandomContexts random = new RandomContexts();

  @Test void openTelemetryExtractsWhatTraceletInjects_w3c() {
    for (int i = 0; i < CONTEXTS; i++) {
      TraceContext sent = random.next();
      Headers headers = inject(Propagators.w3c(), sent);

      SpanContext received = spanContext(W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, GETTER));

      assertThat(received.getTraceId()).as("%s", headers).isEqualTo(paddedTraceId(sent));
      assertThat(received.getSpanId()).isEqualTo(sent.spanIdHex());
      assertThat(received.isSampled()).isEqualTo(sent.isSampled());
      assertThat((received.getTraceFlags().asByte() & 2) != 0).isEqualTo(sent.traceIdRandom());
      assertThat(entries(received.getTraceState())).containsExactlyEntriesOf(entries(sent.traceState()));
    }
  }

  @Test void traceletExtractsWhatOpenTelemetryInjects_w3c() {
    for (int i = 0; i < CONTEXTS; i++) {
      TraceContext original = random.next();
      SpanContext sent = SpanContext.createFromRemoteParent(paddedTraceId(original), original.spanIdHex(),
          TraceFlags.fromByte((byte) random.random.nextInt(4)), traceState(original.traceState()));
      Headers headers = new Headers();
      W3CTraceContextPropagator.getInstance().inject(Context.root().with(Span.wrap(sent)), headers, SETTER);

      TraceContext received = Propagators.w3c().extract(headers, Headers.GETTER);

      assertThat(paddedTraceId(received)).as("%s", headers).isEqualTo(sent.getTraceId());
      assertThat(received.spanIdHex()).isEqualTo(sent.getSpanId());
      assertThat(received.isSampled()).isEqualTo(sent.isSampled());
      assertThat(received.traceIdRandom()).isEqualTo((sent.getTraceFlags().asByte() & 2) != 0);
      assertThat(received.traceState()).isEqualTo(headers.get("tracestate"));
      assertThat(entries(received.traceState())).containsExactlyEntriesOf(entries(sent.getTraceState()));
    }
  }

  @Test void openTelemetryExtractsWhatTraceletInjects_baggage() {
    for (int i = 0; i < CONTEXTS; i++) {
      Baggage sent = random.baggage();
      Headers headers = inject(Propagators.baggage(), TraceContext.newBuilder().baggage(sent).build());

      io.opentelemetry.api.baggage.Baggage received = io.opentelemetry.api.baggage.Baggage.fromContext(
          W3CBaggagePropagator.getInstance().extract(Context.root(), headers, GETTER));

      assertThat(entries(received)).as("%s", headers).isEqualTo(entries(sent));
    }
  }

  @Test void traceletExtractsWhatOpenTelemetryInjects_baggage() {
    for (int i = 0; i < CONTEXTS; i++) {
      Baggage original = random.baggage();
      io.opentelemetry.api.baggage.BaggageBuilder builder = io.opentelemetry.api.baggage.Baggage.builder();
      for (int j = 0; j < original.size(); j++) {
        String metadata = original.metadata(j);
        builder.put(original.name(j), original.value(j),
            metadata == null ? BaggageEntryMetadata.empty() : BaggageEntryMetadata.create(metadata));
      }
      io.opentelemetry.api.baggage.Baggage sent = builder.build();
      Headers headers = new Headers();
      W3CBaggagePropagator.getInstance().inject(Context.root().with(sent), headers, SETTER);

      TraceContext received = Propagators.baggage().extract(headers, Headers.GETTER);

      assertThat(entries(received.baggage())).as("%s", headers).isEqualTo(entries(sent));
    }
  }

  @Test void b3BothWaysThroughOpenTelemetry() {
    for (TextMapPropagator otel : new TextMapPropagator[] {B3Propagator.injectingMultiHeaders(),
        B3Propagator.injectingSingleHeader()}) {
      for (Propagator tracelet : new Propagator[] {Propagators.b3(), Propagators.b3Single()}) {
        for (int i = 0; i < CONTEXTS; i++) {
          TraceContext sent = random.next();
          Context extracted = otel.extract(Context.root(), inject(tracelet, sent), GETTER);
          SpanContext received = spanContext(extracted);

          assertThat(received.getTraceId()).isEqualTo(paddedTraceId(sent));
          assertThat(received.getSpanId()).isEqualTo(sent.spanIdHex());
          assertThat(received.isSampled()).isEqualTo(sent.isSampled());

          // OpenTelemetry writes back what it read, debug included; it has no undecided state.
          Headers back = new Headers();
          otel.inject(extracted, back, SETTER);
          TraceContext roundTrip = tracelet.extract(back, Headers.GETTER);

          assertThat(paddedTraceId(roundTrip)).as("%s", back).isEqualTo(paddedTraceId(sent));
          assertThat(roundTrip.spanId()).isEqualTo(sent.spanId());
          assertThat(roundTrip.isSampled()).isEqualTo(sent.isSampled());
          assertThat(roundTrip.debug()).isEqualTo(sent.debug());
        }
      }
    }
  }

  // OpenTelemetry Java (1.67) still reads tracestate by the Level 1 rules: it discards the whole
  // header for a key that only the 2026 grammar allows, and for a repeated key. Recorded here so
  // that a change on either side shows.

  @Test void duplicateKeys_traceletSendsOnWhatOpenTelemetryWouldHaveDiscarded() {
    Headers received = Headers.of("traceparent", TRACEPARENT, "tracestate", "foo=1,bar=2,foo=3");
    assertThat(entries(spanContext(otelW3c().extract(Context.root(), received, GETTER)).getTraceState())).isEmpty();

    Headers sent = inject(Propagators.w3c(), Propagators.w3c().extract(received, Headers.GETTER));

    assertThat(sent.get("tracestate")).isEqualTo("foo=1,bar=2");
    assertThat(entries(spanContext(otelW3c().extract(Context.root(), sent, GETTER)).getTraceState()))
        .containsExactly(Map.entry("foo", "1"), Map.entry("bar", "2"));
  }

  @Test void keysOnlyThe2026GrammarAllows_traceletKeepsThem_openTelemetryDiscardsTheTracestate() {
    for (String key : new String[] {"1foo", "foo@", "foo@@bar", "foo@bar@baz", "t@" + "v".repeat(15)}) {
      Headers received = Headers.of("traceparent", TRACEPARENT, "tracestate", key + "=1,bar=2");

      Headers sent = inject(Propagators.w3c(), Propagators.w3c().extract(received, Headers.GETTER));

      assertThat(sent.get("tracestate")).as(key).isEqualTo(key + "=1,bar=2");
      assertThat(entries(spanContext(otelW3c().extract(Context.root(), sent, GETTER)).getTraceState())).as(key).isEmpty();
    }
  }

  static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  static TextMapPropagator otelW3c() {
    return W3CTraceContextPropagator.getInstance();
  }

  static Headers inject(Propagator propagator, TraceContext context) {
    Headers headers = new Headers();
    propagator.inject(context, headers, Headers.SETTER);
    return headers;
  }

  static SpanContext spanContext(Context context) {
    SpanContext result = Span.fromContext(context).getSpanContext();
    assertThat(result.isValid()).isTrue();
    return result;
  }

  static String paddedTraceId(TraceContext c) {
    return String.format("%016x%016x", c.traceIdHigh(), c.traceId());
  }

  /** OpenTelemetry's builder puts each new key first: add members last to first. */
  static TraceState traceState(String header) {
    TraceStateBuilder builder = TraceState.builder();
    Map<String, String> entries = entries(header);
    String[] keys = entries.keySet().toArray(new String[0]);
    for (int i = keys.length - 1; i >= 0; i--) builder.put(keys[i], entries.get(keys[i]));
    return builder.build();
  }

  /** The members of a normalized tracestate, in order. */
  static Map<String, String> entries(String traceState) {
    Map<String, String> result = new LinkedHashMap<>();
    if (traceState == null) return result;
    for (String member : traceState.split(",")) {
      int eq = member.indexOf('=');
      result.put(member.substring(0, eq), member.substring(eq + 1));
    }
    return result;
  }

  static Map<String, String> entries(TraceState traceState) {
    Map<String, String> result = new LinkedHashMap<>();
    traceState.forEach(result::put);
    return result;
  }

  /** Name to "value" or "value;metadata". */
  static Map<String, String> entries(Baggage baggage) {
    Map<String, String> result = new LinkedHashMap<>();
    for (int i = 0; i < baggage.size(); i++) {
      String metadata = baggage.metadata(i);
      result.put(baggage.name(i), baggage.value(i) + (metadata == null ? "" : ";" + metadata));
    }
    return result;
  }

  static Map<String, String> entries(io.opentelemetry.api.baggage.Baggage baggage) {
    Map<String, String> result = new LinkedHashMap<>();
    for (Map.Entry<String, BaggageEntry> e : baggage.asMap().entrySet()) {
      String metadata = e.getValue().getMetadata().getValue();
      result.put(e.getKey(), e.getValue().getValue() + (metadata.isEmpty() ? "" : ";" + metadata));
    }
    return result;
  }
}
