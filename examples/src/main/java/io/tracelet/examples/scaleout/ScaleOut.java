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
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the scale-out pipeline ({@link Pipeline}) under a fixed load and measures it: traced
 * services ({@link LoadService}) report through Kafka; two Zipkin collectors store into Cassandra.
 * Mid-run, collectors are stopped and started again, by default one gracefully (SIGTERM, as a
 * deployment does) and then the other with SIGKILL (as a crash does); each is started again at
 * once, and the next event waits until it is back. At the end every span the services' counters
 * say they sent must be queryable in Zipkin. Copies of a span (Zipkin's Kafka collector commits
 * offsets on a timer, so a collector that dies leaves records uncommitted that another collects
 * again, and Cassandra stores them twice) are counted apart and charged to the event after which
 * they appeared (see {@link #run}).
 * Prints the figures: spans/s offered and received by each collector, spans stored, copies and
 * losses per event against what the commit interval predicts, the delay from a span's finish to
 * its being queryable, bytes per span on the wire and on disk, and CPU time per span of the
 * collectors, the broker and Cassandra.
 *
 * <pre>
 * java io.tracelet.examples.scaleout.ScaleOut [--services 4] [--rate 250] [--duration 60]
 *     [--partitions 4] [--collectors 2] [--events term,kill] [--commit-interval 5000] [--exit]
 * </pre>
 *
 * Needs the system properties {@code tracelet.kafka-broker.classpath},
 * {@code tracelet.zipkin-server.classpath} and {@code tracelet.cassandra.classpath}, which
 * {@code examples/scale-out.sh} sets.
 */
public final class ScaleOut {
  private static final Duration STORED_WITHIN = Duration.ofMinutes(3);
  // How long a checkpoint mid-run waits for the spans sent so far to be stored.
  private static final Duration CHECKPOINT_WITHIN = Duration.ofMinutes(1);
  private static final Duration IDLE_WINDOW = Duration.ofSeconds(5);
  private static final Duration PROBE_EVERY = Duration.ofSeconds(1);
  // How often a collector's received-counter is read before it is killed, to know what it
  // consumed in its last commit interval; and how late a commit may be and still count as on time.
  private static final Duration SAMPLE_EVERY = Duration.ofMillis(200);
  private static final Duration COMMIT_SLACK = Duration.ofSeconds(1);
  // After a collector is back, before the next event: it joins the group, the group rebalances.
  private static final Duration SETTLE = Duration.ofSeconds(5);
  // The load goes on at least this long after the last event.
  private static final Duration TAIL = Duration.ofSeconds(5);
  // How long a collector asked to stop (SIGTERM) may take before it is killed; Kubernetes' default is 30 s.
  private static final Duration GRACE_PERIOD = Duration.ofMinutes(2);
  // Tracing's default maxBatchDelay: the most a span waits in its service before it is sent.
  private static final Duration BATCH_DELAY = Duration.ofSeconds(1);
  // What Zipkin's collector logs (at debug level) for each batch its storage refused.
  static final String STORAGE_REFUSED = "Cannot store spans";
  // What Cassandra logs every 5 s while it gives up on writes or reads that waited past their timeout.
  private static final String CASSANDRA_DROPS = "messages were dropped";
  static final int CAUSES_SHOWN = 3;
  private static final int LOG_LINES_READ = 1_000;
  static final int CAUSE_CHARS = 300;

  private ScaleOut() {
  }

  /** How a collector is stopped mid-run. */
  public enum Signal {
    /** SIGTERM: Zipkin shuts down (Spring closes the Kafka consumers, then the storage). */
    TERM("stopped (SIGTERM)"),
    /** SIGKILL: the JVM ends at once, as in a crash or an out-of-memory kill. */
    KILL("killed (SIGKILL)");

    private final String done;

    Signal(String done) {
      this.done = done;
    }
  }

  /**
   * The run's shape. {@code events} are applied in order, to collector 0, 1, ... in turn; an empty
   * list stops none. {@code commitInterval} is the collectors' {@code auto.commit.interval.ms}.
   */
  public record Options(int services, double spansPerSecondPerService, Duration duration, int partitions,
      int collectors, List<Signal> events, Duration commitInterval, boolean exit) {
    /** Copies {@code events}. */
    public Options {
      events = List.copyOf(events);
    }

    /** Parses the command line; unknown or malformed arguments throw. */
    public static Options parse(String... args) {
      int services = 4;
      double rate = 250;
      int seconds = 60;
      int partitions = 4;
      int collectors = 2;
      List<Signal> events = List.of(Signal.TERM, Signal.KILL);
      Duration commitInterval = Pipeline.KAFKA_COMMIT_INTERVAL;
      boolean exit = false;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--services" -> services = positive(args, ++i);
          case "--rate" -> rate = positive(args, ++i);
          case "--duration" -> seconds = positive(args, ++i);
          case "--partitions" -> partitions = positive(args, ++i);
          case "--collectors" -> collectors = positive(args, ++i);
          case "--events" -> events = events(args, ++i);
          case "--commit-interval" -> commitInterval = Duration.ofMillis(positive(args, ++i));
          case "--exit" -> exit = true;
          default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
        }
      }
      if (!events.isEmpty() && collectors < 2) {
        throw new IllegalArgumentException("--events needs at least 2 collectors (or --events none)");
      }
      return new Options(services, rate, Duration.ofSeconds(seconds), partitions, collectors, events,
          commitInterval, exit);
    }

    private static int positive(String[] args, int i) {
      if (i >= args.length || !args[i].matches("[1-9][0-9]{0,6}")) {
        throw new IllegalArgumentException(args[i - 1] + " needs a positive number");
      }
      return Integer.parseInt(args[i]);
    }

    private static List<Signal> events(String[] args, int i) {
      if (i >= args.length) throw new IllegalArgumentException("--events needs a list: term,kill or none");
      if (args[i].equals("none")) return List.of();
      List<Signal> events = new ArrayList<>();
      for (String event : args[i].split(",", -1)) {
        switch (event) {
          case "term" -> events.add(Signal.TERM);
          case "kill" -> events.add(Signal.KILL);
          default -> throw new IllegalArgumentException("--events takes term and kill, comma-separated, or none;"
              + " not " + args[i]);
        }
      }
      return events;
    }
  }

  /**
   * What one collector did, over every life of it: spans received, spans it dropped because storing
   * them failed, CPU time net of idling, how many times it was stopped or killed, and why storage
   * refused its batches (the distinct causes its log names, at most three). A collector's counters
   * die with its JVM; they are read just before each stop, so what it received in its last moments
   * is not counted.
   */
  public record Collector(long spansReceived, long spansDropped, double cpuSeconds, int restarts,
      List<String> storageFailures) {
    /** Copies the list. */
    public Collector {
      storageFailures = List.copyOf(storageFailures);
    }
  }

  /**
   * One collector stopped mid-run, and what it cost: when (seconds into the load), how long its JVM
   * took to exit and whether it exited by itself (after SIGTERM, within 2 minutes; never after
   * SIGKILL), when it was back (started again and healthy), the spans it had received in the
   * commit interval before the signal (plus a second's slack for a late commit; for SIGKILL only),
   * the copies and losses that appeared between the checkpoint before it and the next one, and the
   * most copies the mechanism allows: none for SIGTERM (the consumers commit what they consumed as
   * they close); for SIGKILL what it received since its last commit, bounded by
   * {@code receivedInLastInterval} and one batch of each service.
   */
  public record Event(int collector, Signal signal, double atSeconds, double exitSeconds, boolean exitedByItself,
      double backAtSeconds, long receivedInLastInterval, long duplicates, long lost, long duplicateBound) {
    /** True when no span was lost and the copies stayed within {@link #duplicateBound()}. */
    public boolean withinBounds() {
      return lost == 0 && duplicates <= duplicateBound;
    }
  }

  /**
   * The figures of one run. {@code duplicatesBeforeEvents} and {@code lostBeforeEvents}: copies and
   * missing spans found at the checkpoint before the first event (none is expected).
   */
  public record Report(double seconds, long offered, long sent, long droppedByRecorders, long droppedByReporters,
      long undelivered, StoredSpans.Count stored, long duplicatesBeforeEvents, long lostBeforeEvents,
      List<Collector> collectors, List<Event> events, List<String> cassandraDrops,
      Duration commitInterval, long bytesSent, long bytesOnDisk, double kafkaCpuSeconds, double cassandraCpuSeconds,
      List<Double> delaysSeconds, double allStoredAfterSeconds) {
    /** Copies the lists. */
    public Report {
      collectors = List.copyOf(collectors);
      events = List.copyOf(events);
      cassandraDrops = List.copyOf(cassandraDrops);
      delaysSeconds = List.copyOf(delaysSeconds);
    }

    /**
     * True when every span sent is queryable and no trace misses a span (copies of a span, which
     * Zipkin's collector stores after collecting a record again, are counted apart).
     */
    public boolean everySpanQueryable() {
      return stored.complete(sent) && droppedByRecorders == 0 && droppedByReporters == 0 && undelivered == 0;
    }

    /** Spans sent but not queryable at the end. */
    public long lost() {
      return stored.missingByTrace().values().stream().mapToLong(Integer::longValue).sum();
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
            c.spansReceived / seconds, c.spansDropped, c.restarts == 0 ? ""
                : c.restarts == 1 ? "; stopped and started again mid-run" : "; stopped " + c.restarts + " times");
        if (!c.storageFailures.isEmpty()) line(out, "", "storage refused: %s", String.join("; ", c.storageFailures));
      }
      if (!cassandraDrops.isEmpty()) line(out, "cassandra", "%s", String.join("; ", cassandraDrops));
      line(out, "received", "%,d spans by all collectors (each counter read just before its collector stopped: what"
          + " a collector shutting down still received is not in it)", received);
      line(out, "commits", "the collectors commit consumed offsets every %,d ms (auto.commit.interval.ms)",
          commitInterval.toMillis());
      if (!events.isEmpty()) {
        line(out, "before", "the first event: %,d spans stored twice, %,d lost", duplicatesBeforeEvents,
            lostBeforeEvents);
      }
      for (int i = 0; i < events.size(); i++) {
        Event e = events.get(i);
        line(out, "event " + (i + 1), "%.0f s: collector %d %s, %s in %.1f s, back at %.0f s; %,d spans stored"
            + " twice (%s), %,d lost", e.atSeconds, e.collector, e.signal.done,
            e.signal == Signal.TERM && !e.exitedByItself ? "NOT EXITED: killed" : "exited", e.exitSeconds, e.backAtSeconds,
            e.duplicates, e.signal == Signal.TERM ? "none expected"
                : String.format(Locale.ROOT, "at most %,d expected: %,d received in its last %.1f s, plus a batch"
                    + " per service", e.duplicateBound, e.receivedInLastInterval,
                    (commitInterval.toMillis() + COMMIT_SLACK.toMillis()) / 1000.0), e.lost);
      }
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
      line(out, "verdict", verdict());
      return out.toString();
    }

    private String verdict() {
      if (!everySpanQueryable()) return String.format(Locale.ROOT, "SPANS MISSING: %,d of %,d sent not queryable", lost(),
          sent);
      StringBuilder verdict = new StringBuilder("every span sent is queryable");
      if (stored.duplicates() == 0) return verdict.append(", once").toString();
      verdict.append(String.format(Locale.ROOT, "; %,d stored twice", stored.duplicates()));
      for (Signal signal : Signal.values()) {
        long copies = events.stream().filter(e -> e.signal == signal).mapToLong(Event::duplicates).sum();
        if (events.stream().anyMatch(e -> e.signal == signal)) {
          verdict.append(String.format(Locale.ROOT, " (%,d after %s)", copies, signal == Signal.TERM ? "SIGTERM"
              : "SIGKILL"));
        }
      }
      return verdict.toString();
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
    try (Pipeline pipeline = Pipeline.start(options.partitions(), options.collectors(), options.commitInterval(),
        System.out)) {
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
   * it and measure its files. The load lasts {@code options.duration()}, or longer when restarts
   * delay the events: it ends no sooner than 5 s after the last one.
   *
   * <p>Before each event, and after the load, a checkpoint: once the consumer group has committed
   * the partitions' end offsets (so everything sent so far, and everything a dead collector left
   * uncommitted, was consumed and handed to storage), every trace so far is read back from Zipkin.
   * The copies and missing spans that appeared between two checkpoints are charged to the event
   * between them.
   */
  public static Report run(Pipeline pipeline, Options options, PrintStream log) throws Exception {
    List<ZipkinServer> collectors = pipeline.collectors();
    int n = collectors.size();
    Duration commitInterval = pipeline.commitInterval();

    // CPU while idle, to take out of the figures: polling, heartbeats, compaction, the JIT.
    Cpu idleStart = Cpu.read(pipeline);
    long idleStartNanos = System.nanoTime();
    LockSupport.parkNanos(IDLE_WINDOW.toNanos()); // a measuring window, not a wait for something
    Cpu idle = Cpu.read(pipeline).minus(idleStart).scale(1.0 / (System.nanoTime() - idleStartNanos)); // per ns

    // Each collector's counters over its earlier lives, and where its current life's counting starts.
    long[] earlierReceived = new long[n];
    long[] earlierDropped = new long[n];
    double[] earlierCpu = new double[n];
    long[] receivedBase = new long[n];
    long[] droppedBase = new long[n];
    int[] restarts = new int[n];
    for (int i = 0; i < n; i++) {
      receivedBase[i] = collectors.get(i).spansReceived();
      droppedBase[i] = collectors.get(i).spansDropped();
    }
    Cpu loadStart = Cpu.read(pipeline);
    double[] cpuBase = loadStart.collectors.clone();

    double totalRate = options.services() * options.spansPerSecondPerService();
    log.printf("Running %d services at %.0f spans/s each for %d s ...%n", options.services(),
        options.spansPerSecondPerService(), options.duration().toSeconds());
    List<LoadService> services = new ArrayList<>();
    for (int i = 0; i < options.services(); i++) {
      services.add(new LoadService("load-" + i, pipeline.kafka().bootstrapServers(), options.spansPerSecondPerService()));
    }
    StoredSpans reader = new StoredSpans(pipeline.query().baseUrl());
    long start = System.nanoTime();
    services.forEach(LoadService::start);
    DelayProbe probe = new DelayProbe(new ZipkinTraces(pipeline.query().baseUrl()), services);
    probe.start();

    long duration = options.duration().toNanos();
    List<Signal> plan = options.events();
    List<PendingEvent> done = new ArrayList<>();
    List<Double> backs = new ArrayList<>(); // seconds into the load when each event's collector was back
    List<StoredSpans.Count> checkpoints = new ArrayList<>(); // before each event
    CompletableFuture<Double> restarted = CompletableFuture.completedFuture(0.0);
    Duration window = commitInterval.plus(COMMIT_SLACK);
    try (ConsumerGroup group = new ConsumerGroup(pipeline.kafka().bootstrapServers(), Pipeline.GROUP, Pipeline.TOPIC)) {
      for (int k = 0; k < plan.size(); k++) {
        long planned = start + duration * (k + 1) / (plan.size() + 1);
        double back = restarted.join(); // at most one collector down at a time
        if (k > 0) {
          backs.add(back);
          log.printf("  %.0f s: collector %d is back%n", back, done.get(k - 1).collector);
        }
        parkUntil(Math.max(planned, System.nanoTime() + SETTLE.toNanos()));
        checkpoints.add(checkpoint(group, services, reader, start, log));

        int c = k % n;
        ZipkinServer victim = collectors.get(c);
        Signal signal = plan.get(k);
        long receivedInWindow = 0;
        long received;
        if (signal == Signal.KILL) {
          // What it consumed in its last commit interval (and a second's slack) is what it can leave uncommitted.
          long[] counted = receivedBefore(victim, System.nanoTime() + window.plus(SAMPLE_EVERY).toNanos(), window);
          receivedInWindow = counted[0];
          received = counted[1];
        } else {
          received = victim.spansReceived();
        }
        earlierReceived[c] += received - receivedBase[c];
        earlierDropped[c] += victim.spansDropped() - droppedBase[c];
        earlierCpu[c] += victim.cpuTime().toNanos() / 1e9 - cpuBase[c];
        receivedBase[c] = 0;
        droppedBase[c] = 0;
        cpuBase[c] = 0;
        long signalled = System.nanoTime();
        boolean exitedByItself = false;
        if (signal == Signal.KILL) {
          victim.kill();
        } else {
          exitedByItself = victim.stop(GRACE_PERIOD);
        }
        double exit = (System.nanoTime() - signalled) / 1e9;
        restarts[c]++;
        log.printf("  %.0f s: collector %d %s, %s in %.1f s; starting it again ...%n", (signalled - start) / 1e9, c,
            signal.done, signal == Signal.TERM && !exitedByItself ? "NOT EXITED: killed" : "exited", exit);
        done.add(new PendingEvent(c, signal, (signalled - start) / 1e9, exit, exitedByItself, receivedInWindow));
        restarted = CompletableFuture.supplyAsync(() -> {
          victim.start();
          return seconds(start);
        });
      }
      parkUntil(Math.max(start + duration, done.isEmpty() ? 0 : System.nanoTime() + TAIL.toNanos()));
    }
    long stopped = System.nanoTime(); // the services stop making spans now
    double seconds = (stopped - start) / 1e9;
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
    log.printf("  %.0f s: load stopped: %,d spans sent; waiting until Zipkin has them all ...%n", seconds, sent);
    double lastBack = restarted.join();
    if (!done.isEmpty()) {
      backs.add(lastBack);
      log.printf("  %.0f s: collector %d is back%n", lastBack, done.get(done.size() - 1).collector);
    }

    try (ConsumerGroup group = new ConsumerGroup(pipeline.kafka().bootstrapServers(), Pipeline.GROUP, Pipeline.TOPIC)) {
      group.awaitCaughtUp(STORED_WITHIN); // so that copies are in before the count ends
    }
    long deadline = System.nanoTime() + STORED_WITHIN.toNanos();
    StoredSpans.Count stored;
    do {
      stored = reader.count(traceIds, LoadService.SPANS_PER_TRACE);
    } while (!stored.complete(sent) && System.nanoTime() - deadline < 0L && pause());
    double allStoredAfter = (System.nanoTime() - stopped) / 1e9;
    probe.stop();

    // What appeared between the checkpoint before an event and the next one (or the end) is the event's.
    checkpoints.add(stored);
    List<Event> events = new ArrayList<>();
    long batchPerService = (long) Math.ceil(totalRate * BATCH_DELAY.toNanos() / 1e9);
    for (int k = 0; k < done.size(); k++) {
      PendingEvent e = done.get(k);
      StoredSpans.Count before = checkpoints.get(k);
      StoredSpans.Count after = checkpoints.get(k + 1);
      long bound = e.signal == Signal.TERM ? 0 : e.receivedInWindow + batchPerService;
      events.add(new Event(e.collector, e.signal, e.atSeconds, e.exitSeconds, e.exitedByItself, backs.get(k),
          e.receivedInWindow,
          after.duplicates() - before.duplicates(), missing(after) - missing(before), bound));
    }
    StoredSpans.Count first = checkpoints.get(0);

    Cpu used = Cpu.read(pipeline).minus(loadStart).minus(idle.scale(System.nanoTime() - start));
    List<Collector> collectorFigures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ZipkinServer c = collectors.get(i);
      long received = earlierReceived[i] + c.spansReceived() - receivedBase[i];
      long dropped = earlierDropped[i] + c.spansDropped() - droppedBase[i];
      double cpu = restarts[i] == 0 ? used.collectors[i]
          : earlierCpu[i] + c.cpuTime().toNanos() / 1e9 - idle.collectors[i] * (System.nanoTime() - start);
      collectorFigures.add(new Collector(received, dropped, cpu, restarts[i],
          storageFailures(c.logLines(STORAGE_REFUSED, LOG_LINES_READ))));
    }
    List<String> cassandraDrops = pipeline.cassandra().logLines(CASSANDRA_DROPS, CAUSES_SHOWN).stream()
        .map(ScaleOut::afterLoggerName).toList();
    pipeline.cassandra().stop(); // drains: every memtable is flushed to disk
    long bytesOnDisk = pipeline.cassandra().bytesOnDisk(Pipeline.KEYSPACE);
    return new Report(seconds, offered, sent, droppedByRecorders, droppedByReporters, undelivered, stored,
        done.isEmpty() ? 0 : first.duplicates(), done.isEmpty() ? 0 : missing(first), collectorFigures, events,
        cassandraDrops,
        commitInterval, bytesSent, bytesOnDisk, used.kafka, used.cassandra, probe.delays(), allStoredAfter);
  }

  /**
   * Waits until the consumer group has caught up with what was sent so far, then reads back every
   * trace that started over 2 s ago (sent by now: a span waits at most 1 s in its service) until
   * all their spans are stored (writes lag behind the commits) or a minute passes.
   */
  private static StoredSpans.Count checkpoint(ConsumerGroup group, List<LoadService> services, StoredSpans reader,
      long start, PrintStream log) throws Exception {
    long begin = System.nanoTime();
    long micros = System.currentTimeMillis() * 1000 - BATCH_DELAY.plusSeconds(1).toNanos() / 1000;
    Duration caughtUp = group.awaitCaughtUp(STORED_WITHIN);
    List<String> traceIds = new ArrayList<>();
    for (LoadService service : services) traceIds.addAll(service.traceIdsStartedBefore(micros));
    long deadline = System.nanoTime() + CHECKPOINT_WITHIN.toNanos();
    StoredSpans.Count count;
    do {
      count = reader.count(traceIds, LoadService.SPANS_PER_TRACE);
    } while (missing(count) > 0 && System.nanoTime() - deadline < 0L && pause());
    log.printf("  %.0f s: checkpoint: the collectors caught up in %.1f s; %,d traces read back in %.1f s in all:"
        + " %,d copies, %,d spans missing%n", seconds(start), caughtUp.toNanos() / 1e9, traceIds.size(),
        (System.nanoTime() - begin) / 1e9, count.duplicates(), missing(count));
    return count;
  }

  private static long missing(StoredSpans.Count count) {
    return count.missingByTrace().values().stream().mapToLong(Integer::longValue).sum();
  }

  /**
   * Waits until {@code at}, reading {@code collector}'s received-counter every 200 ms from a little
   * before {@code at - window}, and returns {spans received since the last reading at or before
   * {@code at - window}, the last reading}. The last reading is taken at {@code at} or just after.
   */
  private static long[] receivedBefore(ZipkinServer collector, long at, Duration window) {
    long windowStart = at - window.toNanos();
    parkUntil(windowStart - SAMPLE_EVERY.toNanos());
    long base = -1;
    long last;
    while (true) {
      long now = System.nanoTime();
      last = collector.spansReceived();
      if (now - windowStart <= 0 || base < 0) base = last; // the first reading stands in when none was early enough
      if (now - at >= 0) return new long[] {last - base, last};
      parkUntil(Math.min(at, now + SAMPLE_EVERY.toNanos()));
    }
  }

  /**
   * Why storage refused a collector's batches, from its log lines that say so: the distinct
   * {@code due to ...} parts, at most {@value #CAUSES_SHOWN}, each cut at {@value #CAUSE_CHARS}
   * characters.
   */
  static List<String> storageFailures(List<String> logLines) {
    Set<String> causes = new LinkedHashSet<>();
    for (String line : logLines) {
      int due = line.indexOf(" due to ");
      String cause = due < 0 ? afterLoggerName(line) : line.substring(due + " due to ".length());
      causes.add(cause.length() <= CAUSE_CHARS ? cause : cause.substring(0, CAUSE_CHARS) + "...");
      if (causes.size() == CAUSES_SHOWN) break;
    }
    return List.copyOf(causes);
  }

  // A log line without its timestamp, level, thread and logger: what follows the first " - " or " : ".
  static String afterLoggerName(String line) {
    for (String separator : List.of(" - ", " : ")) {
      int at = line.indexOf(separator);
      if (at >= 0) return line.substring(at + separator.length()).strip();
    }
    return line.strip();
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

  /** An event as it happened, before its copies and losses are counted. */
  private record PendingEvent(int collector, Signal signal, double atSeconds, double exitSeconds,
      boolean exitedByItself, long receivedInWindow) {
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
