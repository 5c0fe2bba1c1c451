package io.tracelet.propagation;

import io.tracelet.Baggage;
import io.tracelet.TraceContext;
import java.util.List;

/**
 * W3C Trace Context, the 2026 text: {@code traceparent} and {@code tracestate}. Hand-written
 * because parsing is the product: fixed positions checked by index, no substrings, no regex.
 */
final class W3CTraceContextPropagator extends TraceFormat {
  static final String TRACEPARENT = "traceparent";
  static final String TRACESTATE = "tracestate";
  static final W3CTraceContextPropagator INSTANCE = new W3CTraceContextPropagator();

  private static final List<String> KEYS = List.of(TRACEPARENT, TRACESTATE);
  private static final int SAMPLED = 0x01;
  private static final int RANDOM_TRACE_ID = 0x02;
  /** {@code version-traceId-parentId-flags}: 2 + 1 + 32 + 1 + 16 + 1 + 2. */
  private static final int LENGTH = 55;
  private static final String PADDING = "0000000000000000";
  private static final String[] FLAGS = {"-00", "-01", "-02", "-03"};

  private W3CTraceContextPropagator() {
  }

  @Override public List<String> keys() {
    return KEYS;
  }

  @Override public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
    if (context == null || setter == null || !context.hasIds()) return;
    setter.set(carrier, TRACEPARENT, encode("00-", context, context.isSampled()));
    String traceState = TraceState.forPropagation(context.traceState());
    if (traceState != null) setter.set(carrier, TRACESTATE, traceState);
  }

  /**
   * {@code prefix} (ending in the version, {@code 00-}), then the trace ID, span ID and flags of
   * {@code context} as traceparent and the server-timing trace metric write them.
   */
  static String encode(String prefix, TraceContext context, boolean sampled) {
    // One concatenation of the context's cached hex IDs: a single exact-size String, no scratch
    // array. A 64-bit trace ID is left-padded with zeros to 32 hex characters.
    String traceId = context.traceIdHigh() != 0L ? context.traceIdHex() : PADDING + context.traceIdHex();
    // Only the flags this version defines are sent; the others must be zero.
    int flags = (sampled ? SAMPLED : 0) | (context.traceIdRandom() ? RANDOM_TRACE_ID : 0);
    return prefix + traceId + '-' + context.spanIdHex() + FLAGS[flags];
  }

  @Override <C> TraceContext extract(C carrier, Getter<C> getter, Baggage baggage) {
    String traceparent = getter.get(carrier, TRACEPARENT);
    if (traceparent == null) return null;
    int b = skipOws(traceparent, 0, traceparent.length());
    int len = trimEnd(traceparent, b, traceparent.length()) - b;
    if (len < LENGTH) return null;

    int v0 = LowerHex.digit(traceparent.charAt(b));
    int v1 = LowerHex.digit(traceparent.charAt(b + 1));
    if (v0 < 0 || v1 < 0 || traceparent.charAt(b + 2) != '-') return null;
    int version = v0 << 4 | v1;
    if (version == 0xff) return null;
    if (version == 0 ? len != LENGTH : len > LENGTH && traceparent.charAt(b + LENGTH) != '-') {
      return null; // version 00 has nothing after the flags; a later one only "-" and more fields
    }
    if (traceparent.charAt(b + 35) != '-' || traceparent.charAt(b + 52) != '-') return null;
    long traceIdHigh = LowerHex.parse16(traceparent, b + 3);
    long traceId = LowerHex.parse16(traceparent, b + 19);
    long parentId = LowerHex.parse16(traceparent, b + 36);
    int flagsHigh = LowerHex.digit(traceparent.charAt(b + 53));
    int flags = LowerHex.digit(traceparent.charAt(b + 54));
    // All-zero IDs are invalid, and 0 is also what a malformed half parses to. A trace ID whose
    // low half alone is zero cannot be held by a TraceContext (0 there means "no IDs"), so that
    // trace restarts too.
    if (traceId == 0L || parentId == 0L || flagsHigh < 0 || flags < 0
        || (traceIdHigh == 0L && !LowerHex.isLowerHex(traceparent, b + 3, 16))) {
      return null;
    }

    // Only a valid traceparent lets tracestate be read; an invalid tracestate is dropped alone.
    String traceState = TraceState.normalize(getter.get(carrier, TRACESTATE));
    return TraceContext.newBuilder()
        .traceId(traceIdHigh, traceId)
        .spanId(parentId)
        .sampled((flags & SAMPLED) != 0)
        .traceIdRandom((flags & RANDOM_TRACE_ID) != 0)
        .traceState(traceState)
        .baggage(baggage)
        .build();
  }

  @Override public String toString() {
    return "W3CTraceContextPropagator";
  }
}
