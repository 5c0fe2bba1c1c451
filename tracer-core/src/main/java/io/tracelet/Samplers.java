package io.tracelet;

/** The stateless samplers. */
final class Samplers {
  static final Sampler ALWAYS = new Sampler() {
    @Override public boolean isSampled(long traceId, String name, SpanKind kind) {
      return true;
    }

    @Override public String toString() {
      return "AlwaysSample";
    }
  };

  static final Sampler NEVER = new Sampler() {
    @Override public boolean isSampled(long traceId, String name, SpanKind kind) {
      return false;
    }

    @Override public String toString() {
      return "NeverSample";
    }
  };

  static Sampler probability(double probability) {
    if (!(probability >= 0.0 && probability <= 1.0)) {
      throw new IllegalArgumentException("probability must be in [0, 1]: " + probability);
    }
    if (probability == 0.0) return NEVER;
    if (probability == 1.0) return ALWAYS;
    // The same rule as OpenTelemetry's TraceIdRatioBased, so mixed estates agree on each trace:
    // sample when |low 64 bits of the trace ID| < probability * Long.MAX_VALUE.
    long bound = (long) (probability * Long.MAX_VALUE);
    return new Sampler() {
      @Override public boolean isSampled(long traceId, String name, SpanKind kind) {
        return Math.abs(traceId) < bound;
      }

      @Override public String toString() {
        return "ProbabilitySampler{" + probability + "}";
      }
    };
  }

  private Samplers() {
  }
}
