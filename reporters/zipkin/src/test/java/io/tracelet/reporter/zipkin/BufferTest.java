package io.tracelet.reporter.zipkin;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BufferTest {
  static String written(java.util.function.Consumer<Buffer> write) {
    Buffer buffer = new Buffer(1); // tiny: every write grows it
    write.accept(buffer);
    return new String(buffer.array, 0, buffer.size, US_ASCII);
  }

  @Test void decimalsOfEveryLength() {
    List<Long> values = new ArrayList<>(List.of(0L, Long.MAX_VALUE));
    for (long p = 1; p <= Long.MAX_VALUE / 10; p *= 10) { // every power of ten up to 10^18
      values.addAll(List.of(p - 1, p, p + 1));
    }
    Random random = new Random(1);
    for (int i = 0; i < 1000; i++) values.add(random.nextLong() >>> (1 + random.nextInt(63))); // non-negative
    for (long v : values) {
      assertThat(written(b -> b.writeDecimal(v))).isEqualTo(Long.toString(v));
    }
  }

  @Test void dottedQuadsOfEveryOctetInEveryPosition() {
    for (int octet = 0; octet < 256; octet++) {
      int other = 255 - octet;
      for (int position = 0; position < 4; position++) {
        int[] octets = {other, octet % 10, octet, other / 7};
        octets[position] = octet;
        int ip = octets[0] << 24 | octets[1] << 16 | octets[2] << 8 | octets[3];
        String expected = octets[0] + "." + octets[1] + "." + octets[2] + "." + octets[3];
        assertThat(written(b -> b.writeDottedQuad(ip))).isEqualTo(expected);
      }
    }
  }

  @Test void hexIsAlwaysSixteenLowercaseDigits() {
    Random random = new Random(2);
    for (long v : new long[] {0L, 1L, -1L, Long.MIN_VALUE, 0x0123456789abcdefL, random.nextLong()}) {
      assertThat(written(b -> b.writeHex(v))).isEqualTo(String.format("%016x", v));
    }
  }

  @Test void shortBytesOfEveryLengthUpTo64() {
    byte[] source = new byte[64 + 7 + 3];
    for (int i = 0; i < source.length; i++) source[i] = (byte) ('A' + i % 26);
    for (int length = 0; length <= 64; length++) {
      int n = length;
      String expected = "x" + new String(source, 3, n, US_ASCII) + "y";
      assertThat(written(b -> {
        b.writeByte('x');
        b.writeShortBytes(source, 3, n);
        b.writeByte('y');
      })).isEqualTo(expected);
    }
  }

  /**
   * A JSON field's fast paths (escapes noted per char up to 16 chars, found eight bytes at a time
   * beyond) write what the char-by-char path writes, for a special char at every position.
   */
  @Test void jsonFieldsOfEveryShortLengthWithASpecialCharAnywhereMatchTheCharByCharPath() {
    Buffer.Ascii prefix = Buffer.Ascii.of(",\"");
    for (boolean ascii : new boolean[] {false, true}) {
      for (int length = 1; length <= 40; length++) {
        for (int at = 0; at < length; at++) {
          for (char special : new char[] {'"', '\\', '\n', '\u001f', '\u007f', 'é', '\u0141', '\u2028', '\ud83d'}) {
            char[] chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ".substring(0, length).toCharArray();
            chars[at] = special;
            String s = new String(chars);
            Buffer fast = new Buffer(1);
            fast.writeJsonField(prefix, 1, s, ascii);
            Buffer slow = new Buffer(1);
            slow.writeByte('"');
            slow.writeJsonString(s, ascii);
            slow.writeByte('"');
            assertThat(java.util.Arrays.copyOf(fast.array, fast.size)).as("%s", s)
                .isEqualTo(java.util.Arrays.copyOf(slow.array, slow.size));
          }
        }
      }
    }
  }

  @Test void swarEscapesFindExactlyTheBytesJsonEscapes() {
    for (int lane = 0; lane < 8; lane++) {
      for (int b = 0; b < 0x80; b++) {
        long x = 0x6161616161616161L & ~(0xffL << 8 * lane) | (long) b << 8 * lane; // 'a' elsewhere
        boolean escaped = b < 0x20 || b == '"' || b == '\\';
        assertThat(Buffer.escapes(x)).as("byte %s in lane %s", b, lane)
            .isEqualTo(escaped ? 0x80L << 8 * lane : 0L);
      }
    }
    // every byte an escape, and escapes next to bytes that could borrow from them
    assertThat(Buffer.escapes(0x1f225c001f225c00L)).isEqualTo(0x8080808080808080L);
    assertThat(Buffer.escapes(0x7f207f217f5b7f5dL)).isZero();
  }

  /** A char above U+00FF whose low byte is plain ASCII must not pass for that ASCII character. */
  @Test void charsAboveLatin1WithAsciiLowBytesAreNotTakenForAscii() {
    Buffer.Ascii quote = Buffer.Ascii.of("\"");
    String s = "plain text then \u0141\u4e22\u015c, and \" later";
    Buffer json = new Buffer(1);
    json.writeJsonField(quote, 0, s, false);
    assertThat(new String(json.array, 0, json.size, java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("\"plain text then \u0141\u4e22\u015c, and \\\" later\"");
    Buffer proto = new Buffer(1);
    proto.writeUtf8Field(0x0a, s);
    assertThat(new String(proto.array, 2, proto.size - 2, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(s);
  }
}
