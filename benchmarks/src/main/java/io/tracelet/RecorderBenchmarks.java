package io.tracelet;

import brave.handler.MutableSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tracelet.benchmarks.Peers;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.ThreadParams;
import zipkin2.reporter.AsyncReporter;
import zipkin2.reporter.BytesEncoder;
import zipkin2.reporter.Encoding;

/**
 * The background pipeline from 1, 2 and 4 producer threads: Tracelet's recorder, zipkin-reporter's
 * AsyncReporter (Brave's pipeline to Zipkin) and OpenTelemetry's BatchSpanProcessor, each with a
 * queue of 8192 spans and a sink that counts and discards. None encodes: AsyncReporter gets an
 * encoder that returns the same small array (OpenTelemetry 1.67 has no Zipkin exporter to compare
 * encoding through; {@code EncodingBenchmarks} compares the encoders), so only the hand-off, the
 * queue and the batching are measured.
 *
 * <p>The score is spans <em>delivered</em> to the sink per microsecond (the {@code delivered}
 * counter), not spans offered: a full queue drops cheaply in every library, and offers would
 * measure the drop path. In the core's package (benchmarks only) because the recorder is
 * package-private.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RecorderBenchmarks {
  static final int QUEUE = 8192;

  /** Spans the sink received during an iteration, shared out evenly over the producer threads. */
  @State(org.openjdk.jmh.annotations.Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Delivered {
    public long delivered;
    long start;
    int threads;
    LongSupplier sink;

    @Setup(Level.Iteration) public void start(RecorderBenchmarks pipelines, ThreadParams params) {
      threads = params.getThreadCount();
      sink = pipelines::deliveredSoFar;
      start = sink.getAsLong();
      delivered = 0;
    }

    @TearDown(Level.Iteration) public void stop() {
      delivered = (sink.getAsLong() - start) / threads;
    }
  }

  final AtomicLong braveDelivered = new AtomicLong();
  final AtomicLong otelDelivered = new AtomicLong();
  final AtomicLong traceletDelivered = new AtomicLong();
  SpanRecorder recorder;
  RealSpan finished;
  AsyncReporter<MutableSpan> asyncReporter;
  MutableSpan mutableSpan;
  BatchSpanProcessor batchProcessor;
  SdkTracerProvider otelProvider;
  ReadableSpan readableSpan;
  Tracing tracing;
  LongSupplier delivered;

  long deliveredSoFar() {
    return delivered.getAsLong();
  }

  @Setup public void setup(org.openjdk.jmh.infra.BenchmarkParams params) {
    String benchmark = params.getBenchmark();
    tracing = Tracing.newBuilder().serviceName("bench").localIp("10.0.0.5").build();
    finished = (RealSpan) tracing.tracer().spanBuilder("get /cart").kind(SpanKind.SERVER)
        .tag("http.method", "GET").tag("http.path", "/cart").start();
    finished.finish();
    recorder = new SpanRecorder(batch -> traceletDelivered.addAndGet(batch.size()), QUEUE, 512,
        Duration.ofSeconds(1), "bench-recorder");

    // Messages of 512 spans, as the other two batch: AsyncReporter sizes messages in bytes.
    asyncReporter = AsyncReporter.builder(Peers.zipkinSender(braveDelivered)).queuedMaxSpans(QUEUE)
        .messageMaxBytes(Encoding.JSON.listSizeInBytes(512 * NOT_ENCODING.sizeInBytes(null) + 511))
        .build(NOT_ENCODING);
    mutableSpan = io.tracelet.benchmarks.EncodingBenchmarks.toBrave(finished);

    batchProcessor = BatchSpanProcessor.builder(Peers.otelExporter(otelDelivered)).setMaxQueueSize(QUEUE).build();
    // A provider with no processor hands out non-recording spans: give it one to get a real ReadableSpan.
    otelProvider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(Peers.OTEL_NOOP_EXPORTER)).build();
    io.opentelemetry.api.trace.Span span = otelProvider.get("bench").spanBuilder("get /cart")
        .setAttribute("http.method", "GET").setAttribute("http.path", "/cart").startSpan();
    span.end();
    readableSpan = (ReadableSpan) span;

    delivered = benchmark.endsWith("_tracelet") ? traceletDelivered::get
        : benchmark.endsWith("_brave") ? braveDelivered::get : otelDelivered::get;
  }

  @TearDown public void tearDown() {
    System.out.println("\ntracelet recorder: accepted " + recorder.accepted() + ", dropped " + recorder.dropped()
        + "; brave delivered " + braveDelivered.get() + "; otel delivered " + otelDelivered.get());
    recorder.close(Duration.ofSeconds(5));
    tracing.close();
    asyncReporter.close();
    batchProcessor.close();
    otelProvider.close();
  }

  /** Stands in for a span encoder: the same two bytes for every span, so that nothing is encoded. */
  static final BytesEncoder<MutableSpan> NOT_ENCODING = new BytesEncoder<>() {
    final byte[] bytes = {'{', '}'};

    @Override public Encoding encoding() {
      return Encoding.JSON;
    }

    @Override public int sizeInBytes(MutableSpan span) {
      return bytes.length;
    }

    @Override public byte[] encode(MutableSpan span) {
      return bytes;
    }
  };

  @Benchmark @Threads(1) public void recorder1_tracelet(Delivered d) {
    recorder.offer(finished);
  }

  @Benchmark @Threads(2) public void recorder2_tracelet(Delivered d) {
    recorder.offer(finished);
  }

  @Benchmark @Threads(4) public void recorder4_tracelet(Delivered d) {
    recorder.offer(finished);
  }

  @Benchmark @Threads(1) public void recorder1_brave(Delivered d) {
    asyncReporter.report(mutableSpan);
  }

  @Benchmark @Threads(2) public void recorder2_brave(Delivered d) {
    asyncReporter.report(mutableSpan);
  }

  @Benchmark @Threads(4) public void recorder4_brave(Delivered d) {
    asyncReporter.report(mutableSpan);
  }

  @Benchmark @Threads(1) public void recorder1_otel(Delivered d) {
    batchProcessor.onEnd(readableSpan);
  }

  @Benchmark @Threads(2) public void recorder2_otel(Delivered d) {
    batchProcessor.onEnd(readableSpan);
  }

  @Benchmark @Threads(4) public void recorder4_otel(Delivered d) {
    batchProcessor.onEnd(readableSpan);
  }
}
