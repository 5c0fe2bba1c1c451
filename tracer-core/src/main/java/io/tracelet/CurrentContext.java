package io.tracelet;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * The span that is current on each thread, and the tools that carry it to other threads.
 *
 * <p>Each {@link Tracing} has one. The current span is kept in a thread-local; scopes restore the
 * previous one on close. {@code wrap} methods carry the caller's current span to the thread that
 * runs a task: a wrapped task captures the span when wrapped, a wrapped executor captures it at
 * each submission, and in both cases the pool thread's previous state is restored after the task,
 * so nothing leaks into the pool.
 *
 * <p>Thread-safe. Opening a scope allocates one small object (none when the span is already
 * current); a wrapped task allocates one.
 */
public final class CurrentContext {
  private static final System.Logger LOG = System.getLogger(CurrentContext.class.getName());

  /** One mutable slot per thread: a field write is cheaper than {@code ThreadLocal.set}. */
  static final class Slot {
    Span span;
  }

  private final ThreadLocal<Slot> slots = ThreadLocal.withInitial(Slot::new);
  private final ScopeDecorator[] decorators;
  private final boolean strict;

  CurrentContext(List<ScopeDecorator> decorators, boolean strict) {
    this.decorators = decorators.toArray(new ScopeDecorator[0]);
    this.strict = strict;
  }

  /** The current span on this thread, or null ({@link Tracer#currentSpan()} for users). */
  Span span() {
    return slots.get().span;
  }

  /** The current span's context on this thread, or null. */
  public TraceContext context() {
    Span span = slots.get().span;
    return span == null ? null : span.context();
  }

  /** Makes {@code span} (null: none) current until the scope closes. */
  Scope open(Span span) {
    Slot slot = slots.get();
    Span previous = slot.span;
    if (previous == span && !strict && decorators.length == 0) return Scope.noop();
    slot.span = span;
    Scope scope = strict ? new StrictScope(slot, previous, span) : new RestoringScope(slot, previous);
    return decorators.length == 0 ? scope : decorate(span, scope);
  }

  /** Clears the current span until the scope closes: work that must not join the caller's trace. */
  public Scope clear() {
    return open(null);
  }

  private Scope decorate(Span span, Scope scope) {
    TraceContext context = span == null ? null : span.context();
    for (ScopeDecorator decorator : decorators) {
      try {
        scope = decorator.decorate(context, scope);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "scope decorator " + decorator + " failed; ignoring it for this scope", e);
      }
    }
    return scope;
  }

  /** {@code task}, run with the span that is current now. */
  public Runnable wrap(Runnable task) {
    return new ContextTasks.WrappedRunnable(this, span(), task);
  }

  /** {@code task}, run with the span that is current now. */
  public <V> Callable<V> wrap(Callable<V> task) {
    return new ContextTasks.WrappedCallable<>(this, span(), task);
  }

  /**
   * {@code supplier}, run with the span that is current now. (Not an overload of {@code wrap}:
   * a lambda would fit both {@link Callable} and {@link Supplier}.)
   */
  @SuppressWarnings("try") // the scope is held for its effect
  public <V> Supplier<V> wrapSupplier(Supplier<V> supplier) {
    Span span = span();
    return () -> {
      try (Scope ignored = open(span)) {
        return supplier.get();
      }
    };
  }

  /** An executor that runs each task with the span current when it was submitted. */
  public Executor wrap(Executor executor) {
    return task -> executor.execute(wrap(task));
  }

  /** Like {@link #wrap(Executor)}, for every submit, invokeAll and invokeAny. */
  public ExecutorService wrap(ExecutorService executor) {
    return new ContextExecutorService<>(this, executor);
  }

  /** Like {@link #wrap(ExecutorService)}, and for schedules, fixed-rate and fixed-delay included. */
  public ScheduledExecutorService wrap(ScheduledExecutorService executor) {
    return new ContextExecutorService.Scheduled(this, executor);
  }

  /** Restores the previous span on close; closing twice does nothing. */
  private static final class RestoringScope implements Scope {
    private final Slot slot;
    private final Span previous;
    private boolean closed;

    RestoringScope(Slot slot, Span previous) {
      this.slot = slot;
      this.previous = previous;
    }

    @Override public void close() {
      if (closed) return;
      closed = true;
      slot.span = previous;
    }
  }

  /** Checks thread and order on close, and remembers where it was opened. */
  private static final class StrictScope implements Scope {
    private final Slot slot;
    private final Span previous;
    private final Span span;
    private final Thread thread = Thread.currentThread();
    private final Throwable openedAt;
    private boolean closed;

    StrictScope(Slot slot, Span previous, Span span) {
      this.slot = slot;
      this.previous = previous;
      this.span = span;
      this.openedAt = new Throwable("scope for " + span + " opened here, on thread " + thread.getName());
    }

    @Override public void close() {
      if (Thread.currentThread() != thread) {
        throw new IllegalStateException("scope closed on thread " + Thread.currentThread().getName()
            + ", not the thread that opened it", openedAt);
      }
      if (closed) throw new IllegalStateException("scope closed twice", openedAt);
      if (slot.span != span) {
        throw new IllegalStateException("scope closed out of order: " + slot.span
            + " is current, opened after it and not closed", openedAt);
      }
      closed = true;
      slot.span = previous;
    }
  }
}
