package io.tracelet;

import java.util.List;

final class NoopPropagator implements Propagator {
  static final NoopPropagator INSTANCE = new NoopPropagator();

  @Override public List<String> keys() {
    return List.of();
  }

  @Override public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
  }

  @Override public <C> TraceContext extract(C carrier, Getter<C> getter) {
    return null;
  }

  @Override public String toString() {
    return "NoopPropagator";
  }
}
