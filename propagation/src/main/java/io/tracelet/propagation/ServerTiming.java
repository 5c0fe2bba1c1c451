package io.tracelet.propagation;

import static io.tracelet.propagation.TraceFormat.skipOws;

import io.tracelet.TraceContext;

/**
 * The W3C Trace Context response binding: the {@code trace} metric of the {@code Server-Timing}
 * header, {@code server-timing: trace;desc=00-{trace-id}-{span-id}-{flags}}. A server answers with
 * it to tell its caller which span served the request and whether it recorded it; a caller reads
 * it to upgrade its own decision to keep the trace.
 *
 * <p><b>Server.</b> {@link #format(TraceContext, boolean)} gives the header value for the server
 * span's context. Set it as a {@code server-timing} field line of its own (or join it to other
 * metrics with {@code ", "}). Pass {@code sampled = true} when this server recorded the request,
 * even when the caller's {@code traceparent} said it was not sampled: that is how a caller learns
 * it should keep its part. The random-trace-ID flag is the context's, so it is the one the
 * incoming {@code traceparent} carried, or the one Tracelet set when it started the trace.
 *
 * <p><b>Client.</b> {@link #parse(String)} reads the response's {@code server-timing} value
 * (repeated field lines joined with commas, as HTTP says). The flags are a recommendation from a
 * server that may be buggy or hostile: only let a sampled flag upgrade a decision to keep, never
 * downgrade one, and only for the caller's own trace ({@link #isSameTrace}, or
 * {@link #sampledFor(TraceContext, String)} which does both checks).
 *
 * <p><b>What is accepted.</b> The whole value must follow the {@code Server-Timing} grammar
 * (metrics separated by commas, each a token name and {@code ;name=value} parameters, values a
 * token or a quoted string, optional whitespace around the separators); the first metric named
 * {@code trace} (in any case) decides, and its first {@code desc} parameter (in any case) must be
 * version {@code 00}, 32 and 16 lowercase hex characters, not all zero, and two hex flag
 * characters. Flags other than sampled (0x01) and random-trace-ID (0x02) are ignored. Anything
 * else, including a value over 32 KiB, parses to null.
 *
 * <p>Immutable and thread-safe; the static methods never throw, whatever their input, and
 * {@code parse} does work linear in the input, at most 32 KiB of it, allocating only its result
 * (and, for a quoted {@code desc} with backslash escapes, its unescaped copy).
 */
public final class ServerTiming {
  /** The response header's name, in the lowercase the text asks senders to use. */
  public static final String HEADER = "server-timing";

  /** A value longer than this is not read: it bounds the work a hostile header can cause. */
  static final int MAX_HEADER = 32 * 1024;
  private static final String METRIC = "trace";
  private static final String DESC = "desc";
  /** {@code 00-{trace-id}-{span-id}-{flags}}: 2 + 1 + 32 + 1 + 16 + 1 + 2. */
  private static final int DESC_LENGTH = 55;
  private static final int SAMPLED = 0x01;
  private static final int RANDOM_TRACE_ID = 0x02;

  private final String desc;
  private final long traceIdHigh;
  private final long traceId;
  private final int flags;

  private ServerTiming(String desc, long traceIdHigh, long traceId, int flags) {
    this.desc = desc;
    this.traceIdHigh = traceIdHigh;
    this.traceId = traceId;
    this.flags = flags;
  }

  /**
   * The {@code server-timing} value a server answers with: {@code trace;desc=00-...}, with the
   * trace and span IDs of {@code serverContext} (a 64-bit trace ID left-padded to 32 hex
   * characters), the sampled flag from {@code sampled}, the random-trace-ID flag from the context,
   * and every other flag zero. Null when the context is null or has no IDs.
   */
  public static String format(TraceContext serverContext, boolean sampled) {
    if (serverContext == null || !serverContext.hasIds()) return null;
    return W3CTraceContextPropagator.encode("trace;desc=00-", serverContext, sampled);
  }

  /**
   * The first {@code trace} metric of a {@code server-timing} header value, or null when there is
   * none, or it, or the value around it, is malformed. Never throws.
   */
  public static ServerTiming parse(String headerValue) {
    if (headerValue == null || headerValue.length() > MAX_HEADER) return null;
    String s = headerValue;
    int n = s.length();
    ServerTiming result = null;
    boolean traceSeen = false;
    for (int i = 0; ; ) {
      i = skipOws(s, i, n);
      if (i == n) return result;
      if (s.charAt(i) == ',') { // an empty list element: allowed
        i++;
        continue;
      }
      int nameEnd = tokenEnd(s, i, n);
      if (nameEnd == i) return null;
      boolean trace = !traceSeen && nameEnd - i == METRIC.length() && s.regionMatches(true, i, METRIC, 0, nameEnd - i);
      traceSeen |= trace;
      boolean descSeen = false;
      i = skipOws(s, nameEnd, n);
      while (i < n && s.charAt(i) == ';') { // server-timing-param = name OWS "=" OWS value
        int b = skipOws(s, i + 1, n);
        int e = tokenEnd(s, b, n);
        if (e == b) return null;
        boolean desc = trace && !descSeen && e - b == DESC.length() && s.regionMatches(true, b, DESC, 0, e - b);
        descSeen |= desc;
        int v = skipOws(s, e, n);
        if (v == n || s.charAt(v) != '=') return null;
        v = skipOws(s, v + 1, n);
        int end = v < n && s.charAt(v) == '"' ? quotedEnd(s, v, n) : tokenEnd(s, v, n);
        if (end <= v) return null;
        if (desc) result = s.charAt(v) == '"' ? parseQuoted(s, v, end) : parseDesc(s, v, end);
        i = skipOws(s, end, n);
      }
      if (i < n && s.charAt(i) != ',') return null;
    }
  }

  /**
   * True when {@code headerValue} holds a well-formed {@code trace} metric of the caller's trace
   * with the sampled flag set: the one case where the response may upgrade the caller's decision
   * to keep. False for anything else, including null arguments.
   */
  public static boolean sampledFor(TraceContext caller, String headerValue) {
    ServerTiming metric = parse(headerValue);
    return metric != null && metric.sampled() && metric.isSameTrace(caller);
  }

  /** The trace ID, 32 lowercase hex characters. */
  public String traceIdHex() {
    return desc.substring(3, 35);
  }

  /** The ID of the server's span, 16 lowercase hex characters. */
  public String spanIdHex() {
    return desc.substring(36, 52);
  }

  /** The sampled flag: the server says it may have recorded the request. A recommendation only. */
  public boolean sampled() {
    return (flags & SAMPLED) != 0;
  }

  /** The random-trace-ID flag: the trace ID's rightmost 7 bytes are random. */
  public boolean traceIdRandom() {
    return (flags & RANDOM_TRACE_ID) != 0;
  }

  /**
   * True when this metric is about {@code context}'s trace: the same trace ID, a 64-bit one
   * matching its left-padded form. False for a null context or one without IDs, and when the
   * server restarted the trace.
   */
  public boolean isSameTrace(TraceContext context) {
    return context != null && context.hasIds() && context.traceIdHigh() == traceIdHigh
        && context.traceId() == traceId;
  }

  /** The metric as {@link #format} writes it: {@code trace;desc=00-...}, unknown flags cleared. */
  @Override public String toString() {
    return "trace;desc=" + desc.substring(0, DESC_LENGTH - 2) + '0' + flags;
  }

  @Override public boolean equals(Object o) {
    if (!(o instanceof ServerTiming)) return false;
    ServerTiming that = (ServerTiming) o; // IDs and version as written, flags as read
    return flags == that.flags && desc.regionMatches(0, that.desc, 0, DESC_LENGTH - 2);
  }

  @Override public int hashCode() {
    return desc.substring(0, DESC_LENGTH - 2).hashCode() * 31 + flags;
  }

  /** The metric from a desc value in [b, e), or null when it is not version 00 as the text says. */
  private static ServerTiming parseDesc(String s, int b, int e) {
    if (e - b != DESC_LENGTH || s.charAt(b) != '0' || s.charAt(b + 1) != '0' || s.charAt(b + 2) != '-'
        || s.charAt(b + 35) != '-' || s.charAt(b + 52) != '-') {
      return null;
    }
    long high = LowerHex.parse16(s, b + 3);
    long low = LowerHex.parse16(s, b + 19);
    long spanId = LowerHex.parse16(s, b + 36);
    int flagsHigh = LowerHex.digit(s.charAt(b + 53));
    int flagsLow = LowerHex.digit(s.charAt(b + 54));
    // parse16 answers 0 both for all-zero and for non-hex: tell them apart where 0 is allowed.
    boolean idsValid = spanId != 0L && (high | low) != 0L
        && (high != 0L || LowerHex.isLowerHex(s, b + 3, 16)) && (low != 0L || LowerHex.isLowerHex(s, b + 19, 16));
    if (!idsValid || flagsHigh < 0 || flagsLow < 0) return null;
    // Only the two flags version 00 defines are read; the text asks receivers to mask the others.
    return new ServerTiming(s.substring(b, e), high, low, flagsLow & (SAMPLED | RANDOM_TRACE_ID));
  }

  /** Like {@link #parseDesc} for a quoted string in [b, e), quotes included. */
  private static ServerTiming parseQuoted(String s, int b, int e) {
    int escape = s.indexOf('\\', b + 1);
    if (escape < 0 || escape >= e) return parseDesc(s, b + 1, e - 1);
    StringBuilder unquoted = new StringBuilder(DESC_LENGTH);
    for (int i = b + 1; i < e - 1 && unquoted.length() <= DESC_LENGTH; i++) {
      char c = s.charAt(i);
      unquoted.append(c == '\\' ? s.charAt(++i) : c);
    }
    return parseDesc(unquoted.toString(), 0, unquoted.length());
  }

  /** The end of the token starting at {@code b}: {@code b} itself when there is none. */
  private static int tokenEnd(String s, int b, int n) {
    while (b < n && s.charAt(b) < 128 && TCHAR[s.charAt(b)]) b++;
    return b;
  }

  /**
   * The index after the quoted string that opens at {@code b}, or -1 when it is unterminated or
   * holds a character RFC 9110 does not allow there.
   */
  private static int quotedEnd(String s, int b, int n) {
    for (int i = b + 1; i < n; i++) {
      char c = s.charAt(i);
      if (c == '"') return i + 1;
      if (c == '\\') { // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
        if (++i == n) return -1;
        c = s.charAt(i);
        if (c != '\t' && (c < 0x20 || c == 0x7f || c > 0xff)) return -1;
      } else if (c != '\t' && (c < 0x20 || c == 0x7f || c > 0xff)) { // qdtext
        return -1;
      }
    }
    return -1;
  }

  /** RFC 9110 {@code tchar}, by ASCII code. */
  private static final boolean[] TCHAR = new boolean[128];

  static {
    for (char c = '0'; c <= '9'; c++) TCHAR[c] = true;
    for (char c = 'a'; c <= 'z'; c++) TCHAR[c] = true;
    for (char c = 'A'; c <= 'Z'; c++) TCHAR[c] = true;
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) TCHAR[c] = true;
  }
}
