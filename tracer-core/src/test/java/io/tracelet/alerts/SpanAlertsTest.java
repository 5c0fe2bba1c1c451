package io.tracelet.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tracelet.FakeClock;
import io.tracelet.KeepPolicy;
import io.tracelet.Sampler;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.Tracer;
import io.tracelet.Tracing;
import io.tracelet.metrics.SpanMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SpanAlertsTest {
  static final long MS = 1_000_000L;
  static final Logger JUL = Logger.getLogger(SpanAlerts.class.getName());
  final FakeClock clock = new FakeClock();
  final List<Tracing> tracings = new ArrayList<>();
  final List<Alert> alerts = Collections.synchronizedList(new ArrayList<>());
  final List<LogRecord> logged = Collections.synchronizedList(new ArrayList<>());
  final Handler handler = new Handler() {
    @Override public void publish(LogRecord record) {
      logged.add(record);
    }

    @Override public void flush() {
    }

    @Override public void close() {
    }
  };

  @BeforeEach void captureLog() {
    JUL.addHandler(handler);
  }

  @AfterEach void close() {
    JUL.removeHandler(handler);
    tracings.forEach(Tracing::close);
  }

  SpanAlerts.Builder alerts(AlertRule rule) {
    return SpanAlerts.newBuilder().rule(rule).clock(clock).window(Duration.ofSeconds(60)).slices(6)
        .onAlert(alerts::add);
  }

  Tracer tracer(SpanAlerts spanAlerts, Sampler sampler, Consumer<Tracing.Builder> more) {
    Tracing.Builder b = Tracing.newBuilder().serviceName("shop").localIp("10.0.0.1").clock(clock).sampler(sampler)
        .spanMetrics(SpanMetrics.newBuilder().addListener(spanAlerts).build());
    more.accept(b);
    Tracing tracing = b.build();
    tracings.add(tracing);
    return tracing.tracer();
  }

  Span call(Tracer tracer, String name, long millis, boolean fail) {
    Span span = tracer.spanBuilder(name).kind(SpanKind.SERVER).start();
    clock.advanceNanos(millis * MS);
    if (fail) span.error(new IllegalStateException("declined"));
    span.finish();
    return span;
  }

  List<String> messages() {
    List<String> m = new ArrayList<>();
    synchronized (logged) {
      for (LogRecord r : logged) m.add(r.getLevel() + " " + r.getMessage());
    }
    return m;
  }

  @Test void anErrorRatioAlertFiresNamingTheSlowestFailedTracesAndClearsWhenTheWindowMovesOn() {
    SpanAlerts spanAlerts = alerts(AlertRule.errorRatioAbove(0.1)).zipkinUi("http://127.0.0.1:9411/").build();
    Tracer tracer = tracer(spanAlerts, Sampler.always(), b -> { });

    List<Span> failed = new ArrayList<>();
    for (int i = 0; i < 15; i++) call(tracer, "POST /buy", 2, false);
    for (int i = 1; i <= 5; i++) failed.add(call(tracer, "POST /buy", 10 * i, true)); // 10..50 ms
    call(tracer, "GET /cart", 1, true); // a rule for every name: its own track, too few calls to fire
    assertThat(alerts).as("nothing is evaluated before a slice has passed").isEmpty();

    clock.advanceMillis(10_000);
    call(tracer, "POST /buy", 2, false); // this span's end evaluates

    assertThat(alerts).hasSize(1);
    Alert alert = alerts.get(0);
    assertThat(alert.state()).isEqualTo(Alert.State.FIRING);
    assertThat(alert.serviceName()).isEqualTo("shop");
    assertThat(alert.spanName()).isEqualTo("POST /buy");
    assertThat(alert.kind()).isEqualTo(SpanKind.SERVER);
    assertThat(alert.calls()).isEqualTo(21);
    assertThat(alert.failedOrSlow()).isEqualTo(5);
    assertThat(alert.value()).isCloseTo(5.0 / 21, within(1e-9));
    assertThat(alert.rule().ratioOrQuantile()).isEqualTo(0.1);
    assertThat(alert.traces()).extracting(Alert.Trace::traceId).containsExactly(
        failed.get(4).context().traceIdHex(), failed.get(3).context().traceIdHex(), failed.get(2).context().traceIdHex());
    assertThat(alert.traces()).extracting(Alert.Trace::durationNanos).containsExactly(50 * MS, 40 * MS, 30 * MS);
    assertThat(alert.traces()).allSatisfy(t -> assertThat(t.error()).isTrue());
    String base = "http://127.0.0.1:9411/zipkin/traces/";
    assertThat(alert.traces().get(0).url()).isEqualTo(base + failed.get(4).context().traceIdHex());
    String firing = "alert firing: error ratio of shop SERVER \"POST /buy\" is 0.238 > 0.100 over the last 60 s"
        + " (21 calls, 5 failed); slowest failed recorded traces: " + base + failed.get(4).context().traceIdHex()
        + " " + base + failed.get(3).context().traceIdHex() + " " + base + failed.get(2).context().traceIdHex();
    assertThat(alert.message()).isEqualTo(firing);
    assertThat(messages()).containsExactly("WARNING " + firing);
    assertThat(spanAlerts.firing()).containsExactly(alert);

    // Still failing within the window: no new alert. Then the failures leave the window.
    clock.advanceMillis(10_000);
    call(tracer, "POST /buy", 2, false);
    assertThat(alerts).hasSize(1);
    for (int i = 0; i < 5; i++) {
      clock.advanceMillis(10_000);
      for (int j = 0; j < 3; j++) call(tracer, "POST /buy", 2, false);
    }

    assertThat(alerts).hasSize(2);
    Alert resolved = alerts.get(1);
    assertThat(resolved.state()).isEqualTo(Alert.State.RESOLVED);
    assertThat(resolved.traces()).isEmpty();
    assertThat(resolved.failedOrSlow()).isZero();
    String message = "alert resolved: error ratio of shop SERVER \"POST /buy\" is 0.000 <= 0.100 over the last 60 s"
        + " (" + resolved.calls() + " calls, 0 failed)";
    assertThat(resolved.message()).isEqualTo(message);
    assertThat(messages()).containsExactly("WARNING " + firing, "INFO " + message);
    assertThat(spanAlerts.firing()).isEmpty();
  }

  @Test void aLatencyQuantileAlertIsDecidedExactlyAtItsThreshold() {
    SpanAlerts spanAlerts = alerts(AlertRule.latencyAbove(0.9, Duration.ofMillis(100)).spans(SpanKind.SERVER, "GET /*"))
        .build();
    Tracer tracer = tracer(spanAlerts, Sampler.always(), b -> { });

    for (int i = 0; i < 9; i++) call(tracer, "GET /cart", 5, false);
    call(tracer, "GET /cart", 100, false); // at the threshold: not slower
    call(tracer, "GET /cart", 101, false); // 1 of 11 slower: under 10%
    call(tracer, "POST /buy", 900, false); // no rule for it
    assertThat(spanAlerts.evaluate()).isEmpty();
    assertThat(spanAlerts.trackedSeries()).isEqualTo(1);

    Span slowest = call(tracer, "GET /cart", 500, false); // 2 of 12: over 10%
    List<Alert> raised = spanAlerts.evaluate();

    assertThat(raised).hasSize(1).isEqualTo(alerts);
    Alert alert = raised.get(0);
    assertThat(alert.calls()).isEqualTo(12);
    assertThat(alert.failedOrSlow()).isEqualTo(2);
    // p90: rank 10.8 of 12; 10 calls at most 100 ms, then one in (100, 200] and one in (400, 800]:
    // interpolated within (100, 200] at (10.8 - 10) / 1.
    assertThat(alert.value()).isCloseTo(0.18, within(1e-9));
    assertThat(alert.traces()).extracting(Alert.Trace::traceId).first().isEqualTo(slowest.context().traceIdHex());
    assertThat(alert.traces()).hasSize(3).allSatisfy(t -> assertThat(t.url()).isNull());
    assertThat(alert.message()).isEqualTo("alert firing: p90 latency of shop SERVER \"GET /cart\" is 180.0 ms > 100.0 ms"
        + " over the last 60 s (12 calls, 2 slower than 100.0 ms); slowest recorded traces: "
        + slowest.context().traceIdHex() + " " + alert.traces().get(1).traceId() + " " + alert.traces().get(2).traceId());
    assertThat(alert.traces().get(1).durationNanos()).isEqualTo(101 * MS);
  }

  @Test void anIdleServiceResolvesOnACallToEvaluate() {
    SpanAlerts spanAlerts = alerts(AlertRule.errorRatioAbove(0.5).minCalls(2)).build();
    Tracer tracer = tracer(spanAlerts, Sampler.always(), b -> { });
    call(tracer, "job", 1, true);
    call(tracer, "job", 1, true);
    assertThat(spanAlerts.evaluate()).extracting(Alert::state).containsExactly(Alert.State.FIRING);
    assertThat(spanAlerts.evaluate()).isEmpty();

    clock.advanceMillis(61_000);
    assertThat(spanAlerts.evaluate()).extracting(Alert::state, Alert::calls)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Alert.State.RESOLVED, 0L));
    assertThat(messages()).last().isEqualTo(
        "INFO alert resolved: error ratio of shop SERVER \"job\" is 0.000 <= 0.500 over the last 60 s (0 calls, 0 failed)");
  }

  @Test void unsampledFailuresFireButOnlyKeptTracesAreNamed() {
    SpanAlerts plain = alerts(AlertRule.errorRatioAbove(0.2).minCalls(2)).build();
    Tracer unsampled = tracer(plain, Sampler.never(), b -> { });
    call(unsampled, "POST /buy", 3, true);
    call(unsampled, "POST /buy", 3, true);
    assertThat(plain.evaluate()).singleElement().satisfies(a -> {
      assertThat(a.traces()).isEmpty();
      assertThat(a.message()).endsWith("(2 calls, 2 failed); no recorded trace in the window");
    });

    SpanAlerts keeping = alerts(AlertRule.errorRatioAbove(0.2).minCalls(2)).build();
    Tracer kept = tracer(keeping, Sampler.never(), b -> b.keepPolicy(KeepPolicy.newBuilder().keepErrors().build()));
    Span first = call(kept, "POST /buy", 3, true);
    Span second = call(kept, "POST /buy", 4, true);
    call(kept, "POST /buy", 9, false); // slower, but not kept: not named
    assertThat(keeping.evaluate()).singleElement().satisfies(a -> assertThat(a.traces())
        .extracting(Alert.Trace::traceId).containsExactly(second.context().traceIdHex(), first.context().traceIdHex()));
  }

  @Test void aCallbackThatThrowsIsLoggedAndTheOthersStillRun() {
    List<Alert> second = new ArrayList<>();
    SpanAlerts spanAlerts = alerts(AlertRule.errorRatioAbove(0.0).minCalls(1))
        .onAlert(a -> {
          throw new IllegalStateException("pager down");
        })
        .onAlert(second::add).build();
    Tracer tracer = tracer(spanAlerts, Sampler.always(), b -> { });
    call(tracer, "x", 1, true);
    clock.advanceMillis(10_000);
    call(tracer, "x", 1, true); // evaluates on this thread; must not throw

    assertThat(alerts).hasSize(1);
    assertThat(second).hasSize(1);
    assertThat(messages()).anyMatch(m -> m.startsWith("WARNING alert callback"));
  }

  @Test void anOddSpanNameStaysOnOneLogLine() {
    SpanAlerts spanAlerts = alerts(AlertRule.errorRatioAbove(0.0).minCalls(1)).build();
    Tracer tracer = tracer(spanAlerts, Sampler.never(), b -> { });
    call(tracer, "GET /a\"b\\c\nFORGED alert line\u0000", 1, true);
    spanAlerts.evaluate();
    assertThat(alerts.get(0).spanName()).isEqualTo("GET /a\"b\\c\nFORGED alert line\u0000");
    assertThat(alerts.get(0).message())
        .contains("\"GET /a\\\"b\\\\c\\u000aFORGED alert line\\u0000\"").doesNotContain("\n");
  }

  @Test void aHugeNumberOfNamesTracksAtMostMaxSeries() {
    SpanAlerts spanAlerts = alerts(AlertRule.errorRatioAbove(0.5)).maxSeries(50).build();
    SpanAlerts narrow = alerts(AlertRule.errorRatioAbove(0.5).spans(null, "GET /health")).build();
    SpanMetrics metrics = SpanMetrics.newBuilder().addListener(spanAlerts).addListener(narrow).build();
    Tracing tracing = Tracing.newBuilder().clock(clock).sampler(Sampler.never()).spanMetrics(metrics).build();
    tracings.add(tracing);
    for (int i = 0; i < 20_000; i++) call(tracing.tracer(), "GET /item/" + i, 1, i % 2 == 0);
    clock.advanceMillis(10_000);
    spanAlerts.evaluate();

    // Span metrics fold names past their 1000 into "other": 1001 names reach the alerts, 50 are tracked.
    assertThat(spanAlerts.trackedSeries()).isEqualTo(50);
    assertThat(spanAlerts.untrackedSpans()).isEqualTo(20_000 - 50);
    assertThat(narrow.trackedSeries()).as("names no rule applies to are not tracked").isZero();
    assertThat(narrow.untrackedSpans()).isZero();
  }

  @Test void countsAreExactWhenManyThreadsEndSpansAtOnce() throws Exception {
    int threads = 8;
    int spans = 5000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 5; round++) {
        alerts.clear();
        SpanAlerts spanAlerts = alerts(AlertRule.errorRatioAbove(0.0).minCalls(1)).build();
        Tracer tracer = tracer(spanAlerts, round % 2 == 0 ? Sampler.never() : Sampler.always(), b -> { });
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          done.add(pool.submit(() -> {
            go.await();
            for (int i = 0; i < spans; i++) {
              Span s = tracer.spanBuilder("hot").kind(SpanKind.SERVER).start();
              if (i % 4 == 0) s.tag("error", "x");
              s.finish();
            }
            return null;
          }));
        }
        go.countDown();
        for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);

        assertThat(spanAlerts.evaluate()).as("round %d", round).singleElement().satisfies(a -> {
          assertThat(a.calls()).isEqualTo((long) threads * spans);
          assertThat(a.failedOrSlow()).isEqualTo((long) threads * spans / 4);
        });
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test void configurationIsChecked() {
    assertThatThrownBy(() -> SpanAlerts.newBuilder().build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> AlertRule.errorRatioAbove(1.0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AlertRule.errorRatioAbove(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AlertRule.latencyAbove(1.0, Duration.ofMillis(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AlertRule.latencyAbove(0.5, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AlertRule.errorRatioAbove(0.1).minCalls(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpanAlerts.newBuilder().window(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpanAlerts.newBuilder().slices(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpanAlerts.newBuilder().rule(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("rule == null");
    assertThat(AlertRule.latencyAbove(0.999, Duration.ofMillis(250)).spans(SpanKind.SERVER, "GET *").toString())
        .isEqualTo("AlertRule{p99.9 latency > 250.0 ms, spans SERVER GET *, minCalls 10}");
  }
}
