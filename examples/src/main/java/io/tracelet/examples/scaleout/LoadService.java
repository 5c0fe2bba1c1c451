package io.tracelet.examples.scaleout;

import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.Tracer;
import io.tracelet.Tracing;
import io.tracelet.reporter.zipkin.ZipkinReporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A traced service that makes traces at a fixed rate and reports them through Kafka with Tracelet,
 * as a real service would: its own {@code Tracing} (service name, default queue and batching) with
 * {@code ZipkinReporter.kafka(...)}. Each trace is {@value #SPANS_PER_TRACE} spans: a server span,
 * a client call under it, and a local step under that, with a few tags.
 *
 * <p>{@link #start()} starts its one thread, {@link #stopAndClose()} stops it and closes tracing,
 * which delivers what is queued. Trace IDs are kept, with when each trace started, to check that
 * each trace is in Zipkin, during the run and at the end. One thread starts and stops; the
 * counters and trace IDs may be read from any thread.
 */
final class LoadService {
  static final int SPANS_PER_TRACE = 3;

  private final String name;
  private final ZipkinReporter reporter;
  private final Tracing tracing;
  private final long nanosPerTrace;
  private final List<String> traceIds = new ArrayList<>(); // guarded by itself
  private final List<Long> traceMicros = new ArrayList<>(); // when each trace started; guarded by traceIds
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long traces; // written by the thread only
  private volatile String lastTraceId;
  private volatile long lastTraceFinishedNanos;

  LoadService(String name, String kafkaBootstrapServers, double spansPerSecond) {
    this.name = name;
    this.reporter = ZipkinReporter.kafka(kafkaBootstrapServers);
    this.tracing = Tracing.newBuilder().serviceName(name).reporter(reporter).build();
    this.nanosPerTrace = (long) (1e9 * SPANS_PER_TRACE / spansPerSecond);
    this.thread = new Thread(this::run, "load-" + name);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  // Paced by the clock, not by sleeps of a fixed length: falling behind is made up at once.
  private void run() {
    Tracer tracer = tracing.tracer();
    long next = System.nanoTime();
    long n = 0;
    while (running) {
      long startMicros = System.currentTimeMillis() * 1000;
      Span server = tracer.spanBuilder("GET /item").kind(SpanKind.SERVER).tag("http.method", "GET")
          .tag("http.path", "/item/" + (n % 1000)).start();
      Span client = tracer.spanBuilder("SELECT item").kind(SpanKind.CLIENT).parent(server.context())
          .tag("db.system", "postgresql").start();
      Span local = tracer.spanBuilder("decode row").parent(client.context()).start();
      local.finish();
      client.finish();
      server.finish();
      String traceId = server.context().traceIdHex();
      synchronized (traceIds) {
        traceIds.add(traceId);
        traceMicros.add(startMicros);
      }
      lastTraceId = traceId;
      lastTraceFinishedNanos = System.nanoTime();
      traces = ++n;
      next += nanosPerTrace;
      long wait = next - System.nanoTime();
      if (wait > 0) LockSupport.parkNanos(wait);
    }
  }

  /** The trace finished last, or null; with {@link #lastTraceFinishedNanos()}, for delay probes. */
  String lastTraceId() {
    return lastTraceId;
  }

  long lastTraceFinishedNanos() {
    return lastTraceFinishedNanos;
  }

  /**
   * Stops making traces and closes tracing: what is queued is delivered (within 5 s) and the
   * reporter closed. Returns the spans that could not be delivered.
   */
  long stopAndClose() {
    running = false;
    try {
      thread.join(Duration.ofSeconds(10).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return tracing.close(Duration.ofSeconds(5));
  }

  /** The trace IDs made so far, oldest first. */
  List<String> traceIds() {
    synchronized (traceIds) {
      return List.copyOf(traceIds);
    }
  }

  /**
   * The trace IDs made so far whose trace started before {@code micros} (microseconds since the
   * epoch, within a millisecond), oldest first.
   */
  List<String> traceIdsStartedBefore(long micros) {
    synchronized (traceIds) {
      int end = 0;
      while (end < traceMicros.size() && traceMicros.get(end) < micros) end++;
      return List.copyOf(traceIds.subList(0, end));
    }
  }

  String name() {
    return name;
  }

  /** Spans finished (and offered to the recorder). */
  long spansOffered() {
    return traces * SPANS_PER_TRACE;
  }

  long spansDroppedByRecorder() {
    return tracing.counters().spansDropped();
  }

  ZipkinReporter.Counters reporterCounters() {
    return reporter.counters();
  }
}
