package io.tracelet.examples.sampling;

import io.tracelet.Sampler;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.Tracer;
import io.tracelet.Tracing;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which traces to keep, by rules over the name and kind of the span that starts a trace: the first
 * rule that matches decides, and a fallback decides the rest. Tracing asks once per trace, at its
 * root; every span below follows that decision, whatever its own name. Run it to see how many
 * traces of each kind were kept.
 */
public final class SamplerRules {
  /** Root spans the example starts: {@code name}, its kind. */
  public static final List<Map.Entry<String, SpanKind>> ROOTS = List.of(
      Map.entry("GET /health", SpanKind.SERVER),
      Map.entry("POST /checkout/confirm", SpanKind.SERVER),
      Map.entry("recompute recommendations", SpanKind.CONSUMER),
      Map.entry("GET /products", SpanKind.SERVER));

  private SamplerRules() {
  }

  public static void main(String[] args) {
    try (Tracing tracing = Tracing.newBuilder().serviceName("shop").sampler(sampler()).build()) {
      startRoots(tracing.tracer(), 1000).forEach((root, kept) -> System.out.println(kept + " of 1000 kept: " + root));
    }
  }

  /** The rules: health checks never, checkouts always, a quarter of consumers, 10 other traces a second. */
  public static Sampler sampler() {
    return Sampler.rules()
        .name("GET /health", Sampler.never())
        .name("POST /checkout*", Sampler.always()) // '*' at the end: a prefix
        .kind(SpanKind.CONSUMER, Sampler.probability(0.25))
        .build(Sampler.rateLimited(10));
  }

  /**
   * Starts {@code count} traces for each of {@link #ROOTS}, each with a child named
   * {@code GET /health} (which follows its root's decision), and returns how many of each root were
   * kept (recording).
   */
  @SuppressWarnings("try") // the scope is held for its effect, never read
  public static Map<String, Integer> startRoots(Tracer tracer, int count) {
    Map<String, Integer> kept = new LinkedHashMap<>();
    for (Map.Entry<String, SpanKind> root : ROOTS) {
      int recorded = 0;
      for (int i = 0; i < count; i++) {
        Span span = tracer.spanBuilder(root.getKey()).kind(root.getValue()).start();
        try (Scope ignored = span.makeCurrent()) {
          tracer.inSpan("GET /health", () -> { }); // a child: the rules are not asked again
        } finally {
          span.finish();
        }
        if (span.isRecording()) recorded++;
      }
      kept.put(root.getKey(), recorded);
    }
    return kept;
  }
}
