package io.tracelet;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;

/** Tasks that run with a captured span current, then restore the running thread's own. */
final class ContextTasks {
  static final class WrappedRunnable implements Runnable {
    private final CurrentContext current;
    private final Span span;
    private final Runnable delegate;

    WrappedRunnable(CurrentContext current, Span span, Runnable delegate) {
      this.current = current;
      this.span = span;
      this.delegate = delegate;
    }

    @SuppressWarnings("try") // the scope is held for its effect
    @Override public void run() {
      try (Scope ignored = current.open(span)) {
        delegate.run();
      }
    }

    @Override public String toString() {
      return delegate.toString();
    }
  }

  static final class WrappedCallable<V> implements Callable<V> {
    private final CurrentContext current;
    private final Span span;
    private final Callable<V> delegate;

    WrappedCallable(CurrentContext current, Span span, Callable<V> delegate) {
      this.current = current;
      this.span = span;
      this.delegate = delegate;
    }

    @SuppressWarnings("try") // the scope is held for its effect
    @Override public V call() throws Exception {
      try (Scope ignored = current.open(span)) {
        return delegate.call();
      }
    }

    @Override public String toString() {
      return delegate.toString();
    }
  }

  /** Every task of {@code tasks}, each run with the span current now. */
  static <V> List<Callable<V>> wrapAll(CurrentContext current, Collection<? extends Callable<V>> tasks) {
    Span span = current.span();
    List<Callable<V>> wrapped = new ArrayList<>(tasks.size());
    for (Callable<V> task : tasks) wrapped.add(new WrappedCallable<>(current, span, task));
    return wrapped;
  }

  private ContextTasks() {
  }
}
