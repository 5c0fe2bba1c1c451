package io.tracelet.zipkin;

import java.util.Arrays;

/**
 * A growable byte array that the span writers fill, reused from span to span and from batch to
 * batch so that encoding makes no garbage once it has grown to the largest message.
 *
 * <p>Written by hand, not with a {@code ByteBuffer} or {@code String.getBytes}: UTF-8 and JSON
 * escaping happen in one pass over each string, straight into this array, without intermediate
 * copies. Not thread-safe.
 */
final class Buffer {
  private static final byte[] HEX = {
      '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  // "00" to "ff" and "00" to "99", so that numbers are written two digits at a time.
  private static final byte[] HEX_PAIRS = new byte[512];
  private static final byte[] DECIMAL_PAIRS = new byte[200];
  // Strings are written in chunks so that the worst-case reservation stays small for huge strings.
  private static final int CHUNK = 4096;
  // JSON: per ASCII character, 0 = write as is, 'u' = \\u00XX, otherwise the letter after '\\'.
  private static final byte[] JSON_ESCAPE = new byte[128];

  static {
    for (int i = 0; i < 256; i++) {
      HEX_PAIRS[2 * i] = HEX[i >> 4];
      HEX_PAIRS[2 * i + 1] = HEX[i & 0xf];
    }
    for (int i = 0; i < 100; i++) {
      DECIMAL_PAIRS[2 * i] = (byte) ('0' + i / 10);
      DECIMAL_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
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
    writeBytes(bytes, 0, bytes.length);
  }

  void writeBytes(byte[] bytes, int offset, int length) {
    ensure(length);
    System.arraycopy(bytes, offset, array, size, length);
    size += length;
  }

  /** Writes 16 lowercase hex digits, two per byte of {@code v}. */
  void writeHex(long v) {
    ensure(16);
    byte[] a = array;
    for (int i = size + 14; i >= size; i -= 2) {
      int b = (int) (v & 0xff) << 1;
      a[i] = HEX_PAIRS[b];
      a[i + 1] = HEX_PAIRS[b + 1];
      v >>>= 8;
    }
    size += 16;
  }

  /** Writes a non-negative number in decimal ASCII, two digits per division. */
  void writeDecimal(long v) {
    int digits = 1;
    for (long bound = 10; digits < 19 && v >= bound; bound *= 10) digits++;
    ensure(digits);
    byte[] a = array;
    int i = size + digits;
    while (v >= 100) {
      long quotient = v / 100;
      int pair = (int) (v - quotient * 100) << 1;
      a[--i] = DECIMAL_PAIRS[pair + 1];
      a[--i] = DECIMAL_PAIRS[pair];
      v = quotient;
    }
    int pair = (int) v << 1;
    a[--i] = DECIMAL_PAIRS[pair + 1];
    if (v >= 10) a[--i] = DECIMAL_PAIRS[pair];
    size += digits;
  }

  /** Writes 8 bytes, big-endian (network order, as IDs travel). */
  void writeLongBigEndian(long v) {
    writeLongLittleEndian(Long.reverseBytes(v));
  }

  /** Writes 8 bytes, little-endian (protobuf's fixed64). */
  void writeLongLittleEndian(long v) {
    ensure(8);
    byte[] a = array;
    for (int i = size, end = size + 8; i < end; i++) {
      a[i] = (byte) v;
      v >>>= 8;
    }
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
    int length = s.length();
    for (int i = 0; i < length; ) {
      int end = Math.min(length, i + CHUNK);
      // 3 bytes a char at most; a pair is 4 for 2 chars, plus 1 when it straddles the chunk's end
      ensure((end - i) * 3 + 1);
      byte[] a = array;
      int p = size;
      while (i < end) {
        char c = s.charAt(i++);
        if (c < 0x80) {
          a[p++] = (byte) c;
        } else {
          char next = i < length ? s.charAt(i) : 0;
          p = writeNonAscii(a, p, c, next);
          if (Character.isHighSurrogate(c) && Character.isLowSurrogate(next)) i++;
        }
      }
      size = p;
    }
  }

  /**
   * Writes {@code s} as the inside of a JSON string: UTF-8, with quote, backslash and control
   * characters escaped, U+2028 and U+2029 escaped (JavaScript reads them as line ends), and a lone
   * surrogate replaced by U+FFFD. With {@code escapeNonAscii}, every char from U+0080 is a
   * {@code \\uXXXX} escape, so the output is 7-bit ASCII.
   */
  void writeJsonString(String s, boolean escapeNonAscii) {
    int length = s.length();
    for (int i = 0; i < length; ) {
      int end = Math.min(length, i + CHUNK);
      // 6 bytes a char at most (\\uXXXX), plus 6 when an escaped pair straddles the chunk's end
      ensure((end - i) * 6 + 6);
      byte[] a = array;
      int p = size;
      while (i < end) {
        char c = s.charAt(i++);
        if (c < 0x80) {
          byte escape = JSON_ESCAPE[c];
          if (escape == 0) {
            a[p++] = (byte) c;
          } else if (escape == 'u') {
            p = writeUnicodeEscape(a, p, c);
          } else {
            a[p++] = '\\';
            a[p++] = escape;
          }
        } else if (escapeNonAscii || c == '\u2028' || c == '\u2029') {
          if (!Character.isSurrogate(c)) {
            p = writeUnicodeEscape(a, p, c);
          } else if (Character.isHighSurrogate(c) && i < length && Character.isLowSurrogate(s.charAt(i))) {
            p = writeUnicodeEscape(a, p, c);
            p = writeUnicodeEscape(a, p, s.charAt(i++));
          } else {
            p = writeUnicodeEscape(a, p, '\ufffd');
          }
        } else {
          char next = i < length ? s.charAt(i) : 0;
          p = writeNonAscii(a, p, c, next);
          if (Character.isHighSurrogate(c) && Character.isLowSurrogate(next)) i++;
        }
      }
      size = p;
    }
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
