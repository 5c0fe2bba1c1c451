package io.tracelet.examples.scaleout;

import io.tracelet.examples.demo.ZipkinTraces;
import io.tracelet.testing.servers.ZipkinServer;
import io.tracelet.reporter.zipkin.ZipkinReporter;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the scale-out pipeline ({@link Pipeline}) under a fixed load and measures it: traced
 * services ({@link LoadService}) report through Kafka; two Zipkin collectors store into Cassandra;
 * one collector is killed a third of the way in and started again at two thirds. At the end every
 * span the services' counters say they sent must be queryable in Zipkin; copies of a span (Zipkin's
 * collector stores twice what it collects again after a crash) are counted apart. Prints the
 * figures: spans/s offered and received by each collector, spans stored, the delay from a span's
 * finish to its being queryable, bytes per span on the wire and on disk, and CPU time per span of
 * the collectors, the broker and Cassandra.
 *
 * <pre>
 * java io.tracelet.examples.scaleout.ScaleOut [--services 4] [--rate 250] [--duration 60]
 *     [--partitions 4] [--collectors 2] [--no-kill] [--exit]
 * </pre>
 *
 * Needs the system properties {@code tracelet.kafka-broker.classpath},
 * {@code tracelet.zipkin-server.classpath} and {@code tracelet.cassandra.classpath}, which
 * {@code examples/scale-out.sh} sets.
 */
public final class ScaleOut {
  private static final Duration STORED_WITHIN = Duration.ofMinutes(3);
  private static final Duration IDLE_WINDOW = Duration.ofSeconds(5);
  private static final Duration PROBE_EVERY = Duration.ofSeconds(1);

  private ScaleOut() {
  }

  /** The run's shape. */
  public record Options(int services, double spansPerSecondPerService, Duration duration, int partitions,
      int collectors, boolean killCollector, boolean exit) {
    /** Parses the command line; unknown or malformed arguments throw. */
    public static Options parse(String... args) {
      int services = 4;
      double rate = 250;
      int seconds = 60;
      int partitions = 4;
      int collectors = 2;
      boolean kill = true;
      boolean exit = false;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--services" -> services = positive(args, ++i);
          case "--rate" -> rate = positive(args, ++i);
          case "--duration" -> seconds = positive(args, ++i);
          case "--partitions" -> partitions = positive(args, ++i);
          case "--collectors" -> collectors = positive(args, ++i);
          case "--no-kill" -> kill = false;
          case "--exit" -> exit = true;
          default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
        }
      }
      return new Options(services, rate, Duration.ofSeconds(seconds), partitions, collectors, kill, exit);
    }

    private static int positive(String[] args, int i) {
      if (i >= args.length || !args[i].matches("[1-9][0-9]{0,6}")) {
        throw new IllegalArgumentException(args[i - 1] + " needs a positive number");
      }
      return Integer.parseInt(args[i]);
    }
  }

  /**
   * What one collector did, over every life of it: spans received, spans it dropped because storing
   * them failed, and CPU time net of idling.
   */
  public record Collector(long spansReceived, long spansDropped, double cpuSeconds, boolean killed) {
  }

  /** The figures of one run. */
  public record Report(double seconds, long offered, long sent, long droppedByRecorders, long droppedByReporters,
      long undelivered, StoredSpans.Count stored, List<Collector> collectors, long bytesSent, long bytesOnDisk,
      double kafkaCpuSeconds, double cassandraCpuSeconds, List<Double> delaysSeconds, double allStoredAfterSeconds) {
    /**
     * True when every span sent is queryable and no trace misses a span (copies of a span, which
     * Zipkin's collector stores after collecting a record again, are counted apart).
     */
    public boolean everySpanQueryable() {
      return stored.complete(sent) && droppedByRecorders == 0 && droppedByReporters == 0 && undelivered == 0;
    }

    double delayPercentile(double p) {
      if (delaysSeconds.isEmpty()) return Double.NaN;
      List<Double> sorted = new ArrayList<>(delaysSeconds);
      Collections.sort(sorted);
      return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    /** The report as the script prints it. */
    public String format() {
      StringBuilder out = new StringBuilder();
      long received = collectors.stream().mapToLong(Collector::spansReceived).sum();
      double collectorCpu = collectors.stream().mapToDouble(Collector::cpuSeconds).sum();
      line(out, "load", "%.0f s; %,d spans offered (%,.0f spans/s), %,d sent through Kafka", seconds, offered,
          offered / seconds, sent);
      line(out, "dropped", "%,d by the recorders' queues, %,d by the reporters, %,d undelivered at close",
          droppedByRecorders, droppedByReporters, undelivered);
      for (int i = 0; i < collectors.size(); i++) {
        Collector c = collectors.get(i);
        line(out, "collector " + i, "%,d spans received (%,.0f spans/s), %,d dropped by storage%s", c.spansReceived,
            c.spansReceived / seconds, c.spansDropped, c.killed ? "; killed and restarted mid-run" : "");
      }
      line(out, "received", "%,d spans by all collectors (%+,d against sent: redelivered after the kill)", received,
          received - sent);
      line(out, "stored", "%,d distinct spans queryable in Zipkin of %,d sent; %,d more copies returned; %,d traces"
          + " incomplete%s", stored.spans(), sent, stored.duplicates(), stored.incompleteTraces(),
          stored.firstIncomplete() != null ? " (first: " + stored.firstIncomplete() + ")" : "");
      line(out, "delay", "finish to queryable: p50 %.1f s, p95 %.1f s, max %.1f s (%d probes); last span"
          + " queryable %.1f s after the load stopped", delayPercentile(0.5), delayPercentile(0.95),
          delayPercentile(1.0), delaysSeconds.size(), allStoredAfterSeconds);
      line(out, "wire", "%.0f bytes per span (JSON, Kafka record values)", sent == 0 ? 0.0 : (double) bytesSent / sent);
      line(out, "disk", "%.0f bytes per span in Cassandra (keyspace %s after a flush, one replica)",
          stored.spans() == 0 ? 0.0 : (double) bytesOnDisk / stored.spans(), Pipeline.KEYSPACE);
      line(out, "cpu", "net of idle: collectors %.1f s (%s spans per CPU-second), Kafka %.1f s (%s),"
          + " Cassandra %.1f s (%s)", collectorCpu, perCpuSecond(received, collectorCpu), kafkaCpuSeconds,
          perCpuSecond(sent, kafkaCpuSeconds), cassandraCpuSeconds, perCpuSecond(stored.spans(), cassandraCpuSeconds));
      line(out, "verdict", !everySpanQueryable() ? "SPANS MISSING (see above)"
          : stored.duplicates() == 0 ? "every span sent is queryable, once"
          : "every span sent is queryable; " + stored.duplicates() + " stored twice (collected again after the kill)");
      return out.toString();
    }

    // "n/a" when the CPU used is within the idle baseline's noise.
    private static String perCpuSecond(long spans, double cpuSeconds) {
      return cpuSeconds <= 0.5 ? "n/a" : String.format(Locale.ROOT, "%,.0f", spans / cpuSeconds);
    }

    private static void line(StringBuilder out, String name, String format, Object... args) {
      out.append(String.format(Locale.ROOT, "  %-12s", name)).append(String.format(Locale.ROOT, format, args)).append('\n');
    }
  }

  /** Runs {@code examples/scale-out.sh}'s program; exits 1 when a span is missing. */
  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("ScaleOut: " + e.getMessage());
      System.exit(2);
      return;
    }
    try (Pipeline pipeline = Pipeline.start(options.partitions(), options.collectors(), System.out)) {
      Report report = run(pipeline, options, System.out);
      System.out.println();
      System.out.println("Figures (see docs/scaling.md for what they mean at scale):");
      System.out.print(report.format());
      if (!report.everySpanQueryable()) System.exit(1);
      if (!options.exit()) {
        pipeline.cassandra().start(); // stopped to flush it for the disk figure
        System.out.println();
        System.out.printf("Zipkin's UI: %s/zipkin/ (services load-0 ...). Press Ctrl-C to stop everything.%n",
            pipeline.query().baseUrl());
        new CompletableFuture<Void>().join();
      }
    }
  }

  /**
   * Runs the load against a started pipeline and measures it. Stops Cassandra at the end, to flush
   * it and measure its files.
   */
  public static Report run(Pipeline pipeline, Options options, PrintStream log) throws Exception {
    List<ZipkinServer> collectors = pipeline.collectors();
    int n = collectors.size();

    // CPU while idle, to take out of the figures: polling, heartbeats, compaction, the JIT.
    Cpu idleStart = Cpu.read(pipeline);
    long idleStartNanos = System.nanoTime();
    LockSupport.parkNanos(IDLE_WINDOW.toNanos()); // a measuring window, not a wait for something
    Cpu idle = Cpu.read(pipeline).minus(idleStart).scale(1.0 / (System.nanoTime() - idleStartNanos)); // per ns

    long[] receivedBefore = new long[n];
    long[] droppedBefore = new long[n];
    for (int i = 0; i < n; i++) {
      receivedBefore[i] = collectors.get(i).spansReceived();
      droppedBefore[i] = collectors.get(i).spansDropped();
    }
    Cpu loadStart = Cpu.read(pipeline);
    double[] killedCpu = new double[n];
    long[] killedReceived = new long[n];
    long[] killedDropped = new long[n];
    boolean[] killed = new boolean[n];

    log.printf("Running %d services at %.0f spans/s each for %d s ...%n", options.services(),
        options.spansPerSecondPerService(), options.duration().toSeconds());
    List<LoadService> services = new ArrayList<>();
    for (int i = 0; i < options.services(); i++) {
      services.add(new LoadService("load-" + i, pipeline.kafka().bootstrapServers(), options.spansPerSecondPerService()));
    }
    long start = System.nanoTime();
    services.forEach(LoadService::start);
    DelayProbe probe = new DelayProbe(new ZipkinTraces(pipeline.query().baseUrl()), services);
    probe.start();

    long duration = options.duration().toNanos();
    CompletableFuture<Void> restarted = CompletableFuture.completedFuture(null);
    if (options.killCollector()) {
      parkUntil(start + duration / 3);
      ZipkinServer victim = collectors.get(0);
      killedReceived[0] = victim.spansReceived() - receivedBefore[0];
      killedDropped[0] = victim.spansDropped() - droppedBefore[0];
      killedCpu[0] = victim.cpuTime().toNanos() / 1e9 - loadStart.collectors[0];
      victim.kill();
      killed[0] = true;
      log.printf("  %.0f s: killed collector 0 (SIGKILL); its partitions go to the others%n", seconds(start));
      parkUntil(start + 2 * duration / 3);
      log.printf("  %.0f s: starting collector 0 again ...%n", seconds(start));
      restarted = CompletableFuture.runAsync(() -> {
        victim.start();
        log.printf("  %.0f s: collector 0 is back%n", seconds(start));
      });
    }
    parkUntil(start + duration);
    long offered = 0;
    long sent = 0;
    long droppedByRecorders = 0;
    long droppedByReporters = 0;
    long undelivered = 0;
    long bytesSent = 0;
    List<String> traceIds = new ArrayList<>();
    for (LoadService service : services) {
      undelivered += service.stopAndClose();
      offered += service.spansOffered();
      ZipkinReporter.Counters counters = service.reporterCounters();
      sent += counters.spansSent();
      bytesSent += counters.bytesSent();
      droppedByReporters += counters.spansDropped();
      droppedByRecorders += service.spansDroppedByRecorder();
      traceIds.addAll(service.traceIds());
    }
    long stopped = System.nanoTime();
    double seconds = (stopped - start) / 1e9;
    log.printf("  %.0f s: load stopped: %,d spans sent; waiting until Zipkin has them all ...%n", seconds, sent);
    restarted.join();

    StoredSpans reader = new StoredSpans(pipeline.query().baseUrl());
    long deadline = System.nanoTime() + STORED_WITHIN.toNanos();
    StoredSpans.Count stored;
    do {
      stored = reader.count(traceIds, LoadService.SPANS_PER_TRACE);
    } while (!stored.complete(sent) && System.nanoTime() - deadline < 0L && pause());
    double allStoredAfter = (System.nanoTime() - stopped) / 1e9;
    probe.stop();

    Cpu used = Cpu.read(pipeline).minus(loadStart).minus(idle.scale(System.nanoTime() - start));
    List<Collector> collectorFigures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ZipkinServer c = collectors.get(i);
      // A killed collector: what it did before the kill, plus all of its second life.
      long received = killed[i] ? killedReceived[i] + c.spansReceived() : c.spansReceived() - receivedBefore[i];
      long dropped = killed[i] ? killedDropped[i] + c.spansDropped() : c.spansDropped() - droppedBefore[i];
      double cpu = killed[i] ? killedCpu[i] + c.cpuTime().toNanos() / 1e9 - idle.collectors[i] * (System.nanoTime() - start)
          : used.collectors[i];
      collectorFigures.add(new Collector(received, dropped, cpu, killed[i]));
    }
    pipeline.cassandra().stop(); // drains: every memtable is flushed to disk
    long bytesOnDisk = pipeline.cassandra().bytesOnDisk(Pipeline.KEYSPACE);
    return new Report(seconds, offered, sent, droppedByRecorders, droppedByReporters, undelivered, stored,
        collectorFigures, bytesSent, bytesOnDisk, used.kafka, used.cassandra, probe.delays(), allStoredAfter);
  }

  private static boolean pause() {
    LockSupport.parkNanos(Duration.ofSeconds(1).toNanos()); // between two bulk reads of Zipkin
    return true;
  }

  private static void parkUntil(long nanoTime) {
    for (long wait; (wait = nanoTime - System.nanoTime()) > 0; ) LockSupport.parkNanos(wait);
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  /** CPU seconds of each server JVM at one moment, or differences and rates of them. */
  private static final class Cpu {
    final double kafka;
    final double cassandra;
    final double[] collectors;

    Cpu(double kafka, double cassandra, double[] collectors) {
      this.kafka = kafka;
      this.cassandra = cassandra;
      this.collectors = collectors;
    }

    static Cpu read(Pipeline pipeline) {
      List<ZipkinServer> cs = pipeline.collectors();
      double[] collectors = new double[cs.size()];
      for (int i = 0; i < collectors.length; i++) collectors[i] = cs.get(i).cpuTime().toNanos() / 1e9;
      return new Cpu(pipeline.kafka().cpuTime().toNanos() / 1e9, pipeline.cassandra().cpuTime().toNanos() / 1e9,
          collectors);
    }

    Cpu minus(Cpu other) {
      double[] c = collectors.clone();
      for (int i = 0; i < c.length; i++) c[i] -= other.collectors[i];
      return new Cpu(kafka - other.kafka, cassandra - other.cassandra, c);
    }

    Cpu scale(double factor) {
      double[] c = collectors.clone();
      for (int i = 0; i < c.length; i++) c[i] *= factor;
      return new Cpu(kafka * factor, cassandra * factor, c);
    }
  }

  /**
   * Once a second, takes the trace a service finished last and times how long until all its spans
   * are queryable in Zipkin; one probe at a time, on its own thread.
   */
  private static final class DelayProbe {
    private final ZipkinTraces zipkin;
    private final List<LoadService> services;
    private final List<Double> delays = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile boolean running = true;

    DelayProbe(ZipkinTraces zipkin, List<LoadService> services) {
      this.zipkin = zipkin;
      this.services = services;
      this.thread = new Thread(this::run, "delay-probe");
      this.thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    private void run() {
      for (int i = 0; running; i++) {
        long next = System.nanoTime() + PROBE_EVERY.toNanos();
        LoadService service = services.get(i % services.size());
        String traceId = service.lastTraceId();
        long finished = service.lastTraceFinishedNanos();
        if (traceId != null) {
          try {
            zipkin.await(traceId, LoadService.SPANS_PER_TRACE + " spans",
                spans -> spans.size() >= LoadService.SPANS_PER_TRACE, Duration.ofMinutes(2));
            delays.add((System.nanoTime() - finished) / 1e9);
          } catch (IllegalStateException e) {
            // Counted at the end, with every other trace; a probe only measures delay.
          }
        }
        parkUntil(next);
      }
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join(Duration.ofMinutes(2).toMillis());
    }

    List<Double> delays() {
      return List.copyOf(delays);
    }
  }
}
