package io.tracelet.log4j2;

import io.tracelet.Scope;
import io.tracelet.ScopeDecorator;
import io.tracelet.TraceContext;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.logging.log4j.ThreadContext;

/**
 * Puts the current span's trace ID and span ID into Log4j 2's {@link ThreadContext} while a scope
 * is open, so every log line written meanwhile can carry them ({@code %X{traceId}} in a pattern
 * layout). On close it restores the values the keys had before, including none, so nested scopes,
 * a cleared context and values the application put there itself come back as they were.
 *
 * <pre>{@code
 * Tracing tracing = Tracing.newBuilder()
 *     .addScopeDecorator(ThreadContextScopeDecorator.create())
 *     .build();
 * }</pre>
 *
 * <p>The keys are those of the SLF4J {@code MdcScopeDecorator}: {@code traceId} and {@code spanId}
 * by default. Every scope {@link io.tracelet.CurrentContext} opens is decorated, including those
 * that its wrapped executors and tasks open on pool threads, so log lines there carry the
 * submitting span's IDs, and the pool thread's ThreadContext is restored after each task. Log4j
 * copies the ThreadContext into each log event when the event is created, on the logging thread,
 * so asynchronous appenders and async loggers write the IDs that were current at the call. IDs are
 * lowercase hex: 32 characters for a 128-bit trace ID, 16 for a 64-bit one and for span IDs.
 * Unsampled spans have IDs too, and they are logged.
 *
 * <p>Thread-safe and immutable: one instance serves every thread. A scope whose IDs are already in
 * the ThreadContext (the same span made current again) allocates nothing and writes nothing; any
 * other allocates one small object, and writes the ThreadContext once when it opens and once when
 * it closes (both keys together: Log4j's default ThreadContext map is copy-on-write, so each write
 * copies the thread's map).
 */
public final class ThreadContextScopeDecorator implements ScopeDecorator {
  private final String traceIdKey;
  private final String spanIdKey;
  private final List<String> keys;

  private ThreadContextScopeDecorator(Builder builder) {
    this.traceIdKey = builder.traceIdKey;
    this.spanIdKey = builder.spanIdKey;
    this.keys = List.of(traceIdKey, spanIdKey);
  }

  /** A decorator writing the ThreadContext keys {@code traceId} and {@code spanId}. */
  public static ThreadContextScopeDecorator create() {
    return newBuilder().build();
  }

  /** A builder to choose the key names, such as {@code trace_id} and {@code span_id}. */
  public static Builder newBuilder() {
    return new Builder();
  }

  @Override public Scope decorate(TraceContext context, Scope scope) {
    String traceId = context == null ? null : context.traceIdHex();
    String spanId = context == null ? null : context.spanIdHex();
    String previousTraceId = ThreadContext.get(traceIdKey);
    String previousSpanId = ThreadContext.get(spanIdKey);
    if (Objects.equals(traceId, previousTraceId) && Objects.equals(spanId, previousSpanId)) {
      return scope; // nothing to change, nothing to undo
    }
    set(traceId, spanId);
    return new ThreadContextScope(scope, previousTraceId, previousSpanId);
  }

  /** Sets both keys (null: removes) in one write of the ThreadContext where Log4j allows it. */
  private void set(String traceId, String spanId) {
    if (traceId != null && spanId != null) {
      ThreadContext.putAll(Map.of(traceIdKey, traceId, spanIdKey, spanId));
    } else if (traceId == null && spanId == null) {
      ThreadContext.removeAll(keys);
    } else { // only where the application had put one of the keys itself
      setOne(traceIdKey, traceId);
      setOne(spanIdKey, spanId);
    }
  }

  private static void setOne(String key, String value) {
    if (value == null) {
      ThreadContext.remove(key);
    } else {
      ThreadContext.put(key, value);
    }
  }

  @Override public String toString() {
    return "ThreadContextScopeDecorator{" + traceIdKey + ", " + spanIdKey + "}";
  }

  /** Puts the previous values back, then closes the scope it decorates; the second close does nothing. */
  private final class ThreadContextScope implements Scope {
    private final Scope delegate;
    private final String previousTraceId;
    private final String previousSpanId;
    private boolean closed;

    ThreadContextScope(Scope delegate, String previousTraceId, String previousSpanId) {
      this.delegate = delegate;
      this.previousTraceId = previousTraceId;
      this.previousSpanId = previousSpanId;
    }

    @Override public void close() {
      if (!closed) {
        closed = true;
        set(previousTraceId, previousSpanId);
      }
      delegate.close();
    }
  }

  /**
   * Chooses the ThreadContext key names; they default to {@code traceId} and {@code spanId}. Not
   * thread-safe: configure on one thread, then share the decorator it builds.
   */
  public static final class Builder {
    private String traceIdKey = "traceId";
    private String spanIdKey = "spanId";

    Builder() {
    }

    /** The ThreadContext key of the trace ID; {@code traceId} by default. */
    public Builder traceIdKey(String key) {
      this.traceIdKey = requireKey(key, "traceIdKey");
      return this;
    }

    /** The ThreadContext key of the span ID; {@code spanId} by default. */
    public Builder spanIdKey(String key) {
      this.spanIdKey = requireKey(key, "spanIdKey");
      return this;
    }

    /**
     * The decorator.
     *
     * @throws IllegalArgumentException when both IDs would go to the same key
     */
    public ThreadContextScopeDecorator build() {
      if (traceIdKey.equals(spanIdKey)) {
        throw new IllegalArgumentException("traceIdKey and spanIdKey are both " + traceIdKey);
      }
      return new ThreadContextScopeDecorator(this);
    }

    private static String requireKey(String key, String name) {
      if (key == null || key.isEmpty()) throw new IllegalArgumentException(name + " is null or empty");
      return key;
    }
  }
}
