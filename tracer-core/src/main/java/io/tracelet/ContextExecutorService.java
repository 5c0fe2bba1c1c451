package io.tracelet;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** An executor service whose every task runs with the span current at submission. */
class ContextExecutorService<E extends ExecutorService> implements ExecutorService {
  final CurrentContext current;
  final E delegate;

  ContextExecutorService(CurrentContext current, E delegate) {
    this.current = current;
    this.delegate = delegate;
  }

  @Override public void execute(Runnable task) {
    delegate.execute(current.wrap(task));
  }

  @Override public Future<?> submit(Runnable task) {
    return delegate.submit(current.wrap(task));
  }

  @Override public <T> Future<T> submit(Runnable task, T result) {
    return delegate.submit(current.wrap(task), result);
  }

  @Override public <T> Future<T> submit(Callable<T> task) {
    return delegate.submit(current.wrap(task));
  }

  @Override public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks)
      throws InterruptedException {
    return delegate.invokeAll(ContextTasks.wrapAll(current, tasks));
  }

  @Override public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout,
      TimeUnit unit) throws InterruptedException {
    return delegate.invokeAll(ContextTasks.wrapAll(current, tasks), timeout, unit);
  }

  @Override public <T> T invokeAny(Collection<? extends Callable<T>> tasks)
      throws InterruptedException, ExecutionException {
    return delegate.invokeAny(ContextTasks.wrapAll(current, tasks));
  }

  @Override public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    return delegate.invokeAny(ContextTasks.wrapAll(current, tasks), timeout, unit);
  }

  @Override public void shutdown() {
    delegate.shutdown();
  }

  @Override public List<Runnable> shutdownNow() {
    return delegate.shutdownNow();
  }

  @Override public boolean isShutdown() {
    return delegate.isShutdown();
  }

  @Override public boolean isTerminated() {
    return delegate.isTerminated();
  }

  @Override public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return delegate.awaitTermination(timeout, unit);
  }

  @Override public String toString() {
    return "ContextExecutorService{" + delegate + "}";
  }

  static final class Scheduled extends ContextExecutorService<ScheduledExecutorService>
      implements ScheduledExecutorService {
    Scheduled(CurrentContext current, ScheduledExecutorService delegate) {
      super(current, delegate);
    }

    @Override public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
      return delegate.schedule(current.wrap(task), delay, unit);
    }

    @Override public <V> ScheduledFuture<V> schedule(Callable<V> task, long delay, TimeUnit unit) {
      return delegate.schedule(current.wrap(task), delay, unit);
    }

    @Override public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long initialDelay, long period,
        TimeUnit unit) {
      return delegate.scheduleAtFixedRate(current.wrap(task), initialDelay, period, unit);
    }

    @Override public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, long initialDelay, long delay,
        TimeUnit unit) {
      return delegate.scheduleWithFixedDelay(current.wrap(task), initialDelay, delay, unit);
    }
  }
}
