package io.tracelet.micrometer.tracing;

import io.micrometer.tracing.TraceContext;
import io.tracelet.Span;

/**
 * A Tracelet context seen as Micrometer's, with the Tracelet span it belongs to when there is one,
 * so that making it current again makes that (recording) span current, not a copy of its IDs.
 * Immutable.
 */
final class BridgeContext implements TraceContext {
  final io.tracelet.TraceContext delegate;
  final Span span; // the span delegate is the context of (or a baggage view of); null when built or extracted

  BridgeContext(io.tracelet.TraceContext delegate, Span span) {
    this.delegate = delegate;
    this.span = span;
  }

  /** The Tracelet form of any Micrometer context (null gives null); a foreign one is parsed from its hex IDs. */
  static io.tracelet.TraceContext unwrap(TraceContext context) {
    if (context == null) return null;
    if (context instanceof BridgeContext) return ((BridgeContext) context).delegate;
    return BridgeContextBuilder.parse(context.traceId(), context.spanId(), context.parentId(), context.sampled());
  }

  @Override public String traceId() {
    return delegate.hasIds() ? delegate.traceIdHex() : "";
  }

  @Override public String parentId() {
    return delegate.parentIdHex();
  }

  @Override public String spanId() {
    return delegate.hasIds() ? delegate.spanIdHex() : "";
  }

  @Override public Boolean sampled() {
    return delegate.hasSamplingDecision() ? Boolean.valueOf(delegate.isSampled()) : null;
  }

  @Override public boolean equals(Object o) {
    return o == this || (o instanceof BridgeContext && delegate.equals(((BridgeContext) o).delegate));
  }

  @Override public int hashCode() {
    return delegate.hashCode();
  }

  @Override public String toString() {
    return delegate.toString();
  }
}
