package io.tracelet.spring.boot;

import io.tracelet.Baggage;
import io.tracelet.Propagator;
import io.tracelet.TraceContext;
import io.tracelet.propagation.Propagators;
import io.tracelet.spring.boot.BootTracingSettings.PropagationType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Tracelet propagator that {@code management.tracing.propagation.*} and
 * {@code management.tracing.baggage.*} describe, as Boot's Brave configuration builds its own:
 * the produced types are injected, the consumed ones tried in order on extraction; W3C carries the
 * {@code baggage} header beside {@code traceparent} when baggage is enabled; each remote field
 * travels in a header of its own name (lowercase), and local fields never leave the process.
 * With export disabled nothing is propagated.
 */
final class BootPropagation {
  private BootPropagation() {
  }

  static Propagator create(BootTracingSettings settings) {
    if (!settings.exportEnabled) return Propagator.noop();
    Propagator inject = formats(settings.produce, settings.baggageEnabled);
    Propagator extract = formats(settings.consume, settings.baggageEnabled);
    Propagator formats = inject == null && extract == null ? Propagator.noop()
        : new Split(inject == null ? Propagator.noop() : inject, extract == null ? Propagator.noop() : extract);
    if (!settings.baggageEnabled || settings.remoteFields.isEmpty() && settings.localFields.isEmpty()) {
      return formats;
    }
    return new BaggageFields(formats, settings.remoteFields, settings.localFields);
  }

  private static Propagator formats(List<PropagationType> types, boolean baggage) {
    List<Propagator> formats = new ArrayList<>();
    for (PropagationType type : types) {
      switch (type) {
        case W3C:
          formats.add(Propagators.w3c());
          if (baggage) formats.add(Propagators.baggage());
          break;
        case B3:
          formats.add(Propagators.b3Single());
          break;
        case B3_MULTI:
          formats.add(Propagators.b3());
          break;
        default:
          throw new AssertionError(type);
      }
    }
    return formats.isEmpty() ? null : Propagators.composite(formats.toArray(new Propagator[0]));
  }

  /** Injects with one propagator and extracts with another (Boot's produce and consume lists). */
  static final class Split implements Propagator {
    private final Propagator inject;
    private final Propagator extract;
    private final List<String> keys;

    Split(Propagator inject, Propagator extract) {
      this.inject = inject;
      this.extract = extract;
      Set<String> keys = new LinkedHashSet<>(inject.keys());
      keys.addAll(extract.keys());
      this.keys = List.copyOf(keys);
    }

    @Override public List<String> keys() {
      return keys;
    }

    @Override public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
      inject.inject(context, carrier, setter);
    }

    @Override public <C> TraceContext extract(C carrier, Getter<C> getter) {
      return extract.extract(carrier, getter);
    }

    @Override public String toString() {
      return "Propagator{inject=" + inject + ", extract=" + extract + "}";
    }
  }

  /**
   * Boot's remote and local baggage fields around the trace formats: a remote field travels in a
   * header of its own (its name, lowercase) as well; a local field is never written to a carrier.
   */
  static final class BaggageFields implements Propagator {
    private final Propagator delegate;
    private final String[] remote; // field names
    private final String[] headers; // their header names
    private final String[] local;
    private final List<String> keys;

    BaggageFields(Propagator delegate, List<String> remote, List<String> local) {
      this.delegate = delegate;
      this.remote = remote.toArray(new String[0]);
      this.headers = new String[this.remote.length];
      for (int i = 0; i < headers.length; i++) headers[i] = this.remote[i].toLowerCase(Locale.ROOT);
      this.local = local.toArray(new String[0]);
      Set<String> keys = new LinkedHashSet<>(delegate.keys());
      keys.addAll(List.of(headers));
      this.keys = List.copyOf(keys);
    }

    @Override public List<String> keys() {
      return keys;
    }

    @Override public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
      if (context == null || setter == null) return;
      Baggage baggage = context.baggage();
      Baggage remoteBaggage = baggage;
      for (String field : local) remoteBaggage = remoteBaggage.without(field);
      delegate.inject(remoteBaggage == baggage ? context : context.toBuilder().baggage(remoteBaggage).build(),
          carrier, setter);
      for (int i = 0; i < remote.length; i++) {
        String value = remoteBaggage.get(remote[i]);
        if (value != null) setter.set(carrier, headers[i], value);
      }
    }

    @Override public <C> TraceContext extract(C carrier, Getter<C> getter) {
      TraceContext context = delegate.extract(carrier, getter);
      if (getter == null) return context;
      Baggage baggage = context == null ? Baggage.empty() : context.baggage();
      Baggage extracted = baggage;
      for (int i = 0; i < remote.length; i++) {
        String value = getter.get(carrier, headers[i]);
        if (value != null && !value.isEmpty()) extracted = extracted.with(remote[i], value);
      }
      for (String field : local) extracted = extracted.without(field);
      if (extracted == baggage) return context;
      return (context == null ? TraceContext.newBuilder() : context.toBuilder()).baggage(extracted).build();
    }

    @Override public String toString() {
      return "BaggageFields{" + delegate + ", remote=" + List.of(remote) + ", local=" + List.of(local) + "}";
    }
  }
}
