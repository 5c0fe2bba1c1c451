package io.tracelet.micrometer.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.tracelet.Endpoint;
import io.tracelet.FinishedSpan;
import java.util.concurrent.TimeUnit;

/**
 * A Tracelet span seen as Micrometer's. A wrapper is cheap and made per call (as
 * {@code tracer.currentSpan()} makes one); two wrappers of the same span are equal. Its context is
 * the span's own, or the span's with baggage made current on top of it.
 *
 * <p>Thread safety and nulls as {@link io.tracelet.Span}: null arguments are ignored.
 */
final class BridgeSpan implements Span {
  final io.tracelet.Span delegate;
  private final io.tracelet.TraceContext context; // null: the delegate's own

  BridgeSpan(io.tracelet.Span delegate, io.tracelet.TraceContext context) {
    this.delegate = delegate;
    this.context = context;
  }

  static Span wrap(io.tracelet.Span span) {
    return span == null ? null : new BridgeSpan(span, null);
  }

  @Override public boolean isNoop() {
    return !delegate.isRecording();
  }

  @Override public TraceContext context() {
    return new BridgeContext(context != null ? context : delegate.context(), delegate);
  }

  /** Tracelet spans start when they are made: nothing to do. */
  @Override public Span start() {
    return this;
  }

  @Override public Span name(String name) {
    delegate.name(name);
    return this;
  }

  @Override public Span event(String value) {
    delegate.event(value);
    return this;
  }

  @Override public Span event(String value, long time, TimeUnit timeUnit) {
    if (timeUnit != null) delegate.event(timeUnit.toMicros(time), value);
    return this;
  }

  @Override public Span tag(String key, String value) {
    delegate.tag(key, value);
    return this;
  }

  @Override public Span error(Throwable throwable) {
    delegate.error(throwable);
    return this;
  }

  @Override public void end() {
    delegate.finish();
  }

  @Override public void end(long time, TimeUnit timeUnit) {
    if (timeUnit == null) {
      delegate.finish();
    } else {
      delegate.finish(timeUnit.toMicros(time));
    }
  }

  @Override public void abandon() {
    delegate.abandon();
  }

  @Override public Span remoteServiceName(String remoteServiceName) {
    Endpoint remote = remoteEndpoint();
    delegate.remoteEndpoint(Endpoint.of(remoteServiceName, ip(remote), remote == null ? 0 : remote.port()));
    return this;
  }

  @Override public Span remoteIpAndPort(String ip, int port) {
    Endpoint remote = remoteEndpoint();
    delegate.remoteEndpoint(Endpoint.of(remote == null ? null : remote.serviceName(), ip, port));
    return this;
  }

  // A recording span is readable as a FinishedSpan; the endpoint set so far is merged, not replaced.
  private Endpoint remoteEndpoint() {
    return delegate instanceof FinishedSpan ? ((FinishedSpan) delegate).remoteEndpoint() : null;
  }

  static String ip(Endpoint endpoint) {
    if (endpoint == null) return null;
    return endpoint.ipv4() != null ? endpoint.ipv4() : endpoint.ipv6();
  }

  /** Equal when both wrap the same span: the same trace and span IDs. */
  @Override public boolean equals(Object o) {
    if (o == this) return true;
    if (!(o instanceof BridgeSpan)) return false;
    io.tracelet.Span that = ((BridgeSpan) o).delegate;
    if (that == delegate) return true;
    io.tracelet.TraceContext a = delegate.context(), b = that.context();
    return a.traceIdHigh() == b.traceIdHigh() && a.traceId() == b.traceId() && a.spanId() == b.spanId();
  }

  @Override public int hashCode() {
    return Long.hashCode(delegate.context().spanId());
  }

  @Override public String toString() {
    return delegate.toString();
  }
}
