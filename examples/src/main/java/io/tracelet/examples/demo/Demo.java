package io.tracelet.examples.demo;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Runs the {@link Shop}, makes purchases, prints each one's trace ID and Zipkin link, and waits
 * until every trace has reached Zipkin with all its services. {@code examples/demo.sh} starts
 * Kafka and Zipkin and then this; it can also run alone against servers of your own:
 *
 * <pre>
 * java io.tracelet.examples.demo.Demo --zipkin http://127.0.0.1:9411 --kafka 127.0.0.1:9092 [--requests 10]
 *     [--all-http] [--zipkin-pid PID]
 * </pre>
 *
 * <p>{@code --all-http} reports every service's spans over HTTP (the Zipkin need not collect
 * Kafka); {@code --zipkin-pid} is the process of a Zipkin that is still starting, so that the
 * wait for it ends at once if it dies. Exits 0 when every trace is in Zipkin, 1 on failure, 2 for
 * bad arguments.
 */
public final class Demo {
  private static final Duration ZIPKIN_START_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration EXTERNAL_ZIPKIN_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration TRACE_TIMEOUT = Duration.ofSeconds(60);

  private Demo() {
  }

  /** The command line, read. */
  record Options(int requests, String zipkinUrl, String kafka, boolean allHttp, Long zipkinPid) {
    static Options parse(String... args) {
      int requests = 10;
      String zipkin = null;
      String kafka = null;
      boolean allHttp = false;
      Long pid = null;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--requests" -> requests = positive(value(args, ++i, "--requests"), "--requests");
          case "--zipkin" -> zipkin = value(args, ++i, "--zipkin");
          case "--kafka" -> kafka = value(args, ++i, "--kafka");
          case "--all-http" -> allHttp = true;
          case "--zipkin-pid" -> pid = (long) positive(value(args, ++i, "--zipkin-pid"), "--zipkin-pid");
          default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
        }
      }
      if (zipkin == null) throw new IllegalArgumentException("--zipkin URL is required");
      if (kafka == null) throw new IllegalArgumentException("--kafka HOST:PORT is required (orders and shipping use it)");
      return new Options(requests, zipkin, kafka, allHttp, pid);
    }

    Reporting reporting() {
      return allHttp ? Reporting.http(zipkinUrl) : Reporting.httpAndKafka(zipkinUrl, kafka);
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

  /** Everything but the exit: returns once every trace is in Zipkin and the services have stopped. */
  @SuppressWarnings("try") // Shop.close() waits for the services to stop, and may be interrupted
  static List<Traffic.Result> run(Options options, PrintStream out) throws Exception {
    ZipkinTraces zipkin = new ZipkinTraces(options.zipkinUrl());
    out.println("Waiting for Zipkin at " + options.zipkinUrl() + " ...");
    Optional<ProcessHandle> server = options.zipkinPid() == null ? Optional.empty() : ProcessHandle.of(options.zipkinPid());
    BooleanSupplier starting = () -> options.zipkinPid() == null || server.map(ProcessHandle::isAlive).orElse(false);
    zipkin.awaitHealthy(options.zipkinPid() == null ? EXTERNAL_ZIPKIN_TIMEOUT : ZIPKIN_START_TIMEOUT, starting);

    Reporting reporting = options.reporting();
    try (Shop shop = Shop.start(reporting, options.kafka())) {
      out.println("The shop is open:");
      out.println(shop.describe(reporting));
      out.println();
      List<Traffic.Purchase> plan = Traffic.plan(options.requests());
      List<Traffic.Result> results = Traffic.run(shop.webUrl(), plan, result -> {
        int expected = result.purchase().expectedStatus();
        out.printf("request %d/%d: one %s -> %d in %d ms (%s)%s%n", result.number(), plan.size(),
            result.purchase().item(), result.status(), result.took().toMillis(), result.purchase().shows(),
            result.status() == expected ? "" : "  UNEXPECTED: should be " + expected + ": " + result.body());
        out.println("  trace " + result.traceId() + "  " + zipkin.link(result.traceId()));
      });

      out.println();
      out.println("Waiting until Zipkin has each trace with all its services ...");
      long deadline = System.nanoTime() + TRACE_TIMEOUT.toNanos(); // for all of them
      for (Traffic.Result result : results) {
        Duration left = Duration.ofNanos(Math.max(0L, deadline - System.nanoTime()));
        zipkin.awaitServices(result.traceId(), result.purchase().services(), left);
      }
      out.println("Zipkin has every trace (" + results.size() + "):");
      for (Traffic.Result result : results) {
        out.printf("  %2d  %d  %-5s  %s  %s%n", result.number(), result.status(), result.purchase().item(),
            zipkin.link(result.traceId()), result.purchase().shows());
      }
      return results;
    }
  }
}
