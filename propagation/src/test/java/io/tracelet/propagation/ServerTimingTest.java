package io.tracelet.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.TraceContext;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The {@code server-timing} trace metric (the response binding of the current W3C Trace Context
 * text, over the Server Timing header grammar), rule by rule.
 */
class ServerTimingTest {
  static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  static final String SPAN_ID = "b7ad6b7169203331";
  static final String DESC = "00-" + TRACE_ID + "-" + SPAN_ID + "-01";
  static final String SPEC_EXAMPLE = "trace;desc=" + DESC;

  static TraceContext context(long high, long low, long spanId, boolean random) {
    return TraceContext.newBuilder().traceId(high, low).spanId(spanId).traceIdRandom(random).build();
  }

  static final TraceContext CALLER = context(0x0af7651916cd43ddL, 0x8448eb211c80319cL, 0x1111111111111111L, true);

  // Format (the server's side)

  @Test void format_specExample() {
    TraceContext server = context(0x0af7651916cd43ddL, 0x8448eb211c80319cL, 0xb7ad6b7169203331L, false);

    assertThat(ServerTiming.format(server, true)).isEqualTo(SPEC_EXAMPLE);
    assertThat(ServerTiming.format(server, false)).isEqualTo("trace;desc=00-" + TRACE_ID + "-" + SPAN_ID + "-00");
  }

  @Test void format_sampledSaysWhetherThisServerRecorded_notWhatTheCallerSaid() {
    TraceContext unsampledByCaller = CALLER.toBuilder().sampled(false).traceIdRandom(false).build();

    assertThat(ServerTiming.format(unsampledByCaller, true)).endsWith("-01");
  }

  @Test void format_randomTraceIdFlagIsTheContexts() {
    assertThat(ServerTiming.format(CALLER, false)).endsWith("-02");
    assertThat(ServerTiming.format(CALLER, true)).endsWith("-03");
    assertThat(ServerTiming.format(CALLER.toBuilder().traceIdRandom(false).build(), true)).endsWith("-01");
  }

  @Test void format_otherFlagsAreZero() {
    TraceContext debug = CALLER.toBuilder().debug(true).shared(true).build();

    assertThat(ServerTiming.format(debug, true)).matches("trace;desc=00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-3]");
  }

  @Test void format_metricNameInLowercase_version00() {
    assertThat(ServerTiming.format(CALLER, true)).startsWith("trace;desc=00-");
  }

  @Test void format_a64BitTraceIdIsLeftPadded() {
    assertThat(ServerTiming.format(context(0L, 0x8448eb211c80319cL, 1L, false), false))
        .isEqualTo("trace;desc=00-00000000000000008448eb211c80319c-0000000000000001-00");
  }

  @Test void format_nothingWithoutIds() {
    assertThat(ServerTiming.format(null, true)).isNull();
    assertThat(ServerTiming.format(TraceContext.newBuilder().sampled(true).build(), true)).isNull();
  }

  @Test void format_thenParse_roundTrips() {
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      TraceContext c = context(random.nextInt(3) == 0 ? 0L : random.nextLong(), random.nextLong() | 1L,
          random.nextLong() | 4L, random.nextBoolean());
      boolean sampled = random.nextBoolean();

      ServerTiming parsed = ServerTiming.parse(ServerTiming.format(c, sampled));

      assertThat(parsed.isSameTrace(c)).isTrue();
      assertThat(parsed.spanIdHex()).isEqualTo(c.spanIdHex());
      assertThat(parsed.sampled()).isEqualTo(sampled);
      assertThat(parsed.traceIdRandom()).isEqualTo(c.traceIdRandom());
      assertThat(parsed.toString()).isEqualTo(ServerTiming.format(c, sampled));
    }
  }

  // Parse (the caller's side): the trace metric

  @Test void parse_specExample() {
    ServerTiming metric = ServerTiming.parse(SPEC_EXAMPLE);

    assertThat(metric.traceIdHex()).isEqualTo(TRACE_ID);
    assertThat(metric.spanIdHex()).isEqualTo(SPAN_ID);
    assertThat(metric.sampled()).isTrue();
    assertThat(metric.traceIdRandom()).isFalse();
    assertThat(metric).hasToString(SPEC_EXAMPLE);
  }

  @Test void metricName_isAsciiCaseInsensitive() {
    for (String name : new String[] {"Trace", "TRACE", "tRaCe"}) {
      assertThat(ServerTiming.parse(name + ";desc=" + DESC)).as(name).isEqualTo(ServerTiming.parse(SPEC_EXAMPLE));
    }
  }

  @Test void metricName_mustBeExactlyTrace() {
    for (String name : new String[] {"traces", "trac", "trace-context", "traceresponse", "x-trace"}) {
      assertThat(ServerTiming.parse(name + ";desc=" + DESC)).as(name).isNull();
    }
  }

  @Test void flags_sampledIsBit0_randomTraceIdIsBit1() {
    assertThat(flags("00")).containsExactly(false, false);
    assertThat(flags("01")).containsExactly(true, false);
    assertThat(flags("02")).containsExactly(false, true);
    assertThat(flags("03")).containsExactly(true, true);
  }

  @Test void flags_otherBitsAreMaskedNotRejected() {
    // Senders must set them to zero; a receiver reads each flag by its bit, as for traceparent.
    assertThat(flags("ff")).containsExactly(true, true);
    assertThat(flags("04")).containsExactly(false, false);
    assertThat(flags("a5")).containsExactly(true, false);
    assertThat(ServerTiming.parse("trace;desc=00-" + TRACE_ID + "-" + SPAN_ID + "-ff")).hasToString(
        "trace;desc=00-" + TRACE_ID + "-" + SPAN_ID + "-03");
  }

  @Test void flags_mustBeTwoLowercaseHexCharacters() {
    for (String flags : new String[] {"0", "001", "0g", "0A", "-1", "  "}) {
      assertThat(ServerTiming.parse("trace;desc=00-" + TRACE_ID + "-" + SPAN_ID + "-" + flags)).as(flags).isNull();
    }
  }

  @Test void version_onlyVersion00IsRead() {
    assertThat(ServerTiming.parse("trace;desc=ff-" + TRACE_ID + "-" + SPAN_ID + "-01")).isNull();
    // The text defines no way to read a later version of the metric: it is left unread.
    assertThat(ServerTiming.parse("trace;desc=01-" + TRACE_ID + "-" + SPAN_ID + "-01")).isNull();
    assertThat(ServerTiming.parse("trace;desc=cc-" + TRACE_ID + "-" + SPAN_ID + "-01-future")).isNull();
    assertThat(ServerTiming.parse("trace;desc=0-" + TRACE_ID + "-" + SPAN_ID + "-01")).isNull();
  }

  @Test void version00_hasNothingAfterTheFlags() {
    assertThat(ServerTiming.parse("trace;desc=" + DESC + "-x")).isNull();
    assertThat(ServerTiming.parse("trace;desc=" + DESC + ".")).isNull();
  }

  @Test void traceId_32LowercaseHexCharacters_notAllZero() {
    assertThat(ServerTiming.parse("trace;desc=00-" + "0".repeat(32) + "-" + SPAN_ID + "-01")).isNull();
    assertThat(ServerTiming.parse("trace;desc=00-" + TRACE_ID.toUpperCase() + "-" + SPAN_ID + "-01")).isNull();
    assertThat(ServerTiming.parse("trace;desc=00-" + TRACE_ID.substring(1) + "-" + SPAN_ID + "-01")).isNull();
    assertThat(ServerTiming.parse("trace;desc=00-" + TRACE_ID + "0-" + SPAN_ID + "-01")).isNull();
    assertThat(ServerTiming.parse("trace;desc=00-" + ".".repeat(32) + "-" + SPAN_ID + "-01")).isNull();
  }

  @Test void traceId_eitherHalfMayBeZero() {
    String lowZero = "0af7651916cd43dd" + "0".repeat(16);
    assertThat(ServerTiming.parse("trace;desc=00-" + lowZero + "-" + SPAN_ID + "-01").traceIdHex()).isEqualTo(lowZero);
    String highZero = "0".repeat(16) + "8448eb211c80319c";
    assertThat(ServerTiming.parse("trace;desc=00-" + highZero + "-" + SPAN_ID + "-01").traceIdHex()).isEqualTo(highZero);
    assertThat(ServerTiming.parse("trace;desc=00-" + "0".repeat(16) + "8448eb211c80319" + "x-" + SPAN_ID + "-01")).isNull();
  }

  @Test void spanId_16LowercaseHexCharacters_notAllZero() {
    assertThat(ServerTiming.parse("trace;desc=00-" + TRACE_ID + "-" + "0".repeat(16) + "-01")).isNull();
    assertThat(ServerTiming.parse("trace;desc=00-" + TRACE_ID + "-" + SPAN_ID.toUpperCase() + "-01")).isNull();
    assertThat(ServerTiming.parse("trace;desc=00-" + TRACE_ID + "-" + SPAN_ID.substring(1) + "-01")).isNull();
    assertThat(ServerTiming.parse("trace;desc=00-" + TRACE_ID + "-" + SPAN_ID + "0-01")).isNull();
  }

  @Test void desc_isRequired() {
    assertThat(ServerTiming.parse("trace")).isNull();
    assertThat(ServerTiming.parse("trace;dur=12")).isNull();
  }

  // Parse: the Server-Timing header around the metric

  @Test void header_severalMetricsWithOtherParameters() {
    String header = "cache;desc=\"Cache Read\";dur=23.2, trace;dur=0;desc=" + DESC + ";x=y, db;dur=53";

    assertThat(ServerTiming.parse(header)).isEqualTo(ServerTiming.parse(SPEC_EXAMPLE));
  }

  @Test void header_optionalWhitespaceAroundSeparators() {
    assertThat(ServerTiming.parse(" \tdb;dur=1 \t, \ttrace \t; \tdesc \t= \t" + DESC + " \t;dur=2\t ,app"))
        .isEqualTo(ServerTiming.parse(SPEC_EXAMPLE));
  }

  @Test void header_emptyListElementsAreIgnored() {
    assertThat(ServerTiming.parse(", ,," + SPEC_EXAMPLE + ",,")).isEqualTo(ServerTiming.parse(SPEC_EXAMPLE));
  }

  @Test void header_repeatedFieldLinesJoinedWithCommas() {
    assertThat(ServerTiming.parse("db;dur=53" + "," + SPEC_EXAMPLE)).isEqualTo(ServerTiming.parse(SPEC_EXAMPLE));
  }

  @Test void desc_mayBeAQuotedString() {
    assertThat(ServerTiming.parse("trace;desc=\"" + DESC + "\"")).isEqualTo(ServerTiming.parse(SPEC_EXAMPLE));
  }

  @Test void desc_quotedPairsAreUnescaped() {
    String escaped = "\\0\\0-" + TRACE_ID + "\\-" + SPAN_ID + "-0\\1";

    assertThat(ServerTiming.parse("trace;desc=\"" + escaped + "\"")).isEqualTo(ServerTiming.parse(SPEC_EXAMPLE));
    assertThat(ServerTiming.parse("trace;desc=\"" + DESC + "\\\\\"")).isNull(); // an escaped backslash is kept
  }

  @Test void desc_parameterNameIsCaseInsensitive() {
    assertThat(ServerTiming.parse("trace;DESC=" + DESC)).isEqualTo(ServerTiming.parse(SPEC_EXAMPLE));
    assertThat(ServerTiming.parse("trace;Desc=" + DESC)).isEqualTo(ServerTiming.parse(SPEC_EXAMPLE));
  }

  @Test void desc_onlyTheFirstIsConsidered_evenWhenInvalid() {
    String other = "00-" + TRACE_ID + "-" + "c".repeat(16) + "-00";

    assertThat(ServerTiming.parse("trace;desc=" + DESC + ";desc=" + other)).isEqualTo(ServerTiming.parse(SPEC_EXAMPLE));
    assertThat(ServerTiming.parse("trace;desc=nonsense;desc=" + DESC)).isNull();
  }

  @Test void trace_theFirstTraceMetricDecides() {
    String other = "trace;desc=00-" + TRACE_ID + "-" + "c".repeat(16) + "-00";

    assertThat(ServerTiming.parse(SPEC_EXAMPLE + ", " + other)).isEqualTo(ServerTiming.parse(SPEC_EXAMPLE));
    assertThat(ServerTiming.parse(other + ", " + SPEC_EXAMPLE).sampled()).isFalse();
    assertThat(ServerTiming.parse("trace;dur=1, " + SPEC_EXAMPLE)).isNull();
    assertThat(ServerTiming.parse("TRACE;desc=x, " + SPEC_EXAMPLE)).isNull();
  }

  @Test void header_malformedAnywhereMeansNothing() {
    for (String bad : new String[] {
        "cache;desc=Cache Read, " + SPEC_EXAMPLE, // a space in a token
        SPEC_EXAMPLE + ", cache;desc=\"unterminated", SPEC_EXAMPLE + ";desc", SPEC_EXAMPLE + ";=x",
        SPEC_EXAMPLE + ";x=", "trace;desc=" + DESC + " x", ";desc=" + DESC + "," + SPEC_EXAMPLE,
        "tr\u00e4ce;desc=" + DESC + "," + SPEC_EXAMPLE, "trace;desc=" + DESC + "\r\n", "trace;desc=\"" + DESC + "\u0000\"",
        "trace;desc=\"" + DESC + "\u0100\"", "db;desc=\"a\\", "trace;desc=" + DESC + ",db;x=\"\\\u0001\""}) {
      assertThat(ServerTiming.parse(bad)).as(bad).isNull();
    }
  }

  @Test void header_commasAndSemicolonsInsideQuotedStringsDoNotSplit() {
    assertThat(ServerTiming.parse("db;desc=\"a, trace;desc=x; b\", " + SPEC_EXAMPLE)).isEqualTo(ServerTiming.parse(SPEC_EXAMPLE));
    assertThat(ServerTiming.parse("trace;desc=\"" + DESC + ",\"")).isNull();
  }

  @Test void header_obsTextIsAllowedInOtherQuotedStrings() {
    assertThat(ServerTiming.parse("db;desc=\"caf\u00e9\\\u00ff\"," + SPEC_EXAMPLE)).isEqualTo(ServerTiming.parse(SPEC_EXAMPLE));
  }

  @Test void header_nothingForNullEmptyOrNoTraceMetric() {
    assertThat(ServerTiming.parse(null)).isNull();
    assertThat(ServerTiming.parse("")).isNull();
    assertThat(ServerTiming.parse(" , ")).isNull();
    assertThat(ServerTiming.parse("db;dur=53, app;dur=47.2")).isNull();
    // traceparent's format alone, or the retired traceresponse header's value, is not the metric.
    assertThat(ServerTiming.parse(DESC)).isNull();
  }

  @Test void header_over32KiBIsNotRead() {
    String atLimit = SPEC_EXAMPLE + ",".repeat(ServerTiming.MAX_HEADER - SPEC_EXAMPLE.length()); // empty elements

    assertThat(ServerTiming.parse(atLimit)).isNotNull();
    assertThat(ServerTiming.parse(atLimit + ",")).isNull();
    assertThat(ServerTiming.parse(SPEC_EXAMPLE + " ".repeat(10_000_000))).isNull();
  }

  // Whose trace it is, and the one use a caller makes of it

  @Test void isSameTrace_comparesTheTraceIdOnly() {
    ServerTiming metric = ServerTiming.parse(SPEC_EXAMPLE);

    assertThat(metric.isSameTrace(CALLER)).isTrue(); // another span of the same trace
    assertThat(metric.isSameTrace(context(0x0af7651916cd43ddL, 0x8448eb211c80319dL, 1L, true))).isFalse();
    assertThat(metric.isSameTrace(context(1L, 0x8448eb211c80319cL, 1L, true))).isFalse();
    assertThat(metric.isSameTrace(null)).isFalse();
    assertThat(metric.isSameTrace(TraceContext.newBuilder().sampled(true).build())).isFalse();
  }

  @Test void isSameTrace_a64BitCallerMatchesItsPaddedForm() {
    TraceContext caller = context(0L, 0x8448eb211c80319cL, 1L, true);

    assertThat(ServerTiming.parse("trace;desc=00-00000000000000008448eb211c80319c-" + SPAN_ID + "-01").isSameTrace(caller)).isTrue();
    assertThat(ServerTiming.parse(SPEC_EXAMPLE).isSameTrace(caller)).isFalse();
  }

  @Test void sampledFor_onlyAWellFormedSampledMetricOfTheCallersTrace() {
    assertThat(ServerTiming.sampledFor(CALLER, SPEC_EXAMPLE)).isTrue();
    assertThat(ServerTiming.sampledFor(CALLER, "db;dur=2, TRACE;desc=\"" + DESC + "\"")).isTrue();

    assertThat(ServerTiming.sampledFor(CALLER, SPEC_EXAMPLE.replace("-01", "-00"))).isFalse(); // not recorded
    assertThat(ServerTiming.sampledFor(CALLER, SPEC_EXAMPLE.replace("-01", "-02"))).isFalse();
    String restarted = "trace;desc=00-1baad25c36c11c1e7fbd6d122bd85db6-cab70b47728a8a99-01";
    assertThat(ServerTiming.sampledFor(CALLER, restarted)).isFalse(); // another trace: not the caller's to keep
    assertThat(ServerTiming.sampledFor(CALLER, SPEC_EXAMPLE + ", db;desc=bad value")).isFalse();
    assertThat(ServerTiming.sampledFor(CALLER, null)).isFalse();
    assertThat(ServerTiming.sampledFor(null, SPEC_EXAMPLE)).isFalse();
  }

  @Test void equalsAndHashCode_byIdsAndTheFlagsRead() {
    ServerTiming a = ServerTiming.parse(SPEC_EXAMPLE);
    ServerTiming b = ServerTiming.parse("TRACE;desc=\"00-" + TRACE_ID + "-" + SPAN_ID + "-fd\"");

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(ServerTiming.parse(SPEC_EXAMPLE.replace("-01", "-03")));
    assertThat(a).isNotEqualTo(ServerTiming.parse(SPEC_EXAMPLE.replace("b7ad", "b7ae")));
  }

  static boolean[] flags(String flags) {
    ServerTiming metric = ServerTiming.parse("trace;desc=00-" + TRACE_ID + "-" + SPAN_ID + "-" + flags);
    return new boolean[] {metric.sampled(), metric.traceIdRandom()};
  }
}
