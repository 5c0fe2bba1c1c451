package io.tracelet;

/**
 * The role a span plays in an interaction, as Zipkin and OpenTelemetry define it.
 *
 * <p>{@link #INTERNAL} is local work; Zipkin's model has no kind for it, so reporters leave the
 * kind out.
 */
public enum SpanKind {
  /** Local work with no remote peer. */
  INTERNAL,
  /** The caller's side of a remote call, such as an outgoing HTTP request. */
  CLIENT,
  /** The callee's side of a remote call, such as an incoming HTTP request. */
  SERVER,
  /** Sending a message to a broker, such as a Kafka produce. */
  PRODUCER,
  /** Receiving a message from a broker, such as a Kafka consume. */
  CONSUMER
}
