package io.tracelet.propagation;

import io.tracelet.Propagator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * HTTP request headers for tests: names case-insensitive, a repeated header joined with commas
 * when read, as HTTP says and as {@link Propagator.Getter} expects.
 */
final class Headers {
  static final Propagator.Getter<Headers> GETTER = Headers::get;
  static final Propagator.Setter<Headers> SETTER = Headers::set;

  private final Map<String, List<String>> values = new LinkedHashMap<>();

  static Headers of(String... namesAndValues) {
    Headers headers = new Headers();
    for (int i = 0; i < namesAndValues.length; i += 2) headers.add(namesAndValues[i], namesAndValues[i + 1]);
    return headers;
  }

  Headers add(String name, String value) {
    values.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(value);
    return this;
  }

  void set(String name, String value) {
    List<String> list = new ArrayList<>();
    list.add(value);
    values.put(name.toLowerCase(Locale.ROOT), list);
  }

  String get(String name) {
    List<String> list = values.get(name.toLowerCase(Locale.ROOT));
    return list == null ? null : String.join(",", list);
  }

  /** The header's values as sent, one per field line. */
  List<String> all(String name) {
    return values.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
  }

  /** Lowercase names of every header present. */
  Set<String> names() {
    return values.keySet();
  }

  @Override public String toString() {
    return values.toString();
  }
}
