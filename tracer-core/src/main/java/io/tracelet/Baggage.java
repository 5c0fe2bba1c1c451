package io.tracelet;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named values that travel with a trace to child spans, across threads, and (through a propagator
 * such as W3C {@code baggage}) across processes.
 *
 * <p>Immutable and thread-safe: {@link #with} returns a new instance. Each entry has a name, a
 * value and optional metadata (W3C's properties, kept verbatim). Order of insertion is kept.
 *
 * <p>Limits, so that baggage from the network cannot grow without bound: at most
 * {@value #MAX_ENTRIES} entries and {@value #MAX_CHARS} characters over all names, values and
 * metadata. {@link #with} returns this baggage unchanged when an addition would break either.
 */
public final class Baggage {
  /** The most entries a baggage holds. */
  public static final int MAX_ENTRIES = 64;
  /** The most characters (names + values + metadata) a baggage holds. */
  public static final int MAX_CHARS = 8192;

  private static final Baggage EMPTY = new Baggage(new String[0], 0);

  // name0, value0, metadata0, name1, ...: one flat array, copied on write.
  private final String[] entries;
  private final int chars;

  private Baggage(String[] entries, int chars) {
    this.entries = entries;
    this.chars = chars;
  }

  /** The baggage with no entries. */
  public static Baggage empty() {
    return EMPTY;
  }

  /** How many entries there are. */
  public int size() {
    return entries.length / 3;
  }

  public boolean isEmpty() {
    return entries.length == 0;
  }

  /** The name of entry {@code i}, in insertion order. */
  public String name(int i) {
    return entries[i * 3];
  }

  /** The value of entry {@code i}. */
  public String value(int i) {
    return entries[i * 3 + 1];
  }

  /** The metadata of entry {@code i} (W3C properties, such as {@code propKey=propValue}), or null. */
  public String metadata(int i) {
    return entries[i * 3 + 2];
  }

  /** The value for {@code name}, or null. */
  public String get(String name) {
    int i = indexOf(name);
    return i < 0 ? null : entries[i + 1];
  }

  /** This baggage with {@code name} set to {@code value} (replacing any earlier value). */
  public Baggage with(String name, String value) {
    return with(name, value, null);
  }

  /**
   * This baggage with {@code name} set to {@code value} and {@code metadata}. Returns this baggage
   * unchanged when the name is null or empty, the value is null, or a limit would be exceeded.
   */
  public Baggage with(String name, String value, String metadata) {
    if (name == null || name.isEmpty() || value == null) return this;
    int i = indexOf(name);
    int added = name.length() + value.length() + (metadata == null ? 0 : metadata.length());
    String[] copy;
    int newChars;
    if (i >= 0) {
      newChars = chars - charsAt(i) + added;
      if (newChars > MAX_CHARS) return this;
      copy = entries.clone();
    } else {
      newChars = chars + added;
      if (size() >= MAX_ENTRIES || newChars > MAX_CHARS) return this;
      copy = Arrays.copyOf(entries, entries.length + 3);
      i = entries.length;
    }
    copy[i] = name;
    copy[i + 1] = value;
    copy[i + 2] = metadata;
    return new Baggage(copy, newChars);
  }

  /** This baggage without {@code name}. */
  public Baggage without(String name) {
    int i = indexOf(name);
    if (i < 0) return this;
    if (entries.length == 3) return EMPTY;
    String[] copy = new String[entries.length - 3];
    System.arraycopy(entries, 0, copy, 0, i);
    System.arraycopy(entries, i + 3, copy, i, entries.length - i - 3);
    return new Baggage(copy, chars - charsAt(i));
  }

  /** The entries as a new name-to-value map, in insertion order. */
  public Map<String, String> asMap() {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < entries.length; i += 3) map.put(entries[i], entries[i + 1]);
    return map;
  }

  private int indexOf(String name) {
    for (int i = 0; i < entries.length; i += 3) {
      if (entries[i].equals(name)) return i;
    }
    return -1;
  }

  private int charsAt(int i) {
    String metadata = entries[i + 2];
    return entries[i].length() + entries[i + 1].length() + (metadata == null ? 0 : metadata.length());
  }

  @Override public boolean equals(Object o) {
    return o == this || (o instanceof Baggage && Arrays.equals(entries, ((Baggage) o).entries));
  }

  @Override public int hashCode() {
    return Arrays.hashCode(entries);
  }

  @Override public String toString() {
    return "Baggage" + asMap();
  }
}
