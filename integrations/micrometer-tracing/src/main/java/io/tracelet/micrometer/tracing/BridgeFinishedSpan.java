package io.tracelet.micrometer.tracing;

import io.micrometer.tracing.Span;
import io.tracelet.Endpoint;
import io.tracelet.FinishedSpan;
import io.tracelet.SpanKind;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A finished span copied so that Micrometer's span filters may change it, readable both as
 * Micrometer's {@link io.micrometer.tracing.exporter.FinishedSpan} and as Tracelet's
 * {@link FinishedSpan}, so that what the filters made of it goes on to Tracelet's reporters.
 * Times are Tracelet's epoch microseconds; Micrometer's events are (epoch microseconds, name), as
 * in the Brave bridge. Not thread-safe: meant for the recorder's thread.
 */
final class BridgeFinishedSpan implements io.micrometer.tracing.exporter.FinishedSpan, FinishedSpan {
  private final long traceIdHigh;
  private final long traceId;
  private final long spanId;
  private final long parentId;
  private final boolean debug;
  private final boolean shared;
  private final SpanKind kind;
  private final long startTimestamp;
  private final long duration;
  private String name;
  private String localServiceName;
  private String localIp;
  private int localPort;
  private String remoteServiceName;
  private String remoteIp;
  private int remotePort;
  private Map<String, String> tags;
  private List<Map.Entry<Long, String>> events;
  private Throwable error;

  private BridgeFinishedSpan(FinishedSpan span) {
    traceIdHigh = span.traceIdHigh();
    traceId = span.traceId();
    spanId = span.spanId();
    parentId = span.parentId();
    debug = span.debug();
    shared = span.shared();
    kind = span.kind();
    startTimestamp = span.startTimestamp();
    duration = span.duration();
    name = span.name();
    Endpoint local = span.localEndpoint();
    localServiceName = local.serviceName();
    localIp = BridgeSpan.ip(local);
    localPort = local.port();
    Endpoint remote = span.remoteEndpoint();
    if (remote != null) {
      remoteServiceName = remote.serviceName();
      remoteIp = BridgeSpan.ip(remote);
      remotePort = remote.port();
    }
    tags = new LinkedHashMap<>();
    for (int i = 0; i < span.tagCount(); i++) tags.put(span.tagKey(i), span.tagValue(i));
    events = new ArrayList<>(span.eventCount());
    for (int i = 0; i < span.eventCount(); i++) {
      events.add(new AbstractMap.SimpleImmutableEntry<>(span.eventTimestamp(i), span.eventName(i)));
    }
    error = span.error();
  }

  static BridgeFinishedSpan copyOf(FinishedSpan span) {
    return new BridgeFinishedSpan(span);
  }

  /**
   * The Tracelet form of what a filter returned: the same object when it is one of ours; a foreign
   * implementation is read through its getters.
   */
  static FinishedSpan toTracelet(io.micrometer.tracing.exporter.FinishedSpan span, BridgeFinishedSpan original) {
    if (span instanceof BridgeFinishedSpan) return (BridgeFinishedSpan) span;
    BridgeFinishedSpan copy = new BridgeFinishedSpan(original);
    copy.setName(span.getName());
    copy.setTags(span.getTags());
    copy.setEvents(span.getEvents());
    copy.setError(span.getError());
    copy.setLocalServiceName(span.getLocalServiceName());
    copy.setLocalIp(span.getLocalIp());
    copy.setRemoteServiceName(span.getRemoteServiceName());
    copy.remoteIp = span.getRemoteIp();
    copy.setRemotePort(span.getRemotePort());
    return copy;
  }

  // Micrometer's view.

  @Override public BridgeFinishedSpan setName(String name) {
    this.name = name == null ? "" : name;
    return this;
  }

  @Override public String getName() {
    return name;
  }

  @Override public Instant getStartTimestamp() {
    return Instant.EPOCH.plus(startTimestamp, ChronoUnit.MICROS);
  }

  @Override public Instant getEndTimestamp() {
    return Instant.EPOCH.plus(startTimestamp + duration, ChronoUnit.MICROS);
  }

  @Override public Duration getDuration() {
    return Duration.of(duration, ChronoUnit.MICROS);
  }

  @Override public BridgeFinishedSpan setTags(Map<String, String> tags) {
    this.tags = tags == null ? new LinkedHashMap<>() : new LinkedHashMap<>(tags);
    this.tags.values().removeIf(v -> v == null);
    this.tags.keySet().removeIf(k -> k == null);
    return this;
  }

  @Override public Map<String, String> getTags() {
    return tags;
  }

  @Override public BridgeFinishedSpan setEvents(Collection<Map.Entry<Long, String>> events) {
    this.events = new ArrayList<>();
    if (events != null) {
      for (Map.Entry<Long, String> e : events) {
        if (e != null && e.getKey() != null && e.getValue() != null) this.events.add(e);
      }
    }
    return this;
  }

  @Override public Collection<Map.Entry<Long, String>> getEvents() {
    return events;
  }

  @Override public String getSpanId() {
    return hex(spanId);
  }

  @Override public String getParentId() {
    return parentId == 0L ? null : hex(parentId);
  }

  @Override public String getTraceId() {
    return traceIdHigh == 0L ? hex(traceId) : hex(traceIdHigh) + hex(traceId);
  }

  @Override public String getRemoteIp() {
    return remoteIp;
  }

  @Override public String getLocalIp() {
    return localIp;
  }

  @Override public BridgeFinishedSpan setLocalIp(String localIp) {
    this.localIp = localIp;
    return this;
  }

  @Override public int getRemotePort() {
    return remotePort;
  }

  @Override public BridgeFinishedSpan setRemotePort(int port) {
    this.remotePort = port;
    return this;
  }

  @Override public Throwable getError() {
    return error;
  }

  @Override public BridgeFinishedSpan setError(Throwable error) {
    this.error = error;
    return this;
  }

  /** The kind, or null for an internal span, as Brave's bridge reports it. */
  @Override public Span.Kind getKind() {
    switch (kind) {
      case SERVER: return Span.Kind.SERVER;
      case CLIENT: return Span.Kind.CLIENT;
      case PRODUCER: return Span.Kind.PRODUCER;
      case CONSUMER: return Span.Kind.CONSUMER;
      default: return null;
    }
  }

  @Override public String getRemoteServiceName() {
    return remoteServiceName;
  }

  @Override public BridgeFinishedSpan setRemoteServiceName(String remoteServiceName) {
    this.remoteServiceName = remoteServiceName;
    return this;
  }

  @Override public String getLocalServiceName() {
    return localServiceName;
  }

  @Override public BridgeFinishedSpan setLocalServiceName(String localServiceName) {
    this.localServiceName = localServiceName;
    return this;
  }

  private static String hex(long id) {
    String s = Long.toHexString(id);
    return s.length() == 16 ? s : "0000000000000000".substring(s.length()) + s;
  }

  // Tracelet's view, for the reporters behind the filters.

  @Override public long traceIdHigh() {
    return traceIdHigh;
  }

  @Override public long traceId() {
    return traceId;
  }

  @Override public long spanId() {
    return spanId;
  }

  @Override public long parentId() {
    return parentId;
  }

  @Override public boolean debug() {
    return debug;
  }

  @Override public boolean shared() {
    return shared;
  }

  @Override public String name() {
    return name;
  }

  @Override public SpanKind kind() {
    return kind;
  }

  @Override public long startTimestamp() {
    return startTimestamp;
  }

  @Override public long duration() {
    return duration;
  }

  @Override public Endpoint localEndpoint() {
    return Endpoint.of(localServiceName, localIp, localPort);
  }

  @Override public Endpoint remoteEndpoint() {
    if (remoteServiceName == null && remoteIp == null && remotePort == 0) return null;
    return Endpoint.of(remoteServiceName, remoteIp, remotePort);
  }

  @Override public int tagCount() {
    return tags.size();
  }

  // Reporters read tags by index. The Tracelet view is read only once the filters are done with the
  // span, so the array is made at the first read and kept.
  private String[] tagArray;

  private String[] tagArray() {
    if (tagArray == null) {
      String[] a = new String[tags.size() * 2];
      int i = 0;
      for (Map.Entry<String, String> e : tags.entrySet()) {
        a[i++] = e.getKey();
        a[i++] = e.getValue();
      }
      tagArray = a;
    }
    return tagArray;
  }

  @Override public String tagKey(int i) {
    return tagArray()[2 * i];
  }

  @Override public String tagValue(int i) {
    return tagArray()[2 * i + 1];
  }

  @Override public int eventCount() {
    return events.size();
  }

  @Override public long eventTimestamp(int i) {
    return events.get(i).getKey();
  }

  @Override public String eventName(int i) {
    return events.get(i).getValue();
  }

  @Override public Throwable error() {
    return error;
  }

  @Override public String toString() {
    return "FinishedSpan{" + name + " " + getTraceId() + "/" + getSpanId() + "}";
  }
}
