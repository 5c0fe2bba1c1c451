package io.tracelet.reporter.zipkin;

import io.tracelet.Endpoint;
import io.tracelet.FinishedSpan;
import java.util.Arrays;

/**
 * Writes finished spans in one of Zipkin's v2 wire formats into a {@link Buffer}: the list framing
 * and the spans.
 *
 * <p>Remembers the last local endpoint it wrote, with its bytes: every span of one Tracing shares
 * that immutable object, so its service name and addresses are encoded once rather than once per
 * span. Not thread-safe.
 *
 * <p>Also keeps the encoded bytes of the short strings that recur by identity from span to span
 * (tag keys, event names, remote service names: usually constants), in a bounded two-way cache
 * keyed by {@link System#identityHashCode} and compared by reference, so that a string is encoded
 * once rather than once per span. Strings are immutable, so a hit is always right; a string that
 * is equal but not the same object merely misses.
 */
abstract class SpanWriter {
  // 128 sets of 2 entries, each up to 64 bytes: 16 KiB in one array, never reallocated.
  private static final int ENTRIES = 256;
  static final int ENTRY_BYTES = Buffer.SHORT_BYTES;
  private final String[] repeated = new String[ENTRIES];
  private final byte[] repeatedLengths = new byte[ENTRIES];
  private final byte[] repeatedBytes = new byte[ENTRIES * ENTRY_BYTES];
  private Endpoint cachedLocal;
  private byte[] cachedLocalBytes;

  /** Writes what opens a list of spans (JSON's bracket); nothing for proto3. */
  abstract void writeListStart(Buffer out);

  /** Writes what goes between two spans of a list (JSON's comma); nothing for proto3. */
  abstract void writeListSeparator(Buffer out);

  /** Writes what closes a list of spans; nothing for proto3. */
  abstract void writeListEnd(Buffer out);

  /** Writes one span: a JSON object, or a proto3 ListOfSpans element (field 1, length-prefixed). */
  abstract void write(FinishedSpan span, Buffer out);

  /** Writes the local or the remote endpoint field, name or tag included; nothing when empty. */
  abstract void writeEndpoint(Endpoint endpoint, boolean local, Buffer out);

  /** Writes the local endpoint field, copying the bytes of last time when it is the same object. */
  final void writeLocalEndpoint(Endpoint endpoint, Buffer out) {
    if (endpoint == cachedLocal) {
      out.writeBytes(cachedLocalBytes);
      return;
    }
    int start = out.size;
    writeEndpoint(endpoint, true, out);
    cachedLocalBytes = Arrays.copyOfRange(out.array, start, out.size);
    cachedLocal = endpoint;
  }

  /**
   * Writes the format's encoding of {@code s} that {@link #writeRepeated} caches: JSON's escaped
   * string without quotes, proto3's length and UTF-8 bytes.
   */
  abstract void writeCacheable(String s, Buffer out);

  /**
   * Writes {@code s} as {@link #writeCacheable} does, copying the bytes of an earlier call with the
   * same object when the cache still has them, and otherwise encoding it and keeping the bytes if
   * they fit an entry. For strings likely to recur by identity; others only cost a miss.
   */
  final void writeRepeated(String s, Buffer out) {
    int entry = System.identityHashCode(s) & (ENTRIES - 2); // the first of its set's two entries
    if (repeated[entry] != s && repeated[++entry] != s) {
      int start = out.size;
      writeCacheable(s, out);
      int length = out.size - start;
      if (length <= ENTRY_BYTES) {
        // The set's first entry is the most recent miss; the one it held moves to the second.
        entry--;
        repeated[entry + 1] = repeated[entry];
        repeatedLengths[entry + 1] = repeatedLengths[entry];
        System.arraycopy(repeatedBytes, entry * ENTRY_BYTES, repeatedBytes, (entry + 1) * ENTRY_BYTES, ENTRY_BYTES);
        repeated[entry] = s;
        repeatedLengths[entry] = (byte) length;
        System.arraycopy(out.array, start, repeatedBytes, entry * ENTRY_BYTES, length);
      }
      return;
    }
    out.writeShortBytes(repeatedBytes, entry * ENTRY_BYTES, repeatedLengths[entry] & 0xff);
  }

  /** True when there is something of the endpoint to write. */
  static boolean present(Endpoint endpoint) {
    return endpoint != null && !endpoint.isEmpty();
  }
}
