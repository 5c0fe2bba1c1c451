package io.tracelet.micrometer.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import brave.baggage.BaggageField;
import brave.baggage.BaggagePropagation;
import brave.baggage.BaggagePropagationConfig.SingleBaggageField;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.B3Propagation;
import brave.propagation.ThreadLocalCurrentTraceContext;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.BaggageInScope;
import io.micrometer.tracing.Link;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BraveFinishedSpan;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.exporter.FinishedSpan;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same cases, written against Micrometer's API only, run on Micrometer's Brave bridge and on
 * Tracelet's: where Micrometer's contract fixes the behaviour, both must pass. (Where they differ on
 * purpose, the module README says so; those cases are in the other tests.)
 */
class SideBySideWithBraveTest {

  /** One bridge under test: its tracer, propagator, and the spans it finished. */
  interface Bridge extends AutoCloseable {
    Tracer tracer();

    Propagator propagator();

    List<FinishedSpan> spans();

    @Override void close();
  }

  static Stream<Named<Supplier<Bridge>>> bridges() {
    return Stream.of(Named.of("brave", BraveBridge::new), Named.of("tracelet", TraceletBridge::new));
  }

  static final class BraveBridge implements Bridge {
    final List<MutableSpan> spans = new CopyOnWriteArrayList<>();
    final brave.propagation.CurrentTraceContext current = ThreadLocalCurrentTraceContext.create();
    final brave.Tracing tracing = brave.Tracing.newBuilder()
        .currentTraceContext(current)
        .propagationFactory(BaggagePropagation.newFactoryBuilder(B3Propagation.FACTORY)
            .add(SingleBaggageField.remote(BaggageField.create("key1"))).build())
        .addSpanHandler(new SpanHandler() {
          @Override public boolean end(brave.propagation.TraceContext context, MutableSpan span, Cause cause) {
            if (cause == Cause.FINISHED) spans.add(span);
            return true;
          }
        })
        .build();
    final Tracer tracer = new BraveTracer(tracing.tracer(), new BraveCurrentTraceContext(current),
        new BraveBaggageManager());
    final Propagator propagator = new BravePropagator(tracing);

    @Override public Tracer tracer() {
      return tracer;
    }

    @Override public Propagator propagator() {
      return propagator;
    }

    @Override public List<FinishedSpan> spans() {
      return spans.stream().map(BraveFinishedSpan::fromBrave).collect(Collectors.toList());
    }

    @Override public void close() {
      tracing.close();
    }
  }

  static final class TraceletBridge implements Bridge {
    final Fixture fixture = new Fixture();

    @Override public Tracer tracer() {
      return fixture.tracer;
    }

    @Override public Propagator propagator() {
      return fixture.propagator;
    }

    @Override public List<FinishedSpan> spans() {
      return fixture.spans().stream().map(BridgeFinishedSpan::copyOf).collect(Collectors.toList());
    }

    @Override public void close() {
      fixture.close();
    }
  }

  @ParameterizedTest @MethodSource("bridges")
  void scopesNestAndRestore(Supplier<Bridge> bridges) {
    try (Bridge bridge = bridges.get()) {
      Tracer tracer = bridge.tracer();
      Span parent = tracer.nextSpan().name("parent").start();
      try (Tracer.SpanInScope ws = tracer.withSpan(parent)) {
        assertThat(tracer.currentSpan()).isEqualTo(parent);
        Span child = tracer.nextSpan().name("child").start();
        try (Tracer.SpanInScope ws2 = tracer.withSpan(child)) {
          assertThat(tracer.currentSpan()).isEqualTo(child);
          try (Tracer.SpanInScope none = tracer.withSpan(null)) {
            assertThat(tracer.currentSpan()).isNull();
          }
        }
        child.end();
        assertThat(tracer.currentSpan()).isEqualTo(parent);
        assertThat(child.context().parentId()).isEqualTo(parent.context().spanId());
      }
      assertThat(tracer.currentSpan()).isNull();
      parent.end();
      assertThat(bridge.spans()).extracting(FinishedSpan::getName).containsExactly("child", "parent");
    }
  }

  @ParameterizedTest @MethodSource("bridges")
  void spanData_tagsEventsErrorKindRemote(Supplier<Bridge> bridges) {
    try (Bridge bridge = bridges.get()) {
      long micros = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
      IOException error = new IOException("down");
      Span span = bridge.tracer().spanBuilder().name("call").kind(Span.Kind.CLIENT).tag("long", 2).tag("double", 2.5)
          .tag("boolean", true).remoteServiceName("db").remoteIpAndPort("10.0.0.9", 5432).start();
      span.event("sent", micros, TimeUnit.MICROSECONDS).error(error).end();

      FinishedSpan finished = bridge.spans().get(0);
      assertThat(finished.getName()).isEqualTo("call");
      assertThat(finished.getKind()).isEqualTo(Span.Kind.CLIENT);
      assertThat(finished.getTags()).containsEntry("long", "2").containsEntry("double", "2.5")
          .containsEntry("boolean", "true");
      assertThat(finished.getEvents()).containsExactly(Map.entry(micros, "sent"));
      assertThat(finished.getError()).isSameAs(error);
      assertThat(finished.getRemoteServiceName()).isEqualTo("db");
      assertThat(finished.getRemoteIp()).isEqualTo("10.0.0.9");
      assertThat(finished.getRemotePort()).isEqualTo(5432);
      assertThat(finished.getTraceId()).isEqualTo(span.context().traceId());
    }
  }

  @ParameterizedTest @MethodSource("bridges")
  void internalSpans_haveNoKind(Supplier<Bridge> bridges) {
    try (Bridge bridge = bridges.get()) {
      bridge.tracer().nextSpan().start().end();
      assertThat(bridge.spans().get(0).getKind()).isNull();
    }
  }

  @ParameterizedTest @MethodSource("bridges")
  void links_becomeTags(Supplier<Bridge> bridges) {
    try (Bridge bridge = bridges.get()) {
      Tracer tracer = bridge.tracer();
      Span linked = tracer.nextSpan().start();
      tracer.spanBuilder().addLink(new Link(linked.context(), Map.of("k", "v"))).start().end();
      assertThat(bridge.spans().get(0).getTags()).containsEntry("links[0].traceId", linked.context().traceId())
          .containsEntry("links[0].spanId", linked.context().spanId()).containsEntry("links[0].tags[k]", "v");
    }
  }

  @ParameterizedTest @MethodSource("bridges")
  void baggageInScope(Supplier<Bridge> bridges) {
    try (Bridge bridge = bridges.get()) {
      Tracer tracer = bridge.tracer();
      try (BaggageInScope noSpan = tracer.createBaggageInScope("key1", "value1")) {
        assertThat(tracer.getBaggage("key1").get()).isNull();
      }
      Span span = tracer.nextSpan().start();
      try (Tracer.SpanInScope ws = tracer.withSpan(span)) {
        try (BaggageInScope baggage = tracer.createBaggageInScope("key1", "value1")) {
          assertThat(baggage.get()).isEqualTo("value1");
          assertThat(tracer.getBaggage("key1").get()).isEqualTo("value1");
          assertThat(tracer.getAllBaggage()).containsEntry("key1", "value1");
          assertThat(tracer.currentSpan()).isEqualTo(span);
          Map<String, String> carrier = new HashMap<>();
          bridge.propagator().inject(tracer.currentTraceContext().context(), carrier, Map::put);
          Span extracted = bridge.propagator().extract(carrier, Map::get).start();
          assertThat(tracer.getBaggage(extracted.context(), "key1").get()).isEqualTo("value1");
          assertThat(extracted.context().traceId()).isEqualTo(span.context().traceId());
        }
      }
    }
  }

  @ParameterizedTest @MethodSource("bridges")
  void extractingNothing_continuesTheCurrentSpan(Supplier<Bridge> bridges) {
    try (Bridge bridge = bridges.get()) {
      Tracer tracer = bridge.tracer();
      Span current = tracer.nextSpan().start();
      try (Tracer.SpanInScope ws = tracer.withSpan(current)) {
        Span span = bridge.propagator().extract(Map.<String, String>of(), Map::get).start();
        assertThat(span.context().parentId()).isEqualTo(current.context().spanId());
      }
      Span root = bridge.propagator().extract(Map.<String, String>of(), Map::get).start();
      assertThat(root.context().parentId()).isNull();
    }
  }

  @ParameterizedTest @MethodSource("bridges")
  void observations_nestThroughScopes(Supplier<Bridge> bridges) {
    try (Bridge bridge = bridges.get()) {
      ObservationRegistry registry = ObservationRegistry.create();
      registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(bridge.tracer()));
      Observation parent = Observation.createNotStarted("parent", registry).lowCardinalityKeyValue("low", "1")
          .highCardinalityKeyValue("high", "2").start();
      parent.scoped(() -> Observation.createNotStarted("child", registry).contextualName("the child")
          .observe(() -> { }));
      parent.error(new IllegalStateException("x"));
      parent.stop();

      List<FinishedSpan> spans = bridge.spans();
      assertThat(spans).extracting(FinishedSpan::getName).containsExactly("the child", "parent");
      assertThat(spans.get(0).getParentId()).isEqualTo(spans.get(1).getSpanId());
      assertThat(spans.get(1).getTags()).containsEntry("low", "1").containsEntry("high", "2");
      assertThat(spans.get(1).getError()).isInstanceOf(IllegalStateException.class);
      assertThat(bridge.tracer().currentSpan()).isNull();
    }
  }

  @ParameterizedTest @MethodSource("bridges")
  void scopedSpan_isCurrentUntilEnd(Supplier<Bridge> bridges) {
    try (Bridge bridge = bridges.get()) {
      Tracer tracer = bridge.tracer();
      io.micrometer.tracing.ScopedSpan scoped = tracer.startScopedSpan("scoped");
      assertThat(tracer.currentTraceContext().context().spanId()).isEqualTo(scoped.context().spanId());
      scoped.tag("k", "v").event("e").end();
      assertThat(tracer.currentSpan()).isNull();
      FinishedSpan finished = bridge.spans().get(0);
      assertThat(finished.getTags()).containsEntry("k", "v");
      assertThat(finished.getEvents()).extracting(Map.Entry::getValue).containsExactly("e");
    }
  }

  // The differences the README states, shown on both bridges.

  @org.junit.jupiter.api.Test @SuppressWarnings("deprecation")
  void difference_baggageSetWithoutScope_changesNoContextInTracelet() {
    try (Bridge brave = new BraveBridge(); Bridge tracelet = new TraceletBridge()) {
      assertThat(setThenGet(brave)).isEqualTo("value1");
      assertThat(setThenGet(tracelet)).isNull();
    }
  }

  @SuppressWarnings("deprecation")
  private static String setThenGet(Bridge bridge) {
    Tracer tracer = bridge.tracer();
    try (Tracer.SpanInScope ws = tracer.withSpan(tracer.nextSpan().start())) {
      tracer.getBaggage("key1").set("value1");
      return tracer.getBaggage("key1").get();
    }
  }

  @ParameterizedTest @MethodSource("bridges")
  void anError_setsTheErrorTagToItsMessage(Supplier<Bridge> bridges) {
    try (Bridge bridge = bridges.get()) {
      bridge.tracer().nextSpan().start().error(new IOException("down")).end();
      assertThat(bridge.spans().get(0).getTags()).containsEntry("error", "down");
    }
  }
}
