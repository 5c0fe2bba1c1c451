package io.tracelet.examples;

import java.util.ArrayList;
import java.util.List;

/**
 * The body the W3C harness posts: a JSON array of {@code {"url": ..., "arguments": ...}}. Read by
 * hand to keep the example free of dependencies: a complete JSON syntax check, keeping each
 * {@code url} decoded and each {@code arguments} as its JSON text, to be posted on as it came.
 */
final class CallbackList {
  /** One callback: where to post, and the JSON to post there. */
  record Callback(String url, String arguments) {
  }

  private final String json;
  private int pos;

  private CallbackList(String json) {
    this.json = json;
  }

  /**
   * The callbacks in {@code json}, in order.
   *
   * @throws IllegalArgumentException when it is not JSON, not an array of objects, or an object
   *     lacks a string {@code url}
   */
  static List<Callback> parse(String json) {
    CallbackList reader = new CallbackList(json);
    List<Callback> result = reader.array();
    reader.skipWhitespace();
    if (reader.pos != json.length()) throw reader.error("text after the array");
    return result;
  }

  private List<Callback> array() {
    expect('[');
    List<Callback> result = new ArrayList<>();
    if (peek() == ']') {
      pos++;
      return result;
    }
    do {
      result.add(callback());
    } while (next(',', ']'));
    return result;
  }

  private Callback callback() {
    expect('{');
    String url = null;
    String arguments = "[]";
    if (peek() == '}') {
      pos++;
    } else {
      do {
        String name = string();
        expect(':');
        skipWhitespace();
        int start = pos;
        if (name.equals("url") && peek() == '"') {
          url = string();
        } else {
          value();
          if (name.equals("arguments")) arguments = json.substring(start, pos);
        }
      } while (next(',', '}'));
    }
    if (url == null) throw error("a callback without a url");
    return new Callback(url, arguments);
  }

  /** Skips any JSON value. */
  private void value() {
    char c = peek();
    if (c == '"') {
      string();
    } else if (c == '{') {
      pos++;
      if (peek() == '}') {
        pos++;
        return;
      }
      do {
        string();
        expect(':');
        value();
      } while (next(',', '}'));
    } else if (c == '[') {
      pos++;
      if (peek() == ']') {
        pos++;
        return;
      }
      do {
        value();
      } while (next(',', ']'));
    } else if (json.startsWith("true", pos) || json.startsWith("null", pos)) {
      pos += 4;
    } else if (json.startsWith("false", pos)) {
      pos += 5;
    } else {
      number();
    }
  }

  private void number() {
    int start = pos;
    if (pos < json.length() && json.charAt(pos) == '-') pos++;
    if (pos < json.length() && json.charAt(pos) == '0') {
      pos++;
    } else if (digits() == 0) {
      throw error("a value");
    }
    if (pos < json.length() && json.charAt(pos) == '.') {
      pos++;
      if (digits() == 0) throw error("digits after '.'");
    }
    if (pos < json.length() && (json.charAt(pos) == 'e' || json.charAt(pos) == 'E')) {
      pos++;
      if (pos < json.length() && (json.charAt(pos) == '+' || json.charAt(pos) == '-')) pos++;
      if (digits() == 0) throw error("an exponent");
    }
    if (pos == start) throw error("a value");
  }

  private int digits() {
    int start = pos;
    while (pos < json.length() && json.charAt(pos) >= '0' && json.charAt(pos) <= '9') pos++;
    return pos - start;
  }

  private String string() {
    expect('"');
    StringBuilder result = new StringBuilder();
    while (true) {
      if (pos >= json.length()) throw error("the end of a string");
      char c = json.charAt(pos++);
      if (c == '"') return result.toString();
      if (c < 0x20) throw error("no control character in a string");
      if (c != '\\') {
        result.append(c);
        continue;
      }
      if (pos >= json.length()) throw error("an escape");
      char e = json.charAt(pos++);
      switch (e) {
        case '"', '\\', '/' -> result.append(e);
        case 'b' -> result.append('\b');
        case 'f' -> result.append('\f');
        case 'n' -> result.append('\n');
        case 'r' -> result.append('\r');
        case 't' -> result.append('\t');
        case 'u' -> {
          if (pos + 4 > json.length()) throw error("four hex digits");
          int code = 0;
          for (int i = 0; i < 4; i++) {
            int digit = Character.digit(json.charAt(pos++), 16);
            if (digit < 0) throw error("four hex digits");
            code = code << 4 | digit;
          }
          result.append((char) code);
        }
        default -> throw error("a valid escape");
      }
    }
  }

  /** Consumes {@code more} (true) or {@code end} (false) after whitespace. */
  private boolean next(char more, char end) {
    char c = peek();
    pos++;
    if (c == more) return true;
    if (c == end) return false;
    throw error("'" + more + "' or '" + end + "'");
  }

  private void expect(char c) {
    if (peek() != c) throw error("'" + c + "'");
    pos++;
  }

  /** The next character after whitespace, or 0 at the end. */
  private char peek() {
    skipWhitespace();
    return pos < json.length() ? json.charAt(pos) : 0;
  }

  private void skipWhitespace() {
    while (pos < json.length() && " \t\r\n".indexOf(json.charAt(pos)) >= 0) pos++;
  }

  private IllegalArgumentException error(String expected) {
    return new IllegalArgumentException("expected " + expected + " at " + pos);
  }
}
