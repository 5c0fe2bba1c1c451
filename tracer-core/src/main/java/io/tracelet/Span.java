package io.tracelet;

/**
 * A unit of work in a trace: started by {@link SpanBuilder#start()}, finished by {@link #finish()}.
 *
 * <p>A span of a sampled trace records what is set on it and, once finished, goes to the
 * reporter. A span of an unsampled trace is a no-op that still carries its {@link TraceContext},
 * so that context propagation works; {@link #isRecording()} tells them apart. Both are used the
 * same way.
 *
 * <p>Thread safety: a span may be handed between threads (an executor, a callback) and finished
 * from any of them; {@link #finish()} and {@link #abandon()} are atomic, and only the first of them
 * counts. Calls that change the span from two threads at once are not ordered by Tracelet: one of
 * them may be lost, but none throws. After {@code finish} every change is ignored.
 *
 * <p>Nothing here ever throws because of its arguments: null keys, values and names are ignored.
 */
public abstract sealed class Span permits RealSpan, NoopSpan, MeasuredSpan {
  final TracingState state;

  Span(TracingState state) {
    this.state = state;
  }

  /** This span's identity; never null. */
  public abstract TraceContext context();

  /**
   * True when this span records what is set on it: its trace is sampled, or it is recorded
   * provisionally under a {@link KeepPolicy}, or {@code SpanMetrics} measure it (a head-unsampled
   * span of a measured kind, which keeps only its name and whether it failed, for the metrics).
   * False for a no-op span. Integrations set names, status and errors only on recording spans.
   */
  public abstract boolean isRecording();

  /**
   * True when this process reports this span's trace: it is head-sampled, or a {@link KeepPolicy}
   * has kept its local part, or is certain to (an error recorded, slower than the threshold so far,
   * a downstream keep). Server integrations answer with it as the W3C {@code server-timing} sampled
   * flag, so that callers can keep their part too. False for a no-op span.
   */
  public abstract boolean isKept();

  /**
   * Says that a service this span called kept the trace (a client integration read the W3C {@code
   * server-timing} signal with the sampled flag set, for this trace). Under a {@link KeepPolicy}
   * that honours it, this span's local part is then kept; otherwise nothing happens.
   */
  public abstract void markDownstreamKept();

  /** Renames the span. */
  public abstract Span name(String name);

  /** Sets a tag, replacing any value of the same key; see {@link SpanLimits} for the bounds. */
  public abstract Span tag(String key, String value);

  /** Sets a tag with a number's decimal form. */
  public Span tag(String key, long value) {
    return isRecording() ? tag(key, Long.toString(value)) : this;
  }

  /** Records an event (a Zipkin annotation) now. */
  public abstract Span event(String name);

  /** Records an event at {@code epochMicros}. */
  public abstract Span event(long epochMicros, String name);

  /**
   * Records an error. The span is marked failed: Zipkin's {@code error} tag is set at finish to
   * the error's message (or class name) unless the {@code error} tag was set explicitly.
   */
  public abstract Span error(Throwable error);

  /** Sets the remote peer of a client, server, producer or consumer span. */
  public abstract Span remoteEndpoint(Endpoint remote);

  /** Finishes the span now and hands it to the recorder. Only the first finish counts. */
  public abstract void finish();

  /** Finishes the span at {@code epochMicros}. */
  public abstract void finish(long epochMicros);

  /** Drops the span: it is never reported. Only the first of finish and abandon counts. */
  public abstract void abandon();

  /**
   * Makes this span the current one on this thread until the returned scope is closed, which
   * restores what was current before. Use with try-with-resources, and close on the same thread.
   */
  public final Scope makeCurrent() {
    return state.currentContext.open(this);
  }

  /**
   * The epoch microseconds at {@code nanos} (a nanoTime reading) for a child of this span, so that
   * a local child's times derive from the same anchor as its parent's.
   */
  abstract long childEpochMicrosAt(long nanos);
}
