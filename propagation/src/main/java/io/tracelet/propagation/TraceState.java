package io.tracelet.propagation;

import static io.tracelet.propagation.TraceFormat.skipOws;
import static io.tracelet.propagation.TraceFormat.trimEnd;

/**
 * The W3C {@code tracestate} list, read by the current Trace Context text: validated as a whole,
 * normalized (no optional whitespace, no empty members, no repeated key) and cut to 512 characters
 * by the text's truncation rule.
 *
 * <p>A header that is already normal and short, the common case, is returned as the same String:
 * validation walks it by index and allocates nothing.
 */
final class TraceState {
  /** The spec's limit on list members. */
  static final int MAX_MEMBERS = 32;
  /** The length the spec asks every vendor to propagate; longer lists are truncated to it. */
  static final int MAX_LENGTH = 512;
  /** Members longer than this are the first dropped when truncating. */
  static final int LONG_MEMBER = 128;
  /** The longest key: a first character and up to 255 more. */
  static final int MAX_KEY = 256;
  /**
   * A header longer than this is dropped unread: 32 members of 513 characters and their commas
   * fit with room for whitespace, and it bounds the work a hostile header can cause.
   */
  static final int MAX_HEADER = 32 * 1024;

  /**
   * The tracestate to propagate for {@code header}, or null when it is absent, holds no member, or
   * is invalid (a bad key or value, more than 32 members). A key that repeats does not make it
   * invalid: the first member with that key is kept and the later ones are dropped.
   */
  static String normalize(String header) {
    if (header == null || header.length() > MAX_HEADER) return null;
    int n = header.length();
    int members = 0;
    int length = -1; // of the normalized list: members plus the commas between them
    boolean normal = true; // no whitespace to drop, no empty member
    long keyFilter = 0L; // one bit per key hash: the exact duplicate check runs only on a hit
    for (int i = 0; ; ) {
      int b = skipOws(header, i, n);
      int end;
      if (b == n || header.charAt(b) == ',') {
        normal = false; // an empty member: allowed, not propagated
        end = b;
      } else {
        // One pass over the member: the key, then the value up to the comma.
        int eq = keyEnd(header, b, n);
        if (eq < 0) return null;
        int last = eq; // the value's last non-blank character
        end = eq + 1;
        for (; end < n; end++) {
          char c = header.charAt(end);
          if (c < 128 && (CLASSES[c] & VALUE) != 0) {
            if (c != ' ') last = end;
          } else if (c == ',' || c == '\t') {
            break;
          } else {
            return null;
          }
        }
        int tail = skipOws(header, end, n); // trailing whitespace, tabs included
        if (tail < n && header.charAt(tail) != ',') return null;
        int e = last + 1;
        if (e - eq - 1 < 1 || e - eq - 1 > 256) return null;
        if (b != i || tail != e) normal = false;
        if (++members > MAX_MEMBERS) return null;
        int hash = (eq - b) * 31 + header.charAt(eq - 1);
        if ((keyFilter & (1L << hash)) != 0 && hasEarlierKey(header, 0, i, b, eq)) {
          normal = false; // a later duplicate: dropped by rebuild, so not counted in the length
        } else {
          length += e - b + 1;
        }
        keyFilter |= 1L << hash;
        end = tail;
      }
      if (end >= n) break;
      i = end + 1;
    }
    if (members == 0) return null;
    if (normal && length <= MAX_LENGTH) return header;
    return rebuild(header, members, length);
  }

  /**
   * The tracestate to send for a context's: as it is when within 512 characters (contexts read
   * by the W3C propagator always are), else normalized and truncated.
   */
  static String forPropagation(String traceState) {
    if (traceState == null || traceState.length() <= MAX_LENGTH) return traceState;
    return normalize(traceState);
  }

  /**
   * Joins the members of a valid header with single commas, without the later members of a
   * repeated key and, when the result would pass 512 characters, dropping members as the text
   * says: first those longer than 128 characters, then from the end. The rare path: it may
   * allocate what it needs.
   */
  private static String rebuild(String header, int members, int length) {
    int[] bounds = new int[members * 2];
    int m = 0;
    for (int i = 0, n = header.length(); i <= n; ) {
      int end = header.indexOf(',', i);
      if (end < 0) end = n;
      int b = skipOws(header, i, end);
      int e = trimEnd(header, b, end);
      if (b != e && !hasEarlierKey(header, bounds, m, b, header.indexOf('=', b))) {
        bounds[m++] = b;
        bounds[m++] = e;
      }
      i = end + 1;
    }
    bounds = m == bounds.length ? bounds : java.util.Arrays.copyOf(bounds, m);
    // Drop long members first, from the end, then any member from the end; -1 marks dropped.
    for (int j = bounds.length - 2; j >= 0 && length > MAX_LENGTH; j -= 2) {
      int size = bounds[j + 1] - bounds[j];
      if (size > LONG_MEMBER) {
        length -= size + 1;
        bounds[j] = -1;
      }
    }
    for (int j = bounds.length - 2; j >= 0 && length > MAX_LENGTH; j -= 2) {
      if (bounds[j] < 0) continue;
      length -= bounds[j + 1] - bounds[j] + 1;
      bounds[j] = -1;
    }
    if (length <= 0) return null;
    StringBuilder result = new StringBuilder(length);
    for (int j = 0; j < bounds.length; j += 2) {
      if (bounds[j] < 0) continue;
      if (result.length() > 0) result.append(',');
      result.append(header, bounds[j], bounds[j + 1]);
    }
    return result.toString();
  }

  /**
   * Checks the key starting at {@code b} against the grammar and returns the index of the '='
   * after it, or -1 when it is invalid.
   *
   * <pre>
   * key      = ( lcalpha / DIGIT ) 0*255( keychar )
   * keychar  = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@"
   * value    = 0*255( chr ) nblk-chr ; chr = %x20 / nblk-chr
   * nblk-chr = %x21-2B / %x2D-3C / %x3E-7E
   * </pre>
   */
  private static int keyEnd(String s, int b, int n) {
    // One table lookup per character: reading a tracestate is mostly this and the value loop.
    char first = s.charAt(b);
    if (first >= 128 || (CLASSES[first] & KEY_FIRST) == 0) return -1;
    int eq = b + 1;
    for (int limit = Math.min(n, b + MAX_KEY); eq < limit; eq++) {
      char c = s.charAt(eq);
      if (c >= 128 || (CLASSES[c] & KEY) == 0) break;
    }
    return eq < n && s.charAt(eq) == '=' ? eq : -1;
  }

  /** True when a member in [from, before) of {@code s} has the key [keyBegin, keyEnd). */
  private static boolean hasEarlierKey(String s, int from, int before, int keyBegin, int keyEnd) {
    int keyLength = keyEnd - keyBegin;
    for (int i = from; i < before; ) {
      int end = s.indexOf(',', i); // members before this one were valid: each has its '=' in it
      int b = skipOws(s, i, end);
      if (b != end) {
        int eq = s.indexOf('=', b);
        if (eq - b == keyLength && s.regionMatches(b, s, keyBegin, keyLength)) return true;
      }
      i = end + 1;
    }
    return false;
  }

  /** True when one of the first {@code count / 2} members in {@code bounds} has the key [keyBegin, keyEnd). */
  private static boolean hasEarlierKey(String s, int[] bounds, int count, int keyBegin, int keyEnd) {
    int keyLength = keyEnd - keyBegin;
    for (int j = 0; j < count; j += 2) {
      int b = bounds[j];
      if (s.charAt(b + keyLength) == '=' && s.regionMatches(b, s, keyBegin, keyLength)) return true;
    }
    return false;
  }

  /** Character classes of the grammar, by ASCII code. */
  private static final byte[] CLASSES = new byte[128];
  private static final int KEY = 1; // keychar: lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@"
  private static final int KEY_FIRST = 2; // lcalpha / DIGIT
  private static final int VALUE = 4; // chr: %x20-2B / %x2D-3C / %x3E-7E

  static {
    for (char c = 'a'; c <= 'z'; c++) CLASSES[c] |= KEY | KEY_FIRST;
    for (char c = '0'; c <= '9'; c++) CLASSES[c] |= KEY | KEY_FIRST;
    for (char c : "_-*/@".toCharArray()) CLASSES[c] |= KEY;
    for (char c = 0x20; c <= 0x7e; c++) if (c != ',' && c != '=') CLASSES[c] |= VALUE;
  }

  private TraceState() {
  }
}
