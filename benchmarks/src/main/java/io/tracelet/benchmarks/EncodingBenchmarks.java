package io.tracelet.benchmarks;

import brave.handler.MutableSpan;
import io.tracelet.Endpoint;
import io.tracelet.FinishedSpan;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.TraceContext;
import io.tracelet.Tracing;
import io.tracelet.reporter.zipkin.SpanEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import zipkin2.reporter.brave.MutableSpanBytesEncoder;

/**
 * Encoding one typical server span and one big client span to Zipkin JSON v2 and proto3:
 * Tracelet's encoders writing into their reused buffer (the reporter's path), and Brave's
 * {@code MutableSpanBytesEncoder} (zipkin-reporter's path) on the same data.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EncodingBenchmarks {
  static final long TRACE_HIGH = 0x463ac35c9f6413adL;
  static final long TRACE_LOW = 0x48485a3953bb6124L;
  static final long START = 1_700_000_000_000_000L;

  final SpanEncoder traceletJson = SpanEncoder.json();
  final SpanEncoder traceletProto3 = SpanEncoder.proto3();
  final OutputStream sink = OutputStream.nullOutputStream();
  FinishedSpan traceletServer;
  FinishedSpan traceletClient;
  MutableSpan braveServer;
  MutableSpan braveClient;

  @Setup public void setup() {
    List<FinishedSpan> finished = new ArrayList<>();
    Tracing tracing = Tracing.newBuilder().serviceName("frontend").localIp("10.0.0.5").reporter(finished::addAll).build();
    TraceContext parent = TraceContext.newBuilder().traceId(TRACE_HIGH, TRACE_LOW).spanId(0x1L).sampled(true).build();

    Span server = tracing.tracer().spanBuilder("get /api/cart").kind(SpanKind.SERVER).parent(parent)
        .remoteEndpoint(Endpoint.of(null, "192.168.99.101", 51234)).startTimestamp(START).start();
    server.tag("http.method", "GET").tag("http.path", "/api/cart").tag("http.status_code", "200");
    server.finish(START + 1_234);

    Span client = tracing.tracer().spanBuilder("post /checkout/payments/authorize").kind(SpanKind.CLIENT)
        .parent(parent).remoteEndpoint(Endpoint.of("payments", "2001:db8::c001", 8443)).startTimestamp(START).start();
    for (int i = 0; i < 20; i++) client.tag("app.attribute." + i, "value number " + i + " of a longer tag, with \"quotes\"");
    for (int i = 0; i < 5; i++) client.event(START + 10 * i, "event." + i);
    client.tag("error", "upstream returned 503");
    client.finish(START + 98_765);
    tracing.close();
    traceletServer = finished.get(0);
    traceletClient = finished.get(1);
    braveServer = toBrave(traceletServer);
    braveClient = toBrave(traceletClient);
  }

  /** The same span, as Brave holds it. */
  public static MutableSpan toBrave(FinishedSpan span) {
    MutableSpan m = new MutableSpan();
    m.traceId(String.format("%016x%016x", span.traceIdHigh(), span.traceId()));
    if (span.parentId() != 0L) m.parentId(String.format("%016x", span.parentId()));
    m.id(String.format("%016x", span.spanId()));
    m.name(span.name());
    m.kind(brave.Span.Kind.valueOf(span.kind().name()));
    m.startTimestamp(span.startTimestamp());
    m.finishTimestamp(span.startTimestamp() + span.duration());
    m.localServiceName(span.localEndpoint().serviceName());
    m.localIp(span.localEndpoint().ipv4());
    Endpoint remote = span.remoteEndpoint();
    if (remote != null) {
      m.remoteIpAndPort(remote.ipv4() != null ? remote.ipv4() : remote.ipv6(), remote.port());
      m.remoteServiceName(remote.serviceName());
    }
    for (int i = 0; i < span.tagCount(); i++) m.tag(span.tagKey(i), span.tagValue(i));
    for (int i = 0; i < span.eventCount(); i++) m.annotate(span.eventTimestamp(i), span.eventName(i));
    return m;
  }

  @Benchmark public int encodeServerJson_tracelet() throws IOException {
    return traceletJson.encode(traceletServer, sink);
  }

  @Benchmark public byte[] encodeServerJson_brave() {
    return MutableSpanBytesEncoder.JSON_V2.encode(braveServer);
  }

  @Benchmark public int encodeServerProto3_tracelet() throws IOException {
    return traceletProto3.encode(traceletServer, sink);
  }

  @Benchmark public byte[] encodeServerProto3_brave() {
    return MutableSpanBytesEncoder.PROTO3.encode(braveServer);
  }

  @Benchmark public int encodeClientJson_tracelet() throws IOException {
    return traceletJson.encode(traceletClient, sink);
  }

  @Benchmark public byte[] encodeClientJson_brave() {
    return MutableSpanBytesEncoder.JSON_V2.encode(braveClient);
  }

  @Benchmark public int encodeClientProto3_tracelet() throws IOException {
    return traceletProto3.encode(traceletClient, sink);
  }

  @Benchmark public byte[] encodeClientProto3_brave() {
    return MutableSpanBytesEncoder.PROTO3.encode(braveClient);
  }
}
