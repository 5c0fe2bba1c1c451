package io.tracelet.micrometer.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.propagation.Propagator;
import java.util.List;
import java.util.Objects;

/**
 * Micrometer's {@link Propagator} over the Tracelet propagator set on the tracer's {@code Tracing}
 * ({@code Tracing.Builder.propagator}, such as {@code Propagators.w3cThenB3()}): the same headers
 * Tracelet's own integrations write and read, baggage included when the propagator carries it.
 *
 * <p>{@link #extract} returns a span builder whose parent is the extracted context; when nothing
 * was extracted its parent is the current span, if any, as with Brave. Thread-safe; never throws
 * because of a carrier's content.
 */
public final class TraceletPropagator implements Propagator {
  private final TraceletTracer tracer;
  private final io.tracelet.Propagator propagator;

  private TraceletPropagator(TraceletTracer tracer) {
    this.tracer = tracer;
    this.propagator = tracer.tracing().propagator();
  }

  /**
   * A propagator for the spans of {@code tracer}.
   *
   * @throws NullPointerException when {@code tracer} is null
   */
  public static TraceletPropagator create(TraceletTracer tracer) {
    return new TraceletPropagator(Objects.requireNonNull(tracer, "tracer == null"));
  }

  /** The header names the propagator reads and writes, lowercase. */
  @Override public List<String> fields() {
    return propagator.keys();
  }

  /** Writes {@code context} into {@code carrier}; does nothing when either of them or the setter is null. */
  @Override public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
    io.tracelet.TraceContext c = BridgeContext.unwrap(context);
    if (c == null || carrier == null || setter == null || !c.hasIds()) return;
    propagator.inject(c, carrier, setter::set);
  }

  @Override public <C> Span.Builder extract(C carrier, Getter<C> getter) {
    BridgeSpanBuilder builder = new BridgeSpanBuilder(tracer.tracing().tracer());
    if (carrier == null || getter == null) return builder;
    return builder.parent(propagator.extract(carrier, getter::get));
  }

  @Override public String toString() {
    return "TraceletPropagator{" + propagator + "}";
  }
}
