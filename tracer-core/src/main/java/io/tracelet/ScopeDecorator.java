package io.tracelet;

/**
 * Runs code when a span becomes current on a thread and when it stops being current, such as
 * putting trace IDs into a logging MDC. Called by {@link CurrentContext} on every scope it opens.
 *
 * <p>Implementations must be thread-safe (one decorator serves every thread), fast, and must not
 * throw: an exception is logged and the undecorated scope is used.
 */
@FunctionalInterface
public interface ScopeDecorator {
  /**
   * Called after {@code context} (null when no span is current any more) became current; returns a
   * scope that undoes what this decorator did and then closes {@code scope}.
   */
  Scope decorate(TraceContext context, Scope scope);
}
