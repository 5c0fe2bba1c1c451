package io.tracelet.micrometer.tracing;

import io.micrometer.tracing.CurrentTraceContext;
import io.micrometer.tracing.TraceContext;
import io.tracelet.CurrentContext;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

/**
 * Micrometer's current context over Tracelet's {@link CurrentContext}: scopes and wrappers are
 * Tracelet's, so a context made current here is current for Tracelet code too, and the other way
 * round. Thread-safe.
 */
final class BridgeCurrentTraceContext implements CurrentTraceContext {
  private final TraceletTracer tracer;
  private final CurrentContext current;

  BridgeCurrentTraceContext(TraceletTracer tracer, CurrentContext current) {
    this.tracer = tracer;
    this.current = current;
  }

  @Override public TraceContext context() {
    return tracer.currentBridgeContext();
  }

  @Override public Scope newScope(TraceContext context) {
    return tracer.open(context)::close;
  }

  /** A scope that does nothing when {@code context} is current already (null: when none is). */
  @Override public Scope maybeScope(TraceContext context) {
    io.tracelet.TraceContext now = current.context();
    io.tracelet.TraceContext wanted = BridgeContext.unwrap(context);
    if (now == null ? wanted == null : now.equals(wanted)) return Scope.NOOP;
    return newScope(context);
  }

  @Override public <C> Callable<C> wrap(Callable<C> task) {
    return current.wrap(task);
  }

  @Override public Runnable wrap(Runnable task) {
    return current.wrap(task);
  }

  @Override public Executor wrap(Executor executor) {
    return current.wrap(executor);
  }

  @Override public ExecutorService wrap(ExecutorService executorService) {
    return current.wrap(executorService);
  }
}
