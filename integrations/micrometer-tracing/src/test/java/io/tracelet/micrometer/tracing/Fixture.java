package io.tracelet.micrometer.tracing;

import io.tracelet.FinishedSpan;
import io.tracelet.Sampler;
import io.tracelet.Tracing;
import io.tracelet.propagation.Propagators;
import io.tracelet.testing.InMemoryReporter;
import java.time.Duration;
import java.util.List;

/** A Tracing with strict scopes, W3C + B3 + baggage propagation and an in-memory reporter, bridged. */
final class Fixture implements AutoCloseable {
  final InMemoryReporter reporter = new InMemoryReporter();
  final Tracing tracing;
  final TraceletTracer tracer;
  final TraceletPropagator propagator;

  Fixture() {
    this(Sampler.always());
  }

  Fixture(Sampler sampler) {
    tracing = Tracing.newBuilder()
        .serviceName("bridge-test")
        .localIp("127.0.0.1")
        .sampler(sampler)
        .propagator(Propagators.w3cThenB3())
        .strictScopes(true)
        .reporter(reporter)
        .build();
    tracer = TraceletTracer.create(tracing);
    propagator = TraceletPropagator.create(tracer);
  }

  /** Every span finished so far, in the order finished. */
  List<FinishedSpan> spans() {
    if (!tracing.flush(Duration.ofSeconds(10))) throw new AssertionError("spans not delivered within 10 s");
    return reporter.spans();
  }

  /** The one span finished so far. */
  FinishedSpan onlySpan() {
    List<FinishedSpan> spans = spans();
    if (spans.size() != 1) throw new AssertionError("expected one span, got " + spans);
    return spans.get(0);
  }

  @Override public void close() {
    tracing.close();
  }
}
