package io.tracelet.reporter.zipkin;

import io.tracelet.Endpoint;
import io.tracelet.FinishedSpan;
import io.tracelet.SpanKind;
import java.util.ArrayList;
import java.util.List;

/** A finished span made of plain data, for testing encoders without the tracer. */
class TestSpan implements FinishedSpan {
  long traceIdHigh;
  long traceId = 1L;
  long spanId = 2L;
  long parentId;
  boolean debug;
  boolean shared;
  String name = "";
  SpanKind kind = SpanKind.INTERNAL;
  long startTimestamp;
  long duration;
  Endpoint localEndpoint = Endpoint.of(null, null, 0);
  Endpoint remoteEndpoint;
  final List<String> tagKeys = new ArrayList<>();
  final List<String> tagValues = new ArrayList<>();
  final List<Long> eventTimestamps = new ArrayList<>();
  final List<String> eventNames = new ArrayList<>();
  Throwable error;

  TestSpan tag(String key, String value) {
    tagKeys.add(key);
    tagValues.add(value);
    return this;
  }

  TestSpan event(long timestamp, String name) {
    eventTimestamps.add(timestamp);
    eventNames.add(name);
    return this;
  }

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
    return localEndpoint;
  }

  @Override public Endpoint remoteEndpoint() {
    return remoteEndpoint;
  }

  @Override public int tagCount() {
    return tagKeys.size();
  }

  @Override public String tagKey(int i) {
    return tagKeys.get(i);
  }

  @Override public String tagValue(int i) {
    return tagValues.get(i);
  }

  @Override public int eventCount() {
    return eventNames.size();
  }

  @Override public long eventTimestamp(int i) {
    return eventTimestamps.get(i);
  }

  @Override public String eventName(int i) {
    return eventNames.get(i);
  }

  @Override public Throwable error() {
    return error;
  }

  @Override public String toString() {
    return new String(SpanEncoder.json().encode(this), java.nio.charset.StandardCharsets.UTF_8);
  }
}
