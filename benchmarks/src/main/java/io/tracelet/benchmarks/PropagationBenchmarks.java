package io.tracelet.benchmarks;

import brave.propagation.B3Propagation;
import brave.propagation.Propagation;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.extension.trace.propagation.B3Propagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.tracelet.Propagator;
import io.tracelet.TraceContext;
import io.tracelet.propagation.Propagators;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Injecting a context into, and extracting one from, a header map: B3 multi-header, B3 single,
 * W3C {@code traceparent} alone and with a two-member {@code tracestate}. Each library extracts
 * from the headers it injected itself (the same trace), held in a {@code HashMap} under the names
 * it wrote, so that every library pays the same small, cheap lookups and the propagators' own work
 * is what differs.
 *
 * <p>The {@code _floor} rows are no library: the map puts an injection cannot do without, of
 * strings already made (the IDs' hex, which every library caches in its context), and where the
 * format joins them into one header value, that one concatenation. No propagator can inject for
 * less than its floor into this carrier. The extract floor is the two lookups and one read of each
 * character of the two values, the least a parser that validates them can do, building nothing.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PropagationBenchmarks {
  static final long TRACE_HIGH = 0x463ac35c9f6413adL;
  static final long TRACE_LOW = 0x48485a3953bb6124L;
  static final long SPAN = 0xa2fb4a1d1a96d312L;
  static final long PARENT = 0x0020000000000001L;
  static final String TRACESTATE = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7";

  static final Propagator.Setter<Map<String, String>> TRACELET_SETTER = Map::put;
  static final Propagator.Getter<Map<String, String>> TRACELET_GETTER = Map::get;
  static final TextMapSetter<Map<String, String>> OTEL_SETTER = Map::put;
  static final TextMapGetter<Map<String, String>> OTEL_GETTER = new TextMapGetter<>() {
    @Override public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  final Map<String, String> out = new HashMap<>();

  TraceContext tracelet;
  TraceContext traceletWithState;
  brave.propagation.TraceContext braveContext;
  Context otel;
  Context otelWithState;

  final Propagator traceletB3 = Propagators.b3();
  final Propagator traceletB3Single = Propagators.b3Single();
  final Propagator traceletW3c = Propagators.w3c();
  final Propagation<String> braveB3 = B3Propagation.get();
  final Propagation<String> braveB3Single = B3Propagation.newFactoryBuilder()
      .injectFormat(B3Propagation.Format.SINGLE).build().get();
  brave.propagation.TraceContext.Injector<Map<String, String>> braveB3Inject;
  brave.propagation.TraceContext.Injector<Map<String, String>> braveB3SingleInject;
  brave.propagation.TraceContext.Extractor<Map<String, String>> braveB3Extract;
  final TextMapPropagator otelB3 = B3Propagator.injectingMultiHeaders();
  final TextMapPropagator otelB3Single = B3Propagator.injectingSingleHeader();
  final TextMapPropagator otelW3c = W3CTraceContextPropagator.getInstance();

  // Not final, so that the floors' concatenations are not folded into constants.
  String traceIdHex = "463ac35c9f6413ad48485a3953bb6124";
  String spanIdHex = "a2fb4a1d1a96d312";
  String parentIdHex = "0020000000000001";
  String traceState = TRACESTATE;

  Map<String, String> traceletB3Headers;
  Map<String, String> traceletB3SingleHeaders;
  Map<String, String> traceletW3cHeaders;
  Map<String, String> traceletW3cStateHeaders;
  Map<String, String> braveB3Headers;
  Map<String, String> braveB3SingleHeaders;
  Map<String, String> otelB3Headers;
  Map<String, String> otelB3SingleHeaders;
  Map<String, String> otelW3cHeaders;
  Map<String, String> otelW3cStateHeaders;

  @Setup public void setup() {
    tracelet = TraceContext.newBuilder().traceId(TRACE_HIGH, TRACE_LOW).spanId(SPAN).parentId(PARENT)
        .sampled(true).build();
    traceletWithState = tracelet.toBuilder().traceState(TRACESTATE).build();
    braveContext = brave.propagation.TraceContext.newBuilder().traceIdHigh(TRACE_HIGH).traceId(TRACE_LOW)
        .spanId(SPAN).parentId(PARENT).sampled(true).build();
    SpanContext spanContext = SpanContext.create("463ac35c9f6413ad48485a3953bb6124", "a2fb4a1d1a96d312",
        TraceFlags.getSampled(), io.opentelemetry.api.trace.TraceState.getDefault());
    otel = Context.root().with(io.opentelemetry.api.trace.Span.wrap(spanContext));
    SpanContext withState = SpanContext.create("463ac35c9f6413ad48485a3953bb6124", "a2fb4a1d1a96d312",
        TraceFlags.getSampled(), io.opentelemetry.api.trace.TraceState.builder()
            .put("congo", "t61rcWkgMzE").put("rojo", "00f067aa0ba902b7").build());
    otelWithState = Context.root().with(io.opentelemetry.api.trace.Span.wrap(withState));
    braveB3Inject = braveB3.injector(Map::put);
    braveB3SingleInject = braveB3Single.injector(Map::put);
    braveB3Extract = braveB3.extractor(Map::get);

    traceletB3Headers = headers(m -> traceletB3.inject(tracelet, m, TRACELET_SETTER));
    traceletB3SingleHeaders = headers(m -> traceletB3Single.inject(tracelet, m, TRACELET_SETTER));
    traceletW3cHeaders = headers(m -> traceletW3c.inject(tracelet, m, TRACELET_SETTER));
    traceletW3cStateHeaders = headers(m -> traceletW3c.inject(traceletWithState, m, TRACELET_SETTER));
    braveB3Headers = headers(m -> braveB3Inject.inject(braveContext, m));
    braveB3SingleHeaders = headers(m -> braveB3SingleInject.inject(braveContext, m));
    otelB3Headers = headers(m -> otelB3.inject(otel, m, OTEL_SETTER));
    otelB3SingleHeaders = headers(m -> otelB3Single.inject(otel, m, OTEL_SETTER));
    otelW3cHeaders = headers(m -> otelW3c.inject(otel, m, OTEL_SETTER));
    otelW3cStateHeaders = headers(m -> otelW3c.inject(otelWithState, m, OTEL_SETTER));
  }

  static Map<String, String> headers(java.util.function.Consumer<Map<String, String>> inject) {
    Map<String, String> headers = new HashMap<>();
    inject.accept(headers);
    if (headers.isEmpty()) throw new IllegalStateException("nothing injected");
    return headers;
  }

  @Benchmark public Object injectB3_tracelet() {
    traceletB3.inject(tracelet, out, TRACELET_SETTER);
    return out;
  }

  @Benchmark public Object injectB3_brave() {
    braveB3Inject.inject(braveContext, out);
    return out;
  }

  @Benchmark public Object injectB3_otel() {
    otelB3.inject(otel, out, OTEL_SETTER);
    return out;
  }

  @Benchmark public Object injectB3Single_tracelet() {
    traceletB3Single.inject(tracelet, out, TRACELET_SETTER);
    return out;
  }

  @Benchmark public Object injectB3Single_brave() {
    braveB3SingleInject.inject(braveContext, out);
    return out;
  }

  @Benchmark public Object injectB3Single_otel() {
    otelB3Single.inject(otel, out, OTEL_SETTER);
    return out;
  }

  @Benchmark public Object injectW3c_tracelet() {
    traceletW3c.inject(tracelet, out, TRACELET_SETTER);
    return out;
  }

  @Benchmark public Object injectW3c_otel() {
    otelW3c.inject(otel, out, OTEL_SETTER);
    return out;
  }

  @Benchmark public Object injectW3cTracestate_tracelet() {
    traceletW3c.inject(traceletWithState, out, TRACELET_SETTER);
    return out;
  }

  @Benchmark public Object injectW3cTracestate_otel() {
    otelW3c.inject(otelWithState, out, OTEL_SETTER);
    return out;
  }

  @Benchmark public Object injectB3_floor() {
    out.put("x-b3-traceid", traceIdHex);
    out.put("x-b3-spanid", spanIdHex);
    out.put("x-b3-parentspanid", parentIdHex);
    out.put("x-b3-sampled", "1");
    return out;
  }

  @Benchmark public Object injectB3Single_floor() {
    out.put("b3", traceIdHex + '-' + spanIdHex + "-1-" + parentIdHex);
    return out;
  }

  @Benchmark public Object injectW3c_floor() {
    out.put("traceparent", "00-" + traceIdHex + '-' + spanIdHex + "-01");
    return out;
  }

  @Benchmark public Object injectW3cTracestate_floor() {
    out.put("traceparent", "00-" + traceIdHex + '-' + spanIdHex + "-01");
    out.put("tracestate", traceState);
    return out;
  }

  @Benchmark public int extractW3cTracestate_floor() {
    String traceparent = traceletW3cStateHeaders.get("traceparent");
    String tracestate = traceletW3cStateHeaders.get("tracestate");
    int all = 0;
    for (int i = 0, n = traceparent.length(); i < n; i++) all |= traceparent.charAt(i);
    for (int i = 0, n = tracestate.length(); i < n; i++) all |= tracestate.charAt(i);
    return all;
  }

  @Benchmark public Object extractB3_tracelet() {
    return traceletB3.extract(traceletB3Headers, TRACELET_GETTER);
  }

  @Benchmark public Object extractB3_brave() {
    return braveB3Extract.extract(braveB3Headers);
  }

  @Benchmark public Object extractB3_otel() {
    return otelB3.extract(Context.root(), otelB3Headers, OTEL_GETTER);
  }

  @Benchmark public Object extractB3Single_tracelet() {
    return traceletB3Single.extract(traceletB3SingleHeaders, TRACELET_GETTER);
  }

  @Benchmark public Object extractB3Single_brave() {
    return braveB3Extract.extract(braveB3SingleHeaders);
  }

  @Benchmark public Object extractB3Single_otel() {
    return otelB3.extract(Context.root(), otelB3SingleHeaders, OTEL_GETTER);
  }

  @Benchmark public Object extractW3c_tracelet() {
    return traceletW3c.extract(traceletW3cHeaders, TRACELET_GETTER);
  }

  @Benchmark public Object extractW3c_otel() {
    return otelW3c.extract(Context.root(), otelW3cHeaders, OTEL_GETTER);
  }

  @Benchmark public Object extractW3cTracestate_tracelet() {
    return traceletW3c.extract(traceletW3cStateHeaders, TRACELET_GETTER);
  }

  @Benchmark public Object extractW3cTracestate_otel() {
    return otelW3c.extract(Context.root(), otelW3cStateHeaders, OTEL_GETTER);
  }
}
