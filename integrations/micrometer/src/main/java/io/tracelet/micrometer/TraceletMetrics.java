package io.tracelet.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.tracelet.Tracing;
import io.tracelet.TracingCounters;
import java.util.Objects;

/**
 * Binds a {@link Tracing} to Micrometer: its counters ({@link TracingCounters}: what the recorder,
 * the reporter and the keep policy did) as {@code tracelet.*} function counters and gauges.
 *
 * <pre>{@code
 * TraceletMetrics.create(tracing).bindTo(registry);
 * }</pre>
 *
 * <p>Thread-safe. Binding to several registries binds to each.
 */
public final class TraceletMetrics implements MeterBinder {
  private final Tracing tracing;
  private final Tags tags;

  private TraceletMetrics(Tracing tracing) {
    this.tracing = tracing;
    this.tags = Tags.of("service.name", tracing.serviceName());
  }

  /** A binder over {@code tracing}. */
  public static TraceletMetrics create(Tracing tracing) {
    Objects.requireNonNull(tracing, "tracing == null");
    return new TraceletMetrics(tracing);
  }

  @Override public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry == null");
    CounterMeters.bind(tracing.counters(), registry, tags);
  }

  @Override public String toString() {
    return "TraceletMetrics{" + tracing.serviceName() + "}";
  }
}
