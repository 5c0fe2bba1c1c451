package io.tracelet.propagation;

/**
 * Lowercase hex IDs, read by index. Every format's extraction goes through here, so it works on
 * the header String in place: no substrings, no boxing. (Injection uses the context's cached hex.)
 */
final class LowerHex {
  /** The value of a lowercase hex digit, or -1; indexed by ASCII code. */
  private static final byte[] VALUES = new byte[128];

  static {
    java.util.Arrays.fill(VALUES, (byte) -1);
    String digits = "0123456789abcdef";
    for (int i = 0; i < 16; i++) VALUES[digits.charAt(i)] = (byte) i;
  }

  /** The value of {@code c} as a lowercase hex digit, or -1 when it is not one. */
  static int digit(char c) {
    return c < 128 ? VALUES[c] : -1;
  }

  /** True when the {@code count} characters of {@code s} from {@code begin} are all lowercase hex. */
  static boolean isLowerHex(String s, int begin, int count) {
    for (int i = begin, end = begin + count; i < end; i++) {
      if (digit(s.charAt(i)) < 0) return false;
    }
    return true;
  }

  /**
   * The 16 lowercase hex characters of {@code s} from {@code begin} as a long, or 0 when one of
   * them is not lowercase hex. IDs are never 0, so one pass both checks and parses; where 0 is a
   * valid value (the high half of a trace ID), check with {@link #isLowerHex} when 0 comes back.
   */
  static long parse16(String s, int begin) {
    long v = 0L;
    int invalid = 0;
    for (int i = begin, end = begin + 16; i < end; i++) {
      int d = digit(s.charAt(i));
      invalid |= d; // -1 for a non-digit sets the sign bit
      v = (v << 4) | d;
    }
    return invalid < 0 ? 0L : v;
  }

  private LowerHex() {
  }
}
