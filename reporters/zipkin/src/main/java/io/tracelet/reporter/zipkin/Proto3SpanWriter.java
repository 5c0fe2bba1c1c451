package io.tracelet.reporter.zipkin;

import io.tracelet.Endpoint;
import io.tracelet.FinishedSpan;
import io.tracelet.SpanKind;
import io.tracelet.internal.InternalAccess;
import java.util.Arrays;

/**
 * Zipkin's proto3 model ({@code zipkin.proto}: a {@code ListOfSpans} is field 1 repeated), written
 * by hand rather than through protobuf-java: this is the product's hot path, it must make no
 * garbage per span, and the library takes no protobuf dependency.
 *
 * <p>Proto3 leaves out default values, and so does this writer; Zipkin's decoder therefore drops
 * an annotation with an empty value or a zero timestamp and a tag with an empty key, which JSON
 * keeps. Not thread-safe (see {@link SpanWriter}).
 */
final class Proto3SpanWriter extends SpanWriter {
  // Field keys: field number << 3 | wire type (0 varint, 1 fixed64, 2 length-delimited).
  private static final int LIST_OF_SPANS_SPAN = 1 << 3 | 2;
  private static final int TRACE_ID = 1 << 3 | 2;
  private static final int PARENT_ID = 2 << 3 | 2;
  private static final int ID = 3 << 3 | 2;
  private static final int KIND = 4 << 3;
  private static final int NAME = 5 << 3 | 2;
  private static final int TIMESTAMP = 6 << 3 | 1;
  private static final int DURATION = 7 << 3;
  private static final int LOCAL_ENDPOINT = 8 << 3 | 2;
  private static final int REMOTE_ENDPOINT = 9 << 3 | 2;
  private static final int ANNOTATION = 10 << 3 | 2;
  private static final int TAG = 11 << 3 | 2;
  private static final int DEBUG = 12 << 3;
  private static final int SHARED = 13 << 3;
  private static final int ENDPOINT_SERVICE_NAME = 1 << 3 | 2;
  private static final int ENDPOINT_IPV4 = 2 << 3 | 2;
  private static final int ENDPOINT_IPV6 = 3 << 3 | 2;
  private static final int ENDPOINT_PORT = 4 << 3;
  private static final int ANNOTATION_TIMESTAMP = 1 << 3 | 1;
  private static final int ANNOTATION_VALUE = 2 << 3 | 2;
  private static final int ENTRY_KEY = 1 << 3 | 2;
  private static final int ENTRY_VALUE = 2 << 3 | 2;
  // zipkin.proto's Span.Kind numbers, by SpanKind ordinal; INTERNAL is 0, left out.
  private static final int[] KIND_NUMBER = new int[SpanKind.values().length];

  static {
    KIND_NUMBER[SpanKind.CLIENT.ordinal()] = 1;
    KIND_NUMBER[SpanKind.SERVER.ordinal()] = 2;
    KIND_NUMBER[SpanKind.PRODUCER.ordinal()] = 3;
    KIND_NUMBER[SpanKind.CONSUMER.ordinal()] = 4;
  }

  private final int[] ipv6Groups = new int[8];

  @Override void writeListStart(Buffer out) {
  }

  @Override void writeListSeparator(Buffer out) {
  }

  @Override void writeListEnd(Buffer out) {
  }

  @Override void write(FinishedSpan span, Buffer out) {
    out.writeByte(LIST_OF_SPANS_SPAN);
    int spanLength = out.beginLengthPrefix();
    long traceIdHigh = span.traceIdHigh();
    out.writeByte(TRACE_ID);
    out.writeByte(traceIdHigh != 0L ? 16 : 8);
    if (traceIdHigh != 0L) out.writeLongBigEndian(traceIdHigh);
    out.writeLongBigEndian(span.traceId());
    long parentId = span.parentId();
    if (parentId != 0L) {
      out.writeByte(PARENT_ID);
      out.writeByte(8);
      out.writeLongBigEndian(parentId);
    }
    out.writeByte(ID);
    out.writeByte(8);
    out.writeLongBigEndian(span.spanId());
    int kind = KIND_NUMBER[span.kind().ordinal()];
    if (kind != 0) {
      out.writeByte(KIND);
      out.writeByte(kind);
    }
    writeString(NAME, span.name(), out);
    long timestamp = span.startTimestamp();
    if (timestamp > 0L) {
      out.writeByte(TIMESTAMP);
      out.writeLongLittleEndian(timestamp);
    }
    long duration = span.duration();
    if (duration > 0L) {
      out.writeByte(DURATION);
      out.writeVarint(duration);
    }
    writeLocalEndpoint(span.localEndpoint(), out);
    writeEndpoint(span.remoteEndpoint(), false, out);
    for (int i = 0, count = span.eventCount(); i < count; i++) {
      out.writeByte(ANNOTATION);
      int length = out.beginLengthPrefix();
      long eventTimestamp = span.eventTimestamp(i);
      if (eventTimestamp > 0L) {
        out.writeByte(ANNOTATION_TIMESTAMP);
        out.writeLongLittleEndian(eventTimestamp);
      }
      writeRepeated(ANNOTATION_VALUE, span.eventName(i), out);
      out.endLengthPrefix(length);
    }
    for (int i = 0, count = span.tagCount(); i < count; i++) {
      out.writeByte(TAG);
      int length = out.beginLengthPrefix();
      writeRepeated(ENTRY_KEY, span.tagKey(i), out);
      writeString(ENTRY_VALUE, span.tagValue(i), out);
      out.endLengthPrefix(length);
    }
    if (span.debug()) {
      out.writeByte(DEBUG);
      out.writeByte(1);
    }
    if (span.shared()) {
      out.writeByte(SHARED);
      out.writeByte(1);
    }
    out.endLengthPrefix(spanLength);
  }

  @Override void writeEndpoint(Endpoint endpoint, boolean local, Buffer out) {
    if (!present(endpoint)) return;
    out.writeByte(local ? LOCAL_ENDPOINT : REMOTE_ENDPOINT);
    int length = out.beginLengthPrefix();
    String serviceName = endpoint.serviceName();
    if (serviceName != null) writeRepeated(ENDPOINT_SERVICE_NAME, serviceName, out);
    if (endpoint.ipv4() != null) writeIpv4(InternalAccess.ipv4AsInt(endpoint), out);
    String ipv6 = endpoint.ipv6();
    if (ipv6 != null) writeIpv6(ipv6, out);
    int port = endpoint.port();
    if (port != 0) {
      out.writeByte(ENDPOINT_PORT);
      out.writeVarint(port);
    }
    out.endLengthPrefix(length);
  }

  /** A length-delimited UTF-8 field; nothing for the empty string, proto3's default. */
  private static void writeString(int key, String value, Buffer out) {
    if (!value.isEmpty()) out.writeUtf8Field(key, value);
  }

  /** As {@link #writeString}, through the cache of strings that recur by identity. */
  private void writeRepeated(int key, String value, Buffer out) {
    if (value.isEmpty()) return;
    out.writeByte(key);
    writeRepeated(value, out);
  }

  @Override void writeCacheable(String s, Buffer out) {
    int at = out.beginLengthPrefix();
    out.writeUtf8(s);
    out.endLengthPrefix(at);
  }

  /** The 4 bytes of an IPv4 address, given as an int in network order. */
  private static void writeIpv4(int ip, Buffer out) {
    out.writeByte(ENDPOINT_IPV4);
    out.writeByte(4);
    for (int shift = 24; shift >= 0; shift -= 8) out.writeByte(ip >>> shift);
  }

  /** The 16 bytes of an IPv6 address; nothing if the text is not one (never, from Endpoint). */
  private void writeIpv6(String ip, Buffer out) {
    if (!parseIpv6(ip, ipv6Groups)) return;
    out.writeByte(ENDPOINT_IPV6);
    out.writeByte(16);
    for (int group : ipv6Groups) {
      out.writeByte(group >>> 8);
      out.writeByte(group);
    }
  }

  /**
   * Reads eight hex groups, allowing one {@code ::} (Endpoint keeps Java's full form, but the
   * shortened form costs little to accept); no zone, no dotted IPv4 tail.
   */
  static boolean parseIpv6(String ip, int[] groups) {
    int gap = ip.indexOf("::");
    if (gap < 0) return parseGroups(ip, 0, ip.length(), groups, 0) == 8;
    int head = gap == 0 ? 0 : parseGroups(ip, 0, gap, groups, 0);
    int tail = gap + 2 == ip.length() ? 0 : parseGroups(ip, gap + 2, ip.length(), groups, Math.max(head, 0));
    if (head < 0 || tail < 0 || head + tail > 7) return false;
    System.arraycopy(groups, head, groups, 8 - tail, tail);
    Arrays.fill(groups, head, 8 - tail, 0);
    return true;
  }

  /** Reads colon-separated groups of 1 to 4 hex digits into {@code groups[at..]}; -1 if malformed. */
  private static int parseGroups(String s, int from, int to, int[] groups, int at) {
    int count = 0;
    int group = 0;
    int digits = 0;
    for (int i = from; i <= to; i++) {
      char c = i < to ? s.charAt(i) : ':';
      if (c == ':') {
        if (digits == 0 || at + count == 8) return -1;
        groups[at + count++] = group;
        group = 0;
        digits = 0;
      } else {
        int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (digit < 0 || ++digits > 4) return -1;
        group = group << 4 | digit;
      }
    }
    return count;
  }
}
