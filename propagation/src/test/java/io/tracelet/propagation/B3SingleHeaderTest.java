package io.tracelet.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.Propagator;
import io.tracelet.TraceContext;
import org.junit.jupiter.api.Test;

/** B3 single header ({@code b3}), rule by rule, from openzipkin/b3-propagation. */
class B3SingleHeaderTest {
  final Propagator b3Single = Propagators.b3Single();

  TraceContext extract(String b3) {
    return b3Single.extract(Headers.of("b3", b3), Headers.GETTER);
  }

  String inject(TraceContext context) {
    Headers headers = new Headers();
    b3Single.inject(context, headers, Headers.SETTER);
    assertThat(headers.names()).isSubsetOf("b3");
    return headers.get("b3");
  }

  @Test void specExample_allFourFields() {
    TraceContext c = extract("80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-1-e457b5a2e4d86bd1");

    assertThat(c.traceIdHex()).isEqualTo("80f198ee56343ba864fe8b2a57d3eff7");
    assertThat(c.spanIdHex()).isEqualTo("05e3ac9a4f6e3b90");
    assertThat(c.isSampled()).isTrue();
    assertThat(c.parentIdHex()).isEqualTo("e457b5a2e4d86bd1");
    assertThat(inject(c)).isEqualTo("80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-1-e457b5a2e4d86bd1");
  }

  @Test void specExample_debug() {
    TraceContext c = extract("80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-d");

    assertThat(c.debug()).isTrue();
    assertThat(c.isSampled()).isTrue();
    assertThat(inject(c)).isEqualTo("80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-d");
  }

  @Test void specExample_denyWithoutIds() {
    TraceContext c = extract("0");

    assertThat(c.hasIds()).isFalse();
    assertThat(c.hasSamplingDecision()).isTrue();
    assertThat(c.isSampled()).isFalse();
    assertThat(inject(c)).isEqualTo("0");
  }

  @Test void samplingOnly_acceptAndDebug() {
    assertThat(extract("1").isSampled()).isTrue();
    assertThat(extract("1").hasIds()).isFalse();
    assertThat(extract("d").debug()).isTrue();
    assertThat(inject(extract("d"))).isEqualTo("d");
  }

  @Test void samplingOnly_otherCharactersAreMalformed() {
    for (String bad : new String[] {"2", "D", "t", "-", ""}) assertThat(extract(bad)).as(bad).isNull();
  }

  @Test void traceId_64BitStays64Bit() {
    TraceContext c = extract("64fe8b2a57d3eff7-05e3ac9a4f6e3b90-0");

    assertThat(c.is128Bit()).isFalse();
    assertThat(c.hasSamplingDecision()).isTrue();
    assertThat(c.isSampled()).isFalse();
    assertThat(inject(c)).isEqualTo("64fe8b2a57d3eff7-05e3ac9a4f6e3b90-0");
  }

  @Test void sampling_absentDefers() {
    TraceContext c = extract("80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90");

    assertThat(c.hasSamplingDecision()).isFalse();
    assertThat(inject(c)).isEqualTo("80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90");
  }

  @Test void sampling_isOneOf0And1AndD() {
    for (String bad : new String[] {"2", "true", "10", "D"}) {
      assertThat(extract("80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-" + bad)).as(bad).isNull();
    }
  }

  @Test void parent_needsTheSamplingFieldBeforeIt_soAnUndecidedContextIsSentWithoutIt() {
    TraceContext undecidedChild = TraceContext.newBuilder()
        .traceId(0L, 0x64fe8b2a57d3eff7L).spanId(0x05e3ac9a4f6e3b90L).parentId(0xe457b5a2e4d86bd1L).build();

    assertThat(inject(undecidedChild)).isEqualTo("64fe8b2a57d3eff7-05e3ac9a4f6e3b90");
  }

  @Test void parent_withoutSamplingAsBraveWritesItIsAccepted() {
    TraceContext c = extract("64fe8b2a57d3eff7-05e3ac9a4f6e3b90-e457b5a2e4d86bd1");

    assertThat(c.hasSamplingDecision()).isFalse();
    assertThat(c.parentIdHex()).isEqualTo("e457b5a2e4d86bd1");
  }

  @Test void idsMustBeLowerHexOfTheRightLength() {
    for (String bad : new String[] {
        "80F198EE56343BA864FE8B2A57D3EFF7-05e3ac9a4f6e3b90-1",
        "80f198ee56343ba864fe8b2a57d3eff-05e3ac9a4f6e3b90-1",
        "80f198ee56343ba864fe8b2a57d3eff70-05e3ac9a4f6e3b90-1",
        "64fe8b2a57d3eff7-05e3ac9a4f6e3b9-1",
        "64fe8b2a57d3eff7-05e3ac9a4f6e3b900-1",
        "64fe8b2a57d3eff7-05e3ac9a4f6e3b90-1-e457b5a2e4d86bd",
        "64fe8b2a57d3eff7-05e3ac9a4f6e3b90-1-e457b5a2e4d86bdz"}) {
      assertThat(extract(bad)).as(bad).isNull();
    }
  }

  @Test void allZeroIdsAreMalformed() {
    assertThat(extract("0000000000000000-05e3ac9a4f6e3b90-1")).isNull();
    assertThat(extract("64fe8b2a57d3eff7-0000000000000000-1")).isNull();
    assertThat(extract("64fe8b2a57d3eff7-05e3ac9a4f6e3b90-1-0000000000000000")).isNull();
  }

  @Test void moreThanFourFieldsOrDanglingDashesAreMalformed() {
    for (String bad : new String[] {
        "64fe8b2a57d3eff7-05e3ac9a4f6e3b90-",
        "64fe8b2a57d3eff7-05e3ac9a4f6e3b90-1-",
        "64fe8b2a57d3eff7-05e3ac9a4f6e3b90--e457b5a2e4d86bd1",
        "64fe8b2a57d3eff7-05e3ac9a4f6e3b90-1-e457b5a2e4d86bd1-1"}) {
      assertThat(extract(bad)).as(bad).isNull();
    }
  }

  @Test void absentSingleHeaderFallsBackToMultipleHeaders() {
    TraceContext c = b3Single.extract(
        Headers.of("X-B3-TraceId", "48485a3953bb6124", "X-B3-SpanId", "a2fb4a1d1a96d312"), Headers.GETTER);

    assertThat(c.traceIdHex()).isEqualTo("48485a3953bb6124");
  }

  @Test void undecidedContextWithoutIdsWritesNothing() {
    Headers headers = new Headers();
    b3Single.inject(TraceContext.newBuilder().build(), headers, Headers.SETTER);

    assertThat(headers.names()).isEmpty();
  }
}
