package io.tracelet.propagation;

import java.util.Objects;
import io.tracelet.Baggage;
import io.tracelet.Propagator;
import io.tracelet.TraceContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Several formats as one: extraction takes the first format, in order, that yields a context
 * (a malformed or absent one gives way to the next); injection writes every format. W3C baggage is
 * read and written beside whichever format carries the trace.
 */
final class CompositePropagator implements Propagator {
  // Arrays, not lists: the extract loop runs per request and should not allocate an iterator.
  private final Propagator[] formats;
  private final W3CBaggagePropagator baggage;
  private final List<String> keys;

  CompositePropagator(Propagator... propagators) {
    List<Propagator> flat = new ArrayList<>();
    W3CBaggagePropagator baggage = null;
    for (Propagator p : flatten(propagators, new ArrayList<>())) {
      if (p instanceof W3CBaggagePropagator) {
        baggage = (W3CBaggagePropagator) p;
      } else if (!flat.contains(p)) {
        flat.add(p);
      }
    }
    Set<String> keys = new LinkedHashSet<>();
    for (Propagator p : flat) keys.addAll(p.keys());
    if (baggage != null) keys.addAll(baggage.keys());
    this.formats = flat.toArray(new Propagator[0]);
    this.baggage = baggage;
    this.keys = List.copyOf(keys);
  }

  private static List<Propagator> flatten(Propagator[] propagators, List<Propagator> into) {
    for (Propagator p : propagators) {
      Objects.requireNonNull(p, "propagator == null");
      if (p instanceof CompositePropagator) {
        CompositePropagator c = (CompositePropagator) p;
        flatten(c.formats, into);
        if (c.baggage != null) into.add(c.baggage);
      } else {
        into.add(p);
      }
    }
    return into;
  }

  @Override public List<String> keys() {
    return keys;
  }

  @Override public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
    for (Propagator format : formats) format.inject(context, carrier, setter);
    if (baggage != null) baggage.inject(context, carrier, setter);
  }

  @Override public <C> TraceContext extract(C carrier, Getter<C> getter) {
    if (getter == null) return null;
    Baggage extracted = baggage == null ? null : baggage.extractBaggage(carrier, getter);
    Baggage withTrace = extracted == null ? Baggage.empty() : extracted;
    for (Propagator format : formats) {
      TraceContext context;
      if (format instanceof TraceFormat) {
        context = ((TraceFormat) format).extract(carrier, getter, withTrace);
      } else {
        context = format.extract(carrier, getter);
        // A format of the user's own: it gets the baggage header's unless it read baggage itself.
        if (context != null && extracted != null && context.baggage().isEmpty()) {
          context = context.toBuilder().baggage(extracted).build();
        }
      }
      if (context != null) return context;
    }
    return extracted == null ? null : TraceContext.newBuilder().baggage(extracted).build();
  }

  @Override public String toString() {
    StringJoiner result = new StringJoiner(", ", "CompositePropagator{", "}");
    for (Propagator format : formats) result.add(format.toString());
    if (baggage != null) result.add(baggage.toString());
    return result.toString();
  }
}
