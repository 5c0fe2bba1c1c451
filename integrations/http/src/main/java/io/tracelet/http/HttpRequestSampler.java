package io.tracelet.http;

import io.tracelet.Sampler;
import io.tracelet.SpanKind;
import io.tracelet.TraceContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sampling rules by request method and path prefix, for the requests that start a new trace: the
 * first rule that matches decides with its own {@link Sampler}; when none matches, the tracing's
 * sampler decides as for any span.
 *
 * <pre>{@code
 * HttpRequestSampler rules = HttpRequestSampler.newBuilder()
 *     .rule("GET", "/health", Sampler.never())      // never trace health checks
 *     .rule(null, "/admin/", Sampler.always())      // any method
 *     .build();
 * }</pre>
 *
 * <p>The rules decide only new traces: a request whose caller sent a sampling decision follows it,
 * and so does a client call made inside a decided span, so a trace stays whole or absent. The
 * method matches exactly (case-insensitively); the path matches as a prefix of the raw path.
 *
 * <p>The trace ID is not drawn yet when a rule decides, so a rule's sampler is given a fresh random
 * number in its place: a {@link Sampler#probability} rule samples that fraction of requests, but its
 * decision is not the one a trace-ID-based sampler in another service would make for the same trace.
 * The span name the sampler is given is the method.
 *
 * <p>Immutable and thread-safe; matching allocates nothing, and a decision allocates one small
 * context that carries it to the span.
 */
public final class HttpRequestSampler {
  private static final HttpRequestSampler NONE = new HttpRequestSampler(new Rule[0]);
  private static final TraceContext SAMPLED = TraceContext.newBuilder().sampled(true).build();
  private static final TraceContext NOT_SAMPLED = TraceContext.newBuilder().sampled(false).build();

  private final Rule[] rules;

  private HttpRequestSampler(Rule[] rules) {
    this.rules = rules;
  }

  /** No rules: the tracing's sampler decides every new trace. */
  public static HttpRequestSampler none() {
    return NONE;
  }

  /** A builder of rules, checked in the order they are added. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * The parent a span of this request should start with: {@code parent} itself when it carries a
   * sampling decision or no rule matches, else a context carrying the first matching rule's decision
   * (with {@code parent}'s IDs and baggage, when it has them).
   */
  TraceContext parentFor(TraceContext parent, String method, String path, SpanKind kind) {
    if (rules.length == 0 || (parent != null && parent.hasSamplingDecision())) return parent;
    for (Rule rule : rules) {
      if (rule.matches(method, path)) {
        boolean sampled = rule.sampler.isSampled(ThreadLocalRandom.current().nextLong(), method, kind);
        if (parent == null) return sampled ? SAMPLED : NOT_SAMPLED;
        return parent.toBuilder().sampled(sampled).build();
      }
    }
    return parent;
  }

  @Override public String toString() {
    return "HttpRequestSampler" + List.of(rules);
  }

  /** Collects rules in order. Not thread-safe. */
  public static final class Builder {
    private final List<Rule> rules = new ArrayList<>();

    Builder() {
    }

    /**
     * Requests with {@code method} (null: any) whose raw path starts with {@code pathPrefix}
     * ({@code "/"} or {@code ""}: any path) are decided by {@code sampler}.
     *
     * @throws NullPointerException when {@code pathPrefix} or {@code sampler} is null
     */
    public Builder rule(String method, String pathPrefix, Sampler sampler) {
      Objects.requireNonNull(pathPrefix, "pathPrefix == null");
      Objects.requireNonNull(sampler, "sampler == null");
      rules.add(new Rule(method == null ? null : method.toUpperCase(Locale.ROOT), pathPrefix, sampler));
      return this;
    }

    /** The rules, in the order added. */
    public HttpRequestSampler build() {
      return rules.isEmpty() ? NONE : new HttpRequestSampler(rules.toArray(new Rule[0]));
    }
  }

  private record Rule(String method, String pathPrefix, Sampler sampler) {
    boolean matches(String requestMethod, String path) {
      if (method != null && !method.equalsIgnoreCase(requestMethod)) return false;
      return pathPrefix.isEmpty() || (path != null && path.startsWith(pathPrefix));
    }

    @Override public String toString() {
      return (method == null ? "*" : method) + " " + pathPrefix + "* -> " + sampler;
    }
  }
}
