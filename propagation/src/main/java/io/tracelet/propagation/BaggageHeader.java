package io.tracelet.propagation;

import static io.tracelet.propagation.TraceFormat.skipOws;
import static io.tracelet.propagation.TraceFormat.trimEnd;

import io.tracelet.Baggage;
import java.nio.charset.StandardCharsets;

/**
 * The W3C {@code baggage} header value, read into and written from {@link Baggage}.
 *
 * <pre>
 * baggage-string = list-member 0*179( OWS "," OWS list-member )
 * list-member    = key OWS "=" OWS value *( OWS ";" OWS property )
 * property       = key OWS "=" OWS value / key OWS
 * key            = token (RFC 7230)
 * value          = *baggage-octet, a percent-encoded UTF-8 string
 * </pre>
 *
 * Properties are kept verbatim as the entry's metadata. A malformed member is skipped, which the
 * spec allows; the others are kept.
 */
final class BaggageHeader {
  /** The spec's minimum a platform must propagate, which is also what we send at most. */
  static final int MAX_MEMBERS = 64;
  static final int MAX_BYTES = 8192;
  /** How far into a header members are read: bounds the work a hostile header can cause. */
  static final int MAX_HEADER = 32 * 1024;
  /** The grammar's own bound on list members. */
  private static final int MAX_LIST_MEMBERS = 180;

  private static final char[] UPPER_HEX = "0123456789ABCDEF".toCharArray();

  /**
   * The entries of {@code header}, in order, a later duplicate replacing an earlier one. Stops at
   * the first member that would break {@link Baggage}'s limits: those after it are dropped.
   */
  static Baggage parse(String header) {
    Baggage.Builder result = Baggage.newBuilder(); // one copy for the whole header, not one per member
    int n = header.length();
    int limit = Math.min(n, MAX_HEADER);
    int members = 0;
    for (int i = 0; i < limit && members < MAX_LIST_MEMBERS; ) {
      int end = i;
      while (end < limit && header.charAt(end) != ',') end++;
      if (end == limit && limit < n) break; // this member runs past what we read
      int b = skipOws(header, i, end);
      int e = trimEnd(header, b, end);
      i = end + 1;
      if (b == e) continue;
      members++;
      int parsed = parseMember(header, b, e, result);
      if (parsed == MALFORMED) continue; // skipped
      if (parsed == FULL) break; // the rest is dropped
    }
    return result.build();
  }

  private static final int ADDED = 0;
  private static final int MALFORMED = 1;
  private static final int FULL = 2;

  /**
   * Adds the member in [b, e) (trimmed, not empty) to {@code baggage}: {@link #ADDED}, {@link
   * #MALFORMED} (nothing added), or {@link #FULL} when a limit would be broken.
   */
  private static int parseMember(String s, int b, int e, Baggage.Builder baggage) {
    int keyEnd = skipToken(s, b, e);
    if (keyEnd == b) return MALFORMED;
    int i = skipOws(s, keyEnd, e);
    if (i == e || s.charAt(i) != '=') return MALFORMED;
    int valueBegin = skipOws(s, i + 1, e);
    int valueEnd = valueBegin;
    boolean escaped = false;
    for (char c; valueEnd < e && isBaggageOctet(c = s.charAt(valueEnd)); valueEnd++) {
      if (c == '%') escaped = true;
    }
    i = skipOws(s, valueEnd, e);
    String metadata = null;
    if (i < e) {
      if (s.charAt(i) != ';') return MALFORMED;
      int metadataBegin = skipOws(s, i + 1, e);
      if (!isPropertyList(s, metadataBegin, e)) return MALFORMED;
      metadata = s.substring(metadataBegin, e);
    }
    String value = escaped ? decode(s, valueBegin, valueEnd) : s.substring(valueBegin, valueEnd);
    if (value == null) return MALFORMED;
    return baggage.add(s.substring(b, keyEnd), value, metadata) ? ADDED : FULL;
  }

  /**
   * True when [b, e) is {@code property *( OWS ";" OWS property )}, with no leading whitespace
   * and no trailing whitespace.
   */
  static boolean isPropertyList(String s, int b, int e) {
    for (int i = b; ; ) {
      int keyEnd = skipToken(s, i, e);
      if (keyEnd == i) return false;
      i = skipOws(s, keyEnd, e);
      if (i < e && s.charAt(i) == '=') {
        i = skipOws(s, i + 1, e);
        while (i < e && isBaggageOctet(s.charAt(i))) i++;
        i = skipOws(s, i, e);
      }
      if (i == e) return true;
      if (s.charAt(i) != ';') return false;
      i = skipOws(s, i + 1, e);
    }
  }

  /**
   * Decodes percent-escapes of UTF-8 bytes; byte sequences that are not UTF-8 become U+FFFD, as
   * the spec requires (the JDK's decoder does exactly that). Null when an escape is malformed.
   */
  private static String decode(String s, int b, int e) {
    byte[] bytes = new byte[e - b]; // the decoded value needs one temporary buffer
    int n = 0;
    for (int i = b; i < e; i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= e) return null;
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) return null; // the range holds baggage-octets only: ASCII
        bytes[n++] = (byte) (hi << 4 | lo);
        i += 2;
      } else {
        bytes[n++] = (byte) c; // a baggage-octet: ASCII
      }
    }
    return new String(bytes, 0, n, StandardCharsets.UTF_8);
  }

  /**
   * The header value for {@code baggage}, built in one StringBuilder, or null when no entry can be
   * sent. Entries whose name is not a token or whose metadata is not a property list are skipped,
   * as is any entry that would take the header past 64 members or 8192 bytes.
   */
  static String format(Baggage baggage) {
    StringBuilder result = null;
    int members = 0;
    for (int i = 0, size = baggage.size(); i < size && members < MAX_MEMBERS; i++) {
      String name = baggage.name(i);
      String metadata = baggage.metadata(i);
      boolean hasMetadata = metadata != null && !metadata.isEmpty();
      if (skipToken(name, 0, name.length()) != name.length()
          || (hasMetadata && !isPropertyList(metadata, 0, metadata.length()))) {
        continue;
      }
      if (result == null) result = new StringBuilder(64);
      int mark = result.length();
      if (members > 0) result.append(',');
      result.append(name).append('=');
      appendEncoded(result, baggage.value(i));
      if (hasMetadata) result.append(';').append(metadata);
      if (result.length() > MAX_BYTES) {
        result.setLength(mark);
        continue;
      }
      members++;
    }
    return members == 0 ? null : result.toString();
  }

  /** Appends {@code value} with every character outside baggage-octet, and '%', percent-encoded. */
  private static void appendEncoded(StringBuilder out, String value) {
    for (int i = 0, n = value.length(); i < n; i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        if (isBaggageOctet(c) && c != '%') {
          out.append(c);
        } else {
          appendByte(out, c);
        }
      } else if (c < 0x800) {
        appendByte(out, 0xc0 | c >> 6);
        appendByte(out, 0x80 | c & 0x3f);
      } else if (Character.isHighSurrogate(c) && i + 1 < n
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, value.charAt(++i));
        appendByte(out, 0xf0 | cp >> 18);
        appendByte(out, 0x80 | cp >> 12 & 0x3f);
        appendByte(out, 0x80 | cp >> 6 & 0x3f);
        appendByte(out, 0x80 | cp & 0x3f);
      } else {
        if (Character.isSurrogate(c)) c = '\uFFFD'; // a lone surrogate is not text: say so
        appendByte(out, 0xe0 | c >> 12);
        appendByte(out, 0x80 | c >> 6 & 0x3f);
        appendByte(out, 0x80 | c & 0x3f);
      }
    }
  }

  private static void appendByte(StringBuilder out, int b) {
    out.append('%').append(UPPER_HEX[b >> 4 & 0xf]).append(UPPER_HEX[b & 0xf]);
  }

  /** The end of the RFC 7230 token starting at {@code b}. */
  private static int skipToken(String s, int b, int e) {
    while (b < e && isTchar(s.charAt(b))) b++;
    return b;
  }

  /** {@code %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E}. */
  private static boolean isBaggageOctet(char c) {
    return c >= 0x21 && c <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\';
  }

  /** RFC 7230's tchar: ALPHA, DIGIT and {@code !#$%&'*+-.^_`|~}. */
  private static boolean isTchar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || (c < 0x80 && "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
  }

  private BaggageHeader() {
  }
}
