package io.tracelet.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.Propagator;
import io.tracelet.TraceContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** W3C Trace Context Level 2 {@code traceparent}, rule by rule, with the harness's own cases. */
class W3CTraceparentTest {
  static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String PARENT_ID = "00f067aa0ba902b7";

  final Propagator w3c = Propagators.w3c();

  TraceContext extract(String traceparent) {
    return w3c.extract(Headers.of("traceparent", traceparent), Headers.GETTER);
  }

  String inject(TraceContext context) {
    Headers headers = new Headers();
    w3c.inject(context, headers, Headers.SETTER);
    return headers.get("traceparent");
  }

  @Test void specExample_sampled() {
    TraceContext c = extract("00-" + TRACE_ID + "-" + PARENT_ID + "-01");

    assertThat(c.traceIdHex()).isEqualTo(TRACE_ID);
    assertThat(c.spanIdHex()).isEqualTo(PARENT_ID);
    assertThat(c.parentId()).isZero();
    assertThat(c.isSampled()).isTrue();
    assertThat(c.traceIdRandom()).isFalse();
    assertThat(inject(c)).isEqualTo("00-" + TRACE_ID + "-" + PARENT_ID + "-01");
  }

  @Test void specExample_notSampled() {
    TraceContext c = extract("00-" + TRACE_ID + "-" + PARENT_ID + "-00");

    assertThat(c.hasSamplingDecision()).isTrue();

    assertThat(c.isSampled()).isFalse();
    assertThat(inject(c)).endsWith("-00");
  }

  @Test void randomTraceIdFlag_isReadAndPassedOn() {
    TraceContext random = extract("00-" + TRACE_ID + "-" + PARENT_ID + "-02");
    assertThat(random.traceIdRandom()).isTrue();
    assertThat(random.hasSamplingDecision()).isTrue();
    assertThat(random.isSampled()).isFalse();
    assertThat(inject(random)).endsWith("-02");

    TraceContext sampledRandom = extract("00-" + TRACE_ID + "-" + PARENT_ID + "-03");
    assertThat(sampledRandom.traceIdRandom()).isTrue();
    assertThat(sampledRandom.isSampled()).isTrue();
    assertThat(inject(sampledRandom)).endsWith("-03");
  }

  @Test void otherFlags_areIgnoredAndSentAsZero() {
    assertThat(inject(extract("00-" + TRACE_ID + "-" + PARENT_ID + "-09"))).endsWith("-01");
    assertThat(inject(extract("00-" + TRACE_ID + "-" + PARENT_ID + "-ff"))).endsWith("-03");
    assertThat(inject(extract("00-" + TRACE_ID + "-" + PARENT_ID + "-fc"))).endsWith("-00");
  }

  @Test void flags_mustBeTwoLowerHex() {
    for (String flags : new String[] {".0", "0.", "001", "1", "0A", "0g"}) {
      assertThat(extract("00-" + TRACE_ID + "-" + PARENT_ID + "-" + flags)).as(flags).isNull();
    }
  }

  @Test void version_ffIsInvalid() {
    assertThat(extract("ff-" + TRACE_ID + "-" + PARENT_ID + "-01")).isNull();
  }

  @Test void version_mustBeTwoLowerHex() {
    for (String version : new String[] {".0", "0.", "000", "0000", "0", "0A", "Cc"}) {
      assertThat(extract(version + "-" + TRACE_ID + "-" + PARENT_ID + "-01")).as(version).isNull();
    }
  }

  @Test void version00_withTrailingDataIsInvalid() {
    assertThat(extract("00-" + TRACE_ID + "-" + PARENT_ID + "-01.")).isNull();
    assertThat(extract("00-" + TRACE_ID + "-" + PARENT_ID + "-01-what-the-future-will-be-like")).isNull();
  }

  @Test void higherVersion_isReadAtVersion00PositionsAndSentAsVersion00() {
    TraceContext c = extract("cc-" + TRACE_ID + "-" + PARENT_ID + "-01");

    assertThat(c.traceIdHex()).isEqualTo(TRACE_ID);
    assertThat(c.isSampled()).isTrue();
    assertThat(inject(c)).isEqualTo("00-" + TRACE_ID + "-" + PARENT_ID + "-01");
  }

  @Test void higherVersion_mayHaveMoreFieldsAfterADash() {
    TraceContext c = extract("cc-" + TRACE_ID + "-" + PARENT_ID + "-01-what-the-future-will-be-like");

    assertThat(c.traceIdHex()).isEqualTo(TRACE_ID);
    assertThat(inject(c)).isEqualTo("00-" + TRACE_ID + "-" + PARENT_ID + "-01");
  }

  @Test void higherVersion_flagsFollowedByAnythingButADashIsInvalid() {
    assertThat(extract("cc-" + TRACE_ID + "-" + PARENT_ID + "-01.what-the-future-will-be-like")).isNull();
  }

  @Test void higherVersion_shorterThan55CharactersIsInvalid() {
    assertThat(extract("cc-" + TRACE_ID + "-" + PARENT_ID + "-1")).isNull();
  }

  @Test void traceId_allZerosIsInvalid() {
    assertThat(extract("00-00000000000000000000000000000000-" + PARENT_ID + "-01")).isNull();
  }

  @Test void traceId_mustBe32LowerHex() {
    for (String traceId : new String[] {".2345678901234567890123456789012", "1234567890123456789012345678901.",
        "123456789012345678901234567890123", "1234567890123456789012345678901", TRACE_ID.toUpperCase()}) {
      assertThat(extract("00-" + traceId + "-" + PARENT_ID + "-01")).as(traceId).isNull();
    }
  }

  @Test void parentId_allZerosIsInvalid() {
    assertThat(extract("00-" + TRACE_ID + "-0000000000000000-01")).isNull();
  }

  @Test void parentId_mustBe16LowerHex() {
    for (String parentId : new String[] {".234567890123456", "123456789012345.", "12345678901234567",
        "123456789012345", PARENT_ID.toUpperCase()}) {
      assertThat(extract("00-" + TRACE_ID + "-" + parentId + "-01")).as(parentId).isNull();
    }
  }

  @Test void surroundingOptionalWhitespaceIsIgnored() {
    for (String ows : new String[] {" ", "\t", "\t ", " \t "}) {
      assertThat(extract(ows + "00-" + TRACE_ID + "-" + PARENT_ID + "-01" + ows)).isNotNull();
    }
  }

  @Test void duplicatedTraceparent_isInvalid() {
    Headers twice = Headers.of(
        "traceparent", "00-12345678901234567890123456789011-1234567890123456-01",
        "traceparent", "00-12345678901234567890123456789012-1234567890123456-01");

    assertThat(w3c.extract(twice, Headers.GETTER)).isNull();
  }

  @Test void tracestateIsNotReadWhenTraceparentIsInvalid() {
    List<String> asked = new ArrayList<>();
    Headers headers = Headers.of("traceparent", "00-" + TRACE_ID + "-0000000000000000-01", "tracestate", "foo=1");

    assertThat(w3c.extract(headers, (h, key) -> {
      asked.add(key);
      return h.get(key);
    })).isNull();
    assertThat(asked).containsExactly("traceparent");
  }

  @Test void traceIdWhoseLowHalfIsZero_cannotBeHeldSoTheTraceRestarts() {
    assertThat(extract("00-4bf92f3577b34da60000000000000000-" + PARENT_ID + "-01")).isNull();
  }

  @Test void inject_64BitTraceIdIsLeftPaddedTo32Hex() {
    TraceContext c = TraceContext.newBuilder().traceId(0L, 0xa3ce929d0e0e4736L).spanId(0x00f067aa0ba902b7L)
        .sampled(true).build();

    assertThat(inject(c)).isEqualTo("00-0000000000000000a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assertThat(extract(inject(c)).is128Bit()).isFalse();
  }

  @Test void inject_undecidedIsSentAsNotSampled_debugAsSampled() {
    TraceContext undecided = TraceContext.newBuilder().traceId(1L, 2L).spanId(3L).build();
    TraceContext debug = undecided.toBuilder().debug(true).build();

    assertThat(inject(undecided)).isEqualTo("00-00000000000000010000000000000002-0000000000000003-00");
    assertThat(inject(debug)).endsWith("-01");
  }

  @Test void inject_contextWithoutIdsWritesNothing() {
    Headers headers = new Headers();
    w3c.inject(TraceContext.newBuilder().sampled(true).traceState("foo=1").build(), headers, Headers.SETTER);

    assertThat(headers.names()).isEmpty();
  }

  @Test void headerNamesAreLowercase() {
    assertThat(w3c.keys()).containsExactly("traceparent", "tracestate");
  }
}
