package io.tracelet.propagation;

import io.tracelet.Propagator;

/**
 * The wire formats Tracelet propagates a trace in: B3 (multi-header and single), W3C Trace
 * Context (Level 2) and W3C Baggage, and composites of them.
 *
 * <p>Every propagator returned is immutable, thread-safe and meant to be shared; the factories
 * for a single format return the same instance each time. Extraction never throws on malformed
 * input and returns null when it finds nothing; it allocates the context it returns and, only
 * where the input needs rewriting (a tracestate to normalize, a baggage value to decode), what it
 * rewrites. Injection writes at most one String per header and nothing for a null context.
 *
 * <p>Header names are lowercase ({@link Propagator#keys()} lists them); a {@link
 * Propagator.Getter} for case-insensitive carriers such as HTTP headers must match them
 * case-insensitively, and join a repeated header with commas.
 */
public final class Propagators {

  /**
   * B3 multi-header: injects {@code x-b3-traceid}, {@code x-b3-spanid}, {@code
   * x-b3-parentspanid}, {@code x-b3-sampled} (or {@code x-b3-flags: 1} for debug); extracts
   * those, and the single {@code b3} header first when present, as B3 gives it precedence.
   */
  public static Propagator b3() {
    return B3Propagator.MULTI;
  }

  /**
   * B3 single header: injects {@code b3: {traceId}-{spanId}-{sampling}-{parentSpanId}} (or just
   * the sampling state for a context without IDs); extracts it, or B3 multi-header when it is
   * absent or malformed.
   */
  public static Propagator b3Single() {
    return B3Propagator.SINGLE;
  }

  /**
   * W3C Trace Context Level 2: {@code traceparent} and {@code tracestate}. Injects version 00 with
   * the sampled and random-trace-ID flags; extracts versions 00 and later, keeps a valid
   * tracestate (normalized, at most 32 members, truncated to 512 characters by the spec's rule)
   * and drops an invalid one while keeping the traceparent.
   */
  public static Propagator w3c() {
    return W3CTraceContextPropagator.INSTANCE;
  }

  /**
   * W3C Baggage: the {@code baggage} header, percent-encoded values, properties kept verbatim as
   * each entry's metadata, at most 64 members and 8192 bytes. On its own it extracts a context
   * without IDs that only carries baggage; put it in a {@link #composite} to carry baggage beside
   * a trace format.
   */
  public static Propagator baggage() {
    return W3CBaggagePropagator.INSTANCE;
  }

  /**
   * The given formats as one propagator. Extraction tries them in the order given and returns the
   * first context one yields, so an absent or malformed format gives way to the next; injection
   * writes all of them. A {@link #baggage()} among them is not a trace format: its entries are
   * added to whichever context is extracted (or make a context of their own when no trace is
   * found), and it injects the context's baggage. Nested composites are flattened.
   *
   * @throws IllegalArgumentException when no propagator is given
   * @throws NullPointerException when one of them is null
   */
  public static Propagator composite(Propagator... propagators) {
    if (propagators.length == 0) throw new IllegalArgumentException("no propagator");
    return new CompositePropagator(propagators);
  }

  /**
   * The default for estates that mix Zipkin (B3) and OpenTelemetry (W3C) services: extracts W3C
   * Trace Context first, then B3 single and multi-header, with W3C baggage; injects W3C, B3
   * multi-header and baggage, so that services that know only one of them continue the trace.
   */
  public static Propagator w3cThenB3() {
    return W3C_THEN_B3;
  }

  private static final Propagator W3C_THEN_B3 = composite(w3c(), b3(), baggage());

  private Propagators() {
  }
}
