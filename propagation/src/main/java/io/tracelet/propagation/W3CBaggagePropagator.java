package io.tracelet.propagation;

import io.tracelet.Baggage;
import io.tracelet.Propagator;
import io.tracelet.TraceContext;
import java.util.List;

/**
 * The W3C {@code baggage} header. On its own it extracts a context without IDs that carries the
 * baggage; inside a composite, the baggage joins the trace context another format extracted.
 */
final class W3CBaggagePropagator implements Propagator {
  static final String BAGGAGE = "baggage";
  static final W3CBaggagePropagator INSTANCE = new W3CBaggagePropagator();

  private static final List<String> KEYS = List.of(BAGGAGE);

  private W3CBaggagePropagator() {
  }

  @Override public List<String> keys() {
    return KEYS;
  }

  @Override public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
    if (context == null || setter == null || context.baggage().isEmpty()) return;
    String value = BaggageHeader.format(context.baggage());
    if (value != null) setter.set(carrier, BAGGAGE, value);
  }

  @Override public <C> TraceContext extract(C carrier, Getter<C> getter) {
    Baggage baggage = extractBaggage(carrier, getter);
    return baggage == null ? null : TraceContext.newBuilder().baggage(baggage).build();
  }

  /** The baggage in the carrier, or null when there is none (absent, or no valid member). */
  <C> Baggage extractBaggage(C carrier, Getter<C> getter) {
    if (getter == null) return null;
    String header = getter.get(carrier, BAGGAGE);
    if (header == null) return null;
    Baggage baggage = BaggageHeader.parse(header);
    return baggage.isEmpty() ? null : baggage;
  }

  @Override public String toString() {
    return "W3CBaggagePropagator";
  }
}
