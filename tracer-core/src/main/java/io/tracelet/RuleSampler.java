package io.tracelet;

import io.tracelet.internal.SpanMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Samples by rules over the span name and kind: the first rule that matches decides, with its own
 * sampler; when none matches, the fallback does. Typical use keeps health checks out and samples
 * routes differently:
 *
 * <pre>{@code
 * Sampler sampler = Sampler.rules()
 *     .name("GET /health", Sampler.never())
 *     .name("POST /checkout*", Sampler.always())
 *     .kind(SpanKind.CONSUMER, Sampler.probability(0.1))
 *     .build(Sampler.rateLimited(100));
 * }</pre>
 *
 * <p>A name pattern is exact, or a prefix when it ends in {@code *}. Immutable and thread-safe;
 * matching allocates nothing.
 */
public final class RuleSampler implements Sampler {
  private final Rule[] rules;
  private final Sampler fallback;

  private RuleSampler(Rule[] rules, Sampler fallback) {
    this.rules = rules;
    this.fallback = fallback;
  }

  static Builder newBuilder() {
    return new Builder();
  }

  @Override public boolean isSampled(long traceId, String name, SpanKind kind) {
    for (Rule rule : rules) {
      if (rule.matches(name, kind)) return rule.sampler.isSampled(traceId, name, kind);
    }
    return fallback.isSampled(traceId, name, kind);
  }

  @Override public String toString() {
    return "RuleSampler" + List.of(rules) + " else " + fallback;
  }

  /** Collects rules in order. Not thread-safe. */
  public static final class Builder {
    private final List<Rule> rules = new ArrayList<>();

    Builder() {
    }

    /** Spans whose name matches {@code namePattern} (exact, or prefix with a trailing '*'). */
    public Builder name(String namePattern, Sampler sampler) {
      return rule(null, namePattern, sampler);
    }

    /** Spans of {@code kind}. */
    public Builder kind(SpanKind kind, Sampler sampler) {
      return rule(kind, null, sampler);
    }

    /**
     * Spans of {@code kind} (null: any) whose name matches {@code namePattern} (null: any).
     *
     * @throws NullPointerException when {@code sampler} is null
     */
    public Builder rule(SpanKind kind, String namePattern, Sampler sampler) {
      Objects.requireNonNull(sampler, "sampler == null");
      rules.add(new Rule(kind, namePattern, sampler));
      return this;
    }

    /** The sampler; {@code fallback} decides when no rule matches. */
    public RuleSampler build(Sampler fallback) {
      Objects.requireNonNull(fallback, "fallback == null");
      return new RuleSampler(rules.toArray(new Rule[0]), fallback);
    }
  }

  private static final class Rule {
    final SpanMatcher matcher;
    final Sampler sampler;

    Rule(SpanKind kind, String pattern, Sampler sampler) {
      this.matcher = new SpanMatcher(kind, pattern);
      this.sampler = sampler;
    }

    boolean matches(String spanName, SpanKind spanKind) {
      return matcher.matches(spanName, spanKind);
    }

    @Override public String toString() {
      return matcher + " -> " + sampler;
    }
  }
}
