package io.tracelet.zipkin;

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
 */
abstract class SpanWriter {
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

  /** True when there is something of the endpoint to write. */
  static boolean present(Endpoint endpoint) {
    return endpoint != null && !endpoint.isEmpty();
  }
}
