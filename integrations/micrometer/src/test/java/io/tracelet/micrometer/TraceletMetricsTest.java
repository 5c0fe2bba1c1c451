package io.tracelet.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tracelet.KeepPolicy;
import io.tracelet.ReportException;
import io.tracelet.Sampler;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import io.tracelet.metrics.SpanMetrics;
import io.tracelet.testing.InMemoryReporter;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The meters TraceletMetrics makes, read back through Micrometer's SimpleMeterRegistry. */
class TraceletMetricsTest {
  static final long START = 1_700_000_000_000_000L; // epoch micros

  final List<Tracing> tracings = new ArrayList<>();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach void close() {
    tracings.forEach(Tracing::close);
    registry.close();
  }

  Tracing tracing(String service, Sampler sampler, SpanMetrics metrics) {
    Tracing tracing = Tracing.newBuilder().serviceName(service).sampler(sampler).spanMetrics(metrics)
        .reporter(new InMemoryReporter()).build();
    tracings.add(tracing);
    return tracing;
  }

  /** A span of the given kind that lasted exactly {@code micros}, failed or not. */
  static void span(Tracing tracing, String name, SpanKind kind, long micros, boolean error) {
    Span span = tracing.tracer().spanBuilder(name).kind(kind).startTimestamp(START).start();
    if (error) span.error(new IllegalStateException("declined"));
    span.finish(START + micros);
  }

  static Counter calls(MeterRegistry registry, String service, String name, String kind, String status) {
    return registry.get("traces.span.metrics.calls").tag("service.name", service).tag("span.name", name)
        .tag("span.kind", kind).tag("status.code", status).counter();
  }

  static Timer duration(MeterRegistry registry, String service, String name, String kind, String status) {
    return registry.get("traces.span.metrics.duration").tag("service.name", service).tag("span.name", name)
        .tag("span.kind", kind).tag("status.code", status).timer();
  }

  /** Cumulative counts per bucket bound, in seconds, as the timer's histogram has them. */
  static List<String> buckets(Timer timer) {
    List<String> counts = new ArrayList<>();
    for (CountAtBucket b : timer.takeSnapshot().histogramCounts()) {
      counts.add(b.bucket(TimeUnit.MILLISECONDS) + "ms=" + (long) b.count());
    }
    return counts;
  }

  @Test void countsAKnownWorkloadExactly() {
    Tracing tracing = tracing("Shop", Sampler.always(), SpanMetrics.newBuilder().build());
    TraceletMetrics.create(tracing).bindTo(registry);

    for (int i = 0; i < 7; i++) span(tracing, "GET /cart", SpanKind.SERVER, 3_000, false);     // 3 ms
    for (int i = 0; i < 2; i++) span(tracing, "GET /cart", SpanKind.SERVER, 1_200_000, false); // 1.2 s
    for (int i = 0; i < 3; i++) span(tracing, "GET /cart", SpanKind.SERVER, 2_000, true);      // 2 ms, failed
    span(tracing, "orders", SpanKind.CONSUMER, 20_000_000, false);                              // 20 s

    assertThat(calls(registry, "shop", "GET /cart", "SPAN_KIND_SERVER", "STATUS_CODE_UNSET").count()).isEqualTo(9.0);
    assertThat(calls(registry, "shop", "GET /cart", "SPAN_KIND_SERVER", "STATUS_CODE_ERROR").count()).isEqualTo(3.0);
    assertThat(calls(registry, "shop", "orders", "SPAN_KIND_CONSUMER", "STATUS_CODE_UNSET").count()).isEqualTo(1.0);

    Timer ok = duration(registry, "shop", "GET /cart", "SPAN_KIND_SERVER", "STATUS_CODE_UNSET");
    assertThat(ok.count()).isEqualTo(9);
    assertThat(ok.totalTime(TimeUnit.MICROSECONDS)).isEqualTo(7 * 3_000 + 2 * 1_200_000);
    // The connector's default buckets; 3 ms falls in the 4 ms one, 1.2 s in the 1.4 s one.
    assertThat(buckets(ok)).containsExactly("2.0ms=0", "4.0ms=7", "6.0ms=7", "8.0ms=7", "10.0ms=7", "50.0ms=7",
        "100.0ms=7", "200.0ms=7", "400.0ms=7", "800.0ms=7", "1000.0ms=7", "1400.0ms=9", "2000.0ms=9", "5000.0ms=9",
        "10000.0ms=9", "15000.0ms=9");
    // A bound is inclusive: exactly 2 ms is in the 2 ms bucket.
    assertThat(buckets(duration(registry, "shop", "GET /cart", "SPAN_KIND_SERVER", "STATUS_CODE_ERROR")))
        .startsWith("2.0ms=3", "4.0ms=3");
    Timer slow = duration(registry, "shop", "orders", "SPAN_KIND_CONSUMER", "STATUS_CODE_UNSET");
    assertThat(buckets(slow)).last().isEqualTo("15000.0ms=0"); // only in +Inf, which is count()
    assertThat(slow.count()).isEqualTo(1);

    // Only the measured kinds: SERVER and CONSUMER by default (and local roots of any kind).
    assertThat(registry.find("traces.span.metrics.calls").counters()).hasSize(3);
  }

  @Test void countsHeadUnsampledSpansToo() {
    Tracing tracing = tracing("shop", Sampler.never(), SpanMetrics.newBuilder().build());
    TraceletMetrics.create(tracing).bindTo(registry);

    for (int i = 0; i < 5; i++) span(tracing, "GET /cart", SpanKind.SERVER, 5_000, i == 0);

    assertThat(calls(registry, "shop", "GET /cart", "SPAN_KIND_SERVER", "STATUS_CODE_UNSET").count()).isEqualTo(4.0);
    assertThat(calls(registry, "shop", "GET /cart", "SPAN_KIND_SERVER", "STATUS_CODE_ERROR").count()).isEqualTo(1.0);
    assertThat(duration(registry, "shop", "GET /cart", "SPAN_KIND_SERVER", "STATUS_CODE_UNSET").totalTime(TimeUnit.MICROSECONDS))
        .isEqualTo(4 * 5_000);
    assertThat(tracing.counters().spansAccepted()).isZero(); // nothing recorded, everything counted
  }

  @Test void namesEveryKindAsTheConnectorDoes() {
    Tracing tracing = tracing("shop", Sampler.always(), SpanMetrics.newBuilder()
        .kinds(SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER).build());
    TraceletMetrics.create(tracing).bindTo(registry);

    Span root = tracing.tracer().spanBuilder("job").start(); // a local root: INTERNAL, measured
    try (var scope = root.makeCurrent()) {
      for (SpanKind kind : List.of(SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER)) {
        tracing.tracer().spanBuilder("op").kind(kind).start().finish();
      }
      tracing.tracer().spanBuilder("internal child").start().finish(); // INTERNAL, not a root: not measured
    } finally {
      root.finish();
    }

    assertThat(registry.find("traces.span.metrics.calls").counters())
        .extracting(c -> c.getId().getTag("span.kind") + " " + c.getId().getTag("span.name"))
        .containsExactlyInAnyOrder("SPAN_KIND_SERVER op", "SPAN_KIND_CLIENT op", "SPAN_KIND_PRODUCER op",
            "SPAN_KIND_CONSUMER op", "SPAN_KIND_INTERNAL job");
  }

  @Test void recordsOnlyItsOwnServiceOfASharedSpanMetrics() {
    SpanMetrics shared = SpanMetrics.newBuilder().build();
    Tracing web = tracing("web", Sampler.always(), shared);
    Tracing orders = tracing("orders", Sampler.always(), shared);
    TraceletMetrics.create(web).bindTo(registry);
    TraceletMetrics.create(orders).bindTo(registry);

    span(web, "GET /", SpanKind.SERVER, 1_000, false);
    span(orders, "POST /orders", SpanKind.SERVER, 1_000, false);
    span(orders, "POST /orders", SpanKind.SERVER, 1_000, false);

    assertThat(calls(registry, "web", "GET /", "SPAN_KIND_SERVER", "STATUS_CODE_UNSET").count()).isEqualTo(1.0);
    assertThat(calls(registry, "orders", "POST /orders", "SPAN_KIND_SERVER", "STATUS_CODE_UNSET").count()).isEqualTo(2.0);
    assertThat(registry.find("traces.span.metrics.calls").counters()).hasSize(2);
  }

  @Test void foldsNamesPastTheCoresCapIntoOtherAndCountsThem() {
    Tracing tracing = tracing("shop", Sampler.never(), SpanMetrics.newBuilder().maxSpanNames(3).build());
    TraceletMetrics.create(tracing).bindTo(registry);

    for (int i = 0; i < 10_000; i++) span(tracing, "GET /item/" + i, SpanKind.SERVER, 1_000, false);

    List<Counter> counters = new ArrayList<>(registry.find("traces.span.metrics.calls").counters());
    assertThat(counters).extracting(c -> c.getId().getTag("span.name"))
        .containsExactlyInAnyOrder("GET /item/0", "GET /item/1", "GET /item/2", SpanMetrics.OTHER);
    assertThat(calls(registry, "shop", SpanMetrics.OTHER, "SPAN_KIND_SERVER", "STATUS_CODE_UNSET").count())
        .isEqualTo(9_997.0);
    assertThat(registry.get("tracelet.span.metrics.folded").functionCounter().count()).isEqualTo(9_997.0);
    assertThat(registry.find("traces.span.metrics.duration").timers()).hasSize(4);
  }

  @Test void stopsAtItsOwnCapWhenTheCoresIsHigher() {
    // TraceletMetrics.create(tracing) stops at MAX_SPAN_NAMES; 10,000 names take Micrometer half a minute
    // to register, so this runs the same code with a cap of 50.
    Tracing tracing = tracing("shop", Sampler.never(), SpanMetrics.newBuilder().maxSpanNames(1_000).build());
    TraceletMetrics.create(tracing, 50).bindTo(registry);

    for (int i = 0; i < 150; i++) span(tracing, "n" + i, SpanKind.SERVER, 1_000, false);

    assertThat(registry.find("traces.span.metrics.calls").counters()).hasSize(50 + 1);
    assertThat(calls(registry, "shop", SpanMetrics.OTHER, "SPAN_KIND_SERVER", "STATUS_CODE_UNSET").count()).isEqualTo(100.0);
    assertThat(calls(registry, "shop", "n49", "SPAN_KIND_SERVER", "STATUS_CODE_UNSET").count()).isEqualTo(1.0);
    assertThat(TraceletMetrics.MAX_SPAN_NAMES).isEqualTo(10_000);
  }

  @Test void takesHostileNamesAsTheyAre() {
    Tracing tracing = tracing("shop", Sampler.always(), SpanMetrics.newBuilder().build());
    TraceletMetrics.create(tracing).bindTo(registry);
    List<String> names = List.of("a\"quote", "back\\slash", "new\nline", "{brace}=\"x\",y", "日本語 ✓", " ",
        "x".repeat(10_000));

    for (String name : names) span(tracing, name, SpanKind.SERVER, 1_000, false);

    assertThat(registry.find("traces.span.metrics.calls").counters())
        .extracting(c -> c.getId().getTag("span.name"))
        .containsExactlyInAnyOrder("a\"quote", "back\\slash", "new\nline", "{brace}=\"x\",y", "日本語 ✓", " ",
            "x".repeat(SpanMetrics.MAX_NAME_LENGTH));
  }

  @Test void bindsTheTracingsCounters() {
    InMemoryReporter reporter = new InMemoryReporter();
    Tracing tracing = Tracing.newBuilder().serviceName("shop").reporter(reporter)
        .keepPolicy(KeepPolicy.newBuilder().keepErrors().build()).sampler(Sampler.never()).build();
    tracings.add(tracing);
    TraceletMetrics.create(tracing).bindTo(registry);

    Span kept = tracing.tracer().spanBuilder("failing").start();
    kept.error(new IllegalStateException("x"));
    kept.finish();
    tracing.tracer().spanBuilder("fine").start().finish();
    reporter.awaitSpans(1, Duration.ofSeconds(10));
    tracing.flush();

    assertThat(function("tracelet.spans.accepted")).isEqualTo(1.0);
    assertThat(function("tracelet.spans.reported")).isEqualTo(1.0);
    assertThat(registry.get("tracelet.traces.kept").tag("reason", KeepPolicy.ERROR).functionCounter().count()).isEqualTo(1.0);
    assertThat(registry.get("tracelet.traces.kept").tag("reason", KeepPolicy.SLOW).functionCounter().count()).isZero();
    assertThat(function("tracelet.traces.discarded")).isEqualTo(1.0);
    assertThat(gauge("tracelet.spans.queued")).isZero();
    for (String cause : List.of("QueueFull", "Closed", "CloseTimeout")) {
      assertThat(registry.get("tracelet.spans.lost").tag("cause", cause).functionCounter().count()).isZero();
    }
    assertThat(registry.find("tracelet.spans.lost").meters()).hasSize(3);
    // Without span metrics, no span-metric meters.
    assertThat(registry.find("traces.span.metrics.calls").meters()).isEmpty();
    assertThat(registry.find("tracelet.span.metrics.folded").meters()).isEmpty();
    assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTag("service.name")).isEqualTo("shop"));

    tracing.close();
    tracing.tracer().spanBuilder("too late").start().finish(); // not sampled: nothing to drop
    assertThat(registry.get("tracelet.spans.lost").tag("cause", "Closed").functionCounter().count()).isZero();
  }

  @Test void registersEachReporterCauseOnceSeen() {
    int[] calls = {0};
    Tracing tracing = Tracing.newBuilder().serviceName("shop").reporter(spans -> {
      calls[0]++;
      if (calls[0] == 1) throw new ReportException(spans.size(), "Refused");
      throw new IllegalStateException("broken");
    }).build();
    tracings.add(tracing);
    TraceletMetrics.create(tracing).bindTo(registry);

    tracing.tracer().spanBuilder("a").start().finish();
    tracing.flush();
    tracing.tracer().spanBuilder("b").start().finish();
    tracing.flush();

    // Each read of QueueFull (every scrape makes one) looks for new causes.
    assertThat(registry.get("tracelet.spans.lost").tag("cause", "QueueFull").functionCounter().count()).isZero();
    assertThat(registry.get("tracelet.spans.lost").tag("cause", "Refused").functionCounter().count()).isEqualTo(1.0);
    assertThat(registry.get("tracelet.spans.lost").tag("cause", "IllegalStateException").functionCounter().count())
        .isEqualTo(1.0);
  }

  @Test void foldsReporterCausesPastItsCapIntoOther() {
    int[] calls = {0};
    Tracing tracing = Tracing.newBuilder().serviceName("shop").reporter(spans -> {
      throw new ReportException(spans.size(), "cause" + (calls[0]++));
    }).build();
    tracings.add(tracing);
    TraceletMetrics.create(tracing).bindTo(registry);
    FunctionCounter queueFull = registry.get("tracelet.spans.lost").tag("cause", "QueueFull").functionCounter();

    for (int i = 0; i < CounterMeters.MAX_REPORTER_CAUSES + 5; i++) {
      tracing.tracer().spanBuilder("s").start().finish();
      tracing.flush();
      queueFull.count(); // a scrape between failures
    }

    assertThat(registry.find("tracelet.spans.lost").meters()).hasSize(3 + CounterMeters.MAX_REPORTER_CAUSES + 1);
    assertThat(registry.get("tracelet.spans.lost").tag("cause", "other").functionCounter().count()).isEqualTo(5.0);
    assertThat(registry.get("tracelet.spans.lost").tag("cause", "cause0").functionCounter().count()).isEqualTo(1.0);
  }

  @Test void aClosedBinderIsNoLongerHeldByTheSpanMetrics() {
    Tracing tracing = tracing("shop", Sampler.always(), SpanMetrics.newBuilder().build());
    WeakReference<TraceletMetrics> closed = bindAndClose(tracing);
    TraceletMetrics open = TraceletMetrics.create(tracing);
    open.bindTo(registry);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (closed.get() != null && System.nanoTime() < deadline) {
      System.gc();
      Thread.onSpinWait();
    }
    span(tracing, "GET /", SpanKind.SERVER, 1_000, false);

    assertThat(closed.get()).isNull(); // its listener was removed: nothing refers to it
    assertThat(calls(registry, "shop", "GET /", "SPAN_KIND_SERVER", "STATUS_CODE_UNSET").count()).isEqualTo(1.0);
    open.close();
  }

  private WeakReference<TraceletMetrics> bindAndClose(Tracing tracing) {
    SimpleMeterRegistry own = new SimpleMeterRegistry();
    TraceletMetrics binder = TraceletMetrics.create(tracing);
    binder.bindTo(own);
    binder.close();
    own.close();
    return new WeakReference<>(binder);
  }

  @Test void bindsEachRegistryOnceAndRecordsIntoEach() {
    Tracing tracing = tracing("shop", Sampler.always(), SpanMetrics.newBuilder().build());
    SimpleMeterRegistry other = new SimpleMeterRegistry();
    TraceletMetrics metrics = TraceletMetrics.create(tracing);
    metrics.bindTo(registry);
    metrics.bindTo(registry);
    metrics.bindTo(other);

    span(tracing, "GET /", SpanKind.SERVER, 1_000, false);

    assertThat(calls(registry, "shop", "GET /", "SPAN_KIND_SERVER", "STATUS_CODE_UNSET").count()).isEqualTo(1.0);
    assertThat(calls(other, "shop", "GET /", "SPAN_KIND_SERVER", "STATUS_CODE_UNSET").count()).isEqualTo(1.0);

    metrics.close();
    span(tracing, "GET /", SpanKind.SERVER, 1_000, false);
    metrics.bindTo(other); // closed: no longer records

    assertThat(calls(registry, "shop", "GET /", "SPAN_KIND_SERVER", "STATUS_CODE_UNSET").count()).isEqualTo(1.0);
    assertThat(calls(other, "shop", "GET /", "SPAN_KIND_SERVER", "STATUS_CODE_UNSET").count()).isEqualTo(1.0);
    assertThat(tracing.spanMetrics().snapshot()).singleElement()
        .satisfies(series -> assertThat(series.count()).isEqualTo(2)); // the core still counts
    other.close();
  }

  @Test void aFailingRegistryNeverReachesTheCodeThatEndsSpans() {
    Tracing tracing = tracing("shop", Sampler.always(), SpanMetrics.newBuilder().build());
    // A meter of the same name but another type: Micrometer refuses to register ours.
    registry.gauge("traces.span.metrics.calls", List.of(io.micrometer.core.instrument.Tag.of("service.name", "shop"),
        io.micrometer.core.instrument.Tag.of("span.name", "GET /"), io.micrometer.core.instrument.Tag.of("span.kind",
            "SPAN_KIND_SERVER"), io.micrometer.core.instrument.Tag.of("status.code", "STATUS_CODE_UNSET")), 1.0);
    TraceletMetrics.create(tracing).bindTo(registry);

    span(tracing, "GET /", SpanKind.SERVER, 1_000, false); // must not throw

    assertThat(tracing.spanMetrics().listenerFailures()).isEqualTo(1);
    assertThat(registry.get("tracelet.span.metrics.listener.failures").functionCounter().count()).isEqualTo(1.0);
  }

  @Test void countsExactlyUnderManyThreads() throws Exception {
    Tracing tracing = tracing("shop", Sampler.probability(0.5), SpanMetrics.newBuilder().build());
    TraceletMetrics.create(tracing).bindTo(registry);
    int threads = 8;
    int rounds = 20;
    int perRound = 500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < rounds; round++) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          done.add(pool.submit(() -> {
            start.await();
            for (int i = 0; i < perRound; i++) {
              span(tracing, "n" + (i % 4), SpanKind.SERVER, 1_000 * (thread + 1), i % 10 == 0);
            }
            return null;
          }));
        }
        start.countDown();
        for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    long total = (long) threads * rounds * perRound;
    double ok = 0;
    double failed = 0;
    long timed = 0;
    for (Counter c : registry.find("traces.span.metrics.calls").counters()) {
      if (c.getId().getTag("status.code").equals("STATUS_CODE_ERROR")) failed += c.count(); else ok += c.count();
    }
    for (Timer t : registry.find("traces.span.metrics.duration").timers()) timed += t.count();
    assertThat(ok + failed).isEqualTo(total);
    assertThat(failed).isEqualTo(total / 10);
    assertThat(timed).isEqualTo(total);
    // 4 names; every tenth span fails, and those are all named n0 or n2.
    assertThat(registry.find("traces.span.metrics.calls").counters()).hasSize(6);
  }

  double function(String name) {
    return registry.get(name).functionCounter().count();
  }

  double gauge(String name) {
    Gauge gauge = registry.get(name).gauge();
    return gauge.value();
  }

  static List<Meter.Id> ids(MeterRegistry registry) {
    return registry.getMeters().stream().map(Meter::getId).toList();
  }
}
