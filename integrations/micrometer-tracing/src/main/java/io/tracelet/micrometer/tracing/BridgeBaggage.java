package io.tracelet.micrometer.tracing;

import io.micrometer.tracing.Baggage;
import io.micrometer.tracing.BaggageInScope;
import io.micrometer.tracing.TraceContext;
import io.tracelet.Scope;

/**
 * One baggage entry by name, read from the current context (or from the context it is bound to),
 * and a value to make current with {@link #makeCurrent()}. Tracelet contexts are immutable, so
 * {@code set} returns a new instance and changes no context: the value takes effect when made
 * current. Immutable.
 */
final class BridgeBaggage implements Baggage {
  private final TraceletTracer tracer;
  private final String name;
  private final String value; // to make current; null: leave the entry as it is
  private final TraceContext bound; // null: the current context

  BridgeBaggage(TraceletTracer tracer, String name, String value, TraceContext bound) {
    this.tracer = tracer;
    this.name = name;
    this.value = value;
    this.bound = bound;
  }

  @Override public String name() {
    return name;
  }

  @Override public String get() {
    return bound != null ? get(bound) : value(tracer.currentBridgeContext(), name);
  }

  @Override public String get(TraceContext context) {
    return value(context, name);
  }

  static String value(TraceContext context, String name) {
    io.tracelet.TraceContext c = BridgeContext.unwrap(context);
    return c == null ? null : c.baggage().get(name);
  }

  @Deprecated // as in Micrometer
  @Override public Baggage set(String value) {
    return new BridgeBaggage(tracer, name, value, bound);
  }

  @Deprecated // as in Micrometer
  @Override public Baggage set(TraceContext context, String value) {
    return new BridgeBaggage(tracer, name, value, context);
  }

  /**
   * Makes the bound (or current) context current with this entry set, until the returned scope
   * closes. With no span current and none bound, there is nothing to carry the entry: the scope
   * does nothing and reads null, as with Brave.
   */
  @Override public BaggageInScope makeCurrent() {
    TraceContext target = bound != null ? bound : tracer.currentBridgeContext();
    if (target == null) return new BridgeBaggageInScope(name, null, Scope.noop());
    io.tracelet.TraceContext context = BridgeContext.unwrap(target);
    if (value != null) context = context.toBuilder().baggage(context.baggage().with(name, value)).build();
    io.tracelet.Span span = target instanceof BridgeContext ? ((BridgeContext) target).span : null;
    if (value != null && span != null && tracer.tagsBaggage(name)) span.tag(name, value);
    return new BridgeBaggageInScope(name, context, tracer.open(span, context));
  }

  @Override public String toString() {
    return "Baggage{" + name + "}";
  }

  /** The scope of a baggage entry made current. Close it on the thread that opened it. */
  static final class BridgeBaggageInScope implements BaggageInScope {
    private final String name;
    private final io.tracelet.TraceContext context; // null: nothing was made current
    private final Scope scope;

    BridgeBaggageInScope(String name, io.tracelet.TraceContext context, Scope scope) {
      this.name = name;
      this.context = context;
      this.scope = scope;
    }

    @Override public String name() {
      return name;
    }

    @Override public String get() {
      return context == null ? null : context.baggage().get(name);
    }

    @Override public String get(TraceContext traceContext) {
      return value(traceContext, name);
    }

    @Override public void close() {
      scope.close();
    }
  }
}
