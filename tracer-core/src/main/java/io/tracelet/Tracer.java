package io.tracelet;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Starts spans. Obtained from {@link Tracing#tracer()}; one per {@link Tracing}.
 *
 * <p>Thread-safe. Starting an unsampled span allocates one 48-byte object (72 bytes for a kind that
 * {@code SpanMetrics} measure); a sampled span with two tags, one object of 136 bytes (with
 * compressed references), whether the tags were set through the builder or on the span.
 */
public final class Tracer {
  private final TracingState state;

  Tracer(TracingState state) {
    this.state = state;
  }

  /** A builder for a span named {@code name} (null: empty), child of the current span by default. */
  public SpanBuilder spanBuilder(String name) {
    return new SpanBuilder(state, name);
  }

  /** The current span on this thread, or null. */
  public Span currentSpan() {
    return state.currentContext.span();
  }

  /**
   * A span that records nothing and has exactly {@code context} (OpenTelemetry's {@code
   * Span.wrap}): makes a remote or captured context current, so that children join it, without
   * reporting a span for it. Unlike Brave's {@code toSpan}, it never records.
   *
   * @throws NullPointerException when {@code context} is null
   */
  public Span nonRecordingSpan(TraceContext context) {
    return new NoopSpan(state, Objects.requireNonNull(context, "context == null"));
  }

  /** Runs {@code task} in a new child span, current while it runs; records its error; finishes. */
  @SuppressWarnings("try") // the scope is held for its effect
  public void inSpan(String name, Runnable task) {
    Span span = spanBuilder(name).start();
    try (Scope ignored = span.makeCurrent()) {
      task.run();
    } catch (RuntimeException | Error e) {
      span.error(e);
      throw e;
    } finally {
      span.finish();
    }
  }

  /** Like {@link #inSpan(String, Runnable)}, returning what {@code task} returns. */
  @SuppressWarnings("try") // the scope is held for its effect
  public <T> T inSpan(String name, Supplier<T> task) {
    Span span = spanBuilder(name).start();
    try (Scope ignored = span.makeCurrent()) {
      return task.get();
    } catch (RuntimeException | Error e) {
      span.error(e);
      throw e;
    } finally {
      span.finish();
    }
  }

  /** Like {@link #inSpan(String, Supplier)}, for a task that throws checked exceptions. */
  @SuppressWarnings("try") // the scope is held for its effect
  public <T> T callInSpan(String name, Callable<T> task) throws Exception {
    Span span = spanBuilder(name).start();
    try (Scope ignored = span.makeCurrent()) {
      return task.call();
    } catch (Exception | Error e) {
      span.error(e);
      throw e;
    } finally {
      span.finish();
    }
  }
}
