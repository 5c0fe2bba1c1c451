package io.tracelet.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.Propagator;
import io.tracelet.TraceContext;
import org.junit.jupiter.api.Test;

/** B3 multi-header, rule by rule, from openzipkin/b3-propagation. */
class B3MultiHeaderTest {
  final Propagator b3 = Propagators.b3();

  TraceContext extract(String... headers) {
    return b3.extract(Headers.of(headers), Headers.GETTER);
  }

  Headers inject(TraceContext context) {
    Headers headers = new Headers();
    b3.inject(context, headers, Headers.SETTER);
    return headers;
  }

  @Test void specExample_128BitTraceWithParentAndAccept() {
    TraceContext c = extract(
        "X-B3-TraceId", "80f198ee56343ba864fe8b2a57d3eff7",
        "X-B3-ParentSpanId", "05e3ac9a4f6e3b90",
        "X-B3-SpanId", "e457b5a2e4d86bd1",
        "X-B3-Sampled", "1");

    assertThat(c.traceIdHex()).isEqualTo("80f198ee56343ba864fe8b2a57d3eff7");
    assertThat(c.traceIdHigh()).isEqualTo(0x80f198ee56343ba8L);
    assertThat(c.traceId()).isEqualTo(0x64fe8b2a57d3eff7L);
    assertThat(c.spanIdHex()).isEqualTo("e457b5a2e4d86bd1");
    assertThat(c.parentIdHex()).isEqualTo("05e3ac9a4f6e3b90");
    assertThat(c.isSampled()).isTrue();
    assertThat(c.debug()).isFalse();
  }

  @Test void specExample_injectWritesTheSameHeadersItRead() {
    Headers in = Headers.of(
        "X-B3-TraceId", "463ac35c9f6413ad48485a3953bb6124",
        "X-B3-ParentSpanId", "0020000000000001",
        "X-B3-SpanId", "a2fb4a1d1a96d312",
        "X-B3-Sampled", "1");

    Headers out = inject(b3.extract(in, Headers.GETTER));

    assertThat(out.names()).containsExactly(
        "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled");
    for (String name : out.names()) assertThat(out.get(name)).isEqualTo(in.get(name));
  }

  @Test void traceId_64BitStays64Bit() {
    TraceContext c = extract("X-B3-TraceId", "48485a3953bb6124", "X-B3-SpanId", "a2fb4a1d1a96d312");

    assertThat(c.is128Bit()).isFalse();
    assertThat(inject(c).get("x-b3-traceid")).isEqualTo("48485a3953bb6124");
  }

  @Test void traceId_mustBe16Or32LowerHex() {
    for (String bad : new String[] {"48485a3953bb612", "48485a3953bb61240", "463ac35c9f6413ad48485a3953bb612",
        "463ac35c9f6413ad48485a3953bb61240", "48485A3953BB6124", "48485a3953bb612g", ""}) {
      assertThat(extract("X-B3-TraceId", bad, "X-B3-SpanId", "a2fb4a1d1a96d312", "X-B3-Sampled", "1"))
          .as(bad).isNull();
    }
  }

  @Test void traceId_allZerosIsInvalid() {
    assertThat(extract("X-B3-TraceId", "0000000000000000", "X-B3-SpanId", "a2fb4a1d1a96d312")).isNull();
    assertThat(extract("X-B3-TraceId", "00000000000000000000000000000000", "X-B3-SpanId", "a2fb4a1d1a96d312"))
        .isNull();
  }

  @Test void spanId_isRequiredWithATraceId() {
    assertThat(extract("X-B3-TraceId", "48485a3953bb6124", "X-B3-Sampled", "1")).isNull();
  }

  @Test void spanId_mustBe16LowerHexNotAllZeros() {
    for (String bad : new String[] {"a2fb4a1d1a96d31", "a2fb4a1d1a96d3120", "A2FB4A1D1A96D312", "0000000000000000"}) {
      assertThat(extract("X-B3-TraceId", "48485a3953bb6124", "X-B3-SpanId", bad)).as(bad).isNull();
    }
  }

  @Test void parentSpanId_mustBe16LowerHexWhenPresent() {
    assertThat(extract("X-B3-TraceId", "48485a3953bb6124", "X-B3-SpanId", "a2fb4a1d1a96d312",
        "X-B3-ParentSpanId", "002000000000001")).isNull();
    assertThat(extract("X-B3-TraceId", "48485a3953bb6124", "X-B3-SpanId", "a2fb4a1d1a96d312",
        "X-B3-ParentSpanId", "0000000000000000")).isNull();
  }

  @Test void parentSpanId_absentOnARootSpan() {
    TraceContext root = extract("X-B3-TraceId", "48485a3953bb6124", "X-B3-SpanId", "48485a3953bb6124");

    assertThat(root.parentId()).isZero();
    assertThat(inject(root).names()).doesNotContain("x-b3-parentspanid");
  }

  @Test void sampled_absentDefersTheDecision() {
    TraceContext c = extract("X-B3-TraceId", "48485a3953bb6124", "X-B3-SpanId", "a2fb4a1d1a96d312");

    assertThat(c.hasSamplingDecision()).isFalse();
    assertThat(inject(c).names()).doesNotContain("x-b3-sampled", "x-b3-flags");
  }

  @Test void sampled_zeroIsDeny() {
    TraceContext c = extract("X-B3-TraceId", "48485a3953bb6124", "X-B3-SpanId", "a2fb4a1d1a96d312",
        "X-B3-Sampled", "0");

    assertThat(c.hasSamplingDecision()).isTrue();

    assertThat(c.isSampled()).isFalse();
    assertThat(inject(c).get("x-b3-sampled")).isEqualTo("0");
  }

  @Test void sampled_trueAndFalseFromOldClientsAreAcceptedButSentAs1And0() {
    for (String accept : new String[] {"true", "True", "TRUE"}) {
      TraceContext c = extract("X-B3-TraceId", "48485a3953bb6124", "X-B3-SpanId", "a2fb4a1d1a96d312",
          "X-B3-Sampled", accept);
      assertThat(c.isSampled()).as(accept).isTrue();
      assertThat(inject(c).get("x-b3-sampled")).isEqualTo("1");
    }
    TraceContext deny = extract("X-B3-TraceId", "48485a3953bb6124", "X-B3-SpanId", "a2fb4a1d1a96d312",
        "X-B3-Sampled", "false");
    assertThat(deny.hasSamplingDecision()).isTrue();
    assertThat(deny.isSampled()).isFalse();
    assertThat(inject(deny).get("x-b3-sampled")).isEqualTo("0");
  }

  @Test void sampled_anyOtherValueRestartsTheTrace() {
    for (String bad : new String[] {"2", "yes", "", "10", "d"}) {
      assertThat(extract("X-B3-TraceId", "48485a3953bb6124", "X-B3-SpanId", "a2fb4a1d1a96d312",
          "X-B3-Sampled", bad)).as(bad).isNull();
    }
  }

  @Test void samplingOnly_denyWithoutIdsIsADecisionWithoutIds() {
    TraceContext c = extract("X-B3-Sampled", "0");

    assertThat(c.hasIds()).isFalse();
    assertThat(c.hasSamplingDecision()).isTrue();
    assertThat(c.isSampled()).isFalse();
    assertThat(inject(c).names()).containsExactly("x-b3-sampled");
    assertThat(inject(c).get("x-b3-sampled")).isEqualTo("0");
  }

  @Test void samplingOnly_acceptWithoutIds() {
    TraceContext c = extract("X-B3-Sampled", "1");

    assertThat(c.hasIds()).isFalse();
    assertThat(c.isSampled()).isTrue();
  }

  @Test void debug_flagsOneIsDebugAndImpliesAccept() {
    TraceContext c = extract("X-B3-TraceId", "48485a3953bb6124", "X-B3-SpanId", "a2fb4a1d1a96d312",
        "X-B3-Flags", "1");

    assertThat(c.debug()).isTrue();
    assertThat(c.isSampled()).isTrue();
  }

  @Test void debug_winsOverADenyDecision() {
    TraceContext c = extract("X-B3-TraceId", "48485a3953bb6124", "X-B3-SpanId", "a2fb4a1d1a96d312",
        "X-B3-Flags", "1", "X-B3-Sampled", "0");

    assertThat(c.debug()).isTrue();
    assertThat(c.isSampled()).isTrue();
  }

  @Test void debug_isSentAsFlagsWithoutSampled() {
    TraceContext c = extract("X-B3-TraceId", "48485a3953bb6124", "X-B3-SpanId", "a2fb4a1d1a96d312",
        "X-B3-Flags", "1");

    Headers out = inject(c);
    assertThat(out.get("x-b3-flags")).isEqualTo("1");
    assertThat(out.names()).doesNotContain("x-b3-sampled");
  }

  @Test void debug_withoutIdsIsADebugDecision() {
    TraceContext c = extract("X-B3-Flags", "1");

    assertThat(c.hasIds()).isFalse();
    assertThat(c.debug()).isTrue();
    assertThat(inject(c).names()).containsExactly("x-b3-flags");
  }

  @Test void debug_flagsOtherThanOneAreNotDebug() {
    for (String flags : new String[] {"0", "2", "true"}) {
      TraceContext c = extract("X-B3-TraceId", "48485a3953bb6124", "X-B3-SpanId", "a2fb4a1d1a96d312",
          "X-B3-Flags", flags);
      assertThat(c.debug()).as(flags).isFalse();
      assertThat(c.hasSamplingDecision()).as(flags).isFalse();
    }
  }

  @Test void nothingExtractedWithoutHeaders() {
    assertThat(extract()).isNull();
    assertThat(extract("X-B3-SpanId", "a2fb4a1d1a96d312")).isNull();
  }

  @Test void repeatedHeader_firstValueWins() {
    Headers headers = Headers.of("X-B3-TraceId", "48485a3953bb6124", "X-B3-SpanId", "a2fb4a1d1a96d312",
        "X-B3-Sampled", "1", "X-B3-Sampled", "0", "X-B3-TraceId", "463ac35c9f6413ad");

    TraceContext c = b3.extract(headers, Headers.GETTER);
    assertThat(c.traceIdHex()).isEqualTo("48485a3953bb6124");
    assertThat(c.isSampled()).isTrue();
  }

  @Test void httpOptionalWhitespaceAroundValuesIsIgnored() {
    TraceContext c = extract("X-B3-TraceId", " 48485a3953bb6124\t", "X-B3-SpanId", "\ta2fb4a1d1a96d312 ",
        "X-B3-Sampled", " 1 ");

    assertThat(c.traceIdHex()).isEqualTo("48485a3953bb6124");
    assertThat(c.isSampled()).isTrue();
  }

  @Test void singleHeaderTakesPrecedenceOverMultipleHeaders() {
    TraceContext c = extract("b3", "80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-1",
        "X-B3-TraceId", "48485a3953bb6124", "X-B3-SpanId", "a2fb4a1d1a96d312", "X-B3-Sampled", "0");

    assertThat(c.traceIdHex()).isEqualTo("80f198ee56343ba864fe8b2a57d3eff7");
    assertThat(c.isSampled()).isTrue();
  }

  @Test void malformedSingleHeaderGivesWayToMultipleHeaders() {
    TraceContext c = extract("b3", "not-b3",
        "X-B3-TraceId", "48485a3953bb6124", "X-B3-SpanId", "a2fb4a1d1a96d312", "X-B3-Sampled", "0");

    assertThat(c.traceIdHex()).isEqualTo("48485a3953bb6124");
    assertThat(c.hasSamplingDecision()).isTrue();
    assertThat(c.isSampled()).isFalse();
  }

  @Test void keysAreTheLowercaseHeaderNames() {
    assertThat(b3.keys()).containsExactly(
        "b3", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags");
  }

  @Test void injectOfNullContextWritesNothing() {
    assertThat(inject(null).names()).isEmpty();
  }
}
