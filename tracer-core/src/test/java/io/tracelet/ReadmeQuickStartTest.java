package io.tracelet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The quick start of README.md, verbatim between the markers, so that it keeps compiling and working. */
class ReadmeQuickStartTest {
  String pay() {
    return "paid";
  }

  String print(String receipt) {
    return receipt + " printed";
  }

  @Test void quickStart() throws Exception {
    // README:quick-start
    Tracing tracing = Tracing.newBuilder()
        .serviceName("checkout")
        .sampler(Sampler.rateLimited(100))          // or Sampler.probability(0.1), Sampler.rules()...
        .reporter(spans -> spans.forEach(System.out::println)) // or ZipkinReporter.http(...)
        .build();
    Tracer tracer = tracing.tracer();

    Span span = tracer.spanBuilder("charge").kind(SpanKind.CLIENT).tag("card", "visa").start();
    String receipt;
    try (Scope scope = span.makeCurrent()) {
      receipt = pay();                                           // spans started here are children of "charge"
    } catch (RuntimeException e) {
      span.error(e);
      throw e;
    } finally {
      span.finish();
    }
    String copy = tracer.inSpan("print", () -> print(receipt)); // the same in one line

    ExecutorService pool = tracing.currentContext().wrap(Executors.newFixedThreadPool(4));
    // README:end
    pool.shutdown();
    assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    tracing.close();

    assertThat(copy).isEqualTo("paid printed");
    assertThat(tracing.counters().spansReported()).isEqualTo(2);
  }
}
