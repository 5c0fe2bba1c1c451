package io.tracelet.micrometer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the samples of a Prometheus text or OpenMetrics exposition, exemplars included, for tests:
 * {@code name{label="value",...} value [# {label="value",...} value [timestamp]]}, label values
 * unescaped ({@code \\}, {@code \"}, {@code \n}). Comment lines ({@code # TYPE}, {@code # HELP},
 * {@code # EOF}) are skipped. Fails on anything else, so a malformed exposition fails the test.
 */
final class Exposition {
  /** One sample line; {@code exemplar} is null when the line has none. */
  record Sample(String name, Map<String, String> labels, double value, Exemplar exemplar) {
  }

  /** An exemplar: its labels ({@code trace_id}, {@code span_id}) and value. */
  record Exemplar(Map<String, String> labels, double value) {
  }

  private final String line;
  private int at;

  private Exposition(String line) {
    this.line = line;
  }

  static List<Sample> parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty() || line.startsWith("# ")) continue;
      samples.add(new Exposition(line).sample());
    }
    return samples;
  }

  /** The samples named {@code name}. */
  static List<Sample> named(List<Sample> samples, String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  private Sample sample() {
    int nameEnd = at;
    while (nameEnd < line.length() && line.charAt(nameEnd) != '{' && line.charAt(nameEnd) != ' ') nameEnd++;
    String name = line.substring(at, nameEnd);
    at = nameEnd;
    Map<String, String> labels = line.charAt(at) == '{' ? labels() : Map.of();
    expect(' ');
    double value = number();
    Exemplar exemplar = null;
    if (at < line.length()) {
      expect(' ');
      expect('#');
      expect(' ');
      Map<String, String> exemplarLabels = labels();
      expect(' ');
      exemplar = new Exemplar(exemplarLabels, number());
      if (at < line.length()) {
        expect(' ');
        number(); // timestamp
      }
    }
    if (at != line.length()) throw error("text after the sample");
    return new Sample(name, labels, value, exemplar);
  }

  private Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    expect('{');
    while (line.charAt(at) != '}') {
      int eq = line.indexOf('=', at);
      if (eq < 0) throw error("a label without =");
      String key = line.substring(at, eq);
      at = eq + 1;
      expect('"');
      StringBuilder value = new StringBuilder();
      while (line.charAt(at) != '"') {
        char c = line.charAt(at++);
        if (c == '\\') {
          char e = line.charAt(at++);
          value.append(e == 'n' ? '\n' : e);
        } else {
          value.append(c);
        }
      }
      at++; // "
      if (labels.put(key, value.toString()) != null) throw error("label " + key + " twice");
      if (line.charAt(at) == ',') at++;
    }
    at++; // }
    return labels;
  }

  private double number() {
    int end = line.indexOf(' ', at);
    if (end < 0) end = line.length();
    String token = line.substring(at, end);
    at = end;
    return switch (token) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(token);
    };
  }

  private void expect(char c) {
    if (at >= line.length() || line.charAt(at) != c) throw error("'" + c + "' expected");
    at++;
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("not an exposition line: " + what + " at " + at + ": " + line);
  }
}
