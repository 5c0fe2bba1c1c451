package io.tracelet;

/**
 * The time a span is current on a thread. Closing it restores what was current before it opened;
 * closing twice does nothing. Meant for try-with-resources on the thread that opened it.
 *
 * <p>Not thread-safe: a scope belongs to the thread that opened it. With
 * {@link Tracing.Builder#strictScopes(boolean)} on, a scope closed on another thread or out of
 * order throws an {@link IllegalStateException} whose cause shows where the scope was opened.
 */
@FunctionalInterface
public interface Scope extends AutoCloseable {
  /** Restores the previous current span. Never throws outside strict mode. */
  @Override
  void close();

  /** A scope that does nothing on close. */
  static Scope noop() {
    return NoopScope.INSTANCE;
  }
}

enum NoopScope implements Scope {
  INSTANCE;

  @Override public void close() {
  }
}
