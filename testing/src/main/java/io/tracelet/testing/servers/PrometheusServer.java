package io.tracelet.testing.servers;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A real Prometheus server (the {@code prometheus} program, Debian's package {@code prometheus}) on
 * 127.0.0.1, as {@link PrometheusServerExtension} hands it to tests, or as {@link #newBuilder()}
 * starts it for a program of its own. It scrapes every second the targets given to
 * {@link #scrape}, negotiating the OpenMetrics text (so it keeps exemplars: it runs with
 * {@code --enable-feature=exemplar-storage}), and evaluates every second the rules given to
 * {@link #rules}. Its configuration, rules, target lists and storage live in a temporary directory
 * that {@link #close()} deletes.
 *
 * <p>One server serves every test of the test JVM: give targets and rules names of your own, and
 * select series by labels your test owns. Read it through its HTTP API ({@link #client()}, and the
 * shortcuts {@link #query}, {@link #exemplars}, {@link #alerts}, each with an {@code await} form that
 * polls until an answer satisfies the test or a deadline passes).
 *
 * <p>The program is looked up on the {@code PATH} ({@link #executable}); it is not fetched. Its
 * process ends with the test JVM, however that ends. Thread-safe; reading methods send one HTTP
 * request each (5-second timeout).
 */
public final class PrometheusServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(1);
  private static final String READY_TEXT = "Server is ready to receive web requests.";
  /** How often it scrapes its targets and evaluates its rules. */
  public static final Duration INTERVAL = Duration.ofSeconds(1);

  private final JavaProcess process;
  private final int port;
  private final PrometheusClient client;

  private PrometheusServer(JavaProcess process, int port) {
    this.process = process;
    this.port = port;
    this.client = new PrometheusClient(baseUrl(), process::isRunning);
  }

  /** For a program that is not a JUnit test (the extension shares one server per test JVM). */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** Configures a Prometheus server of one's own; {@link #launch()} starts it. Not thread-safe. */
  public static final class Builder {
    private final Map<String, String> externalLabels = new LinkedHashMap<>();
    private int port;

    private Builder() {
    }

    /**
     * The port on 127.0.0.1 to listen on; 0, the default, for one the OS reports free. A port that
     * is taken makes {@link #launch()} fail.
     */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) throw new IllegalArgumentException("not a port: " + port);
      this.port = port;
      return this;
    }

    /**
     * An external label ({@code global.external_labels}): rules' templates read it as
     * {@code $externalLabels.name} (Tracelet's rules build their Zipkin links from
     * {@code zipkin_url}).
     */
    public Builder externalLabel(String name, String value) {
      Objects.requireNonNull(name, "name == null");
      Objects.requireNonNull(value, "value == null");
      if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) throw new IllegalArgumentException("not a label name: " + name);
      externalLabels.put(name, value);
      return this;
    }

    /**
     * Starts the server and returns once it is ready to serve. It ends with the caller's JVM,
     * however that ends; {@link PrometheusServer#close()} stops it sooner.
     *
     * @throws IllegalStateException when {@code prometheus} is not on the PATH, or the server is not
     *     ready within a minute; the message quotes its output
     */
    public PrometheusServer launch() {
      Path executable = executable("prometheus");
      int port = this.port != 0 ? this.port : Loopback.freePorts(1)[0];
      JavaProcess process = JavaProcess.nativeProgram("Prometheus on " + Loopback.HOST + ":" + port, Map.of());
      try {
        Path dir = process.directory();
        Files.createDirectories(dir.resolve("rules"));
        Files.createDirectories(dir.resolve("targets"));
        Files.writeString(dir.resolve("prometheus.yml"), config(externalLabels));
        process.start(executable.toString(), List.of(
            "--config.file=" + dir.resolve("prometheus.yml"),
            "--storage.tsdb.path=" + dir.resolve("data"),
            "--web.listen-address=" + Loopback.HOST + ":" + port,
            "--web.enable-lifecycle", // POST /-/reload, for rules
            "--enable-feature=exemplar-storage"),
            READY_TEXT, START_TIMEOUT);
      } catch (IOException e) {
        process.close();
        throw new UncheckedIOException("cannot write the configuration of " + process, e);
      } catch (RuntimeException | Error e) {
        process.close();
        throw e;
      }
      return new PrometheusServer(process, port);
    }
  }

  /**
   * The program {@code name} ({@code prometheus} or {@code promtool}) on the PATH.
   *
   * @throws IllegalStateException when it is not there, saying how to get it
   */
  public static Path executable(String name) {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (dir.isEmpty()) continue;
        Path candidate = Path.of(dir, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return candidate;
      }
    }
    throw new IllegalStateException("'" + name + "' is not on the PATH (" + path + "). Tracelet's metrics tests run"
        + " Prometheus's own programs: install them (on Debian and Ubuntu, 'apt-get install prometheus', which"
        + " .ci/run does when they are missing; stop the service it may start) or put them on the PATH.");
  }

  /** For example {@code http://127.0.0.1:39090}, without a trailing slash. */
  public String baseUrl() {
    return "http://" + Loopback.HOST + ":" + port;
  }

  /** The port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /**
   * Scrapes {@code http://hostAndPort + metricsPath} every second as the job {@code job} (a label
   * on every series), from now on, and returns once a scrape of it succeeded. Replaces what an
   * earlier call gave for the same job. Prometheus applies changes of its targets at most every
   * 5 seconds, so this takes up to about 6.
   *
   * @throws AssertionError when no scrape succeeds within 30 seconds; the message says why
   */
  public void scrape(String job, String hostAndPort, String metricsPath) {
    addTargets(job, List.of(hostAndPort), metricsPath);
    client.await("a successful scrape of " + hostAndPort + metricsPath + " as job " + job, Duration.ofSeconds(30),
        () -> {
          Object seen = "no such target yet";
          for (Object t : PrometheusClient.list(PrometheusClient.map(client.data("/api/v1/targets?state=active"))
              .get("activeTargets"))) {
            Map<String, Object> target = PrometheusClient.map(t);
            if (!job.equals(PrometheusClient.map(target.get("labels")).get("job"))) continue;
            if ("up".equals(target.get("health"))) return target;
            seen = target;
          }
          return new PrometheusClient.Last(seen);
        });
  }

  /**
   * Scrapes each of {@code hostsAndPorts} (each {@code host:port}) at {@code metricsPath} every
   * second as the job {@code job}, replacing what an earlier call gave for that job, and returns at
   * once: Prometheus takes them up within about 5 seconds, and scrapes that find nothing listening
   * yet just fail until something does.
   */
  public void addTargets(String job, List<String> hostsAndPorts, String metricsPath) {
    Objects.requireNonNull(job, "job == null");
    if (!job.matches("[A-Za-z0-9_.-]+")) throw new IllegalArgumentException("a job name of letters, digits, _ . -: " + job);
    StringBuilder targets = new StringBuilder("[{\"targets\":[");
    for (int i = 0; i < hostsAndPorts.size(); i++) targets.append(i == 0 ? "" : ",").append(quote(hostsAndPorts.get(i)));
    targets.append("],\"labels\":{\"job\":").append(quote(job)).append(",\"__metrics_path__\":")
        .append(quote(metricsPath)).append("}}]\n");
    writeAtomically(process.directory().resolve("targets").resolve(job + ".json"), targets.toString());
  }

  /** Stops scraping the job {@code job}; its series stay in storage. */
  public void stopScraping(String job) {
    try {
      Files.deleteIfExists(process.directory().resolve("targets").resolve(job + ".json"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the targets of " + job, e);
    }
  }

  /**
   * Loads the rule file {@code yaml} (Prometheus's rule-file format) under {@code name}, replacing
   * what an earlier call gave under that name, and returns once Prometheus has reloaded its rules:
   * they are evaluated every second from now on.
   *
   * @throws IllegalStateException when Prometheus refuses them; the message says why
   */
  public void rules(String name, String yaml) {
    Objects.requireNonNull(yaml, "yaml == null");
    if (!name.matches("[A-Za-z0-9_.-]+")) throw new IllegalArgumentException("a name of letters, digits, _ . -: " + name);
    writeAtomically(process.directory().resolve("rules").resolve(name + ".yml"), yaml);
    HttpResponse<String> reload = client.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/-/reload"))
        .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build());
    if (reload.statusCode() != 200) {
      throw new IllegalStateException("Prometheus refused the rules " + name + ": " + reload.statusCode() + " "
          + reload.body().strip());
    }
  }

  /** The server's HTTP API: {@link #query}, {@link #exemplars}, {@link #alerts} and their await forms. */
  public PrometheusClient client() {
    return client;
  }

  /** {@link PrometheusClient#query}. */
  public List<PrometheusClient.Sample> query(String promql) {
    return client.query(promql);
  }

  /** {@link PrometheusClient#exemplars}. */
  public List<PrometheusClient.Exemplar> exemplars(String promql, Duration lookback) {
    return client.exemplars(promql, lookback);
  }

  /** {@link PrometheusClient#alerts}. */
  public List<PrometheusClient.Alert> alerts() {
    return client.alerts();
  }

  /** {@link PrometheusClient#awaitQuery}; fails at once if the server stops. */
  public List<PrometheusClient.Sample> awaitQuery(String promql, Predicate<List<PrometheusClient.Sample>> until,
      Duration timeout) {
    return client.awaitQuery(promql, until, timeout);
  }

  /** {@link PrometheusClient#awaitExemplars}; fails at once if the server stops. */
  public List<PrometheusClient.Exemplar> awaitExemplars(String promql, Duration lookback,
      Predicate<List<PrometheusClient.Exemplar>> until, Duration timeout) {
    return client.awaitExemplars(promql, lookback, until, timeout);
  }

  /** {@link PrometheusClient#awaitAlerts}; fails at once if the server stops. */
  public List<PrometheusClient.Alert> awaitAlerts(Predicate<List<PrometheusClient.Alert>> until, Duration timeout) {
    return client.awaitAlerts(until, timeout);
  }

  /** True while the server runs. */
  public boolean isRunning() {
    return process.isRunning();
  }

  @Override public String toString() {
    return "PrometheusServer{" + baseUrl() + "}";
  }

  /** Stops the server and deletes its directory. For servers from {@link #newBuilder()}; the extension closes its own. */
  @Override public void close() {
    process.close();
  }

  // Written beside, then moved into place: Prometheus watches these folders and must never read half a file.
  private static void writeAtomically(Path file, String text) {
    try {
      Path partial = file.resolveSibling("." + file.getFileName() + ".partial");
      Files.writeString(partial, text);
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  static String config(Map<String, String> externalLabels) {
    StringBuilder yaml = new StringBuilder();
    yaml.append("# Written by tracelet-testing's PrometheusServer.\n")
        .append("global:\n")
        .append("  scrape_interval: 1s\n")
        .append("  scrape_timeout: 1s\n")
        .append("  evaluation_interval: 1s\n");
    if (!externalLabels.isEmpty()) {
      yaml.append("  external_labels:\n");
      externalLabels.forEach((name, value) -> yaml.append("    ").append(name).append(": ").append(quote(value)).append('\n'));
    }
    return yaml.append("rule_files:\n")
        .append("  - rules/*.yml\n")
        .append("scrape_configs:\n")
        .append("  - job_name: tracelet\n") // each target's own job label replaces it
        .append("    file_sd_configs:\n")
        .append("      - files: [targets/*.json]\n")
        .append("        refresh_interval: 1s\n")
        .toString();
  }

  // A JSON string, which is also a YAML double-quoted scalar.
  private static String quote(String s) {
    StringBuilder q = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        q.append('\\').append(c);
      } else if (c < 0x20) {
        q.append(String.format("\\u%04x", (int) c));
      } else {
        q.append(c);
      }
    }
    return q.append('"').toString();
  }
}
