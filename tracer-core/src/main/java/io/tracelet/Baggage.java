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

  /** A builder, for adding many entries without a copy per entry (as a propagator does). */
  public static Builder newBuilder() {
    return new Builder(EMPTY.entries, 0, 0);
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
    Builder builder = new Builder(entries, entries.length, chars);
    return builder.add(name, value, metadata) ? builder.build() : this;
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
    return indexOf(entries, entries.length, name);
  }

  private static int indexOf(String[] entries, int length, String name) {
    for (int i = 0; i < length; i += 3) {
      if (entries[i].equals(name)) return i;
    }
    return -1;
  }

  private int charsAt(int i) {
    return charsAt(entries, i);
  }

  private static int charsAt(String[] entries, int i) {
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

  /**
   * Collects entries under the same rules and limits as {@link Baggage#with}, copying the entries
   * once at {@link #build()}. Not thread-safe.
   */
  public static final class Builder {
    private String[] entries; // shared with the source baggage until the first write
    private int length;
    private int chars;
    private boolean copied;

    Builder(String[] entries, int length, int chars) {
      this.entries = entries;
      this.length = length;
      this.chars = chars;
    }

    /**
     * Sets {@code name} to {@code value} and {@code metadata} (replacing an earlier value of the
     * name). Returns false, changing nothing, when the name is null or empty, the value is null,
     * or a limit would be exceeded.
     */
    public boolean add(String name, String value, String metadata) {
      if (name == null || name.isEmpty() || value == null) return false;
      int i = indexOf(entries, length, name);
      int added = name.length() + value.length() + (metadata == null ? 0 : metadata.length());
      int newChars = i >= 0 ? chars - charsAt(entries, i) + added : chars + added;
      if (newChars > MAX_CHARS || (i < 0 && length / 3 >= MAX_ENTRIES)) return false;
      if (i < 0) {
        i = length;
        length += 3;
      }
      if (!copied || length > entries.length) {
        entries = Arrays.copyOf(entries, Math.max(length, copied ? entries.length * 2 : length));
        copied = true;
      }
      entries[i] = name;
      entries[i + 1] = value;
      entries[i + 2] = metadata;
      chars = newChars;
      return true;
    }

    /** The baggage; the builder may go on being used. */
    public Baggage build() {
      if (length == 0) return EMPTY;
      if (copied && entries.length == length) {
        copied = false; // hand the array over: a later add copies it first
        return new Baggage(entries, chars);
      }
      return new Baggage(Arrays.copyOf(entries, length), chars);
    }
  }
}
