package io.tracelet.examples.reporter;

import io.tracelet.FinishedSpan;
import io.tracelet.SpanReporter;
import io.tracelet.Tracer;
import io.tracelet.Tracing;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A {@link SpanReporter} of your own: this one sends an alert line for each span slower than a
 * threshold, and on close a summary of how many spans it saw. A reporter receives batches of
 * finished spans on the recorder's one thread, never concurrently, so it needs no locks; it may
 * take its time (only the recorder waits). It must not keep the list or the spans past
 * {@link #report}: it copies out what it needs, here a line of text.
 *
 * <p>Plug it in with {@code Tracing.newBuilder().reporter(...)}; to send spans to Zipkin as well,
 * call both reporters from one.
 */
public final class SlowSpanReporter implements SpanReporter {
  private final long thresholdMicros;
  private final Consumer<String> alerts;
  private long seen; // only the recorder thread touches it
  private long slow;

  /** Alerts {@code alerts} of every span that took at least {@code threshold}. */
  public SlowSpanReporter(Duration threshold, Consumer<String> alerts) {
    this.thresholdMicros = threshold.toNanos() / 1000;
    this.alerts = alerts;
  }

  @Override public void report(List<FinishedSpan> batch) {
    for (FinishedSpan span : batch) {
      seen++;
      if (span.duration() < thresholdMicros) continue;
      slow++;
      alerts.accept(String.format("SLOW %s took %d ms (trace %016x%016x, service %s)", span.name(),
          span.duration() / 1000, span.traceIdHigh(), span.traceId(), span.localEndpoint().serviceName()));
    }
  }

  /** Called once by {@code Tracing.close()}, after the last batch. */
  @Override public void close() {
    alerts.accept("slow-span reporter closed: " + slow + " of " + seen + " spans were slow");
  }

  public static void main(String[] args) {
    try (Tracing tracing = Tracing.newBuilder()
        .serviceName("search")
        .reporter(new SlowSpanReporter(Duration.ofMillis(100), System.out::println))
        .build()) {
      recordQueries(tracing.tracer(), System.currentTimeMillis() * 1000);
    }
  }

  /**
   * Records three spans after the fact, with explicit timestamps, all started at
   * {@code startMicros} (epoch microseconds): {@code query products} took 250 ms,
   * {@code query prices} 5 ms and {@code query stock} 20 ms.
   */
  public static void recordQueries(Tracer tracer, long startMicros) {
    record(tracer, "query products", startMicros, 250_000);
    record(tracer, "query prices", startMicros, 5_000);
    record(tracer, "query stock", startMicros, 20_000);
  }

  private static void record(Tracer tracer, String name, long startMicros, long durationMicros) {
    tracer.spanBuilder(name).noParent().startTimestamp(startMicros).start().finish(startMicros + durationMicros);
  }
}
