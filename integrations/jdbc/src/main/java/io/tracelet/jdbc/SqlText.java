package io.tracelet.jdbc;

import java.util.Locale;

/**
 * Reads SQL text: the operation a statement starts with, and the statement with its literals
 * replaced by {@code ?}. One pass over the characters, no regular expressions, never throws.
 */
final class SqlText {
  /** Keywords a statement may start with, returned as these constants so that naming allocates nothing. */
  private static final String[] OPERATIONS = {
      "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "REPLACE", "CALL", "EXECUTE", "EXEC",
      "WITH", "VALUES", "CREATE", "ALTER", "DROP", "TRUNCATE", "GRANT", "REVOKE", "COMMIT", "ROLLBACK",
      "SAVEPOINT", "RELEASE", "BEGIN", "START", "SET", "SHOW", "EXPLAIN", "DECLARE", "LOCK", "USE", "ANALYZE",
      "VACUUM", "COPY", "COMMENT", "RENAME", "TABLE"};
  /** Longer first words are cut: a name is a keyword, and a span name must stay short. */
  private static final int MAX_OPERATION_LENGTH = 32;

  private SqlText() {
  }

  /**
   * The statement's first keyword in upper case ({@code SELECT}, {@code INSERT}, {@code CALL}...),
   * after leading spaces, comments, parentheses and JDBC's call escape ({@code {?= call ...}});
   * null when there is none or {@code sql} is null.
   */
  static String operation(String sql) {
    if (sql == null) return null;
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c) || c == '(' || c == '{' || c == '?' || c == '=') {
        i++;
      } else if (startsComment(sql, i, false)) {
        i = endOfComment(sql, i);
      } else {
        break;
      }
    }
    int start = i;
    while (i < n && isAsciiLetter(sql.charAt(i))) i++;
    if (i == start) return null;
    int length = i - start;
    for (String operation : OPERATIONS) {
      if (operation.length() == length && sql.regionMatches(true, start, operation, 0, length)) return operation;
    }
    return sql.substring(start, Math.min(i, start + MAX_OPERATION_LENGTH)).toUpperCase(Locale.ROOT);
  }

  /**
   * {@code sql} with every literal replaced by {@code ?} and comments removed: quoted strings
   * (with doubled quotes, and prefixes such as {@code N'...'}, {@code X'...'}, {@code E'...'}),
   * dollar-quoted strings ({@code $$...$$}, {@code $tag$...$tag$}), numbers, and hexadecimal
   * literals ({@code 0x1F}). Identifiers, keywords, parameters ({@code ?}, {@code $1}, {@code :name})
   * and quoted identifiers are kept. With {@code mysql}, backslash escapes inside strings,
   * {@code #} comments and double-quoted strings follow MySQL's default mode. An unterminated
   * string or comment hides the rest of the text. Null gives null.
   */
  static String sanitize(String sql, boolean mysql) {
    if (sql == null) return null;
    int n = sql.length();
    StringBuilder out = new StringBuilder(n);
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      int end;
      if (c == '\'') {
        i = endOfQuoted(sql, i, '\'', mysql);
        out.append('?');
      } else if (c == '"') {
        end = endOfQuoted(sql, i, '"', mysql);
        if (mysql) {
          out.append('?'); // a string in MySQL's default mode
        } else {
          out.append(sql, i, end); // a quoted identifier
        }
        i = end;
      } else if (c == '`') {
        end = endOfQuoted(sql, i, '`', false);
        out.append(sql, i, end);
        i = end;
      } else if (startsComment(sql, i, mysql)) {
        i = endOfComment(sql, i);
        while (i < n && Character.isWhitespace(sql.charAt(i))) i++; // a comment and its spaces: one space
        if (i < n && out.length() > 0 && !Character.isWhitespace(out.charAt(out.length() - 1))) out.append(' ');
      } else if (c == '$' && i + 1 < n && isDigit(sql.charAt(i + 1))) { // a positional parameter
        end = i + 1;
        while (end < n && isDigit(sql.charAt(end))) end++;
        out.append(sql, i, end);
        i = end;
      } else if (c == '$' && (end = endOfDollarQuoted(sql, i)) > 0) {
        out.append('?');
        i = end;
      } else if (isDigit(c) || c == '.' && i + 1 < n && isDigit(sql.charAt(i + 1))) {
        i = endOfNumber(sql, i);
        out.append('?');
      } else if (isIdentifierStart(c)) {
        end = i + 1;
        while (end < n && isIdentifierPart(sql.charAt(end))) end++;
        if (end < n && sql.charAt(end) == '\'') { // N'...', X'...', _utf8'...': all one literal
          i = endOfQuoted(sql, end, '\'', mysql);
          out.append('?');
        } else {
          out.append(sql, i, end);
          i = end;
        }
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static boolean startsComment(String sql, int i, boolean mysql) {
    char c = sql.charAt(i);
    char next = i + 1 < sql.length() ? sql.charAt(i + 1) : 0;
    return c == '-' && next == '-' || c == '/' && next == '*' || mysql && c == '#';
  }

  /** Where the comment at {@code i} ends: after its {@code *}{@code /}, or at the end of its line (kept). */
  private static int endOfComment(String sql, int i) {
    int n = sql.length();
    if (sql.charAt(i) == '/') {
      int close = sql.indexOf("*/", i + 2);
      return close < 0 ? n : close + 2;
    }
    int j = i + 1;
    while (j < n && sql.charAt(j) != '\n' && sql.charAt(j) != '\r') j++;
    return j;
  }

  /** After the closing quote of the text quoted at {@code i}; a doubled quote is part of the text. */
  private static int endOfQuoted(String sql, int i, char quote, boolean backslashEscapes) {
    int n = sql.length();
    int j = i + 1;
    while (j < n) {
      char c = sql.charAt(j);
      if (backslashEscapes && c == '\\') {
        j += 2;
      } else if (c == quote) {
        if (j + 1 < n && sql.charAt(j + 1) == quote) {
          j += 2;
        } else {
          return j + 1;
        }
      } else {
        j++;
      }
    }
    return n;
  }

  /** After the closing tag of {@code $tag$...$tag$} at {@code i}; -1 when it is not one. */
  private static int endOfDollarQuoted(String sql, int i) {
    int n = sql.length();
    int j = i + 1;
    if (j < n && isIdentifierStart(sql.charAt(j))) {
      while (j < n && sql.charAt(j) != '$' && isIdentifierPart(sql.charAt(j))) j++;
    }
    if (j >= n || sql.charAt(j) != '$') return -1;
    String tag = sql.substring(i, j + 1);
    int close = sql.indexOf(tag, j + 1);
    return close < 0 ? -1 : close + tag.length();
  }

  private static int endOfNumber(String sql, int i) {
    int n = sql.length();
    int j = i;
    if (sql.charAt(j) == '0' && j + 1 < n && (sql.charAt(j + 1) == 'x' || sql.charAt(j + 1) == 'X')) {
      j += 2;
      while (j < n && Character.digit(sql.charAt(j), 16) >= 0) j++;
      return j;
    }
    while (j < n && (isDigit(sql.charAt(j)) || sql.charAt(j) == '.')) j++;
    if (j < n && (sql.charAt(j) == 'e' || sql.charAt(j) == 'E')) {
      int k = j + 1;
      if (k < n && (sql.charAt(k) == '+' || sql.charAt(k) == '-')) k++;
      if (k < n && isDigit(sql.charAt(k))) {
        j = k;
        while (j < n && isDigit(sql.charAt(j))) j++;
      }
    }
    return j;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isAsciiLetter(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  private static boolean isIdentifierStart(char c) {
    return isAsciiLetter(c) || c == '_' || c > 127 && Character.isLetter(c);
  }

  private static boolean isIdentifierPart(char c) {
    return isIdentifierStart(c) || isDigit(c) || c == '$' || c > 127 && Character.isLetterOrDigit(c);
  }
}
