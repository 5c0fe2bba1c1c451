package io.tracelet.micrometer.tracing;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.tracing.Link;
import io.micrometer.tracing.ScopedSpan;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.tracelet.Endpoint;
import io.tracelet.FinishedSpan;
import io.tracelet.Sampler;
import io.tracelet.SpanKind;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tracer, Span, Span.Builder, ScopedSpan and TraceContext.Builder, method by method. */
class TraceletTracerTest {
  final Fixture fixture = new Fixture();
  final Tracer tracer = fixture.tracer;

  @AfterEach void close() {
    fixture.close();
  }

  @Test void nextSpan_withNothingCurrent_startsANewTrace() {
    Span span = tracer.nextSpan().name("root").start();
    span.end();

    assertThat(span.context().parentId()).isNull();
    assertThat(span.context().sampled()).isTrue();
    assertThat(fixture.onlySpan()).hasName("root").isRoot().hasTraceId(span.context().traceId());
  }

  @Test void nextSpan_isAChildOfTheCurrentSpan() {
    Span parent = tracer.nextSpan().name("parent").start();
    Span child;
    try (Tracer.SpanInScope ws = tracer.withSpan(parent)) {
      child = tracer.nextSpan().name("child").start();
    }
    child.end();
    parent.end();

    assertThat(child.context().traceId()).isEqualTo(parent.context().traceId());
    assertThat(child.context().parentId()).isEqualTo(parent.context().spanId());
    assertThat(fixture.spans()).isCompleteTrace();
  }

  @Test void nextSpan_withExplicitParent_onAnotherThread() throws Exception {
    Span parent = tracer.nextSpan().name("calculateTax").start();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Span child = pool.submit(() -> {
        Span s = tracer.nextSpan(parent).name("calculateCommission").start();
        s.tag("commissionValue", "10").event("commissionCalculated").end();
        return s;
      }).get(10, TimeUnit.SECONDS);
      parent.end();

      assertThat(child.context().parentId()).isEqualTo(parent.context().spanId());
      FinishedSpan finished = fixture.spans().get(0);
      assertThat(finished).hasName("calculateCommission").hasTag("commissionValue", "10")
          .hasEvent("commissionCalculated");
    } finally {
      pool.shutdown();
    }
  }

  @Test void nextSpan_withNullParent_isNextSpan() {
    Span span = tracer.nextSpan((Span) null);
    span.end();
    assertThat(fixture.onlySpan()).isRoot();
  }

  @Test void withSpan_makesTheSpanCurrentAndRestoresThePreviousOne() {
    Span span = tracer.nextSpan().start();
    assertThat(tracer.currentSpan()).isNull();
    try (Tracer.SpanInScope ws = tracer.withSpan(span)) {
      assertThat(tracer.currentSpan()).isEqualTo(span);
      assertThat(tracer.currentTraceContext().context()).isEqualTo(span.context());
      // the same current span for Tracelet's own API
      assertThat(fixture.tracing.tracer().currentSpan().context().spanIdHex()).isEqualTo(span.context().spanId());
      try (Tracer.SpanInScope cleared = tracer.withSpan(null)) {
        assertThat(tracer.currentSpan()).isNull();
      }
      assertThat(tracer.currentSpan()).isEqualTo(span);
    }
    assertThat(tracer.currentSpan()).isNull();
    span.end();
  }

  @Test void currentSpan_recordsOnTheSpanThatIsCurrent() {
    Span span = tracer.nextSpan().name("op").start();
    try (Tracer.SpanInScope ws = tracer.withSpan(span)) {
      tracer.currentSpan().tag("from", "currentSpan");
      tracer.currentSpanCustomizer().tag("from2", "customizer").event("customized").name("renamed");
    }
    span.end();

    assertThat(fixture.onlySpan()).hasName("renamed").hasTag("from", "currentSpan").hasTag("from2", "customizer")
        .hasEvent("customized");
  }

  @Test void currentSpanCustomizer_withNoCurrentSpan_doesNothing() {
    tracer.currentSpanCustomizer().name("x").tag("k", "v").event("e");
    assertThat(fixture.spans()).isEmpty();
  }

  @Test void startScopedSpan_isCurrentUntilEnd() {
    ScopedSpan scoped = tracer.startScopedSpan("scoped");
    assertThat(scoped.isNoop()).isFalse();
    assertThat(tracer.currentTraceContext().context()).isEqualTo(scoped.context());
    Span child = tracer.nextSpan().name("child").start();
    child.end();
    scoped.tag("k", "v").event("e").error(new IOException("boom"));
    scoped.end();

    assertThat(tracer.currentSpan()).isNull();
    assertThat(child.context().parentId()).isEqualTo(scoped.context().spanId());
    assertThat(fixture.spans().get(1)).hasName("scoped").hasTag("k", "v").hasEvent("e").hasError(IOException.class)
        .hasTag("error", "boom");
  }

  @Test void span_tagsOfEveryType() {
    tracer.nextSpan().start().tag("string", "string").tag("double", 2.5).tag("long", 2).tag("boolean", true).end();

    assertThat(fixture.onlySpan()).hasTag("string", "string").hasTag("double", "2.5").hasTag("long", "2")
        .hasTag("boolean", "true");
  }

  @Test void span_startEventAndEndAtGivenTimes_inAnyUnit() {
    long startMillis = System.currentTimeMillis();
    Span span = tracer.spanBuilder().name("timed").startTimestamp(startMillis, TimeUnit.MILLISECONDS).start();
    span.event("at", startMillis + 1, TimeUnit.MILLISECONDS);
    span.end(startMillis + 5, TimeUnit.MILLISECONDS);

    FinishedSpan finished = fixture.onlySpan();
    assertThat(finished.startTimestamp()).isEqualTo(startMillis * 1000);
    assertThat(finished.duration()).isEqualTo(5_000);
    assertThat(finished.eventTimestamp(0)).isEqualTo((startMillis + 1) * 1000);
    assertThat(finished.eventName(0)).isEqualTo("at");
  }

  @Test void span_error_setsTheErrorTagFromTheMessage() {
    tracer.nextSpan().start().error(new IllegalStateException("simulated")).end();
    assertThat(fixture.onlySpan()).hasError(IllegalStateException.class).hasTag("error", "simulated");
  }

  @Test void span_remoteServiceNameAndIpAndPort_merge() {
    Span span = tracer.nextSpan().start();
    span.remoteServiceName("Payments").remoteIpAndPort("10.0.0.7", 8443);
    span.end();
    assertThat(fixture.onlySpan().remoteEndpoint()).isEqualTo(Endpoint.of("payments", "10.0.0.7", 8443));
  }

  @Test void span_remoteIpThatIsAHostName_isDropped() {
    Span span = tracer.nextSpan().start();
    span.remoteIpAndPort("example.com", 80).remoteServiceName("web");
    span.end();
    assertThat(fixture.onlySpan().remoteEndpoint()).isEqualTo(Endpoint.of("web", null, 80));
  }

  @Test void span_abandon_isNeverReported() {
    Span abandoned = tracer.nextSpan().start();
    abandoned.abandon();
    abandoned.end();
    tracer.nextSpan().name("kept").start().end();
    assertThat(fixture.onlySpan()).hasName("kept");
  }

  @Test void span_endTwice_reportsOnce() {
    Span span = tracer.nextSpan().start();
    span.end();
    span.end();
    assertThat(fixture.spans()).hasSize(1);
  }

  @Test void unsampledSpan_isNoop_butCarriesItsContext() {
    try (Fixture unsampled = new Fixture(Sampler.never())) {
      Span span = unsampled.tracer.nextSpan().name("x").start();
      assertThat(span.isNoop()).isTrue();
      assertThat(span.context().sampled()).isFalse();
      assertThat(span.context().traceId()).hasSize(32);
      span.tag("k", "v").end();
      assertThat(unsampled.spans()).isEmpty();
    }
  }

  @Test void spanEquality_isBySpanId() {
    Span span = tracer.nextSpan().start();
    Span other = tracer.nextSpan().start();
    try (Tracer.SpanInScope ws = tracer.withSpan(span)) {
      assertThat(tracer.currentSpan()).isEqualTo(span).hasSameHashCodeAs(span).isNotEqualTo(other);
    }
  }

  @Test void builder_setParent_withABridgeContext() {
    Span parent = tracer.nextSpan().start();
    Span child = tracer.spanBuilder().setParent(parent.context()).start();

    assertThat(child.context().traceId()).isEqualTo(parent.context().traceId());
    assertThat(child.context().parentId()).isEqualTo(parent.context().spanId());
  }

  @Test void builder_setParent_withABuiltContext_continuesTheTraceAndItsDecision() {
    TraceContext remote = tracer.traceContextBuilder().traceId("596e1787feb11040caff89f7f0f229dd")
        .spanId("caff89f7f0f229dd").sampled(true).build();
    Span child = tracer.spanBuilder().setParent(remote).name("child").start();
    child.end();

    assertThat(child.context().traceId()).isEqualTo("596e1787feb11040caff89f7f0f229dd");
    assertThat(child.context().parentId()).isEqualTo("caff89f7f0f229dd");
    assertThat(fixture.onlySpan()).hasName("child");
  }

  @Test void builder_setParent_withAnUnsampledContext_recordsNothing() {
    TraceContext remote = tracer.traceContextBuilder().traceId("596e1787feb11040").spanId("caff89f7f0f229dd")
        .sampled(false).build();
    Span child = tracer.spanBuilder().setParent(remote).start();
    assertThat(child.isNoop()).isTrue();
    child.end();
    assertThat(fixture.spans()).isEmpty();
  }

  @Test void builder_setNoParent_ignoresTheCurrentSpan() {
    Span current = tracer.nextSpan().start();
    Span root;
    try (Tracer.SpanInScope ws = tracer.withSpan(current)) {
      root = tracer.spanBuilder().setNoParent().start();
    }
    assertThat(root.context().traceId()).isNotEqualTo(current.context().traceId());
    assertThat(root.context().parentId()).isNull();
  }

  @Test void builder_defaultParent_isTheCurrentSpan() {
    Span current = tracer.nextSpan().start();
    Span child;
    try (Tracer.SpanInScope ws = tracer.withSpan(current)) {
      child = tracer.spanBuilder().start();
    }
    assertThat(child.context().parentId()).isEqualTo(current.context().spanId());
  }

  @Test void builder_everyAttribute() {
    IOException error = new IOException("down");
    tracer.spanBuilder().name("call").kind(Span.Kind.CLIENT).tag("string", "s").tag("long", 2).tag("double", 2.5)
        .tag("boolean", true).event("sent").error(error).remoteServiceName("db").remoteIpAndPort("::1", 5432)
        .start().end();

    assertThat(fixture.onlySpan()).hasName("call").hasKind(SpanKind.CLIENT).hasTag("string", "s")
        .hasTag("long", "2").hasTag("double", "2.5").hasTag("boolean", "true").hasEvent("sent")
        .hasError(IOException.class).hasRemoteServiceName("db");
    assertThat(fixture.onlySpan().remoteEndpoint().port()).isEqualTo(5432);
    assertThat(fixture.onlySpan().remoteEndpoint().ipv6()).isNotNull();
  }

  @Test void builder_kinds() {
    for (Span.Kind kind : Span.Kind.values()) tracer.spanBuilder().kind(kind).start().end();
    assertThat(fixture.spans()).extracting(FinishedSpan::kind)
        .containsExactly(SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER);
  }

  @Test void builder_links_becomeTagsAsTheBraveBridgeWritesThem() {
    Span first = tracer.nextSpan().start();
    Span second = tracer.nextSpan().start();
    tracer.spanBuilder().name("linked").addLink(new Link(second.context(), Map.of("tag1", "value1")))
        .addLink(new Link(first)).start().end();

    assertThat(fixture.onlySpan()).hasTag("links[0].traceId", second.context().traceId())
        .hasTag("links[0].spanId", second.context().spanId()).hasTag("links[0].tags[tag1]", "value1")
        .hasTag("links[1].traceId", first.context().traceId()).hasTag("links[1].spanId", first.context().spanId());
  }

  @Test void traceContextBuilder_64Bit() {
    TraceContext context = tracer.traceContextBuilder().parentId("7c6239a5ad0a4287").spanId("caff89f7f0f229dd")
        .traceId("596e1787feb11040").sampled(true).build();

    assertThat(context.parentId()).isEqualTo("7c6239a5ad0a4287");
    assertThat(context.spanId()).isEqualTo("caff89f7f0f229dd");
    assertThat(context.traceId()).isEqualTo("596e1787feb11040");
    assertThat(context.sampled()).isTrue();
  }

  @Test void traceContextBuilder_128BitIds() {
    TraceContext context = tracer.traceContextBuilder().parentId("00000000000000007c6239a5ad0a4287")
        .spanId("0000000000000000caff89f7f0f229dd").traceId("596e1787feb11040caff89f7f0f229dd").sampled(null)
        .build();

    assertThat(context.parentId()).isEqualTo("7c6239a5ad0a4287");
    assertThat(context.spanId()).isEqualTo("caff89f7f0f229dd");
    assertThat(context.traceId()).isEqualTo("596e1787feb11040caff89f7f0f229dd");
    assertThat(context.sampled()).isNull();
  }

  @Test void traceContextBuilder_refusesBadIds() {
    assertThatThrownBy(() -> tracer.traceContextBuilder().traceId("xyz").spanId("caff89f7f0f229dd").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tracer.traceContextBuilder().traceId("596e1787feb1104g").spanId("caff89f7f0f229dd")
        .build()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tracer.traceContextBuilder().traceId("596e1787feb11040").build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test void create_refusesNull() {
    assertThatThrownBy(() -> TraceletTracer.create(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("tracing == null");
  }
}
