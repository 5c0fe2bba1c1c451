package io.tracelet.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracelet.FakeClock;
import io.tracelet.KeepPolicy;
import io.tracelet.Sampler;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.TraceContext;
import io.tracelet.Tracer;
import io.tracelet.Tracing;
import io.tracelet.metrics.SpanMetrics.Measurement;
import io.tracelet.metrics.SpanMetrics.Series;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SpanMetricsTest {
  static final long MS = 1_000_000L;
  final FakeClock clock = new FakeClock();
  final List<Tracing> tracings = new ArrayList<>();

  @AfterEach void close() {
    tracings.forEach(Tracing::close);
  }

  Tracing tracing(SpanMetrics metrics, Sampler sampler) {
    return tracing(metrics, sampler, b -> { });
  }

  Tracing tracing(SpanMetrics metrics, Sampler sampler, Consumer<Tracing.Builder> more) {
    Tracing.Builder b = Tracing.newBuilder().serviceName("Checkout").localIp("10.0.0.1").clock(clock)
        .sampler(sampler).spanMetrics(metrics);
    more.accept(b);
    Tracing tracing = b.build();
    tracings.add(tracing);
    return tracing;
  }

  /** A span of {@code kind} that lasts {@code millis} on the fake clock. */
  Span timed(Tracer tracer, String name, SpanKind kind, long millis) {
    Span span = tracer.spanBuilder(name).kind(kind).start();
    clock.advanceNanos(millis * MS);
    span.finish();
    return span;
  }

  static Series series(SpanMetrics metrics, String name, SpanKind kind, boolean error) {
    return metrics.snapshot().stream()
        .filter(s -> s.spanName().equals(name) && s.kind() == kind && s.error() == error)
        .findFirst().orElseThrow(() -> new AssertionError("no series " + name + " " + kind + " " + error
            + " in " + metrics.snapshot()));
  }

  static long[] buckets(int... indexes) {
    long[] counts = new long[17];
    for (int i : indexes) counts[i]++;
    return counts;
  }

  @Test void countsAndBucketsOfAKnownWorkloadAreExact() {
    SpanMetrics metrics = SpanMetrics.newBuilder().build();
    Tracer tracer = tracing(metrics, Sampler.always()).tracer();

    for (long ms : new long[] {1, 1, 2, 3, 5, 30, 2000, 20_000}) timed(tracer, "GET /cart", SpanKind.SERVER, ms);

    Series s = series(metrics, "GET /cart", SpanKind.SERVER, false);
    assertThat(s.serviceName()).as("as reported: lowercased").isEqualTo("checkout");
    assertThat(s.count()).isEqualTo(8);
    assertThat(s.sumNanos()).isEqualTo((1 + 1 + 2 + 3 + 5 + 30 + 2000 + 20_000) * MS);
    // Bounds 2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10000, 15000 ms, then +Inf;
    // a bucket holds durations up to and including its bound.
    assertThat(s.bucketCounts()).containsExactly(buckets(0, 0, 0, 1, 2, 5, 12, 16));
    assertThat(metrics.snapshot()).hasSize(1);
    assertThat(metrics.durationBuckets()).hasSize(16).startsWith(Duration.ofMillis(2)).endsWith(Duration.ofSeconds(15));
  }

  @Test void headUnsampledSpansOfMeasuredKindsAreCountedWithTheirFinalNameAndError() {
    SpanMetrics metrics = SpanMetrics.newBuilder().build();
    Tracer tracer = tracing(metrics, Sampler.never()).tracer();

    Span server = tracer.spanBuilder("GET").kind(SpanKind.SERVER).start();
    assertThat(server.context().isSampled()).isFalse();
    assertThat(server.isRecording()).as("integrations name it and set its error").isTrue();
    assertThat(server.isKept()).isFalse();
    Span client;
    try (Scope scope = server.makeCurrent()) {
      client = tracer.spanBuilder("charge").kind(SpanKind.CLIENT).start();
    }
    assertThat(client.isRecording()).as("an unmeasured kind stays a no-op").isFalse();
    assertThat(client.context().parentId()).isEqualTo(server.context().spanId());
    client.error(new IllegalStateException("declined"));
    client.finish();
    server.name("GET /cart/{id}");
    server.tag("http.status_code", "500").tag("error", "500");
    clock.advanceNanos(7 * MS);
    server.finish();
    timed(tracer, "GET /cart/{id}", SpanKind.SERVER, 3);

    assertThat(metrics.snapshot()).extracting(Series::spanName, Series::error, Series::count)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("GET /cart/{id}", false, 1L),
            org.assertj.core.groups.Tuple.tuple("GET /cart/{id}", true, 1L));
    Series failed = series(metrics, "GET /cart/{id}", SpanKind.SERVER, true);
    assertThat(failed.sumNanos()).isEqualTo(7 * MS);
    assertThat(failed.bucketCounts()).containsExactly(buckets(3));
    assertThat(failed.exemplars()).as("an unsampled span makes no exemplar").containsOnlyNulls();
  }

  @Test void anUnsampledSpanRecordsAnErrorFromAnExceptionAndFromALongTag() {
    SpanMetrics metrics = SpanMetrics.newBuilder().build();
    Tracer tracer = tracing(metrics, Sampler.never()).tracer();
    tracer.spanBuilder("a").kind(SpanKind.SERVER).start().error(new RuntimeException()).finish();
    tracer.spanBuilder("b").kind(SpanKind.SERVER).start().tag("error", 1).finish();
    tracer.spanBuilder("c").kind(SpanKind.SERVER).start().tag("other", "x").event("e").finish();

    assertThat(metrics.snapshot()).extracting(Series::spanName, Series::error)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("a", true), org.assertj.core.groups.Tuple.tuple("b", true),
            org.assertj.core.groups.Tuple.tuple("c", false));
  }

  @Test void withoutSpanMetricsAnUnsampledSpanIsTheNoOpAsBefore() {
    Tracing tracing = Tracing.newBuilder().sampler(Sampler.never()).build();
    tracings.add(tracing);
    assertThat(tracing.spanMetrics()).isNull();
    Span span = tracing.tracer().spanBuilder("GET").kind(SpanKind.SERVER).start();
    assertThat(span.isRecording()).isFalse();
    assertThat(span.getClass().getSimpleName()).isEqualTo("NoopSpan");
  }

  @Test void tracingExposesItsSpanMetrics() {
    SpanMetrics metrics = SpanMetrics.newBuilder().build();
    assertThat(tracing(metrics, Sampler.always()).spanMetrics()).isSameAs(metrics);
  }

  @Test void localRootsOfAnyKindAreCountedAndTheirLocalChildrenAreNot() {
    SpanMetrics metrics = SpanMetrics.newBuilder().build();
    Tracing tracing = tracing(metrics, Sampler.always());
    Tracer tracer = tracing.tracer();

    Span job = tracer.spanBuilder("nightly-job").start(); // INTERNAL, a new trace
    try (Scope scope = job.makeCurrent()) {
      timed(tracer, "step", SpanKind.INTERNAL, 1); // a local child
      timed(tracer, "call", SpanKind.CLIENT, 1);
      timed(tracer, "nested-server", SpanKind.SERVER, 1); // a measured kind wherever it is
    }
    // A child started from the job's context on another thread is still a local child.
    tracer.spanBuilder("async-step").parent(job.context()).start().finish();
    // A context from a carrier makes a local root, made current or passed as parent.
    TraceContext remote = TraceContext.newBuilder().traceId(0L, 11L).spanId(12L).sampled(true).build();
    try (Scope scope = tracer.nonRecordingSpan(remote).makeCurrent()) {
      timed(tracer, "process-message", SpanKind.INTERNAL, 1);
    }
    tracer.spanBuilder("handle").parent(remote).start().finish();
    // The context of a span of this process, copied through its builder, is still its own.
    assertThat(job.context().toBuilder().build()).isEqualTo(job.context());
    tracer.spanBuilder("copied").parent(job.context().toBuilder().build()).start().finish();
    job.finish();

    assertThat(metrics.snapshot()).extracting(Series::spanName)
        .containsExactlyInAnyOrder("nightly-job", "process-message", "handle", "nested-server");
  }

  @Test void localRootsCanBeLeftOutAndOtherKindsChosen() {
    SpanMetrics metrics = SpanMetrics.newBuilder().kinds(SpanKind.CLIENT, SpanKind.PRODUCER).localRoots(false).build();
    Tracer tracer = tracing(metrics, Sampler.never()).tracer();
    Span server = tracer.spanBuilder("GET /cart").kind(SpanKind.SERVER).start();
    assertThat(server.isRecording()).isFalse();
    try (Scope scope = server.makeCurrent()) {
      timed(tracer, "charge", SpanKind.CLIENT, 4);
      timed(tracer, "publish", SpanKind.PRODUCER, 1);
      timed(tracer, "step", SpanKind.INTERNAL, 1);
    }
    server.finish();
    timed(tracer, "job", SpanKind.INTERNAL, 1);

    assertThat(metrics.snapshot()).extracting(Series::spanName, Series::kind)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("charge", SpanKind.CLIENT),
            org.assertj.core.groups.Tuple.tuple("publish", SpanKind.PRODUCER));
  }

  @Test void aRemovedListenerHearsNoLaterSpanAndTheOthersStillDo() {
    SpanMetrics metrics = SpanMetrics.newBuilder().build();
    List<String> staying = Collections.synchronizedList(new ArrayList<>());
    List<String> leaving = Collections.synchronizedList(new ArrayList<>());
    SpanMetrics.Listener stays = m -> staying.add(m.spanName());
    SpanMetrics.Listener leaves = m -> leaving.add(m.spanName());
    metrics.addListener(leaves);
    metrics.addListener(stays);
    metrics.addListener(leaves); // added twice: heard twice, removed one registration at a time
    Tracer tracer = tracing(metrics, Sampler.always()).tracer();

    timed(tracer, "first", SpanKind.SERVER, 1);
    assertThat(metrics.removeListener(leaves)).isTrue();
    timed(tracer, "second", SpanKind.SERVER, 1);
    assertThat(metrics.removeListener(leaves)).isTrue();
    timed(tracer, "third", SpanKind.SERVER, 1);

    assertThat(metrics.removeListener(leaves)).isFalse();
    assertThat(metrics.removeListener(m -> { })).isFalse();
    assertThat(leaving).containsExactly("first", "first", "second");
    assertThat(staying).containsExactly("first", "second", "third");
  }

  @Test void namesPastTheCapFoldIntoOtherAndAreCounted() {
    SpanMetrics metrics = SpanMetrics.newBuilder().maxSpanNames(3).build();
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    metrics.addListener(m -> seen.add(m.spanName()));
    Tracer tracer = tracing(metrics, Sampler.always()).tracer();

    for (String name : new String[] {"a", "b", "a", "c", "d", "e", "d", "other"}) {
      timed(tracer, name, SpanKind.SERVER, 1);
    }
    timed(tracer, "z", SpanKind.CONSUMER, 1); // the cap is per kind

    assertThat(metrics.snapshot()).extracting(Series::spanName, Series::kind, Series::count).containsExactly(
        org.assertj.core.groups.Tuple.tuple("a", SpanKind.SERVER, 2L),
        org.assertj.core.groups.Tuple.tuple("b", SpanKind.SERVER, 1L),
        org.assertj.core.groups.Tuple.tuple("c", SpanKind.SERVER, 1L),
        org.assertj.core.groups.Tuple.tuple("other", SpanKind.SERVER, 4L),
        org.assertj.core.groups.Tuple.tuple("z", SpanKind.CONSUMER, 1L));
    assertThat(metrics.foldedSpans()).as("a span named other is not folded").isEqualTo(3);
    assertThat(seen).containsExactly("a", "b", "a", "c", "other", "other", "other", "other", "z");
  }

  @Test void errorsAreASeriesOfTheirOwn() {
    SpanMetrics metrics = SpanMetrics.newBuilder().build();
    Tracer tracer = tracing(metrics, Sampler.always()).tracer();
    timed(tracer, "POST /buy", SpanKind.SERVER, 1);
    Span failed = tracer.spanBuilder("POST /buy").kind(SpanKind.SERVER).start();
    clock.advanceNanos(60 * MS);
    failed.error(new IllegalStateException("declined")).finish();
    tracer.spanBuilder("POST /buy").kind(SpanKind.SERVER).start().tag("error", "").finish();

    assertThat(series(metrics, "POST /buy", SpanKind.SERVER, false).count()).isEqualTo(1);
    Series errors = series(metrics, "POST /buy", SpanKind.SERVER, true);
    assertThat(errors.count()).isEqualTo(2);
    assertThat(errors.bucketCounts()).containsExactly(buckets(0, 6));
  }

  @Test void aSpanIsCountedOnceAndAnAbandonedOneNot() {
    SpanMetrics metrics = SpanMetrics.newBuilder().build();
    for (Sampler sampler : new Sampler[] {Sampler.always(), Sampler.never()}) {
      Tracer tracer = tracing(metrics, sampler).tracer();
      Span span = tracer.spanBuilder("twice").kind(SpanKind.SERVER).start();
      span.finish();
      span.finish();
      span.error(new IllegalStateException("after finish"));
      span.finish(clock.epochMicros() + 5_000_000L);
      Span abandoned = tracer.spanBuilder("abandoned").kind(SpanKind.SERVER).start();
      abandoned.abandon();
      abandoned.finish();
    }
    assertThat(metrics.snapshot()).extracting(Series::spanName, Series::error, Series::count)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("twice", false, 2L));
  }

  @Test void explicitTimestampsGiveTheDuration() {
    SpanMetrics metrics = SpanMetrics.newBuilder().build();
    for (Sampler sampler : new Sampler[] {Sampler.always(), Sampler.never()}) {
      Tracer tracer = tracing(metrics, sampler).tracer();
      long start = clock.epochMicros() - 3_000_000L; // recorded after the fact
      tracer.spanBuilder("imported").kind(SpanKind.SERVER).startTimestamp(start).start().finish(start + 450_000L);
      Span now = tracer.spanBuilder("now").kind(SpanKind.SERVER).start();
      now.finish(clock.epochMicros() + 9_000L);
    }
    assertThat(series(metrics, "imported", SpanKind.SERVER, false).sumNanos()).isEqualTo(2 * 450 * MS);
    assertThat(series(metrics, "now", SpanKind.SERVER, false).bucketCounts()).containsExactly(buckets(4, 4));
  }

  @Test void provisionalSpansAreCountedOnceWhetherKeptOrDiscardedAndKeptOnesAreRecorded() {
    SpanMetrics metrics = SpanMetrics.newBuilder().build();
    List<String> recorded = Collections.synchronizedList(new ArrayList<>());
    metrics.addListener(m -> recorded.add(m.spanName() + (m.error() ? " error" : "") + " " + m.recorded()));
    Tracer tracer = tracing(metrics, Sampler.never(), b -> b.keepPolicy(KeepPolicy.newBuilder().keepErrors().build()))
        .tracer();

    timed(tracer, "GET /fine", SpanKind.SERVER, 1); // discarded, alone
    Span root = tracer.spanBuilder("POST /buy").kind(SpanKind.SERVER).start();
    try (Scope scope = root.makeCurrent()) {
      Span child = tracer.spanBuilder("charge").kind(SpanKind.SERVER).start(); // measured kind, a child
      child.error(new IllegalStateException("declined"));
      child.finish(); // pending: its part is not decided yet
    }
    root.finish(); // kept for the child's error
    Span lone = tracer.spanBuilder("GET /fail").kind(SpanKind.SERVER).start();
    lone.tag("error", "500").finish(); // kept, alone

    assertThat(recorded).containsExactly("GET /fine false", "charge error false", "POST /buy true",
        "GET /fail error true");
    assertThat(metrics.snapshot()).extracting(Series::count).containsOnly(1L).hasSize(4);
  }

  @Test void listenersSeeEachMeasuredSpanAndOneThatThrowsIsCountedNotPropagated() {
    SpanMetrics metrics = SpanMetrics.newBuilder()
        .addListener(m -> {
          throw new IllegalStateException("broken listener");
        }).build();
    List<String> seen = new ArrayList<>();
    metrics.addListener(m -> seen.add(m.serviceName() + " " + m.spanName() + " " + m.kind() + " " + m.error()
        + " " + m.durationNanos() + " " + m.recorded() + " " + m.context().spanIdHex()));
    Tracer tracer = tracing(metrics, Sampler.always()).tracer();

    Span span = timed(tracer, "GET /cart", SpanKind.SERVER, 12);

    assertThat(seen).containsExactly("checkout GET /cart SERVER false " + 12 * MS + " true "
        + span.context().spanIdHex());
    assertThat(metrics.listenerFailures()).isEqualTo(1);
    assertThat(series(metrics, "GET /cart", SpanKind.SERVER, false).count()).isEqualTo(1);
  }

  @Test void aRecordedSpanBecomesItsBucketsExemplarAtMostOnceASecond() {
    SpanMetrics metrics = SpanMetrics.newBuilder().build();
    Tracer tracer = tracing(metrics, Sampler.always()).tracer();

    Span first = timed(tracer, "GET /cart", SpanKind.SERVER, 1);
    clock.advanceMillis(10);
    timed(tracer, "GET /cart", SpanKind.SERVER, 1); // within the second: the first stays
    Span slow = timed(tracer, "GET /cart", SpanKind.SERVER, 300);

    List<SpanMetrics.Exemplar> exemplars = series(metrics, "GET /cart", SpanKind.SERVER, false).exemplars();
    assertThat(exemplars).hasSize(17);
    assertThat(exemplars.get(0).traceId()).isEqualTo(first.context().traceIdHex());
    assertThat(exemplars.get(0).spanId()).isEqualTo(first.context().spanIdHex());
    assertThat(exemplars.get(0).durationNanos()).isEqualTo(MS);
    assertThat(exemplars.get(8).traceId()).isEqualTo(slow.context().traceIdHex());
    assertThat(exemplars.get(8).durationNanos()).isEqualTo(300 * MS);
    assertThat(exemplars).filteredOn(e -> e != null).hasSize(2);

    clock.advanceMillis(1000);
    Span later = timed(tracer, "GET /cart", SpanKind.SERVER, 1);
    assertThat(series(metrics, "GET /cart", SpanKind.SERVER, false).exemplars().get(0).traceId())
        .isEqualTo(later.context().traceIdHex());
  }

  @Test void tracingsOfDifferentServicesShareOneSpanMetrics() {
    SpanMetrics metrics = SpanMetrics.newBuilder().build();
    Tracer orders = tracing(metrics, Sampler.always(), b -> b.serviceName("orders")).tracer();
    Tracer payments = tracing(metrics, Sampler.never(), b -> b.serviceName("payments")).tracer();
    Tracer payments2 = tracing(metrics, Sampler.always(), b -> b.serviceName("payments")).tracer();
    timed(orders, "POST /order", SpanKind.SERVER, 1);
    timed(payments, "POST /pay", SpanKind.SERVER, 1);
    timed(payments2, "POST /pay", SpanKind.SERVER, 1);

    assertThat(metrics.snapshot()).extracting(Series::serviceName, Series::spanName, Series::count).containsExactly(
        org.assertj.core.groups.Tuple.tuple("orders", "POST /order", 1L),
        org.assertj.core.groups.Tuple.tuple("payments", "POST /pay", 2L));
  }

  @Test void oddNamesAreCountedAndLongOnesCut() {
    SpanMetrics metrics = SpanMetrics.newBuilder().build();
    Tracer tracer = tracing(metrics, Sampler.never()).tracer();
    String huge = "x".repeat(SpanMetrics.MAX_NAME_LENGTH - 1) + "\uD83D\uDE00" + "y".repeat(1_000_000);
    String[] odd = {"", "line\nbreak", "quote\" back\\slash {le=\"1\"}", "\u0000\u0007", "caf\u00e9 \uD83D\uDE00", huge,
        "\uD800 lone surrogate"};
    for (String name : odd) timed(tracer, name, SpanKind.SERVER, 1);
    timed(tracer, huge + "other tail", SpanKind.SERVER, 1);

    List<String> names = new ArrayList<>();
    metrics.snapshot().forEach(s -> names.add(s.spanName()));
    assertThat(names).hasSize(odd.length).contains("", "line\nbreak", "\u0000\u0007", "\uD800 lone surrogate");
    String cut = "x".repeat(SpanMetrics.MAX_NAME_LENGTH - 1); // the pair across the cut is left out whole
    assertThat(series(metrics, cut, SpanKind.SERVER, false).count()).isEqualTo(2);
  }

  @Test void aHugeNumberOfNamesStaysWithinTheCap() {
    SpanMetrics metrics = SpanMetrics.newBuilder().maxSpanNames(100).build();
    Tracer tracer = tracing(metrics, Sampler.never()).tracer();
    for (int i = 0; i < 100_000; i++) timed(tracer, "GET /item/" + i, SpanKind.SERVER, 1);

    List<Series> all = metrics.snapshot();
    assertThat(all).hasSize(101);
    assertThat(all.stream().mapToLong(Series::count).sum()).isEqualTo(100_000);
    assertThat(series(metrics, "other", SpanKind.SERVER, false).count()).isEqualTo(99_900);
    assertThat(metrics.foldedSpans()).isEqualTo(99_900);
  }

  @Test void configurationIsChecked() {
    assertThatThrownBy(() -> SpanMetrics.newBuilder().maxSpanNames(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpanMetrics.newBuilder().durationBuckets()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpanMetrics.newBuilder().durationBuckets(Duration.ofMillis(5), Duration.ofMillis(5)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpanMetrics.newBuilder().durationBuckets(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpanMetrics.newBuilder().kinds((SpanKind) null))
        .isInstanceOf(NullPointerException.class).hasMessage("kind == null");
    assertThatThrownBy(() -> SpanMetrics.newBuilder().addListener(null))
        .isInstanceOf(NullPointerException.class).hasMessage("listener == null");
    assertThatThrownBy(() -> SpanMetrics.newBuilder().build().removeListener(null))
        .isInstanceOf(NullPointerException.class).hasMessage("listener == null");
    assertThatThrownBy(() -> Tracing.newBuilder().spanMetrics(null))
        .isInstanceOf(NullPointerException.class).hasMessage("spanMetrics == null");
  }

  @Test void customBucketsAreUsed() {
    SpanMetrics metrics = SpanMetrics.newBuilder()
        .durationBuckets(Duration.ofMillis(1), Duration.ofMillis(10)).build();
    Tracer tracer = tracing(metrics, Sampler.always()).tracer();
    for (long ms : new long[] {1, 2, 10, 11}) timed(tracer, "q", SpanKind.SERVER, ms);
    assertThat(series(metrics, "q", SpanKind.SERVER, false).bucketCounts()).containsExactly(1, 2, 1);
    assertThat(metrics.durationBuckets()).containsExactly(Duration.ofMillis(1), Duration.ofMillis(10));
  }

  @Test void aListenerSeesTheSpansOwnContext() {
    // A measurement's context is the span's own: a listener may keep its IDs.
    SpanMetrics metrics = SpanMetrics.newBuilder().build();
    List<TraceContext> contexts = new ArrayList<>();
    metrics.addListener((Measurement m) -> contexts.add(m.context()));
    Tracer tracer = tracing(metrics, Sampler.never()).tracer();
    Span span = timed(tracer, "GET", SpanKind.SERVER, 1);
    assertThat(contexts).containsExactly(span.context());
    assertThat(contexts.get(0).isSampled()).isFalse();
  }
}
