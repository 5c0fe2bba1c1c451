package io.tracelet.reporter.zipkin;

import io.tracelet.Endpoint;
import io.tracelet.FinishedSpan;
import io.tracelet.SpanKind;
import io.tracelet.internal.InternalAccess;
import io.tracelet.reporter.zipkin.Buffer.Ascii;

/**
 * Zipkin's v2 JSON model (the {@code /api/v2/spans} body), written by hand rather than through a
 * JSON library: this is the product's hot path, and it must make no garbage per span.
 *
 * <p>Leaves out what Zipkin leaves out: a zero parent ID, the INTERNAL kind, an empty name, zero
 * timestamp and duration, empty endpoints, false flags. Not thread-safe (see {@link SpanWriter}).
 */
final class JsonSpanWriter extends SpanWriter {
  private static final Ascii TRACE_ID = Ascii.of("{\"traceId\":\"");
  private static final Ascii PARENT_ID = Ascii.of("\",\"parentId\":\"");
  private static final Ascii ID = Ascii.of("\",\"id\":\"");
  // By ordinal; INTERNAL stays null: Zipkin has no such kind, so it is left out.
  private static final Ascii[] KIND = new Ascii[SpanKind.values().length];
  private static final Ascii NAME = Ascii.of(",\"name\":\"");
  private static final Ascii TIMESTAMP = Ascii.of(",\"timestamp\":");
  private static final Ascii DURATION = Ascii.of(",\"duration\":");
  private static final Ascii LOCAL_ENDPOINT = Ascii.of(",\"localEndpoint\":{");
  private static final Ascii REMOTE_ENDPOINT = Ascii.of(",\"remoteEndpoint\":{");
  // Endpoint fields start with a comma, left out (offset 1) for the first field written.
  private static final Ascii SERVICE_NAME = Ascii.of(",\"serviceName\":\"");
  private static final Ascii IPV4 = Ascii.of(",\"ipv4\":\"");
  private static final Ascii IPV6 = Ascii.of(",\"ipv6\":\"");
  private static final Ascii PORT = Ascii.of(",\"port\":");
  private static final Ascii ANNOTATIONS = Ascii.of(",\"annotations\":[");
  private static final Ascii ANNOTATION_TIMESTAMP = Ascii.of("{\"timestamp\":");
  private static final Ascii ANNOTATION_VALUE = Ascii.of(",\"value\":\"");
  private static final Ascii ANNOTATION_END = Ascii.of("\"}");
  private static final Ascii TAGS = Ascii.of(",\"tags\":{");
  private static final Ascii TAG_KEY = Ascii.of(",\""); // from offset 1 for the first tag
  private static final Ascii TAG_VALUE = Ascii.of("\":\""); // the key's closing quote, then the value's opening one
  private static final Ascii DEBUG = Ascii.of(",\"debug\":true");
  private static final Ascii SHARED = Ascii.of(",\"shared\":true");

  static {
    KIND[SpanKind.CLIENT.ordinal()] = Ascii.of(",\"kind\":\"CLIENT\"");
    KIND[SpanKind.SERVER.ordinal()] = Ascii.of(",\"kind\":\"SERVER\"");
    KIND[SpanKind.PRODUCER.ordinal()] = Ascii.of(",\"kind\":\"PRODUCER\"");
    KIND[SpanKind.CONSUMER.ordinal()] = Ascii.of(",\"kind\":\"CONSUMER\"");
  }

  private final boolean escapeNonAscii;

  /**
   * With {@code escapeNonAscii}, strings are 7-bit ASCII with {@code \\uXXXX} escapes rather than
   * raw UTF-8: Zipkin 3.6's JSON decoder garbles a multi-byte character that straddles an 8 KiB
   * boundary of a message, and an ASCII message has none.
   */
  JsonSpanWriter(boolean escapeNonAscii) {
    this.escapeNonAscii = escapeNonAscii;
  }

  @Override void writeListStart(Buffer out) {
    out.writeByte('[');
  }

  @Override void writeListSeparator(Buffer out) {
    out.writeByte(',');
  }

  @Override void writeListEnd(Buffer out) {
    out.writeByte(']');
  }

  @Override void write(FinishedSpan span, Buffer out) {
    out.writeAscii(TRACE_ID, 0);
    if (span.traceIdHigh() != 0L) out.writeHex(span.traceIdHigh());
    out.writeHex(span.traceId());
    long parentId = span.parentId();
    if (parentId != 0L) {
      out.writeAscii(PARENT_ID, 0);
      out.writeHex(parentId);
    }
    out.writeAscii(ID, 0);
    out.writeHex(span.spanId());
    out.writeByte('"');
    Ascii kind = KIND[span.kind().ordinal()];
    if (kind != null) out.writeAscii(kind, 0);
    String name = span.name();
    if (!name.isEmpty()) out.writeJsonField(NAME, 0, name, escapeNonAscii);
    long timestamp = span.startTimestamp();
    if (timestamp > 0L) {
      out.writeAscii(TIMESTAMP, 0);
      out.writeDecimal(timestamp);
    }
    long duration = span.duration();
    if (duration > 0L) {
      out.writeAscii(DURATION, 0);
      out.writeDecimal(duration);
    }
    writeLocalEndpoint(span.localEndpoint(), out);
    writeEndpoint(span.remoteEndpoint(), false, out);
    if (span.eventCount() > 0) writeAnnotations(span, out);
    if (span.tagCount() > 0) writeTags(span, out);
    if (span.debug()) out.writeAscii(DEBUG, 0);
    if (span.shared()) out.writeAscii(SHARED, 0);
    out.writeByte('}');
  }

  // Annotations and tags are methods of their own, which the JIT compiles on their own when the
  // span's method has used up its inlining budget, rather than leaving each of their calls a call.
  private void writeAnnotations(FinishedSpan span, Buffer out) {
    out.writeAscii(ANNOTATIONS, 0);
    for (int i = 0, count = span.eventCount(); i < count; i++) {
      if (i > 0) out.writeByte(',');
      out.writeAscii(ANNOTATION_TIMESTAMP, 0);
      out.writeDecimal(Math.max(0L, span.eventTimestamp(i)));
      out.writeAscii(ANNOTATION_VALUE, 0);
      writeRepeated(span.eventName(i), out);
      out.writeAscii(ANNOTATION_END, 0);
    }
    out.writeByte(']');
  }

  private void writeTags(FinishedSpan span, Buffer out) {
    out.writeAscii(TAGS, 0);
    for (int i = 0, count = span.tagCount(); i < count; i++) {
      out.writeAscii(TAG_KEY, i == 0 ? 1 : 0);
      writeRepeated(span.tagKey(i), out);
      out.writeJsonField(TAG_VALUE, 0, span.tagValue(i), escapeNonAscii);
    }
    out.writeByte('}');
  }

  @Override void writeEndpoint(Endpoint endpoint, boolean local, Buffer out) {
    if (!present(endpoint)) return;
    out.writeAscii(local ? LOCAL_ENDPOINT : REMOTE_ENDPOINT, 0);
    String serviceName = endpoint.serviceName();
    boolean empty = serviceName == null;
    if (!empty) {
      out.writeAscii(SERVICE_NAME, 1);
      writeRepeated(serviceName, out);
      out.writeByte('"');
    }
    if (endpoint.ipv4() != null) {
      out.writeAscii(IPV4, empty ? 1 : 0);
      out.writeDottedQuad(InternalAccess.ipv4AsInt(endpoint));
      out.writeByte('"');
      empty = false;
    }
    empty = writeStringField(IPV6, endpoint.ipv6(), empty, out);
    int port = endpoint.port();
    if (port != 0) {
      out.writeAscii(PORT, empty ? 1 : 0);
      out.writeDecimal(port);
    }
    out.writeByte('}');
  }

  @Override void writeCacheable(String s, Buffer out) {
    out.writeJsonString(s, escapeNonAscii);
  }

  /** Writes {@code "key":"value"}, after a comma unless the object is still empty; nothing for null. */
  private boolean writeStringField(Ascii key, String value, boolean empty, Buffer out) {
    if (value == null) return empty;
    out.writeJsonField(key, empty ? 1 : 0, value, escapeNonAscii);
    return false;
  }
}
