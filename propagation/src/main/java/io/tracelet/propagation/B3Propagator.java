package io.tracelet.propagation;

import io.tracelet.Baggage;
import io.tracelet.TraceContext;
import java.util.List;

/**
 * B3, as openzipkin/b3-propagation specifies it. Both encodings are read, the single {@code b3}
 * header first as the spec says it takes precedence; one of them is written. Hand-written because
 * parsing is the product: by index over the header, allocating nothing but the context.
 */
final class B3Propagator extends TraceFormat {
  static final String B3 = "b3";
  static final String TRACE_ID = "x-b3-traceid";
  static final String SPAN_ID = "x-b3-spanid";
  static final String PARENT_SPAN_ID = "x-b3-parentspanid";
  static final String SAMPLED = "x-b3-sampled";
  static final String FLAGS = "x-b3-flags";

  static final B3Propagator MULTI = new B3Propagator(false);
  static final B3Propagator SINGLE = new B3Propagator(true);

  private static final List<String> KEYS =
      List.of(B3, TRACE_ID, SPAN_ID, PARENT_SPAN_ID, SAMPLED, FLAGS);

  private final boolean injectSingle;

  private B3Propagator(boolean injectSingle) {
    this.injectSingle = injectSingle;
  }

  @Override public List<String> keys() {
    return KEYS;
  }

  @Override public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
    if (context == null || setter == null) return;
    if (injectSingle) {
      String b3 = singleValue(context);
      if (b3 != null) setter.set(carrier, B3, b3);
      return;
    }
    if (context.hasIds()) {
      // The context caches its hex IDs, so repeated injection of one context allocates nothing.
      setter.set(carrier, TRACE_ID, context.traceIdHex());
      setter.set(carrier, SPAN_ID, context.spanIdHex());
      if (context.parentId() != 0L) setter.set(carrier, PARENT_SPAN_ID, context.parentIdHex());
    }
    // The spec: debug implies accept, so Sampled is not sent beside it.
    if (context.debug()) {
      setter.set(carrier, FLAGS, "1");
    } else if (context.hasSamplingDecision()) {
      setter.set(carrier, SAMPLED, context.isSampled() ? "1" : "0");
    }
  }

  /**
   * {@code {traceId}-{spanId}-{sampling}-{parentSpanId}}: one concatenation of the context's cached
   * hex IDs, so a single exact-size String is all it allocates. The parent needs the sampling field
   * before it, so an undecided context is written without its parent.
   */
  static String singleValue(TraceContext context) {
    String sampling = context.debug() ? "d"
        : !context.hasSamplingDecision() ? null : context.isSampled() ? "1" : "0";
    if (!context.hasIds()) return sampling;
    if (sampling == null) return context.traceIdHex() + '-' + context.spanIdHex();
    if (context.parentId() == 0L) return context.traceIdHex() + '-' + context.spanIdHex() + '-' + sampling;
    return context.traceIdHex() + '-' + context.spanIdHex() + '-' + sampling + '-' + context.parentIdHex();
  }

  @Override <C> TraceContext extract(C carrier, Getter<C> getter, Baggage baggage) {
    String b3 = getter.get(carrier, B3);
    if (b3 != null) {
      TraceContext single = parseSingle(b3, baggage);
      if (single != null) return single;
    }
    return parseMulti(carrier, getter, baggage);
  }

  /** The single header, or null when it is malformed. */
  static TraceContext parseSingle(String value, Baggage baggage) {
    int b = skipOws(value, 0, value.length());
    int e = firstValueEnd(value, b);
    int len = e - b;
    if (len == 1) return samplingOnly(samplingState(value.charAt(b)), baggage);

    int traceLen;
    if (len >= 33 && value.charAt(b + 16) == '-') {
      traceLen = 16;
    } else if (len >= 49 && value.charAt(b + 32) == '-') {
      traceLen = 32;
    } else {
      return null;
    }
    int spanAt = b + traceLen + 1;
    int afterSpan = spanAt + 16;
    if (afterSpan > e) return null;
    int sampling = -1; // absent: defer
    int parentAt = -1;
    int rest = e - afterSpan;
    if (rest != 0) {
      if (value.charAt(afterSpan) != '-') return null;
      if (rest == 2) {
        sampling = samplingState(value.charAt(afterSpan + 1));
      } else if (rest == 19 && value.charAt(afterSpan + 2) == '-') {
        sampling = samplingState(value.charAt(afterSpan + 1));
        parentAt = afterSpan + 3;
      } else if (rest == 17) {
        // Not in the spec, but Brave (B3's reference) writes {traceId}-{spanId}-{parentSpanId}
        // for an undecided context: accept it rather than restart such traces.
        sampling = UNDECIDED;
        parentAt = afterSpan + 1;
      } else {
        return null;
      }
      if (sampling < 0) return null;
    }
    long traceIdHigh = traceLen == 32 ? LowerHex.parse16(value, b) : 0L;
    long traceId = LowerHex.parse16(value, b + traceLen - 16);
    long spanId = LowerHex.parse16(value, spanAt);
    long parentId = parentAt >= 0 ? LowerHex.parse16(value, parentAt) : 0L;
    // 0 is both an invalid ID and what malformed hex parses to.
    if (traceId == 0L || spanId == 0L || (parentAt >= 0 && parentId == 0L)
        || (traceIdHigh == 0L && traceLen == 32 && !LowerHex.isLowerHex(value, b, 16))) {
      return null;
    }
    return TraceContext.newBuilder()
        .traceId(traceIdHigh, traceId).spanId(spanId).parentId(parentId)
        .sampled(sampling == ACCEPT || sampling == DEBUG ? Boolean.TRUE
            : sampling == DENY ? Boolean.FALSE : null)
        .debug(sampling == DEBUG)
        .baggage(baggage)
        .build();
  }

  /** The multiple headers, or null when they hold no trace or a malformed one. */
  static <C> TraceContext parseMulti(C carrier, Getter<C> getter, Baggage baggage) {
    int sampling = UNDECIDED;
    String sampled = getter.get(carrier, SAMPLED);
    if (sampled != null) {
      int b = skipOws(sampled, 0, sampled.length());
      if (valueEndsAt(sampled, b + 1) && sampled.charAt(b) == '1') {
        sampling = ACCEPT;
      } else if (valueEndsAt(sampled, b + 1) && sampled.charAt(b) == '0') {
        sampling = DENY;
      } else if (valueEndsAt(sampled, b + 4) && sampled.regionMatches(true, b, "true", 0, 4)) {
        sampling = ACCEPT; // the spec allows accepting what old clients sent
      } else if (valueEndsAt(sampled, b + 5) && sampled.regionMatches(true, b, "false", 0, 5)) {
        sampling = DENY;
      } else {
        return null; // restart the trace rather than guess a decision
      }
    }
    String flags = getter.get(carrier, FLAGS);
    if (flags != null) {
      int b = skipOws(flags, 0, flags.length());
      // Only "1" means anything (debug); B3 says no one treats the field as a bit set.
      if (valueEndsAt(flags, b + 1) && flags.charAt(b) == '1') sampling = DEBUG;
    }

    String traceIdValue = getter.get(carrier, TRACE_ID);
    if (traceIdValue == null) return samplingOnly(sampling, baggage);
    int tb = skipOws(traceIdValue, 0, traceIdValue.length());
    int traceLen = valueEndsAt(traceIdValue, tb + 16) ? 16 : valueEndsAt(traceIdValue, tb + 32) ? 32 : 0;
    if (traceLen == 0) return null;
    long traceIdHigh = traceLen == 32 ? LowerHex.parse16(traceIdValue, tb) : 0L;
    long traceId = LowerHex.parse16(traceIdValue, tb + traceLen - 16);
    if (traceId == 0L || (traceIdHigh == 0L && traceLen == 32 && !LowerHex.isLowerHex(traceIdValue, tb, 16))) {
      return null;
    }
    long spanId = id(getter.get(carrier, SPAN_ID));
    if (spanId == 0L) return null;
    String parentValue = getter.get(carrier, PARENT_SPAN_ID);
    long parentId = 0L;
    if (parentValue != null && (parentId = id(parentValue)) == 0L) return null;
    return TraceContext.newBuilder()
        .traceId(traceIdHigh, traceId).spanId(spanId).parentId(parentId)
        .sampled(sampling == UNDECIDED ? null : sampling != DENY)
        .debug(sampling == DEBUG)
        .baggage(baggage)
        .build();
  }

  /** A 64-bit ID written as 16 lowercase hex characters, or 0 when absent or malformed. */
  private static long id(String value) {
    if (value == null) return 0L;
    int b = skipOws(value, 0, value.length());
    return valueEndsAt(value, b + 16) ? LowerHex.parse16(value, b) : 0L;
  }

  /**
   * True when the first value of a header can end at {@code at}: only optional whitespace lies
   * between there and the end of the header or the comma that starts its next value. Checked
   * where the expected length puts the end, rather than searching for a comma, since most headers
   * hold one value of the expected length. (The characters before {@code at} are the caller's to
   * check.)
   */
  private static boolean valueEndsAt(String value, int at) {
    int length = value.length();
    if (at > length) return false;
    int rest = skipOws(value, at, length);
    return rest == length || value.charAt(rest) == ',';
  }

  /**
   * Where the first value of a header ends: B3 says the first value wins when a field repeats,
   * and the Getter joins repeats with commas.
   */
  private static int firstValueEnd(String value, int begin) {
    int comma = value.indexOf(',', begin);
    return trimEnd(value, begin, comma < 0 ? value.length() : comma);
  }

  private static final int INVALID = -1, UNDECIDED = 0, DENY = 1, ACCEPT = 2, DEBUG = 3;

  private static int samplingState(char c) {
    switch (c) {
      case '0':
        return DENY;
      case '1':
        return ACCEPT;
      case 'd':
        return DEBUG;
      default:
        return INVALID;
    }
  }

  private static TraceContext samplingOnly(int sampling, Baggage baggage) {
    if (sampling <= UNDECIDED) return null;
    return TraceContext.newBuilder()
        .sampled(sampling != DENY)
        .debug(sampling == DEBUG)
        .baggage(baggage)
        .build();
  }

  @Override public String toString() {
    return injectSingle ? "B3SinglePropagator" : "B3Propagator";
  }
}
