package io.tracelet.reporter.zipkin;

import io.tracelet.FinishedSpan;
import io.tracelet.SpanKind;
import java.net.InetAddress;
import java.net.UnknownHostException;
import zipkin2.Endpoint;
import zipkin2.Span;

/**
 * What Zipkin should read back from the encoding of a finished span: the mapping of Tracelet's
 * model onto {@link zipkin2.Span}, built with Zipkin's own builder so that its normalizations
 * (lowercase names, shared dropped on clients, IPv6 forms) apply to both sides.
 */
final class ZipkinModel {
  enum Format { JSON, PROTO3 }

  static Span expected(FinishedSpan s, Format format) {
    Span.Builder b = Span.newBuilder()
        .traceId(s.traceIdHigh(), s.traceId())
        .parentId(s.parentId())
        .id(s.spanId())
        .kind(s.kind() == SpanKind.INTERNAL ? null : Span.Kind.valueOf(s.kind().name()))
        .name(wellFormed(s.name()))
        .timestamp(s.startTimestamp())
        .duration(s.duration())
        .localEndpoint(endpoint(s.localEndpoint(), format))
        .remoteEndpoint(endpoint(s.remoteEndpoint(), format));
    for (int i = 0; i < s.eventCount(); i++) {
      String value = wellFormed(s.eventName(i));
      long timestamp = Math.max(0L, s.eventTimestamp(i));
      // proto3 cannot tell a zero or empty field from an absent one, and Zipkin skips those
      if (format == Format.PROTO3 && (timestamp == 0L || value.isEmpty())) continue;
      b.addAnnotation(timestamp, value);
    }
    for (int i = 0; i < s.tagCount(); i++) {
      String key = wellFormed(s.tagKey(i));
      if (format == Format.PROTO3 && key.isEmpty()) continue;
      b.putTag(key, wellFormed(s.tagValue(i)));
    }
    if (s.debug()) b.debug(true);
    if (s.shared()) b.shared(true);
    return b.build();
  }

  /**
   * JSON carries addresses as text, proto3 as bytes, and Zipkin reads them differently: from
   * bytes, it takes a deprecated IPv4-compatible IPv6 address ({@code ::a.b.c.d}) for IPv4.
   */
  static Endpoint endpoint(io.tracelet.Endpoint e, Format format) {
    if (e == null || e.isEmpty()) return null;
    Endpoint.Builder b = Endpoint.newBuilder()
        .serviceName(e.serviceName() == null ? null : wellFormed(e.serviceName()))
        .ip(e.ipv4())
        .port(e.port());
    if (e.ipv6() == null || format == Format.JSON) return b.ip(e.ipv6()).build();
    try {
      return b.ip(InetAddress.getByName(e.ipv6())).build(); // a literal: never looked up
    } catch (UnknownHostException ex) {
      throw new AssertionError(ex);
    }
  }

  /** The string with each lone surrogate, which UTF-8 cannot carry, replaced by U+FFFD. */
  static String wellFormed(String s) {
    StringBuilder result = new StringBuilder(s.length());
    s.codePoints().forEach(cp -> result.appendCodePoint(
        cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE ? 0xfffd : cp));
    return result.toString();
  }

  private ZipkinModel() {
  }
}
