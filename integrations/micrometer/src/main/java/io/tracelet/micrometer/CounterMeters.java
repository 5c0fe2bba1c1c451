package io.tracelet.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.tracelet.KeepPolicy;
import io.tracelet.TracingCounters;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;

/**
 * Binds one {@link TracingCounters} to one registry: function counters and gauges that read the
 * counts when the registry does (a scrape), so nothing is added to the request path.
 *
 * <p>The causes of spans lost by the reporter are open-ended (whatever reason a reporter gives), so
 * they are registered when first seen: each read of the {@code QueueFull} counter, which every scrape
 * makes, checks whether the reporter failed spans since the last read, and only then looks at the
 * causes. At most {@link #MAX_REPORTER_CAUSES} of them get a series of their own; the rest are
 * summed under {@code other}.
 */
final class CounterMeters {
  static final int MAX_REPORTER_CAUSES = 20;
  static final String OTHER_CAUSE = "other";
  // The recorder's own causes, as TracingCounters.spansLostByCause names them.
  private static final Set<String> RECORDER_CAUSES = Set.of("QueueFull", "Closed", "CloseTimeout");

  private final TracingCounters counters;
  private final MeterRegistry registry;
  private final Tags tags;
  private final Set<String> ownSeries = ConcurrentHashMap.newKeySet(); // reporter causes with a series
  private final AtomicBoolean otherRegistered = new AtomicBoolean();
  private volatile long failedSeen;
  private volatile Map<String, Long> lostByCause = Map.of();

  private CounterMeters(TracingCounters counters, MeterRegistry registry, Tags tags) {
    this.counters = counters;
    this.registry = registry;
    this.tags = tags;
  }

  static void bind(TracingCounters counters, MeterRegistry registry, Tags tags) {
    new CounterMeters(counters, registry, tags).bind();
  }

  private void bind() {
    counter("tracelet.spans.accepted", "Finished spans the recorder took in", TracingCounters::spansAccepted);
    counter("tracelet.spans.reported", "Spans the reporter took without reporting a failure",
        TracingCounters::spansReported);
    lost("QueueFull", c -> {
      refreshReporterCauses();
      return c.spansDropped();
    });
    lost("Closed", TracingCounters::spansDroppedAfterClose);
    lost("CloseTimeout", TracingCounters::spansUndelivered);
    gauge("tracelet.spans.queued", "Accepted spans not yet reported, failed or undelivered",
        TracingCounters::spansQueued);

    for (String reason : new String[] {KeepPolicy.ERROR, KeepPolicy.SLOW, KeepPolicy.DOWNSTREAM}) {
      FunctionCounter.builder("tracelet.traces.kept", counters,
              c -> c.localTracesKept().getOrDefault(reason, 0L).doubleValue())
          .description("Local parts of head-unsampled traces the keep policy kept, by reason")
          .tags(tags).tag("reason", reason)
          .register(registry);
    }
    counter("tracelet.traces.discarded", "Local parts the keep policy decided not to keep",
        TracingCounters::localTracesDiscarded);
    counter("tracelet.spans.provisional.overflowed",
        "Provisional spans dropped because the keep policy's bounds were reached",
        TracingCounters::provisionalSpansOverflowed);
    gauge("tracelet.spans.provisional.pending", "Provisional spans held, waiting for their local root",
        TracingCounters::provisionalSpansPending);

    counter("tracelet.tags.dropped", "Tags dropped because a span had the most allowed", TracingCounters::tagsDropped);
    counter("tracelet.events.dropped", "Events dropped because a span had the most allowed",
        TracingCounters::eventsDropped);
    counter("tracelet.tag.values.truncated", "Tag values cut to the longest allowed",
        TracingCounters::tagValuesTruncated);
  }

  private void counter(String name, String description, ToDoubleFunction<TracingCounters> count) {
    FunctionCounter.builder(name, counters, count).description(description).tags(tags).register(registry);
  }

  private void gauge(String name, String description, ToDoubleFunction<TracingCounters> value) {
    Gauge.builder(name, counters, value).description(description).tags(tags).register(registry);
  }

  private void lost(String cause, ToDoubleFunction<TracingCounters> count) {
    FunctionCounter.builder("tracelet.spans.lost", counters, count)
        .description("Spans lost, by cause: the recorder's queue full, tracing closed, the close timeout, "
            + "or the reporter's reason")
        .tags(tags).tag("cause", cause)
        .register(registry);
  }

  // Registers a counter for each reporter cause not seen before, once the reporter has failed spans
  // since the last look. Runs on the thread that reads the registry; racing reads register a cause once.
  // A reporter's cause only changes when spansFailed does, so the snapshot stays right until then.
  private void refreshReporterCauses() {
    long failed = counters.spansFailed();
    if (failed == failedSeen) return;
    Map<String, Long> byCause = counters.spansLostByCause();
    lostByCause = byCause;
    failedSeen = failed;
    for (String cause : byCause.keySet()) {
      if (RECORDER_CAUSES.contains(cause) || ownSeries.contains(cause)) continue;
      if (!cause.equals(OTHER_CAUSE) && ownSeries.size() < MAX_REPORTER_CAUSES) {
        if (ownSeries.add(cause)) lost(cause, c -> lostByCause.getOrDefault(cause, 0L));
      } else if (otherRegistered.compareAndSet(false, true)) {
        lost(OTHER_CAUSE, c -> lostWithoutOwnSeries());
      }
    }
  }

  // Spans the reporter lost under causes that have no series of their own.
  private double lostWithoutOwnSeries() {
    long sum = 0L;
    for (Map.Entry<String, Long> e : lostByCause.entrySet()) {
      if (!RECORDER_CAUSES.contains(e.getKey()) && !ownSeries.contains(e.getKey())) sum += e.getValue();
    }
    return sum;
  }
}
