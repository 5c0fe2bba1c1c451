package io.tracelet.slf4j;

import io.tracelet.Scope;
import io.tracelet.ScopeDecorator;
import io.tracelet.TraceContext;
import java.util.Objects;
import org.slf4j.MDC;

/**
 * Puts the current span's trace ID and span ID into SLF4J's {@link MDC} while a scope is open, so
 * every log line written meanwhile can carry them ({@code %X{traceId}} in a Logback pattern). On
 * close it restores the values the keys had before, including none, so nested scopes, a cleared
 * context and values the application put there itself come back as they were.
 *
 * <pre>{@code
 * Tracing tracing = Tracing.newBuilder()
 *     .addScopeDecorator(MdcScopeDecorator.create())
 *     .build();
 * }</pre>
 *
 * <p>Every scope {@link io.tracelet.CurrentContext} opens is decorated, including those that its
 * wrapped executors and tasks open on pool threads, so log lines there carry the submitting
 * span's IDs, and the pool thread's MDC is restored after each task. IDs are lowercase hex: 32
 * characters for a 128-bit trace ID, 16 for a 64-bit one and for span IDs. Unsampled spans have
 * IDs too, and they are logged.
 *
 * <p>Thread-safe and immutable: one instance serves every thread. A scope whose IDs are already
 * in the MDC (the same span made current again) allocates nothing; any other allocates one small
 * object, and the IDs' strings once per span.
 */
public final class MdcScopeDecorator implements ScopeDecorator {
  private final String traceIdKey;
  private final String spanIdKey;

  private MdcScopeDecorator(Builder builder) {
    this.traceIdKey = builder.traceIdKey;
    this.spanIdKey = builder.spanIdKey;
  }

  /** A decorator writing the MDC keys {@code traceId} and {@code spanId}. */
  public static MdcScopeDecorator create() {
    return newBuilder().build();
  }

  /** A builder to choose the MDC key names, such as {@code trace_id} and {@code span_id}. */
  public static Builder newBuilder() {
    return new Builder();
  }

  @Override public Scope decorate(TraceContext context, Scope scope) {
    String traceId = context == null ? null : context.traceIdHex();
    String spanId = context == null ? null : context.spanIdHex();
    String previousTraceId = MDC.get(traceIdKey);
    String previousSpanId = MDC.get(spanIdKey);
    if (Objects.equals(traceId, previousTraceId) && Objects.equals(spanId, previousSpanId)) {
      return scope; // nothing to change, nothing to undo
    }
    set(traceIdKey, traceId);
    set(spanIdKey, spanId);
    return new MdcScope(scope, previousTraceId, previousSpanId);
  }

  private static void set(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }

  @Override public String toString() {
    return "MdcScopeDecorator{" + traceIdKey + ", " + spanIdKey + "}";
  }

  /** Puts the previous values back, then closes the scope it decorates; the second close does nothing. */
  private final class MdcScope implements Scope {
    private final Scope delegate;
    private final String previousTraceId;
    private final String previousSpanId;
    private boolean closed;

    MdcScope(Scope delegate, String previousTraceId, String previousSpanId) {
      this.delegate = delegate;
      this.previousTraceId = previousTraceId;
      this.previousSpanId = previousSpanId;
    }

    @Override public void close() {
      if (!closed) {
        closed = true;
        set(traceIdKey, previousTraceId);
        set(spanIdKey, previousSpanId);
      }
      delegate.close();
    }
  }

  /**
   * Chooses the MDC key names; both default to {@code traceId} and {@code spanId}. Not
   * thread-safe: configure on one thread, then share the decorator it builds.
   */
  public static final class Builder {
    private String traceIdKey = "traceId";
    private String spanIdKey = "spanId";

    Builder() {
    }

    /** The MDC key of the trace ID; {@code traceId} by default. */
    public Builder traceIdKey(String key) {
      this.traceIdKey = requireKey(key, "traceIdKey");
      return this;
    }

    /** The MDC key of the span ID; {@code spanId} by default. */
    public Builder spanIdKey(String key) {
      this.spanIdKey = requireKey(key, "spanIdKey");
      return this;
    }

    /**
     * The decorator.
     *
     * @throws IllegalArgumentException when both IDs would go to the same key
     */
    public MdcScopeDecorator build() {
      if (traceIdKey.equals(spanIdKey)) {
        throw new IllegalArgumentException("traceIdKey and spanIdKey are both " + traceIdKey);
      }
      return new MdcScopeDecorator(this);
    }

    private static String requireKey(String key, String name) {
      if (key == null || key.isEmpty()) throw new IllegalArgumentException(name + " is null or empty");
      return key;
    }
  }
}
