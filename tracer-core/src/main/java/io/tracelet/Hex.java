package io.tracelet;

import java.nio.charset.StandardCharsets;

/**
 * Lowercase hex of IDs, written by hand because the JDK's {@code HexFormat} allocates more. Digits go
 * into bytes, which a Latin-1 string copies as they are; a char array would be compressed into one.
 */
final class Hex {
  private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  static String of(long id) {
    byte[] b = new byte[16];
    write(b, 0, id);
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  static String of(long high, long low) {
    byte[] b = new byte[32];
    write(b, 0, high);
    write(b, 16, low);
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  private static void write(byte[] dest, int offset, long v) {
    for (int i = 15; i >= 0; i--) {
      dest[offset + i] = DIGITS[(int) (v & 0xf)];
      v >>>= 4;
    }
  }

  private Hex() {
  }
}
