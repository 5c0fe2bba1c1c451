package io.tracelet;

import brave.handler.MutableSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import zipkin2.reporter.AsyncReporter;
import zipkin2.reporter.brave.MutableSpanBytesEncoder;

/**
 * Handing a finished span to the background pipeline from 1, 2 and 4 threads: Tracelet's recorder,
 * zipkin-reporter's AsyncReporter (Brave's pipeline to Zipkin) and OpenTelemetry's
 * BatchSpanProcessor, each with a queue of 8192 spans and a no-op sink. In the core's package
 * (benchmarks only) because the recorder is package-private.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RecorderBenchmarks {
  static final int QUEUE = 8192;

  SpanRecorder recorder;
  RecordingSpan finished;
  AsyncReporter<MutableSpan> asyncReporter;
  MutableSpan mutableSpan;
  BatchSpanProcessor batchProcessor;
  SdkTracerProvider otelProvider;
  ReadableSpan readableSpan;
  Tracing tracing;

  @Setup public void setup() {
    tracing = Tracing.newBuilder().serviceName("bench").build();
    finished = (RecordingSpan) tracing.tracer().spanBuilder("GET /cart").tag("http.method", "GET").start();
    recorder = new SpanRecorder(batch -> { }, QUEUE, 512, 500_000, Duration.ofSeconds(1), "bench-recorder");

    asyncReporter = AsyncReporter.builder(io.tracelet.benchmarks.Peers.ZIPKIN_NOOP_SENDER)
        .queuedMaxSpans(QUEUE).build(MutableSpanBytesEncoder.JSON_V2);
    mutableSpan = new MutableSpan();
    mutableSpan.traceId("463ac35c9f6413ad48485a3953bb6124");
    mutableSpan.id("a2fb4a1d1a96d312");
    mutableSpan.name("get /cart");
    mutableSpan.localServiceName("bench");
    mutableSpan.startTimestamp(1_700_000_000_000_000L);
    mutableSpan.finishTimestamp(1_700_000_000_000_150L);
    mutableSpan.tag("http.method", "GET");

    batchProcessor = BatchSpanProcessor.builder(io.tracelet.benchmarks.Peers.OTEL_NOOP_EXPORTER)
        .setMaxQueueSize(QUEUE).build();
    // A provider with no processor hands out non-recording spans: give it one to get a real ReadableSpan.
    otelProvider = SdkTracerProvider.builder()
        .addSpanProcessor(SimpleSpanProcessor.create(io.tracelet.benchmarks.Peers.OTEL_NOOP_EXPORTER)).build();
    io.opentelemetry.api.trace.Span span = otelProvider.get("bench").spanBuilder("GET /cart").startSpan();
    span.setAttribute("http.method", "GET");
    span.end();
    readableSpan = (ReadableSpan) span;
  }

  @TearDown public void tearDown() {
    System.out.println("\ntracelet recorder: accepted " + recorder.accepted() + ", dropped " + recorder.dropped());
    recorder.close(Duration.ofSeconds(5));
    tracing.close();
    asyncReporter.close();
    batchProcessor.close();
    otelProvider.close();
  }

  @Benchmark @Threads(1) public void recorder1_tracelet() {
    recorder.offer(finished);
  }

  @Benchmark @Threads(2) public void recorder2_tracelet() {
    recorder.offer(finished);
  }

  @Benchmark @Threads(4) public void recorder4_tracelet() {
    recorder.offer(finished);
  }

  @Benchmark @Threads(1) public void recorder1_brave() {
    asyncReporter.report(mutableSpan);
  }

  @Benchmark @Threads(2) public void recorder2_brave() {
    asyncReporter.report(mutableSpan);
  }

  @Benchmark @Threads(4) public void recorder4_brave() {
    asyncReporter.report(mutableSpan);
  }

  @Benchmark @Threads(1) public void recorder1_otel() {
    batchProcessor.onEnd(readableSpan);
  }

  @Benchmark @Threads(2) public void recorder2_otel() {
    batchProcessor.onEnd(readableSpan);
  }

  @Benchmark @Threads(4) public void recorder4_otel() {
    batchProcessor.onEnd(readableSpan);
  }
}
