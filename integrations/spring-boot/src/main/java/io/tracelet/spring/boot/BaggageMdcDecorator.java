package io.tracelet.spring.boot;

import io.tracelet.Scope;
import io.tracelet.ScopeDecorator;
import io.tracelet.TraceContext;
import java.util.List;
import java.util.Objects;
import org.slf4j.MDC;

/**
 * Copies the baggage fields named by {@code management.tracing.baggage.correlation.fields} into
 * SLF4J's MDC, under their own names, while a scope is open, and puts back what the MDC held
 * before when it closes (as Brave's correlation fields do). A scope whose values are already in
 * the MDC allocates nothing. Thread-safe.
 */
final class BaggageMdcDecorator implements ScopeDecorator {
  private final String[] fields;

  BaggageMdcDecorator(List<String> fields) {
    this.fields = fields.toArray(new String[0]);
  }

  @Override public Scope decorate(TraceContext context, Scope scope) {
    String[] previous = null; // per field: what the MDC held; null when the scope left it as it was
    boolean[] changed = null;
    for (int i = 0; i < fields.length; i++) {
      String value = context == null ? null : context.baggage().get(fields[i]);
      String before = MDC.get(fields[i]);
      if (Objects.equals(value, before)) continue;
      if (changed == null) {
        previous = new String[fields.length];
        changed = new boolean[fields.length];
      }
      previous[i] = before;
      changed[i] = true;
      put(fields[i], value);
    }
    return changed == null ? scope : new Restoring(scope, previous, changed);
  }

  private static void put(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }

  /** Puts the previous values back, then closes the scope it decorates; the second close does nothing. */
  private final class Restoring implements Scope {
    private final Scope delegate;
    private final String[] previous;
    private final boolean[] changed;
    private boolean closed;

    Restoring(Scope delegate, String[] previous, boolean[] changed) {
      this.delegate = delegate;
      this.previous = previous;
      this.changed = changed;
    }

    @Override public void close() {
      if (closed) return;
      closed = true;
      for (int i = 0; i < fields.length; i++) {
        if (changed[i]) put(fields[i], previous[i]);
      }
      delegate.close();
    }
  }

  @Override public String toString() {
    return "BaggageMdcDecorator" + List.of(fields);
  }
}
