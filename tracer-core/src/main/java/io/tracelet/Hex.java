package io.tracelet;

/** Lowercase hex of IDs, written by hand because the JDK's {@code HexFormat} allocates more. */
final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  static String of(long id) {
    char[] c = new char[16];
    write(c, 0, id);
    return new String(c);
  }

  static String of(long high, long low) {
    char[] c = new char[32];
    write(c, 0, high);
    write(c, 16, low);
    return new String(c);
  }

  static void write(char[] dest, int offset, long v) {
    for (int i = 15; i >= 0; i--) {
      dest[offset + i] = DIGITS[(int) (v & 0xf)];
      v >>>= 4;
    }
  }

  private Hex() {
  }
}
