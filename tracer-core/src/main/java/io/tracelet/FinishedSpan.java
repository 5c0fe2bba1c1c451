package io.tracelet;

/**
 * A read-only view of a span that has finished, as {@link SpanReporter}s receive it.
 *
 * <p>Tracelet hands reporters its own span objects, not copies: nothing in a finished span changes
 * after it is recorded, so a reporter may read it from its thread without locks. A reporter must
 * not keep references past its {@link SpanReporter#report} call unless it needs them (a test
 * reporter does).
 *
 * <p>Tracelet implements this interface; tests of reporters and encoders may implement it too.
 * Times are epoch microseconds and durations microseconds, as in Zipkin's model.
 */
public interface FinishedSpan {
  /** The upper 64 bits of a 128-bit trace ID, or 0. */
  long traceIdHigh();

  /** The lower 64 bits of the trace ID; never 0. */
  long traceId();

  /** Never 0. */
  long spanId();

  /** 0 for a root span. */
  long parentId();

  /** B3's debug flag. */
  boolean debug();

  /** True when the span ID is shared with a remote client (B3 join). */
  boolean shared();

  /** The span's name; never null, may be empty. */
  String name();

  /** Never null. */
  SpanKind kind();

  /** Epoch microseconds. */
  long startTimestamp();

  /** Microseconds, at least 1 for a span that took any time at all; 0 when unknown. */
  long duration();

  /** The service that recorded the span; never null. */
  Endpoint localEndpoint();

  /** The peer of a client, server, producer or consumer span, or null. */
  Endpoint remoteEndpoint();

  /** How many tags there are. */
  int tagCount();

  /** The key of tag {@code i}, {@code 0 <= i < tagCount()}; keys are unique. */
  String tagKey(int i);

  /** The value of tag {@code i}; never null. */
  String tagValue(int i);

  /** How many events (Zipkin annotations) there are. */
  int eventCount();

  /** The epoch-microsecond timestamp of event {@code i}. */
  long eventTimestamp(int i);

  /** The name of event {@code i}. */
  String eventName(int i);

  /**
   * The error recorded with {@link Span#error}, or null. When a span has an error, Tracelet also
   * adds the Zipkin {@code error} tag (the message, or the class name) unless one was set.
   */
  Throwable error();
}
