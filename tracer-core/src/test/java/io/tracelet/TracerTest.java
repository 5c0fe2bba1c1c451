package io.tracelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TracerTest {
  final CollectingReporter reporter = new CollectingReporter();
  final FakeClock clock = new FakeClock();
  Tracing tracing = reporter.tracing().clock(clock).build();
  Tracer tracer = tracing.tracer();

  @AfterEach void close() {
    tracing.close();
  }

  List<FinishedSpan> reported() {
    assertThat(tracing.flush()).isTrue();
    return reporter.spans();
  }

  @Test void rootSpanHasA128BitTraceAndIsReportedWithEverythingSetOnIt() {
    Span span = tracer.spanBuilder("GET /cart").kind(SpanKind.SERVER)
        .remoteEndpoint(Endpoint.of("browser", "192.168.1.7", 51234)).tag("http.method", "GET").start();
    span.tag("http.status_code", 200).event("wire.send").name("GET /cart/{id}");
    clock.advanceNanos(1_500_000);
    span.finish();

    FinishedSpan f = reported().get(0);
    assertThat(f.name()).isEqualTo("GET /cart/{id}");
    assertThat(f.kind()).isEqualTo(SpanKind.SERVER);
    assertThat(f.traceIdHigh()).isNotZero();
    assertThat(f.traceId()).isNotZero();
    assertThat(f.spanId()).isNotZero();
    assertThat(f.parentId()).isZero();
    assertThat(f.startTimestamp()).isEqualTo(clock.epochMicros);
    assertThat(f.duration()).isEqualTo(1500);
    assertThat(f.localEndpoint()).isEqualTo(Endpoint.of("test", "10.0.0.1", 0));
    assertThat(f.remoteEndpoint()).isEqualTo(Endpoint.of("browser", "192.168.1.7", 51234));
    assertThat(f.tagCount()).isEqualTo(2);
    assertThat(f.tagKey(0)).isEqualTo("http.method");
    assertThat(f.tagValue(1)).isEqualTo("200");
    assertThat(f.eventCount()).isEqualTo(1);
    assertThat(f.eventName(0)).isEqualTo("wire.send");
    assertThat(f.eventTimestamp(0)).isEqualTo(clock.epochMicros);
    assertThat(span.context().traceIdHex()).hasSize(32);
  }

  @Test void childOfTheCurrentSpanByDefault() {
    Span parent = tracer.spanBuilder("parent").start();
    Span child;
    try (Scope ignored = parent.makeCurrent()) {
      child = tracer.spanBuilder("child").start();
      assertThat(tracer.currentSpan()).isSameAs(parent);
    }
    assertThat(tracer.currentSpan()).isNull();
    assertThat(child.context().traceIdHex()).isEqualTo(parent.context().traceIdHex());
    assertThat(child.context().parentId()).isEqualTo(parent.context().spanId());
    assertThat(child.context().spanId()).isNotEqualTo(parent.context().spanId());
  }

  @Test void childrenReuseTheHexTheirParentAlreadyMade() {
    TraceContext remote = TraceContext.newBuilder().traceId(7, 8).spanId(9).sampled(true).build();
    String traceIdHex = remote.traceIdHex();
    String remoteSpanIdHex = remote.spanIdHex();
    Span server = tracer.spanBuilder("server").parent(remote).start();
    assertThat(server.context().traceIdHex()).isSameAs(traceIdHex).isEqualTo("00000000000000070000000000000008");
    assertThat(server.context().parentIdHex()).isSameAs(remoteSpanIdHex);

    String serverSpanIdHex = server.context().spanIdHex();
    Span client = tracer.spanBuilder("client").parent(server.context()).start();
    assertThat(client.context().traceIdHex()).isSameAs(traceIdHex);
    assertThat(client.context().parentIdHex()).isSameAs(serverSpanIdHex);

    Tracing never = reporter.tracing().sampler(Sampler.never()).build();
    TraceContext undecided = TraceContext.newBuilder().traceId(0, 0x10).spanId(0x11).build();
    String undecidedTraceIdHex = undecided.traceIdHex();
    TraceContext unsampled = never.tracer().spanBuilder("unsampled").parent(undecided).start().context();
    assertThat(unsampled.traceIdHex()).isSameAs(undecidedTraceIdHex).isEqualTo("0000000000000010");
    assertThat(unsampled.parentIdHex()).isEqualTo("0000000000000011");
    never.close();
  }

  @Test void aChildOfAParentThatMadeNoHexMakesItsOwn() {
    TraceContext remote = TraceContext.newBuilder().traceId(0, 0xabcL).spanId(0xdefL).sampled(true).build();
    Span child = tracer.spanBuilder("child").parent(remote).start();
    assertThat(child.context().traceIdHex()).isEqualTo("0000000000000abc");
    assertThat(child.context().parentIdHex()).isEqualTo("0000000000000def");
    assertThat(remote.traceIdHex()).isEqualTo("0000000000000abc").isNotSameAs(child.context().traceIdHex());
    Span root = tracer.spanBuilder("root").noParent().start();
    assertThat(root.context().parentIdHex()).isNull();
  }

  @Test void noParentStartsANewTraceEvenInsideAScope() {
    Span parent = tracer.spanBuilder("parent").start();
    try (Scope ignored = parent.makeCurrent()) {
      Span root = tracer.spanBuilder("root").noParent().start();
      assertThat(root.context().traceId()).isNotEqualTo(parent.context().traceId());
      assertThat(root.context().parentId()).isZero();
    }
  }

  @Test void explicitRemoteParentIsJoinedAndItsDecisionFollowed() {
    TraceContext remote = TraceContext.newBuilder().traceId(0, 0x1234L).spanId(0x55L).sampled(false)
        .traceState("vendor=x").baggage(Baggage.empty().with("tenant", "acme")).build();
    Span span = tracer.spanBuilder("server").kind(SpanKind.SERVER).parent(remote).start();

    assertThat(span.isRecording()).isFalse();
    TraceContext context = span.context();
    assertThat(context.traceIdHex()).isEqualTo("0000000000001234");
    assertThat(context.parentId()).isEqualTo(0x55L);
    assertThat(context.hasSamplingDecision()).isTrue();
    assertThat(context.isSampled()).isFalse();
    assertThat(context.traceState()).isEqualTo("vendor=x");
    assertThat(context.baggage().get("tenant")).isEqualTo("acme");
  }

  @Test void parentDecisionWinsOverTheSampler() {
    Tracing never = reporter.tracing().sampler(Sampler.never()).build();
    TraceContext sampledRemote = TraceContext.newBuilder().traceId(7, 8).spanId(9).sampled(true).build();
    Span span = never.tracer().spanBuilder("s").parent(sampledRemote).start();
    assertThat(span.isRecording()).isTrue();
    assertThat(never.tracer().spanBuilder("root").start().isRecording()).isFalse();
    never.close();
  }

  @Test void debugForcesSamplingAndIsReported() {
    Tracing never = reporter.tracing().sampler(Sampler.never()).build();
    TraceContext debug = TraceContext.newBuilder().debug(true).build();
    Span span = never.tracer().spanBuilder("s").parent(debug).start();
    span.finish();
    never.close();
    assertThat(span.isRecording()).isTrue();
    assertThat(span.context().debug()).isTrue();
    assertThat(reporter.spans()).singleElement().satisfies(f -> assertThat(f.debug()).isTrue());
  }

  @Test void samplingOnlyContextStartsANewTraceWithItsDecision() {
    TraceContext noIds = TraceContext.newBuilder().sampled(false).baggage(Baggage.empty().with("k", "v")).build();
    Span span = tracer.spanBuilder("s").parent(noIds).start();
    assertThat(span.isRecording()).isFalse();
    assertThat(span.context().hasIds()).isTrue();
    assertThat(span.context().parentId()).isZero();
    assertThat(span.context().baggage().get("k")).isEqualTo("v");
  }

  @Test void undecidedParentAsksTheSampler() {
    Tracing never = reporter.tracing().sampler(Sampler.never()).build();
    TraceContext undecided = TraceContext.newBuilder().traceId(0, 5).spanId(6).build();
    Span span = never.tracer().spanBuilder("s").parent(undecided).start();
    assertThat(span.isRecording()).isFalse();
    assertThat(span.context().hasSamplingDecision()).isTrue();
    assertThat(span.context().isSampled()).isFalse();
    assertThat(span.context().traceId()).isEqualTo(5);
    never.close();
  }

  @Test void unsampledSpanIsANoopThatStillCarriesAContextForPropagation() {
    Tracing never = reporter.tracing().sampler(Sampler.never()).build();
    Span span = never.tracer().spanBuilder("s").tag("k", "v").start();
    span.tag("a", "b").event("e").error(new IOException()).name("x").finish();
    never.close();

    assertThat(span.isRecording()).isFalse();
    assertThat(span.context().hasIds()).isTrue();
    assertThat(span.context().hasSamplingDecision()).isTrue();
    assertThat(span.context().isSampled()).isFalse();
    assertThat(span.context().traceIdRandom()).isTrue();
    assertThat(span.context()).isSameAs(span.context());
    assertThat(reporter.spans()).isEmpty();
    assertThat(never.counters().spansAccepted()).isZero();
  }

  @Test void childrenOfAnUnsampledSpanAreUnsampledInTheSameTrace() {
    Tracing never = reporter.tracing().sampler(Sampler.never()).build();
    Span parent = never.tracer().spanBuilder("p").start();
    Span child = never.tracer().spanBuilder("c").parent(parent).start();
    assertThat(child.isRecording()).isFalse();
    assertThat(child.context().traceId()).isEqualTo(parent.context().traceId());
    assertThat(child.context().parentId()).isEqualTo(parent.context().spanId());
    never.close();
  }

  @Test void sixtyFourBitTraceIdsOnRequest() {
    Tracing narrow = reporter.tracing().traceId128Bit(false).build();
    TraceContext context = narrow.tracer().spanBuilder("s").start().context();
    assertThat(context.is128Bit()).isFalse();
    assertThat(context.traceIdHex()).hasSize(16);
    narrow.close();
  }

  @Test void finishingTwiceRecordsOnce() {
    Span span = tracer.spanBuilder("once").start();
    span.finish();
    span.finish();
    span.finish(clock.epochMicros + 5);
    assertThat(reported()).hasSize(1);
  }

  @Test void finishRacedFromManyThreadsRecordsOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int round = 0; round < 200; round++) {
      Span span = tracer.spanBuilder("race-" + round).start();
      CountDownLatch go = new CountDownLatch(1);
      for (int t = 0; t < 8; t++) {
        pool.execute(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          span.finish();
        });
      }
      go.countDown();
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    assertThat(reported()).hasSize(200).extracting(FinishedSpan::name).doesNotHaveDuplicates();
  }

  @Test void spanFinishedOnAnotherThreadKeepsWhatWasSetBeforeTheHandoff() throws Exception {
    Span span = tracer.spanBuilder("handoff").start();
    span.tag("before", "yes");
    Thread other = new Thread(span::finish);
    other.start();
    other.join();
    span.tag("after", "ignored");
    FinishedSpan f = reported().get(0);
    assertThat(f.tagCount()).isEqualTo(1);
    assertThat(f.tagKey(0)).isEqualTo("before");
  }

  @Test void abandonedSpanIsNeverReported() {
    Span span = tracer.spanBuilder("abandoned").start();
    span.abandon();
    span.finish();
    assertThat(reported()).isEmpty();
  }

  @Test void errorAddsTheErrorTagWithTheMessageOrTheClassName() {
    tracer.spanBuilder("a").start().error(new IllegalStateException("card declined")).finish();
    tracer.spanBuilder("b").start().error(new IOException()).finish();
    tracer.spanBuilder("c").start().tag("error", "custom").error(new IOException("x")).finish();
    List<FinishedSpan> spans = reported();
    assertThat(spans).extracting(f -> tagValue(f, "error")).containsExactly("card declined", "IOException", "custom");
    assertThat(spans.get(0).error()).isInstanceOf(IllegalStateException.class);
  }

  @Test void tagsReplaceTheSameKey() {
    tracer.spanBuilder("a").tag("k", "1").start().tag("k", "2").finish();
    FinishedSpan f = reported().get(0);
    assertThat(f.tagCount()).isEqualTo(1);
    assertThat(f.tagValue(0)).isEqualTo("2");
  }

  @Test void nullArgumentsAreIgnoredNeverThrown() {
    Span span = tracer.spanBuilder(null).kind(null).tag(null, "v").tag("k", null).start();
    span.tag(null, "v").tag("k", null).event(null).name(null).error(null).remoteEndpoint(null).finish();
    FinishedSpan f = reported().get(0);
    assertThat(f.name()).isEmpty();
    assertThat(f.kind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(f.tagCount()).isZero();
    assertThat(f.eventCount()).isZero();
  }

  @Test void spanLimitsCutAndCount() {
    Tracing limited = reporter.tracing().spanLimits(SpanLimits.newBuilder().maxTags(2).maxEvents(1).maxTagValueLength(5).build()).build();
    Span span = limited.tracer().spanBuilder("limited").start();
    span.tag("a", "123456789").tag("b", "x").tag("c", "dropped").event("e1").event("e2");
    span.tag("s", "abcd\uD83D\uDE00z"); // would cut a surrogate pair in half at 5
    span.finish();
    limited.close();

    FinishedSpan f = reporter.spans().get(0);
    assertThat(f.tagCount()).isEqualTo(2);
    assertThat(f.tagValue(0)).isEqualTo("12345");
    assertThat(f.eventCount()).isEqualTo(1);
    assertThat(RealSpan.truncate("abcd\uD83D\uDE00z", 5)).isEqualTo("abcd");
    assertThat(limited.counters().tagValuesTruncated()).isEqualTo(1);
    assertThat(limited.counters().tagsDropped()).isEqualTo(2);
    assertThat(limited.counters().eventsDropped()).isEqualTo(1);
  }

  @Test void errorTagIsKeptEvenAtTheTagLimit() {
    Tracing limited = reporter.tracing().spanLimits(SpanLimits.newBuilder().maxTags(1).maxEvents(0).maxTagValueLength(100).build()).build();
    limited.tracer().spanBuilder("s").tag("a", "b").start().error(new IOException("boom")).finish();
    limited.close();
    assertThat(tagValue(reporter.spans().get(0), "error")).isEqualTo("boom");
  }

  @Test void localChildrenTakeTheirTimeFromTheRootsAnchorNotTheWallClock() {
    Span root = tracer.spanBuilder("root").start();
    long rootStart = clock.epochMicros;
    clock.epochMicros -= 10_000_000; // the wall clock is set back ten seconds
    clock.advanceNanos(2_000_000);
    Span child = tracer.spanBuilder("child").parent(root).start();
    clock.advanceNanos(3_000_000);
    child.event("later");
    child.finish();
    root.finish();

    List<FinishedSpan> spans = reported();
    FinishedSpan c = spans.get(0);
    assertThat(c.startTimestamp()).isEqualTo(rootStart + 2_000);
    assertThat(c.duration()).isEqualTo(3_000);
    assertThat(c.eventTimestamp(0)).isEqualTo(rootStart + 5_000);
    assertThat(spans.get(1).duration()).isEqualTo(5_000);
    assertThat(clock.epochReads).isEqualTo(1);
  }

  @Test void theWallClockIsReadAtMostOnceASecondAndRootsInBetweenDeriveFromNanoTime() {
    tracer.spanBuilder("first").start().finish();
    long firstStart = clock.epochMicros;
    clock.epochMicros += 7_000_000; // the wall clock jumps; the next root within the second ignores it
    clock.advanceNanos(400_000_000);
    tracer.spanBuilder("second").start().finish();
    clock.advanceNanos(600_000_000); // a second after the reading: read the wall clock again
    tracer.spanBuilder("third").start().finish();

    List<FinishedSpan> spans = reported();
    assertThat(spans.get(0).startTimestamp()).isEqualTo(firstStart);
    assertThat(spans.get(1).startTimestamp()).isEqualTo(firstStart + 400_000);
    assertThat(spans.get(2).startTimestamp()).isEqualTo(clock.epochMicros);
    assertThat(clock.epochReads).isEqualTo(2);
  }

  @Test void aNewRootsSpanIdIsItsTraceIdsLowHalfAndChildrenGetRandomOnes() {
    Span root = tracer.spanBuilder("root").start();
    Span child = tracer.spanBuilder("child").parent(root).start();
    assertThat(root.context().spanId()).isEqualTo(root.context().traceId());
    assertThat(child.context().spanId()).isNotEqualTo(root.context().spanId());
  }

  @Test void explicitTimestamps() {
    tracer.spanBuilder("past").startTimestamp(1_000_000L).start().finish(1_000_250L);
    FinishedSpan f = reported().get(0);
    assertThat(f.startTimestamp()).isEqualTo(1_000_000L);
    assertThat(f.duration()).isEqualTo(250L);
  }

  @Test void baggageAddedOnTheBuilderIsInheritedByChildren() {
    Span parent = tracer.spanBuilder("p").baggage("user", "42").start();
    Span child = tracer.spanBuilder("c").parent(parent).baggage("region", "eu").start();
    assertThat(parent.context().baggage().asMap()).containsExactly(java.util.Map.entry("user", "42"));
    assertThat(child.context().baggage().asMap()).containsEntry("user", "42").containsEntry("region", "eu");
    assertThat(child.context().parentId()).isEqualTo(parent.context().spanId());
  }

  @Test void toSpanMakesARemoteContextCurrentWithoutRecordingIt() {
    TraceContext remote = TraceContext.newBuilder().traceId(1, 2).spanId(3).sampled(true).build();
    Span wrapper = tracer.nonRecordingSpan(remote);
    assertThat(wrapper.context()).isSameAs(remote);
    assertThat(wrapper.isRecording()).isFalse();
    try (Scope ignored = wrapper.makeCurrent()) {
      Span child = tracer.spanBuilder("child").start();
      assertThat(child.isRecording()).isTrue();
      assertThat(child.context().parentId()).isEqualTo(3);
      child.finish();
    }
    assertThat(reported()).hasSize(1);
  }

  @Test void inSpanRunsInACurrentChildSpanAndFinishesIt() {
    Span parent = tracer.spanBuilder("parent").start();
    String result;
    try (Scope ignored = parent.makeCurrent()) {
      result = tracer.inSpan("work", () -> tracer.currentSpan().context().parentIdHex());
    }
    assertThat(result).isEqualTo(parent.context().spanIdHex());
    assertThat(reported()).singleElement().satisfies(f -> assertThat(f.name()).isEqualTo("work"));
  }

  @Test void inSpanRecordsTheErrorRethrowsAndFinishes() {
    RuntimeException boom = new IllegalArgumentException("boom");
    assertThatThrownBy(() -> tracer.inSpan("runnable", (Runnable) () -> {
      throw boom;
    })).isSameAs(boom);
    assertThatThrownBy(() -> tracer.callInSpan("callable", () -> {
      throw new IOException("io");
    })).isInstanceOf(IOException.class);
    assertThat(reported()).extracting(f -> tagValue(f, "error")).containsExactly("boom", "io");
    assertThat(tracer.currentSpan()).isNull();
  }

  @Test void brokenSamplerMeansNotSampledNotAnException() {
    Tracing broken = reporter.tracing().sampler((id, name, kind) -> {
      throw new IllegalStateException("bug");
    }).build();
    assertThat(broken.tracer().spanBuilder("s").start().isRecording()).isFalse();
    broken.close();
  }

  static String tagValue(FinishedSpan span, String key) {
    for (int i = 0; i < span.tagCount(); i++) {
      if (span.tagKey(i).equals(key)) return span.tagValue(i);
    }
    return null;
  }
}
