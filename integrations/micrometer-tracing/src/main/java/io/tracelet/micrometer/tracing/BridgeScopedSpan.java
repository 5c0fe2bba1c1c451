package io.tracelet.micrometer.tracing;

import io.micrometer.tracing.ScopedSpan;
import io.micrometer.tracing.TraceContext;
import io.tracelet.Scope;
import io.tracelet.Span;

/**
 * A span that is current from its start until {@link #end()}, which closes its scope and then
 * finishes it, as Brave's {@code ScopedSpan} does. Meant for one thread.
 */
final class BridgeScopedSpan implements ScopedSpan {
  private final Span span;
  private final Scope scope;

  BridgeScopedSpan(Span span) {
    this.span = span;
    this.scope = span.makeCurrent();
  }

  @Override public boolean isNoop() {
    return !span.isRecording();
  }

  @Override public TraceContext context() {
    return new BridgeContext(span.context(), span);
  }

  @Override public ScopedSpan name(String name) {
    span.name(name);
    return this;
  }

  @Override public ScopedSpan tag(String key, String value) {
    span.tag(key, value);
    return this;
  }

  @Override public ScopedSpan event(String value) {
    span.event(value);
    return this;
  }

  @Override public ScopedSpan error(Throwable throwable) {
    span.error(throwable);
    return this;
  }

  @Override public void end() {
    scope.close();
    span.finish();
  }

  @Override public String toString() {
    return span.toString();
  }
}
