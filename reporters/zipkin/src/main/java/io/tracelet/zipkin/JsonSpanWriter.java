package io.tracelet.zipkin;

import io.tracelet.Endpoint;
import io.tracelet.FinishedSpan;
import io.tracelet.SpanKind;
import java.nio.charset.StandardCharsets;

/**
 * Zipkin's v2 JSON model (the {@code /api/v2/spans} body), written by hand rather than through a
 * JSON library: this is the product's hot path, and it must make no garbage per span.
 *
 * <p>Leaves out what Zipkin leaves out: a zero parent ID, the INTERNAL kind, an empty name, zero
 * timestamp and duration, empty endpoints, false flags. Not thread-safe (see {@link SpanWriter}).
 */
final class JsonSpanWriter extends SpanWriter {
  private static final byte[] TRACE_ID = ascii("{\"traceId\":\"");
  private static final byte[] PARENT_ID = ascii("\",\"parentId\":\"");
  private static final byte[] ID = ascii("\",\"id\":\"");
  // By ordinal; INTERNAL stays null: Zipkin has no such kind, so it is left out.
  private static final byte[][] KIND = new byte[SpanKind.values().length][];
  private static final byte[] NAME = ascii(",\"name\":\"");
  private static final byte[] TIMESTAMP = ascii(",\"timestamp\":");
  private static final byte[] DURATION = ascii(",\"duration\":");
  private static final byte[] LOCAL_ENDPOINT = ascii(",\"localEndpoint\":{");
  private static final byte[] REMOTE_ENDPOINT = ascii(",\"remoteEndpoint\":{");
  // Endpoint fields start with a comma, left out (offset 1) for the first field written.
  private static final byte[] SERVICE_NAME = ascii(",\"serviceName\":\"");
  private static final byte[] IPV4 = ascii(",\"ipv4\":\"");
  private static final byte[] IPV6 = ascii(",\"ipv6\":\"");
  private static final byte[] PORT = ascii(",\"port\":");
  private static final byte[] ANNOTATIONS = ascii(",\"annotations\":[");
  private static final byte[] ANNOTATION_TIMESTAMP = ascii("{\"timestamp\":");
  private static final byte[] ANNOTATION_VALUE = ascii(",\"value\":\"");
  private static final byte[] ANNOTATION_END = ascii("\"}");
  private static final byte[] TAGS = ascii(",\"tags\":{");
  private static final byte[] TAG_KEY = ascii(",\""); // from offset 1 for the first tag
  private static final byte[] TAG_VALUE = ascii("\":\""); // the key's closing quote, then the value's opening one
  private static final byte[] DEBUG = ascii(",\"debug\":true");
  private static final byte[] SHARED = ascii(",\"shared\":true");

  static {
    KIND[SpanKind.CLIENT.ordinal()] = ascii(",\"kind\":\"CLIENT\"");
    KIND[SpanKind.SERVER.ordinal()] = ascii(",\"kind\":\"SERVER\"");
    KIND[SpanKind.PRODUCER.ordinal()] = ascii(",\"kind\":\"PRODUCER\"");
    KIND[SpanKind.CONSUMER.ordinal()] = ascii(",\"kind\":\"CONSUMER\"");
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
    out.writeBytes(TRACE_ID);
    if (span.traceIdHigh() != 0L) out.writeHex(span.traceIdHigh());
    out.writeHex(span.traceId());
    long parentId = span.parentId();
    if (parentId != 0L) {
      out.writeBytes(PARENT_ID);
      out.writeHex(parentId);
    }
    out.writeBytes(ID);
    out.writeHex(span.spanId());
    out.writeByte('"');
    byte[] kind = KIND[span.kind().ordinal()];
    if (kind != null) out.writeBytes(kind);
    String name = span.name();
    if (!name.isEmpty()) out.writeJsonField(NAME, 0, name, escapeNonAscii);
    long timestamp = span.startTimestamp();
    if (timestamp > 0L) {
      out.writeBytes(TIMESTAMP);
      out.writeDecimal(timestamp);
    }
    long duration = span.duration();
    if (duration > 0L) {
      out.writeBytes(DURATION);
      out.writeDecimal(duration);
    }
    writeLocalEndpoint(span.localEndpoint(), out);
    writeEndpoint(span.remoteEndpoint(), false, out);
    int eventCount = span.eventCount();
    if (eventCount > 0) {
      out.writeBytes(ANNOTATIONS);
      for (int i = 0; i < eventCount; i++) {
        if (i > 0) out.writeByte(',');
        out.writeBytes(ANNOTATION_TIMESTAMP);
        out.writeDecimal(Math.max(0L, span.eventTimestamp(i)));
        out.writeBytes(ANNOTATION_VALUE);
        writeRepeated(span.eventName(i), out);
        out.writeBytes(ANNOTATION_END);
      }
      out.writeByte(']');
    }
    int tagCount = span.tagCount();
    if (tagCount > 0) {
      out.writeBytes(TAGS);
      for (int i = 0; i < tagCount; i++) {
        out.writeBytes(TAG_KEY, i == 0 ? 1 : 0, i == 0 ? 1 : 2);
        writeRepeated(span.tagKey(i), out);
        out.writeJsonField(TAG_VALUE, 0, span.tagValue(i), escapeNonAscii);
      }
      out.writeByte('}');
    }
    if (span.debug()) out.writeBytes(DEBUG);
    if (span.shared()) out.writeBytes(SHARED);
    out.writeByte('}');
  }

  @Override void writeEndpoint(Endpoint endpoint, boolean local, Buffer out) {
    if (!present(endpoint)) return;
    out.writeBytes(local ? LOCAL_ENDPOINT : REMOTE_ENDPOINT);
    String serviceName = endpoint.serviceName();
    boolean empty = serviceName == null;
    if (!empty) {
      out.writeBytes(SERVICE_NAME, 1, SERVICE_NAME.length - 1);
      writeRepeated(serviceName, out);
      out.writeByte('"');
    }
    empty = writeStringField(IPV4, endpoint.ipv4(), empty, out);
    empty = writeStringField(IPV6, endpoint.ipv6(), empty, out);
    int port = endpoint.port();
    if (port != 0) {
      out.writeBytes(PORT, empty ? 1 : 0, empty ? PORT.length - 1 : PORT.length);
      out.writeDecimal(port);
    }
    out.writeByte('}');
  }

  @Override void writeCacheable(String s, Buffer out) {
    out.writeJsonString(s, escapeNonAscii);
  }

  /** Writes {@code "key":"value"}, after a comma unless the object is still empty; nothing for null. */
  private boolean writeStringField(byte[] key, String value, boolean empty, Buffer out) {
    if (value == null) return empty;
    out.writeJsonField(key, empty ? 1 : 0, value, escapeNonAscii);
    return false;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
