package io.tracelet.examples.demo;

import io.tracelet.TracingCounters;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import zipkin2.Span;

/**
 * Runs the {@link Shop}, makes purchases, prints each one's trace ID and Zipkin link, and waits
 * until every trace has reached Zipkin with all its services. {@code examples/demo.sh} starts
 * Kafka and Zipkin and then this; it can also run alone against servers of your own:
 *
 * <pre>
 * java io.tracelet.examples.demo.Demo --zipkin http://127.0.0.1:9411 --kafka 127.0.0.1:9092 [--requests 10]
 *     [--sample RATE] [--all-http] [--zipkin-pid PID] [--metrics-ports P,P,P,P] [--prometheus URL]
 * </pre>
 *
 * <p>Every service serves its span metrics on {@code /metrics} ({@link DemoSignals}; on the ports of
 * {@code --metrics-ports}, in the order of {@link Shop#SERVICES}, else free ones) and feeds
 * in-process alerts, printed as they fire; {@code --prometheus URL} is a Prometheus that scrapes
 * them with Tracelet's rules, whose firing alert and its trace links the demo waits for and prints
 * at the end ({@link DemoAlerts}).
 *
 * <p>{@code --sample RATE} (0 to 1, default 1) is the head sampling probability; below 1 every
 * service keeps the parts of unsampled traces that failed or were slow ({@link Reporting}), and
 * the demo then also checks that the ordinary purchases' traces are not in Zipkin, and says why
 * each trace it kept was kept.
 *
 * <p>{@code --all-http} reports every service's spans over HTTP (the Zipkin need not collect
 * Kafka); {@code --zipkin-pid} is the process of a Zipkin that is still starting, so that the
 * wait for it ends at once if it dies. Exits 0 when every trace that should be is in Zipkin (and,
 * below rate 1, none that should not), 1 on failure, 2 for bad arguments.
 */
public final class Demo {
  private static final Duration ZIPKIN_START_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration EXTERNAL_ZIPKIN_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration TRACE_TIMEOUT = Duration.ofSeconds(60);

  private Demo() {
  }

  /** The command line, read. */
  record Options(int requests, String zipkinUrl, String kafka, boolean allHttp, Long zipkinPid, double sample,
      List<Integer> metricsPorts, String prometheusUrl) {
    static Options parse(String... args) {
      int requests = 10;
      double sample = 1;
      String zipkin = null;
      String kafka = null;
      boolean allHttp = false;
      Long pid = null;
      List<Integer> metricsPorts = List.of();
      String prometheus = null;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--requests" -> requests = positive(value(args, ++i, "--requests"), "--requests");
          case "--zipkin" -> zipkin = value(args, ++i, "--zipkin");
          case "--kafka" -> kafka = value(args, ++i, "--kafka");
          case "--all-http" -> allHttp = true;
          case "--sample" -> sample = rate(value(args, ++i, "--sample"), "--sample");
          case "--zipkin-pid" -> pid = (long) positive(value(args, ++i, "--zipkin-pid"), "--zipkin-pid");
          case "--metrics-ports" -> metricsPorts = java.util.Arrays.stream(value(args, ++i, "--metrics-ports").split(","))
              .map(port -> positive(port, "--metrics-ports")).toList();
          case "--prometheus" -> prometheus = value(args, ++i, "--prometheus");
          default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
        }
      }
      if (zipkin == null) throw new IllegalArgumentException("--zipkin URL is required");
      if (kafka == null) throw new IllegalArgumentException("--kafka HOST:PORT is required (orders and shipping use it)");
      return new Options(requests, zipkin, kafka, allHttp, pid, sample, metricsPorts, prometheus);
    }

    Reporting reporting() {
      return (allHttp ? Reporting.http(zipkinUrl) : Reporting.httpAndKafka(zipkinUrl, kafka)).sampled(sample);
    }

    private static String value(String[] args, int i, String name) {
      if (i >= args.length) throw new IllegalArgumentException(name + " needs a value");
      return args[i];
    }

    private static int positive(String value, String name) {
      try {
        int n = Integer.parseInt(value);
        if (n > 0) return n;
      } catch (NumberFormatException e) {
        // Said below.
      }
      throw new IllegalArgumentException(name + " must be a positive whole number: " + value);
    }

    private static double rate(String value, String name) {
      try {
        double rate = Double.parseDouble(value);
        if (rate >= 0 && rate <= 1) return rate; // false for NaN
      } catch (NumberFormatException e) {
        // Said below.
      }
      throw new IllegalArgumentException(name + " must be a number from 0 to 1: " + value);
    }
  }

  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("demo: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      run(options, System.out);
    } catch (IllegalStateException | UncheckedIOException e) { // says what went wrong, and where
      System.err.println("demo: " + e.getMessage());
      System.exit(1);
    } catch (Exception e) {
      System.err.print("demo: ");
      e.printStackTrace();
      System.exit(1);
    }
  }

  /**
   * What a run did: each purchase's result; the warm-up purchase's, made before them when the
   * services keep traces (else null); and each service's tracing counters (final: the shop is closed).
   */
  record Outcome(List<Traffic.Result> results, Traffic.Result warmUp, Map<String, TracingCounters> counters) {
  }

  /**
   * Everything but the exit: returns once every trace that should be in Zipkin is there, the
   * services have stopped, and (with a keep policy) the traces that should not be kept are absent.
   *
   * @throws IllegalStateException when a trace is missing, incomplete, or there but should not be
   */
  static Outcome run(Options options, PrintStream out) throws Exception {
    try (DemoSignals signals = new DemoSignals(options.zipkinUrl(), options.metricsPorts())) {
      Outcome outcome = run(options, options.reporting().withSignals(signals), signals, out);
      DemoAlerts.print(signals, options, out);
      return outcome;
    }
  }

  @SuppressWarnings("try") // Shop.close() waits for the services to stop, and may be interrupted
  private static Outcome run(Options options, Reporting reporting, DemoSignals signals, PrintStream out)
      throws Exception {
    ZipkinTraces zipkin = new ZipkinTraces(options.zipkinUrl());
    out.println("Waiting for Zipkin at " + options.zipkinUrl() + " ...");
    Optional<ProcessHandle> server = options.zipkinPid() == null ? Optional.empty() : ProcessHandle.of(options.zipkinPid());
    BooleanSupplier starting = () -> options.zipkinPid() == null || server.map(ProcessHandle::isAlive).orElse(false);
    zipkin.awaitHealthy(options.zipkinPid() == null ? EXTERNAL_ZIPKIN_TIMEOUT : ZIPKIN_START_TIMEOUT, starting);

    List<Traffic.Result> results;
    Traffic.Result warmUp = null;
    Map<String, TracingCounters> counters;
    Map<Traffic.Result, List<Span>> inZipkin = new LinkedHashMap<>();
    try (Shop shop = Shop.start(reporting, options.kafka())) {
      out.println("The shop is open:");
      out.println(shop.describe(reporting));
      out.println("Sampling: " + reporting.describeSampling() + ".");
      out.println("Each service's metrics (span metrics and Tracelet's counters, Prometheus format):");
      out.println(signals.describe());
      out.println();
      if (options.prometheusUrl() != null) DemoAlerts.warmUp(shop, options.prometheusUrl(), out);
      if (reporting.keeps()) {
        // The first request after the start pays for connecting and loading classes: on a busy machine
        // it can take longer than the keep policy's threshold, and then it is rightly kept as slow.
        out.println("Warming up with one purchase first, which is not listed: the first request after the start "
            + "pays for connecting and loading classes, and could be slower than " + Reporting.KEEP_SLOWER_THAN.toMillis()
            + " ms (it would then be kept as slow).");
        warmUp = Traffic.run(shop.webUrl(), Traffic.plan(1), result -> { }).get(0);
        out.println("  warm-up: one " + warmUp.purchase().item() + " -> " + warmUp.status() + " in "
            + warmUp.took().toMillis() + " ms, trace " + warmUp.traceId());
      }
      List<Traffic.Purchase> plan = Traffic.plan(options.requests());
      results = Traffic.run(shop.webUrl(), plan, result -> {
        int expected = result.purchase().expectedStatus();
        out.printf("request %d/%d: one %s -> %d in %d ms (%s)%s%n", result.number(), plan.size(),
            result.purchase().item(), result.status(), result.took().toMillis(), result.purchase().shows(),
            result.status() == expected ? "" : "  UNEXPECTED: should be " + expected + ": " + result.body());
        out.println("  trace " + result.traceId() + "  " + zipkin.link(result.traceId()));
      });
      counters = shop.counters();

      out.println();
      out.println(reporting.keeps()
          ? "Waiting until Zipkin has each kept trace, one tree from web down to where it failed or was slow ..."
          : "Waiting until Zipkin has each trace with all its services ...");
      long deadline = System.nanoTime() + TRACE_TIMEOUT.toNanos(); // for all of them
      for (Traffic.Result result : results) {
        Set<String> expected = inZipkin(reporting, result);
        if (expected.isEmpty()) continue;
        Duration left = Duration.ofNanos(Math.max(0L, deadline - System.nanoTime()));
        inZipkin.put(result, zipkin.await(result.traceId(), "one tree with spans of " + new TreeSet<>(expected),
            spans -> ZipkinTraces.services(spans).containsAll(expected) && ZipkinTraces.isConnected(spans), left));
      }
    } // closed: every service has delivered what it recorded

    if (!reporting.keeps()) {
      out.println("Zipkin has every trace (" + results.size() + "):");
      for (Traffic.Result result : results) out.println(line(zipkin, result));
      return new Outcome(results, null, counters);
    }
    List<Traffic.Result> notKept = new ArrayList<>();
    for (Traffic.Result result : results) {
      if (inZipkin.containsKey(result)) continue;
      List<Span> spans = zipkin.spans(result.traceId());
      if (!spans.isEmpty()) {
        throw new IllegalStateException("trace " + result.traceId() + " (" + result.purchase().shows()
            + ") should not be in Zipkin: head sampling said no, and nothing in it failed or was slow; but Zipkin has "
            + spans.size() + " spans of " + ZipkinTraces.services(spans));
      }
      notKept.add(result);
    }
    out.println("Zipkin has every trace it should (" + inZipkin.size() + " of " + results.size() + "):");
    inZipkin.forEach((result, spans) -> {
      out.println(line(zipkin, result));
      out.println("        " + (reporting.headSampled(result.traceId()) ? "head-sampled: " : "kept: ")
          + reasons(spans));
    });
    out.println("Not kept, and none of their spans is in Zipkin (" + notKept.size() + "):");
    for (Traffic.Result result : notKept) {
      out.printf("  %2d  %d  %-5s  trace %s  %s%n", result.number(), result.status(), result.purchase().item(),
          result.traceId(), result.purchase().shows());
    }
    out.println("What each service's keep policy decided (tracing.counters()):");
    counters.forEach((service, c) -> out.printf("  %-9s  kept %s; discarded %d; overflowed %d%n", service,
        c.localTracesKept(), c.localTracesDiscarded(), c.provisionalSpansOverflowed()));
    List<Span> warmUpSpans = zipkin.spans(warmUp.traceId());
    out.println("(The counters include the warm-up purchase, which Zipkin "
        + (warmUpSpans.isEmpty() ? "does not have" : "has, kept: " + reasons(warmUpSpans)) + ".)");
    return new Outcome(results, warmUp, counters);
  }

  /**
   * The services of which Zipkin should have spans of the trace of {@code result}: all it went
   * through when head sampling recorded it, else those whose part the keep policy keeps.
   */
  static Set<String> inZipkin(Reporting reporting, Traffic.Result result) {
    return reporting.headSampled(result.traceId())
        ? result.purchase().services()
        : result.purchase().keptServices();
  }

  private static String line(ZipkinTraces zipkin, Traffic.Result result) {
    return String.format("  %2d  %d  %-5s  %s  %s", result.number(), result.status(), result.purchase().item(),
        zipkin.link(result.traceId()), result.purchase().shows());
  }

  // "web=slow, inventory=slow": each service's sampling.keep reason, front door first.
  private static String reasons(List<Span> spans) {
    Map<String, Set<String>> reasons = ZipkinTraces.keepReasons(spans);
    StringJoiner joined = new StringJoiner(", ");
    for (String service : Shop.SERVICES) {
      Set<String> why = reasons.get(service);
      if (why != null) joined.add(service + "=" + String.join("+", why));
    }
    return joined.toString();
  }
}
