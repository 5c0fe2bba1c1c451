package io.tracelet;

import io.tracelet.internal.SpanMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Keeps the requests that matter when head sampling said no: the local part of a trace (the spans
 * this process made under one local root) is recorded provisionally, held with its local root, and
 * reported when the root finishes if the policy says keep, or discarded otherwise.
 *
 * <pre>{@code
 * Tracing tracing = Tracing.newBuilder()
 *     .sampler(Sampler.probability(0.01))
 *     .keepPolicy(KeepPolicy.newBuilder()
 *         .keepErrors()                                   // any span of the local part failed
 *         .keepSlowerThan(Duration.ofMillis(500))         // the local root took longer
 *         .keepSlowerThan(SpanKind.CLIENT, "charge*", Duration.ofMillis(200))
 *         .build())                                       // and a downstream keep, by default
 *     .build();
 * }</pre>
 *
 * <p>Reasons, in the order they are checked: {@value #ERROR} (a span of the local part recorded an
 * error, or has an {@code error} tag), {@value #SLOW} (the local root, or a span a rule matches,
 * lasted longer than its threshold), {@value #DOWNSTREAM} (a service this one called said it kept
 * the trace: {@link Span#markDownstreamKept()}, which client integrations call on the W3C
 * {@code server-timing} signal). Every kept span carries the tag {@value #TAG} with the reason. A
 * head-sampled trace is recorded as always; the propagated sampled flag stays what the head
 * decided, so each downstream service makes its own decision.
 *
 * <p>Memory is bounded: a local part holds at most {@code maxSpansPerLocalTrace} finished spans
 * while its root runs, and the process at most {@code maxPendingSpans}. Spans past either limit are
 * dropped and counted; a local part that overflowed is still decided on everything it saw, and if
 * kept it is reported truncated, because its root (which finishes last and carries the outcome)
 * and its earlier spans are worth more than nothing. A provisional local part whose root is never
 * finished is garbage-collected like any span, and its count returns to the process limit.
 *
 * <p>Immutable and thread-safe.
 */
public final class KeepPolicy {
  /** The tag kept spans carry, with the reason as its value. */
  public static final String TAG = "sampling.keep";
  /** The reason for a local part in which a span recorded an error. */
  public static final String ERROR = "error";
  /** The reason for a local part whose root, or a matched span, was slower than its threshold. */
  public static final String SLOW = "slow";
  /** The reason for a local part a downstream service said it kept. */
  public static final String DOWNSTREAM = "downstream";

  final boolean errors;
  final long rootSlowerThanMicros; // Long.MAX_VALUE: no threshold
  final SpanMatcher[] slowMatchers;
  final long[] slowMatcherMicros;
  final boolean downstream;
  final int maxSpansPerLocalTrace;
  final int maxPendingSpans;

  private KeepPolicy(Builder b) {
    this.errors = b.errors;
    this.rootSlowerThanMicros = b.rootSlowerThanMicros;
    this.slowMatchers = b.slowMatchers.toArray(new SpanMatcher[0]);
    this.slowMatcherMicros = b.slowMatcherMicros.stream().mapToLong(Long::longValue).toArray();
    this.downstream = b.downstream;
    this.maxSpansPerLocalTrace = b.maxSpansPerLocalTrace;
    this.maxPendingSpans = b.maxPendingSpans;
  }

  /** A builder of a policy that keeps nothing until told what to keep, downstream keeps aside. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** True when a span of {@code durationMicros} matched by name and kind is slow by a rule. */
  boolean isSlow(String name, SpanKind kind, long durationMicros) {
    for (int i = 0; i < slowMatchers.length; i++) {
      if (durationMicros > slowMatcherMicros[i] && slowMatchers[i].matches(name, kind)) return true;
    }
    return false;
  }

  @Override public String toString() {
    return "KeepPolicy{errors=" + errors + ", rootSlowerThanMicros="
        + (rootSlowerThanMicros == Long.MAX_VALUE ? "none" : rootSlowerThanMicros) + ", rules="
        + List.of(slowMatchers) + ", downstream=" + downstream + ", maxSpansPerLocalTrace="
        + maxSpansPerLocalTrace + ", maxPendingSpans=" + maxPendingSpans + "}";
  }

  /** Configures a {@link KeepPolicy}. Not thread-safe. */
  public static final class Builder {
    boolean errors;
    long rootSlowerThanMicros = Long.MAX_VALUE;
    final List<SpanMatcher> slowMatchers = new ArrayList<>();
    final List<Long> slowMatcherMicros = new ArrayList<>();
    boolean downstream = true;
    int maxSpansPerLocalTrace = 1000;
    int maxPendingSpans = 100_000;

    Builder() {
    }

    /** Keeps a local part in which any span recorded an error or has an {@code error} tag. */
    public Builder keepErrors() {
      this.errors = true;
      return this;
    }

    /** Keeps a local part whose local root lasted longer than {@code threshold}. */
    public Builder keepSlowerThan(Duration threshold) {
      this.rootSlowerThanMicros = micros(threshold);
      return this;
    }

    /**
     * Keeps a local part in which a span of {@code kind} (null: any) whose name matches {@code
     * namePattern} (exact, or a prefix when it ends in {@code *}; null: any) lasted longer than
     * {@code threshold}.
     */
    public Builder keepSlowerThan(SpanKind kind, String namePattern, Duration threshold) {
      slowMatchers.add(new SpanMatcher(kind, namePattern));
      slowMatcherMicros.add(micros(threshold));
      return this;
    }

    /**
     * Whether a downstream service's word that it kept the trace keeps this local part too; on by
     * default. The word only ever upgrades a decision to keep, within the same limits.
     */
    public Builder keepWhenDownstreamKept(boolean downstream) {
      this.downstream = downstream;
      return this;
    }

    /**
     * The most finished spans one local part holds while its root runs; 1000.
     *
     * @throws IllegalArgumentException when below 1
     */
    public Builder maxSpansPerLocalTrace(int max) {
      if (max < 1) throw new IllegalArgumentException("maxSpansPerLocalTrace must be positive: " + max);
      this.maxSpansPerLocalTrace = max;
      return this;
    }

    /**
     * The most finished spans all local parts of the process hold while their roots run; 100,000.
     *
     * @throws IllegalArgumentException when below 1
     */
    public Builder maxPendingSpans(int max) {
      if (max < 1) throw new IllegalArgumentException("maxPendingSpans must be positive: " + max);
      this.maxPendingSpans = max;
      return this;
    }

    /** The policy. */
    public KeepPolicy build() {
      return new KeepPolicy(this);
    }

    private static long micros(Duration threshold) {
      if (Objects.requireNonNull(threshold, "threshold == null").isNegative()) {
        throw new IllegalArgumentException("threshold must not be negative: " + threshold);
      }
      return threshold.toNanos() / 1000L;
    }
  }
}
