package io.tracelet.testing.servers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSON that Prometheus's HTTP API answers into plain Java values: an object is a
 * {@code Map<String, Object>} (in document order), an array a {@code List<Object>}, a string a
 * {@code String}, a number a {@code Double}, {@code true}/{@code false} a {@code Boolean}, and
 * {@code null} null. Enough for answers of a server we run; not a general-purpose parser (no
 * depth limit).
 */
final class Json {
  private final String text;
  private int at;

  private Json(String text) {
    this.text = text;
  }

  /** @throws IllegalArgumentException when {@code text} is not one JSON value */
  static Object parse(String text) {
    Json json = new Json(text);
    Object value = json.value();
    json.skipWhitespace();
    if (json.at != text.length()) throw json.error("text after the value");
    return value;
  }

  private Object value() {
    skipWhitespace();
    if (at >= text.length()) throw error("end of text where a value was expected");
    char c = text.charAt(at);
    switch (c) {
      case '{': return object();
      case '[': return array();
      case '"': return string();
      case 't': return literal("true", Boolean.TRUE);
      case 'f': return literal("false", Boolean.FALSE);
      case 'n': return literal("null", null);
      default: return number();
    }
  }

  private Map<String, Object> object() {
    Map<String, Object> object = new LinkedHashMap<>();
    at++; // {
    skipWhitespace();
    if (peek() == '}') {
      at++;
      return object;
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"') throw error("a name expected");
      String name = string();
      skipWhitespace();
      expect(':');
      object.put(name, value());
      skipWhitespace();
      if (peek() == ',') {
        at++;
      } else {
        expect('}');
        return object;
      }
    }
  }

  private List<Object> array() {
    List<Object> array = new ArrayList<>();
    at++; // [
    skipWhitespace();
    if (peek() == ']') {
      at++;
      return array;
    }
    while (true) {
      array.add(value());
      skipWhitespace();
      if (peek() == ',') {
        at++;
      } else {
        expect(']');
        return array;
      }
    }
  }

  private String string() {
    at++; // "
    StringBuilder s = new StringBuilder();
    while (true) {
      if (at >= text.length()) throw error("unterminated string");
      char c = text.charAt(at++);
      if (c == '"') return s.toString();
      if (c != '\\') {
        s.append(c);
        continue;
      }
      if (at >= text.length()) throw error("unterminated escape");
      char e = text.charAt(at++);
      switch (e) {
        case 'b': s.append('\b'); break;
        case 'f': s.append('\f'); break;
        case 'n': s.append('\n'); break;
        case 'r': s.append('\r'); break;
        case 't': s.append('\t'); break;
        case 'u':
          if (at + 4 > text.length()) throw error("short \\u escape");
          s.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
          at += 4;
          break;
        default: s.append(e); // " \ /
      }
    }
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, at)) throw error("unknown literal");
    at += word.length();
    return value;
  }

  private Double number() {
    int start = at;
    while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) at++;
    if (start == at) throw error("unexpected character '" + text.charAt(at) + "'");
    return Double.valueOf(text.substring(start, at));
  }

  private void expect(char c) {
    if (peek() != c) throw error("'" + c + "' expected");
    at++;
  }

  private char peek() {
    return at < text.length() ? text.charAt(at) : '\0';
  }

  private void skipWhitespace() {
    while (at < text.length() && Character.isWhitespace(text.charAt(at))) at++;
  }

  private IllegalArgumentException error(String what) {
    int from = Math.max(0, at - 40);
    return new IllegalArgumentException("not JSON: " + what + " at " + at + " in ..."
        + text.substring(from, Math.min(text.length(), at + 40)) + "...");
  }
}
