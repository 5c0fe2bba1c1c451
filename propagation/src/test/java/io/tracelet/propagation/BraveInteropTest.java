package io.tracelet.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import brave.propagation.B3Propagation;
import brave.propagation.Propagation;
import brave.propagation.TraceContextOrSamplingFlags;
import io.tracelet.Propagator;
import io.tracelet.TraceContext;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tracelet's B3 against Brave's own {@code B3Propagation}, in both directions. */
class BraveInteropTest {
  static final int CONTEXTS = 5_000;

  static final Propagation<String> BRAVE_MULTI = B3Propagation.get();
  static final Propagation<String> BRAVE_SINGLE =
      B3Propagation.newFactoryBuilder().injectFormat(B3Propagation.Format.SINGLE).build().get();
  static final Propagation<String> BRAVE_SINGLE_NO_PARENT =
      B3Propagation.newFactoryBuilder().injectFormat(B3Propagation.Format.SINGLE_NO_PARENT).build().get();

  final RandomContexts random = new RandomContexts();

  @Test void braveExtractsWhatTraceletInjects_multi() {
    for (int i = 0; i < CONTEXTS; i++) {
      TraceContext sent = random.next();
      brave.propagation.TraceContext received = braveExtract(Propagators.b3(), sent).context();

      assertSameTrace(sent, received);
      assertThat(received.parentIdAsLong()).isEqualTo(sent.parentId());
    }
  }

  @Test void braveExtractsWhatTraceletInjects_single() {
    for (int i = 0; i < CONTEXTS; i++) {
      TraceContext sent = random.next();
      brave.propagation.TraceContext received = braveExtract(Propagators.b3Single(), sent).context();

      assertSameTrace(sent, received);
      // B3 single carries a parent only after a sampling state.
      assertThat(received.parentIdAsLong()).isEqualTo(!sent.hasSamplingDecision() ? 0L : sent.parentId());
    }
  }

  @Test void braveExtractsSamplingOnlyDecisions() {
    for (Propagator format : new Propagator[] {Propagators.b3(), Propagators.b3Single()}) {
      for (TraceContext decision : new TraceContext[] {TraceContext.newBuilder().sampled(false).build(),
          TraceContext.newBuilder().sampled(true).build(), TraceContext.newBuilder().debug(true).build()}) {
        TraceContextOrSamplingFlags received = braveExtract(format, decision);

        assertThat(received.context()).isNull();
        assertThat(received.sampled()).isEqualTo(decision(decision));
        assertThat(received.samplingFlags().debug()).isEqualTo(decision.debug());
      }
    }
  }

  @Test void traceletExtractsWhatBraveInjects() {
    for (Propagation<String> brave : List.of(BRAVE_MULTI, BRAVE_SINGLE, BRAVE_SINGLE_NO_PARENT)) {
      for (int i = 0; i < CONTEXTS; i++) {
        TraceContext original = random.next();
        brave.propagation.TraceContext sent = toBrave(original);
        Headers headers = new Headers();
        brave.<Headers>injector(Headers::set).inject(sent, headers);

        for (Propagator tracelet : new Propagator[] {Propagators.b3(), Propagators.b3Single(), Propagators.w3cThenB3()}) {
          TraceContext received = tracelet.extract(headers, Headers.GETTER);
          assertSameTrace(received, sent);
          assertThat(received.parentId()).isEqualTo(brave == BRAVE_SINGLE_NO_PARENT ? 0L : sent.parentIdAsLong());
        }
      }
    }
  }

  @Test void traceletExtractsBraveSamplingOnlyHeaders() {
    // Brave injects only contexts with IDs; these are the headers its extractor accepts alone.
    for (String[] headers : new String[][] {{"X-B3-Sampled", "0"}, {"X-B3-Sampled", "1"}, {"X-B3-Flags", "1"},
        {"b3", "0"}, {"b3", "1"}, {"b3", "d"}}) {
      Headers carrier = Headers.of(headers);
      TraceContextOrSamplingFlags brave = BRAVE_MULTI.<Headers>extractor(Headers::get).extract(carrier);
      TraceContext tracelet = Propagators.b3().extract(carrier, Headers.GETTER);

      assertThat(tracelet.hasIds()).isFalse();
      assertThat(decision(tracelet)).isEqualTo(brave.sampled());
      assertThat(tracelet.debug()).isEqualTo(brave.samplingFlags().debug());
    }
  }

  TraceContextOrSamplingFlags braveExtract(Propagator tracelet, TraceContext context) {
    Headers headers = new Headers();
    tracelet.inject(context, headers, Headers.SETTER);
    return BRAVE_MULTI.<Headers>extractor(Headers::get).extract(headers);
  }

  static brave.propagation.TraceContext toBrave(TraceContext c) {
    return brave.propagation.TraceContext.newBuilder()
        .traceIdHigh(c.traceIdHigh()).traceId(c.traceId()).spanId(c.spanId()).parentId(c.parentId())
        .sampled(decision(c)).debug(c.debug())
        .build();
  }

  /** The same trace, span and sampling decision; the parent is checked by the caller. */
  static void assertSameTrace(TraceContext tracelet, brave.propagation.TraceContext brave) {
    assertThat(brave).as("%s", tracelet).isNotNull();
    assertThat(tracelet.traceIdHigh()).as("%s", tracelet).isEqualTo(brave.traceIdHigh());
    assertThat(tracelet.traceId()).isEqualTo(brave.traceId());
    assertThat(tracelet.spanId()).isEqualTo(brave.spanId());
    assertThat(decision(tracelet)).isEqualTo(brave.sampled());
    assertThat(tracelet.debug()).isEqualTo(brave.debug());
  }

  /** Tracelet's decision as Brave models it: true, false, or null when undecided. */
  static Boolean decision(TraceContext c) {
    return c.hasSamplingDecision() ? c.isSampled() : null;
  }
}
