package io.tracelet;

/**
 * Decides whether a new trace is recorded. Tracing asks it once per trace, where a root span
 * starts or where an incoming context carries no decision; a decided parent's choice is always
 * followed (parent-based sampling), so a trace is either whole or absent.
 *
 * <p>Implementations must be thread-safe, fast and allocation-free: they run on the request path.
 */
@FunctionalInterface
public interface Sampler {

  /**
   * True to record the trace.
   *
   * @param traceId the lower 64 bits of the new trace's ID (random)
   * @param name the name of the span that starts the trace; never null
   * @param kind its kind; never null
   */
  boolean isSampled(long traceId, String name, SpanKind kind);

  /** Records every trace. */
  static Sampler always() {
    return Samplers.ALWAYS;
  }

  /** Records no trace (unless a parent or a debug flag says otherwise). */
  static Sampler never() {
    return Samplers.NEVER;
  }

  /**
   * Records a fraction of traces, decided from the trace ID alone, so every service of a trace
   * that uses the same rule (Tracelet's, or OpenTelemetry's {@code TraceIdRatioBased}) agrees.
   *
   * @param probability from 0 (none) to 1 (all)
   * @throws IllegalArgumentException outside [0, 1]
   */
  static Sampler probability(double probability) {
    return Samplers.probability(probability);
  }

  /**
   * Records at most {@code tracesPerSecond} new traces a second, smoothed over the second, with
   * bursts up to that many. Lock-free; a decision under heavy contention may say no.
   *
   * @throws IllegalArgumentException when {@code tracesPerSecond} is negative
   */
  static Sampler rateLimited(int tracesPerSecond) {
    return new RateLimitingSampler(tracesPerSecond);
  }

  /** Rules by span name and kind, first match wins; see {@link RuleSampler}. */
  static RuleSampler.Builder rules() {
    return RuleSampler.newBuilder();
  }
}
