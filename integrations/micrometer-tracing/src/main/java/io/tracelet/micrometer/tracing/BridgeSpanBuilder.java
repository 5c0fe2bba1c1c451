package io.tracelet.micrometer.tracing;

import io.micrometer.tracing.Link;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.tracelet.Endpoint;
import io.tracelet.SpanBuilder;
import io.tracelet.SpanKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer's span builder over Tracelet's. The parent is the current span unless
 * {@link #setParent} or {@link #setNoParent} says otherwise. Events and an error given before the
 * start are recorded at the start; links become tags {@code links[i].traceId},
 * {@code links[i].spanId} and {@code links[i].tags[key]}, as Micrometer's Brave bridge writes them.
 * Not thread-safe.
 */
final class BridgeSpanBuilder implements Span.Builder {
  private final SpanBuilder builder;
  private List<String> events;
  private Throwable error;
  private String remoteServiceName;
  private String remoteIp;
  private int remotePort;
  private int links;

  BridgeSpanBuilder(io.tracelet.Tracer tracer) {
    this.builder = tracer.spanBuilder(null);
  }

  @Override public Span.Builder setParent(TraceContext context) {
    parent(builder, context);
    return this;
  }

  /**
   * Sets {@code context} as the parent of {@code builder}: the span it belongs to when it is a
   * bridge context of a local span (so the child joins that span's clock and local trace), its IDs
   * otherwise. Null starts a new trace.
   */
  static void parent(SpanBuilder builder, TraceContext context) {
    if (context instanceof BridgeContext) {
      BridgeContext c = (BridgeContext) context;
      if (c.span != null && c.delegate.equals(c.span.context())) {
        builder.parent(c.span);
      } else {
        builder.parent(c.delegate);
      }
    } else {
      builder.parent(BridgeContext.unwrap(context));
    }
  }

  /** Extracted contexts: parent or, when nothing was extracted, the default (the current span). */
  Span.Builder parent(io.tracelet.TraceContext extracted) {
    if (extracted != null) builder.parent(extracted);
    return this;
  }

  @Override public Span.Builder setNoParent() {
    builder.noParent();
    return this;
  }

  @Override public Span.Builder name(String name) {
    builder.name(name);
    return this;
  }

  @Override public Span.Builder event(String value) {
    if (value != null) {
      if (events == null) events = new ArrayList<>(2);
      events.add(value);
    }
    return this;
  }

  @Override public Span.Builder tag(String key, String value) {
    builder.tag(key, value);
    return this;
  }

  @Override public Span.Builder error(Throwable throwable) {
    this.error = throwable;
    return this;
  }

  @Override public Span.Builder kind(Span.Kind kind) {
    builder.kind(traceletKind(kind));
    return this;
  }

  static SpanKind traceletKind(Span.Kind kind) {
    if (kind == null) return SpanKind.INTERNAL;
    switch (kind) {
      case SERVER: return SpanKind.SERVER;
      case CLIENT: return SpanKind.CLIENT;
      case PRODUCER: return SpanKind.PRODUCER;
      case CONSUMER: return SpanKind.CONSUMER;
      default: return SpanKind.INTERNAL;
    }
  }

  @Override public Span.Builder remoteServiceName(String remoteServiceName) {
    this.remoteServiceName = remoteServiceName;
    return this;
  }

  @Override public Span.Builder remoteIpAndPort(String ip, int port) {
    this.remoteIp = ip;
    this.remotePort = port;
    return this;
  }

  @Override public Span.Builder startTimestamp(long startTimestamp, TimeUnit unit) {
    if (unit != null) builder.startTimestamp(unit.toMicros(startTimestamp));
    return this;
  }

  @Override public Span.Builder addLink(Link link) {
    if (link == null || link.getTraceContext() == null) return this;
    TraceContext linked = link.getTraceContext();
    if (linked.traceId() == null || linked.traceId().isEmpty()) return this;
    String prefix = "links[" + links++ + "].";
    builder.tag(prefix + "traceId", linked.traceId());
    builder.tag(prefix + "spanId", linked.spanId());
    for (Map.Entry<String, Object> tag : link.getTags().entrySet()) {
      if (tag.getValue() != null) builder.tag(prefix + "tags[" + tag.getKey() + "]", String.valueOf(tag.getValue()));
    }
    return this;
  }

  @Override public Span start() {
    if (remoteServiceName != null || remoteIp != null || remotePort != 0) {
      builder.remoteEndpoint(Endpoint.of(remoteServiceName, remoteIp, remotePort));
    }
    io.tracelet.Span span = builder.start();
    if (events != null) events.forEach(span::event);
    if (error != null) span.error(error);
    return new BridgeSpan(span, null);
  }
}
