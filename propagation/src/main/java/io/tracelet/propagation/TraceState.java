package io.tracelet.propagation;

import static io.tracelet.propagation.TraceFormat.skipOws;
import static io.tracelet.propagation.TraceFormat.trimEnd;

/**
 * The W3C {@code tracestate} list: validated as a whole, normalized (no optional whitespace, no
 * empty members) and cut to the spec's 512 characters by its truncation rule.
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
  /**
   * A header longer than this is dropped unread: 32 members of 513 characters and their commas
   * fit with room for whitespace, and it bounds the work a hostile header can cause.
   */
  static final int MAX_HEADER = 32 * 1024;

  /**
   * The tracestate to propagate for {@code header}, or null when it is absent, holds no member, or
   * is invalid (bad key or value, duplicate key, more than 32 members).
   */
  static String normalize(String header) {
    if (header == null || header.length() > MAX_HEADER) return null;
    int n = header.length();
    int members = 0;
    int length = -1; // of the normalized list: members plus the commas between them
    boolean normal = true;
    for (int i = 0; i <= n; ) {
      int end = header.indexOf(',', i);
      if (end < 0) end = n;
      int b = skipOws(header, i, end);
      int e = trimEnd(header, b, end);
      if (b == e) {
        normal = false; // an empty member: allowed, not propagated
      } else {
        if (b != i || e != end) normal = false;
        if (++members > MAX_MEMBERS) return null;
        int eq = validMember(header, b, e);
        if (eq < 0 || hasEarlierKey(header, i, b, eq)) return null;
        length += e - b + 1;
      }
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
   * Joins the members of a valid header with single commas, dropping members, when the result
   * would pass 512 characters, as the spec says: first those longer than 128 characters, then
   * from the end. The rare path: it may allocate what it needs.
   */
  private static String rebuild(String header, int members, int length) {
    int[] bounds = new int[members * 2];
    int m = 0;
    for (int i = 0, n = header.length(); i <= n; ) {
      int end = header.indexOf(',', i);
      if (end < 0) end = n;
      int b = skipOws(header, i, end);
      int e = trimEnd(header, b, end);
      if (b != e) {
        bounds[m++] = b;
        bounds[m++] = e;
      }
      i = end + 1;
    }
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
   * Checks {@code key=value} in [b, e) (trimmed, not empty) against the Level 2 grammar and
   * returns the index of its '=', or -1 when it is invalid.
   *
   * <pre>
   * key              = simple-key / multi-tenant-key
   * simple-key       = lcalpha 0*255( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
   * multi-tenant-key = tenant-id "@" system-id
   * tenant-id        = ( lcalpha / DIGIT ) 0*240( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
   * system-id        = lcalpha 0*13( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
   * value            = 0*255(chr) nblk-chr ; chr = %x20 / nblk-chr
   * nblk-chr         = %x21-2B / %x2D-3C / %x3E-7E
   * </pre>
   */
  static int validMember(String s, int b, int e) {
    char first = s.charAt(b);
    if (!isLcAlpha(first) && !isDigit(first)) return -1;
    int at = -1;
    int eq = b + 1;
    for (; eq < e; eq++) {
      char c = s.charAt(eq);
      if (c == '=') break;
      if (c == '@') {
        if (at >= 0) return -1;
        at = eq;
      } else if (!isKeyChar(c)) {
        return -1;
      }
    }
    if (eq == e) return -1;
    if (at < 0) {
      if (!isLcAlpha(first) || eq - b > 256) return -1;
    } else if (at - b > 241 || eq - at - 1 < 1 || eq - at - 1 > 14 || !isLcAlpha(s.charAt(at + 1))) {
      return -1;
    }
    // The value: trimming left its last character non-blank; ',' cannot occur inside a member.
    if (e - eq - 1 < 1 || e - eq - 1 > 256) return -1;
    for (int i = eq + 1; i < e; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '=') return -1;
    }
    return eq;
  }

  /** True when a member before index {@code before} has the key [keyBegin, keyEnd). */
  private static boolean hasEarlierKey(String s, int before, int keyBegin, int keyEnd) {
    int keyLength = keyEnd - keyBegin;
    for (int i = 0; i < before; ) {
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

  private static boolean isLcAlpha(char c) {
    return c >= 'a' && c <= 'z';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isKeyChar(char c) {
    return isLcAlpha(c) || isDigit(c) || c == '_' || c == '-' || c == '*' || c == '/';
  }

  private TraceState() {
  }
}
