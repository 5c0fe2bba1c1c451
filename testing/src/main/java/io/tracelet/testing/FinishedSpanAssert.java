package io.tracelet.testing;

import io.tracelet.Endpoint;
import io.tracelet.FinishedSpan;
import io.tracelet.SpanKind;
import io.tracelet.TraceContext;
import java.time.Duration;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on one {@link FinishedSpan}; get one from
 * {@link TraceletAssertions#assertThat(FinishedSpan)}. Every assertion first checks that the span
 * is not null, and its failure message shows the span's name, kind and IDs in hex.
 *
 * <p>Not thread-safe, like every AssertJ assertion object: use it on the thread that made it.
 * Arguments must not be null unless a method says otherwise.
 */
public final class FinishedSpanAssert extends AbstractAssert<FinishedSpanAssert, FinishedSpan> {

  FinishedSpanAssert(FinishedSpan actual) {
    super(actual, FinishedSpanAssert.class);
  }

  /** The span's name is exactly {@code name}. */
  public FinishedSpanAssert hasName(String name) {
    isNotNull();
    if (!actual.name().equals(name)) {
      throw failureWithActualExpected(actual.name(), name, "Expected span %s to be named \"%s\"",
          describe(), name);
    }
    return this;
  }

  /** The span's kind is {@code kind}. */
  public FinishedSpanAssert hasKind(SpanKind kind) {
    isNotNull();
    if (actual.kind() != kind) {
      throw failureWithActualExpected(actual.kind(), kind, "Expected span %s to be of kind %s",
          describe(), kind);
    }
    return this;
  }

  /** The span has the tag {@code key} with exactly {@code value}. */
  public FinishedSpanAssert hasTag(String key, String value) {
    isNotNull();
    String found = tag(key);
    if (!value.equals(found)) {
      throw failureWithActualExpected(found, value, "Expected span %s to have tag %s=\"%s\" but %s",
          describe(), key, value, found == null ? "it has no such tag" : "it is \"" + found + "\"");
    }
    return this;
  }

  /** The span has no tag {@code key}. */
  public FinishedSpanAssert hasNoTag(String key) {
    isNotNull();
    String found = tag(key);
    if (found != null) {
      failWithMessage("Expected span %s to have no tag %s but it is \"%s\"", describe(), key, found);
    }
    return this;
  }

  /** The span starts a trace: it has no parent. */
  public FinishedSpanAssert isRoot() {
    isNotNull();
    if (actual.parentId() != 0L) {
      failWithMessage("Expected span %s to be a root span but its parent is %s", describe(),
          SpanText.hex(actual.parentId()));
    }
    return this;
  }

  /**
   * The span is a child of the span that {@code parent} identifies: same trace ID, and the parent
   * ID is the parent's span ID. Pass {@code span.context()} for a live span.
   */
  public FinishedSpanAssert hasParent(TraceContext parent) {
    isNotNull();
    Objects.requireNonNull(parent, "parent == null");
    if (!inTrace(parent.traceIdHigh(), parent.traceId()) || actual.parentId() != parent.spanId()) {
      failWithMessage("Expected span %s to be a child of %s/%s", describe(), parent.traceIdHex(),
          parent.spanIdHex());
    }
    return this;
  }

  /** The span is a child of {@code parent}: same trace ID, and its parent ID is the parent's span ID. */
  public FinishedSpanAssert hasParent(FinishedSpan parent) {
    isNotNull();
    Objects.requireNonNull(parent, "parent == null");
    if (!inTrace(parent.traceIdHigh(), parent.traceId()) || actual.parentId() != parent.spanId()) {
      failWithMessage("Expected span %s to be a child of %s", describe(), SpanText.describe(parent));
    }
    return this;
  }

  /** The span is the one {@code context} identifies: same trace ID and span ID. */
  public FinishedSpanAssert hasContext(TraceContext context) {
    isNotNull();
    Objects.requireNonNull(context, "context == null");
    if (!inTrace(context.traceIdHigh(), context.traceId()) || actual.spanId() != context.spanId()) {
      failWithMessage("Expected span %s to have trace ID %s and span ID %s", describe(),
          context.traceIdHex(), context.spanIdHex());
    }
    return this;
  }

  /**
   * The span's trace ID, in lowercase hex, is {@code traceIdHex}: 32 characters for a 128-bit
   * trace ID, 16 for a 64-bit one (case is ignored).
   */
  public FinishedSpanAssert hasTraceId(String traceIdHex) {
    isNotNull();
    String traceId = SpanText.traceId(actual);
    if (!traceId.equalsIgnoreCase(traceIdHex)) {
      throw failureWithActualExpected(traceId, traceIdHex, "Expected span %s to have trace ID %s",
          describe(), traceIdHex);
    }
    return this;
  }

  /** The span has at least one event (Zipkin annotation) named {@code name}. */
  public FinishedSpanAssert hasEvent(String name) {
    isNotNull();
    StringBuilder events = new StringBuilder();
    for (int i = 0; i < actual.eventCount(); i++) {
      if (actual.eventName(i).equals(name)) return this;
      events.append(i == 0 ? "" : ", ").append(actual.eventName(i));
    }
    failWithMessage("Expected span %s to have event \"%s\" but its events are [%s]", describe(),
        name, events);
    return this;
  }

  /** The span recorded an error that is an instance of {@code type}. */
  public FinishedSpanAssert hasError(Class<? extends Throwable> type) {
    isNotNull();
    Throwable error = actual.error();
    if (!type.isInstance(error)) {
      failWithMessage("Expected span %s to have an error of type %s but it has %s", describe(),
          type.getName(), error == null ? "none" : error.toString());
    }
    return this;
  }

  /**
   * The span is not failed: it recorded no error and has no Zipkin {@code error} tag (which an
   * integration may set without an exception, as for an HTTP 500).
   */
  public FinishedSpanAssert hasNoError() {
    isNotNull();
    if (actual.error() != null || tag("error") != null) {
      failWithMessage("Expected span %s to have no error but it has %s", describe(),
          actual.error() != null ? actual.error().toString() : "the tag error=\"" + tag("error") + "\"");
    }
    return this;
  }

  /** The span took at least {@code minimum} (durations are kept in microseconds). */
  public FinishedSpanAssert hasDurationAtLeast(Duration minimum) {
    isNotNull();
    long minimumMicros = minimum.toNanos() / 1_000L;
    if (actual.duration() < minimumMicros) {
      failWithMessage("Expected span %s to last at least %d µs but it lasted %d µs", describe(),
          minimumMicros, actual.duration());
    }
    return this;
  }

  /** The span was recorded by the service {@code serviceName} (Zipkin lowercases service names). */
  public FinishedSpanAssert hasLocalServiceName(String serviceName) {
    isNotNull();
    String found = actual.localEndpoint().serviceName();
    if (!serviceName.equals(found)) {
      throw failureWithActualExpected(found, serviceName,
          "Expected span %s to be recorded by service \"%s\" but it was by \"%s\"", describe(),
          serviceName, found);
    }
    return this;
  }

  /** The span's remote peer is the service {@code serviceName}. */
  public FinishedSpanAssert hasRemoteServiceName(String serviceName) {
    isNotNull();
    Endpoint remote = actual.remoteEndpoint();
    String found = remote == null ? null : remote.serviceName();
    if (!serviceName.equals(found)) {
      throw failureWithActualExpected(found, serviceName,
          "Expected span %s to have remote service \"%s\" but it has %s", describe(), serviceName,
          found == null ? "none" : "\"" + found + "\"");
    }
    return this;
  }

  private boolean inTrace(long traceIdHigh, long traceId) {
    return actual.traceIdHigh() == traceIdHigh && actual.traceId() == traceId;
  }

  private String tag(String key) {
    for (int i = 0; i < actual.tagCount(); i++) {
      if (actual.tagKey(i).equals(key)) return actual.tagValue(i);
    }
    return null;
  }

  private String describe() {
    return SpanText.describe(actual);
  }
}
