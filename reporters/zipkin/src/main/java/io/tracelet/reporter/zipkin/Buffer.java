package io.tracelet.reporter.zipkin;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte array that the span writers fill, reused from span to span and from batch to
 * batch so that encoding makes no garbage once it has grown to the largest message.
 *
 * <p>Written by hand, not with a {@code ByteBuffer} or {@code String.getBytes}: UTF-8 and JSON
 * escaping happen straight into this array, allocating nothing. A string is copied once as ASCII
 * (strings over 32 chars through a reused char array, for the JDK's vectorized ASCII encoder), and
 * only a string that needs escapes or is not ASCII takes a second, char-by-char pass. Holds 8 KiB
 * of scratch besides the array. Not thread-safe.
 */
final class Buffer {
  private static final byte[] HEX = {
      '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  // Eight bytes at a time, in one store.
  private static final VarHandle LONG_BIG_ENDIAN =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG_LITTLE_ENDIAN =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  // Strings are written in chunks so that the worst-case reservation stays small for huge strings.
  private static final int CHUNK = 4096;
  // The longest run that writeShortBytes copies.
  static final int SHORT_BYTES = 64;
  // JSON: per ASCII character, 0 = write as is, 'u' = \\u00XX, otherwise the letter after '\\'.
  private static final byte[] JSON_ESCAPE = new byte[128];

  // By value: an octet's digits and a dot as ASCII bytes, the first in the low byte, then their
  // count from bit 32.
  private static final long[] OCTETS = new long[256];

  static {
    for (int i = 0; i < 256; i++) {
      byte[] text = (i + ".").getBytes(StandardCharsets.US_ASCII);
      long octet = (long) text.length << 32;
      for (int k = 0; k < text.length; k++) octet |= (text[k] & 0xffL) << 8 * k;
      OCTETS[i] = octet;
    }
    for (int c = 0; c < 0x20; c++) JSON_ESCAPE[c] = 'u';
    JSON_ESCAPE['"'] = '"';
    JSON_ESCAPE['\\'] = '\\';
    JSON_ESCAPE['\b'] = 'b';
    JSON_ESCAPE['\f'] = 'f';
    JSON_ESCAPE['\n'] = 'n';
    JSON_ESCAPE['\r'] = 'r';
    JSON_ESCAPE['\t'] = 't';
  }

  byte[] array;
  int size;
  // For copyAscii's longer strings: their chars, and the JDK's ASCII encoder from those into array.
  private final char[] chars = new char[CHUNK];
  private final CharBuffer charView = CharBuffer.wrap(chars);
  private final CharsetEncoder asciiEncoder = StandardCharsets.US_ASCII.newEncoder();
  private ByteBuffer arrayView;

  Buffer(int initialCapacity) {
    array = new byte[initialCapacity];
  }

  /** Makes room for {@code more} bytes after {@link #size}. */
  void ensure(int more) {
    if (more > array.length - size) grow(more);
  }

  private void grow(int more) {
    long needed = (long) size + more;
    if (needed > Integer.MAX_VALUE - 8) throw new OutOfMemoryError("span encoding over 2 GiB");
    int capacity = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * array.length));
    array = Arrays.copyOf(array, capacity);
  }

  void writeByte(int b) {
    ensure(1);
    array[size++] = (byte) b;
  }

  void writeBytes(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, array, size, bytes.length);
    size += bytes.length;
  }

  /**
   * Writes {@code src[offset, offset + length)}, at most 64 bytes, eight at a time: faster than
   * {@code System.arraycopy}'s call for such short runs. Reads up to 7 bytes past the run, which
   * must lie in {@code src}.
   */
  void writeShortBytes(byte[] src, int offset, int length) {
    ensure(SHORT_BYTES + 7);
    size = copyShort(src, offset, array, size, length);
  }

  /**
   * Writes the constant {@code c} from its byte {@code from} on (1 leaves out a leading comma),
   * as {@link #writeShortBytes} does.
   */
  void writeAscii(Ascii c, int from) {
    writeShortBytes(c.padded(), from, c.length() - from);
  }

  // Copies as writeShortBytes says into room the caller ensured (7 bytes more than the run), and
  // returns the position after the run.
  private static int copyShort(byte[] src, int offset, byte[] a, int p, int length) {
    for (int i = 0; i < length; i += 8) LONG_LITTLE_ENDIAN.set(a, p + i, (long) LONG_LITTLE_ENDIAN.get(src, offset + i));
    return p + length;
  }

  /**
   * An ASCII constant of at most 64 bytes, such as a JSON field name with its punctuation, padded
   * so that it can be copied eight bytes at a time. A record, so that the JIT takes its fields,
   * the length included, for constants.
   */
  record Ascii(byte[] padded, int length) {
    static Ascii of(String s) {
      byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
      if (bytes.length > SHORT_BYTES) throw new IllegalArgumentException("constant over 64 bytes: " + s);
      return new Ascii(Arrays.copyOf(bytes, bytes.length + 8), bytes.length);
    }
  }

  /** Writes 16 lowercase hex digits. */
  void writeHex(long v) {
    ensure(16);
    LONG_BIG_ENDIAN.set(array, size, hex8((int) (v >>> 32)));
    LONG_BIG_ENDIAN.set(array, size + 8, hex8((int) v));
    size += 16;
  }

  /**
   * The 8 lowercase hex digits of {@code i} as ASCII bytes, the first digit in the most
   * significant byte: each nibble spread to a byte, then turned into its digit in all bytes at once.
   */
  static long hex8(int i) {
    long x = i & 0xffffffffL;
    x = (x | x << 16) & 0x0000ffff0000ffffL;
    x = (x | x << 8) & 0x00ff00ff00ff00ffL;
    x = (x | x << 4) & 0x0f0f0f0f0f0f0f0fL; // byte k holds nibble k
    long aboveNine = ((x + 0x0606060606060606L) >>> 4) & 0x0101010101010101L;
    return x + 0x3030303030303030L + aboveNine * ('a' - '9' - 1);
  }

  /**
   * Writes an IPv4 address, given as an int in network order, in dotted decimal: per octet, its
   * digits and a dot from a table, with no branch on the number of digits.
   */
  void writeDottedQuad(int ip) {
    ensure(16); // 4 octets of up to 3 digits and a dot each
    byte[] a = array;
    int p = size;
    for (int shift = 24; shift >= 0; shift -= 8) {
      long octet = OCTETS[ip >>> shift & 0xff];
      a[p] = (byte) octet;
      a[p + 1] = (byte) (octet >>> 8);
      a[p + 2] = (byte) (octet >>> 16);
      a[p + 3] = (byte) (octet >>> 24);
      p += (int) (octet >>> 32);
    }
    size = p - 1; // no dot after the last octet
  }

  /** Writes a non-negative number in decimal ASCII, eight digits at a time. */
  void writeDecimal(long v) {
    if (v < 100_000_000L) {
      writeUpTo8Digits((int) v);
      return;
    }
    long high = v / 100_000_000L;
    writeDecimal(high);
    ensure(8);
    LONG_LITTLE_ENDIAN.set(array, size, digits8((int) (v - high * 100_000_000L)));
    size += 8;
  }

  private void writeUpTo8Digits(int v) {
    int digits = v < 10_000
        ? v < 100 ? (v < 10 ? 1 : 2) : (v < 1000 ? 3 : 4)
        : v < 1_000_000 ? (v < 100_000 ? 5 : 6) : (v < 10_000_000 ? 7 : 8);
    ensure(8); // all 8 bytes are stored; only the digits count
    LONG_LITTLE_ENDIAN.set(array, size, digits8(v) >>> ((8 - digits) << 3));
    size += digits;
  }

  /**
   * The 8 decimal digits of {@code v < 10^8}, leading zeros included, as ASCII bytes with the first
   * digit in the least significant byte. Divides all lanes of a long at once, by multiplying with
   * reciprocals that are exact in these ranges: 4-digit halves, then 2-digit pairs, then digits.
   */
  static long digits8(int v) {
    long high4 = v / 10_000;
    long halves = high4 | (v - high4 * 10_000) << 32;
    long hundreds = ((halves * 5243) >>> 19) & 0x0000007f0000007fL; // lane / 100, lane < 10^4
    long pairs = hundreds | (halves - hundreds * 100) << 16;
    long tens = ((pairs * 103) >>> 10) & 0x000f000f000f000fL; // lane / 10, lane < 100
    long digits = tens | (pairs - tens * 10) << 8;
    return digits + 0x3030303030303030L;
  }

  /** Writes 8 bytes, big-endian (network order, as IDs travel). */
  void writeLongBigEndian(long v) {
    ensure(8);
    LONG_BIG_ENDIAN.set(array, size, v);
    size += 8;
  }

  /** Writes 8 bytes, little-endian (protobuf's fixed64). */
  void writeLongLittleEndian(long v) {
    ensure(8);
    LONG_LITTLE_ENDIAN.set(array, size, v);
    size += 8;
  }

  /** Writes a protobuf base-128 varint; a negative value takes 10 bytes, as protobuf says. */
  void writeVarint(long v) {
    ensure(10);
    byte[] a = array;
    int p = size;
    while ((v & ~0x7fL) != 0) {
      a[p++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    a[p++] = (byte) v;
    size = p;
  }

  static int varintSize(int v) {
    if ((v & ~0x7f) == 0) return 1;
    if ((v & ~0x3fff) == 0) return 2;
    if ((v & ~0x1fffff) == 0) return 3;
    if ((v & ~0xfffffff) == 0) return 4;
    return 5;
  }

  /**
   * Reserves one byte for the length of a protobuf field whose content follows, and returns where
   * it is; {@link #endLengthPrefix} fills it in. Most nested messages are shorter than 128 bytes,
   * so one byte usually suffices and the content never moves.
   */
  int beginLengthPrefix() {
    ensure(1);
    return size++;
  }

  /** Writes the length of the content after {@code at}, moving the content if it needs more bytes. */
  void endLengthPrefix(int at) {
    int length = size - at - 1;
    int extra = varintSize(length) - 1;
    if (extra > 0) {
      ensure(extra);
      System.arraycopy(array, at + 1, array, at + 1 + extra, length);
      size += extra;
    }
    byte[] a = array;
    int p = at;
    while ((length & ~0x7f) != 0) {
      a[p++] = (byte) ((length & 0x7f) | 0x80);
      length >>>= 7;
    }
    a[p] = (byte) length;
  }

  /**
   * Writes {@code s} as UTF-8. A lone surrogate, which UTF-8 cannot carry, becomes U+FFFD, the
   * replacement character.
   */
  void writeUtf8(String s) {
    for (int i = 0, length = s.length(); i < length; ) {
      int end = Math.min(length, i + CHUNK);
      // 3 bytes a char at most; a pair is 4 for 2 chars, plus 1 when it straddles the chunk's end
      ensure((end - i) * 3 + 1);
      i = writeUtf8Chars(s, i, end);
    }
  }

  /**
   * Writes a protobuf length-delimited field holding {@code s} in UTF-8: the key, the length,
   * the bytes. Short strings (most) take one capacity check and no second pass.
   */
  void writeUtf8Field(int key, String s) {
    int length = s.length();
    if (length > CHUNK) {
      writeByte(key);
      int at = beginLengthPrefix();
      writeUtf8(s);
      endLengthPrefix(at);
      return;
    }
    ensure(2 + length * 3); // the key, one length byte (widened later if need be), the chars
    array[size++] = (byte) key;
    int at = size++;
    if (copyAscii(s, length, array, size)) {
      size += length;
    } else {
      writeUtf8Chars(s, 0, length);
    }
    endLengthPrefix(at);
  }

  // The caller has ensured room: chars [i, end) (and a pair's low half after end) as UTF-8.
  private int writeUtf8Chars(String s, int i, int end) {
    byte[] a = array;
    int p = size;
    for (; i < end; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        a[p++] = (byte) c;
      } else {
        char next = i + 1 < s.length() ? s.charAt(i + 1) : 0;
        p = writeNonAscii(a, p, c, next);
        if (Character.isHighSurrogate(c) && Character.isLowSurrogate(next)) i++;
      }
    }
    size = p;
    return i;
  }

  /**
   * Writes {@code s} as the inside of a JSON string: UTF-8, with quote, backslash and control
   * characters escaped, U+2028 and U+2029 escaped (JavaScript reads them as line ends), and a lone
   * surrogate replaced by U+FFFD. With {@code escapeNonAscii}, every char from U+0080 is a
   * backslash-u escape, so the output is 7-bit ASCII.
   */
  void writeJsonString(String s, boolean escapeNonAscii) {
    for (int i = 0, length = s.length(); i < length; ) {
      int end = Math.min(length, i + CHUNK);
      // 6 bytes a char at most (an escape), plus 6 when an escaped pair straddles the chunk's end
      ensure((end - i) * 6 + 6);
      i = writeJsonChars(s, i, end, escapeNonAscii);
    }
  }

  /**
   * Writes {@code prefix} from {@code from} (such as {@code ,"name":"}, or from 1 to leave out
   * the comma), then {@code s} as in {@link #writeJsonString}, then the closing quote. Short
   * strings (most) take one capacity check.
   */
  void writeJsonField(Ascii prefix, int from, String s, boolean escapeNonAscii) {
    int length = s.length();
    if (length > CHUNK) {
      writeAscii(prefix, from);
      writeJsonString(s, escapeNonAscii);
      writeByte('"');
      return;
    }
    int prefixLength = prefix.length() - from;
    ensure(prefixLength + 7 + length * 6 + 1);
    byte[] a = array;
    int p = copyShort(prefix.padded(), from, a, size, prefixLength);
    // Plain ASCII up to the first char to escape; the rest, if any, in writeJsonChars.
    // Short strings: escapes noted per char; longer: found afterwards, eight bytes at a time.
    int plain = length <= 16 ? copyJson(s, length, a, p)
        : copyAscii(s, length, a, p) ? firstToEscape(a, p, length) : 0;
    size = p + plain;
    if (plain < length) writeJsonChars(s, plain, length, escapeNonAscii);
    array[size++] = '"';
  }

  /**
   * Copies {@code s} to {@code a[p..]} (room ensured) as bytes and returns whether its chars are
   * all ASCII, so that the copy is the string; otherwise the bytes are to be overwritten.
   *
   * <p>Beyond 32 chars, through {@code String.getChars} and the JDK's US-ASCII encoder, which both
   * work on many chars per instruction (45 chars: 12 ns against 20 for the loop); the encoder stops
   * at the first char that is not ASCII. Shorter strings take a loop with no branch per char,
   * twice as fast as one that checks each char as it goes.
   */
  private boolean copyAscii(String s, int length, byte[] a, int p) {
    if (length > 32) { // length <= CHUNK, the size of chars
      s.getChars(0, length, chars, 0);
      CharBuffer in = charView.clear().limit(length);
      ByteBuffer out = arrayView;
      if (out == null || out.array() != a) arrayView = out = ByteBuffer.wrap(a);
      out.limit(out.capacity()).position(p);
      asciiEncoder.reset().encode(in, out, true);
      return !in.hasRemaining();
    }
    int all = 0;
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      a[p + i] = (byte) c;
      all |= c;
    }
    return all < 0x80;
  }

  // As copyAscii, noting escapes as it goes; returns where the char-by-char path must take over.
  private static int copyJson(String s, int length, byte[] a, int p) {
    int all = 0;
    int escapes = 0;
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      a[p + i] = (byte) c;
      all |= c;
      escapes |= JSON_ESCAPE[c & 0x7f];
    }
    if (all >= 0x80) return 0;
    return escapes == 0 ? length : firstToEscape(a, p, length);
  }

  /**
   * The index of the first of the ASCII bytes {@code a[p, p + length)} that JSON escapes (a quote,
   * a backslash or a control character), or {@code length}: eight bytes per step.
   */
  private static int firstToEscape(byte[] a, int p, int length) {
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      long escapes = escapes((long) LONG_LITTLE_ENDIAN.get(a, p + i));
      if (escapes != 0) return i + (Long.numberOfTrailingZeros(escapes) >>> 3);
    }
    for (; i < length; i++) {
      if (JSON_ESCAPE[a[p + i]] != 0) return i;
    }
    return length;
  }

  /**
   * The high bit of each byte of {@code x} (all below 0x80) that is below 0x20, a quote or a
   * backslash. With each byte's high bit set, subtracting a byte-wise constant borrows across no
   * byte, and the high bit survives exactly where the byte was at least that constant.
   */
  static long escapes(long x) {
    long high = 0x8080808080808080L;
    long ones = 0x0101010101010101L;
    long notControl = (x | high) - 0x2020202020202020L;
    long notQuote = ((x ^ 0x2222222222222222L) | high) - ones;
    long notBackslash = ((x ^ 0x5c5c5c5c5c5c5c5cL) | high) - ones;
    return ~(notControl & notQuote & notBackslash) & high;
  }

  // The caller has ensured room: chars [i, end) (and a pair's low half after end) as JSON.
  private int writeJsonChars(String s, int i, int end, boolean escapeNonAscii) {
    byte[] a = array;
    int p = size;
    for (; i < end; i++) {
      char c = s.charAt(i);
      if (c < 0x80 && JSON_ESCAPE[c] == 0) {
        a[p++] = (byte) c;
      } else {
        char next = i + 1 < s.length() ? s.charAt(i + 1) : 0;
        p = writeJsonSpecial(a, p, c, next, escapeNonAscii);
        if (Character.isHighSurrogate(c) && Character.isLowSurrogate(next)) i++;
      }
    }
    size = p;
    return i;
  }

  /**
   * Writes a char that is not plain ASCII in JSON, taking {@code next} with it when the two are a
   * surrogate pair. Kept out of the loop above so that the common case stays small.
   */
  private static int writeJsonSpecial(byte[] a, int p, char c, char next, boolean escapeNonAscii) {
    if (c < 0x80) {
      byte escape = JSON_ESCAPE[c];
      if (escape == 'u') return writeUnicodeEscape(a, p, c);
      a[p++] = '\\';
      a[p++] = escape;
      return p;
    }
    if (!escapeNonAscii && c != '\u2028' && c != '\u2029') return writeNonAscii(a, p, c, next);
    if (!Character.isSurrogate(c)) return writeUnicodeEscape(a, p, c);
    if (Character.isHighSurrogate(c) && Character.isLowSurrogate(next)) {
      return writeUnicodeEscape(a, writeUnicodeEscape(a, p, c), next);
    }
    return writeUnicodeEscape(a, p, '\ufffd');
  }

  private static int writeUnicodeEscape(byte[] a, int p, char c) {
    a[p++] = '\\';
    a[p++] = 'u';
    a[p++] = HEX[c >> 12 & 0xf];
    a[p++] = HEX[c >> 8 & 0xf];
    a[p++] = HEX[c >> 4 & 0xf];
    a[p++] = HEX[c & 0xf];
    return p;
  }

  /**
   * Writes a char from U+0080 up as UTF-8, taking {@code next} with it when the two are a
   * surrogate pair, and U+FFFD for a lone surrogate. Returns the new position.
   */
  private static int writeNonAscii(byte[] a, int p, char c, char next) {
    if (c < 0x800) {
      a[p++] = (byte) (0xc0 | c >> 6);
      a[p++] = (byte) (0x80 | c & 0x3f);
      return p;
    }
    if (!Character.isSurrogate(c)) return write3(a, p, c);
    if (Character.isHighSurrogate(c) && Character.isLowSurrogate(next)) {
      return write4(a, p, Character.toCodePoint(c, next));
    }
    return write3(a, p, '\ufffd');
  }

  private static int write3(byte[] a, int p, char c) {
    a[p++] = (byte) (0xe0 | c >> 12);
    a[p++] = (byte) (0x80 | c >> 6 & 0x3f);
    a[p++] = (byte) (0x80 | c & 0x3f);
    return p;
  }

  private static int write4(byte[] a, int p, int codePoint) {
    a[p++] = (byte) (0xf0 | codePoint >> 18);
    a[p++] = (byte) (0x80 | codePoint >> 12 & 0x3f);
    a[p++] = (byte) (0x80 | codePoint >> 6 & 0x3f);
    a[p++] = (byte) (0x80 | codePoint & 0x3f);
    return p;
  }
}
