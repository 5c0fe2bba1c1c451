package io.tracelet.testing.servers;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;

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
 * select series by labels your test owns. Read it through its HTTP API: {@link #query},
 * {@link #exemplars}, {@link #alerts}, each with an {@code await} form that polls until an answer
 * satisfies the test or a deadline passes.
 *
 * <p>The program is looked up on the {@code PATH} ({@link #executable}); it is not fetched. Its
 * process ends with the test JVM, however that ends. Thread-safe; reading methods send one HTTP
 * request each (5-second timeout).
 */
public final class PrometheusServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(1);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration POLL_PAUSE = Duration.ofMillis(200);
  private static final String READY_TEXT = "Server is ready to receive web requests.";
  /** How often it scrapes its targets and evaluates its rules. */
  public static final Duration INTERVAL = Duration.ofSeconds(1);

  private final JavaProcess process;
  private final int port;
  private final HttpClient http;

  private PrometheusServer(JavaProcess process, int port) {
    this.process = process;
    this.port = port;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(REQUEST_TIMEOUT).build();
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
    Objects.requireNonNull(job, "job == null");
    if (!job.matches("[A-Za-z0-9_.-]+")) throw new IllegalArgumentException("a job name of letters, digits, _ . -: " + job);
    String targets = "[{\"targets\":[" + quote(hostAndPort) + "],\"labels\":{\"job\":" + quote(job)
        + ",\"__metrics_path__\":" + quote(metricsPath) + "}}]\n";
    writeAtomically(process.directory().resolve("targets").resolve(job + ".json"), targets);
    await("a successful scrape of " + hostAndPort + metricsPath + " as job " + job, Duration.ofSeconds(30),
        () -> {
          Object seen = "no such target yet";
          for (Object t : list(map(data(get("/api/v1/targets?state=active"))).get("activeTargets"))) {
            Map<String, Object> target = map(t);
            if (!job.equals(map(target.get("labels")).get("job"))) continue;
            if ("up".equals(target.get("health"))) return target;
            seen = target;
          }
          return new Last(seen);
        });
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
    HttpResponse<String> reload = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/-/reload"))
        .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build());
    if (reload.statusCode() != 200) {
      throw new IllegalStateException("Prometheus refused the rules " + name + ": " + reload.statusCode() + " "
          + reload.body().strip());
    }
  }

  /** One series of an instant query's answer: its labels (the name under {@code __name__}) and value. */
  public record Sample(Map<String, String> labels, double value) {
  }

  /**
   * One exemplar as {@code /api/v1/query_exemplars} answers it: the labels of its series, its own
   * labels ({@code trace_id}, {@code span_id}), the value observed and when (epoch seconds).
   */
  public record Exemplar(Map<String, String> seriesLabels, Map<String, String> labels, double value,
      double timestamp) {
  }

  /** An alert as {@code /api/v1/alerts} answers it: {@code state} is {@code pending} or {@code firing}. */
  public record Alert(Map<String, String> labels, Map<String, String> annotations, String state, String value) {
    /** The alert's name, its label {@code alertname}. */
    public String name() {
      return labels.get("alertname");
    }
  }

  /** The answer to the instant query {@code promql}, now. */
  public List<Sample> query(String promql) {
    Map<String, Object> data = map(data(get("/api/v1/query?query=" + encode(promql))));
    List<Sample> samples = new ArrayList<>();
    if (!"vector".equals(data.get("resultType"))) {
      throw new IllegalArgumentException("not a query for a vector: " + promql + " gives " + data.get("resultType"));
    }
    for (Object r : list(data.get("result"))) {
      Map<String, Object> result = map(r);
      samples.add(new Sample(strings(result.get("metric")), Double.parseDouble((String) list(result.get("value")).get(1))));
    }
    return samples;
  }

  /** The exemplars of the series {@code promql} selects, over the last {@code lookback}. */
  public List<Exemplar> exemplars(String promql, Duration lookback) {
    Instant end = Instant.now().plusSeconds(1);
    Instant start = end.minus(lookback);
    Object data = data(get("/api/v1/query_exemplars?query=" + encode(promql) + "&start=" + start.getEpochSecond()
        + "&end=" + end.getEpochSecond()));
    List<Exemplar> exemplars = new ArrayList<>();
    for (Object s : list(data)) {
      Map<String, Object> series = map(s);
      Map<String, String> seriesLabels = strings(series.get("seriesLabels"));
      for (Object e : list(series.get("exemplars"))) {
        Map<String, Object> exemplar = map(e);
        exemplars.add(new Exemplar(seriesLabels, strings(exemplar.get("labels")),
            Double.parseDouble((String) exemplar.get("value")), ((Number) exemplar.get("timestamp")).doubleValue()));
      }
    }
    return exemplars;
  }

  /** The alerts pending or firing now. */
  public List<Alert> alerts() {
    List<Alert> alerts = new ArrayList<>();
    for (Object a : list(map(data(get("/api/v1/alerts"))).get("alerts"))) {
      Map<String, Object> alert = map(a);
      alerts.add(new Alert(strings(alert.get("labels")), strings(alert.get("annotations")),
          (String) alert.get("state"), (String) alert.get("value")));
    }
    return alerts;
  }

  /**
   * Polls {@link #query} every 200 ms until its answer satisfies {@code until}, and returns it.
   *
   * @throws AssertionError when {@code timeout} passes first; the message shows the last answer
   */
  public List<Sample> awaitQuery(String promql, Predicate<List<Sample>> until, Duration timeout) {
    return await("an answer to " + promql, timeout, () -> {
      List<Sample> answer = query(promql);
      return until.test(answer) ? answer : new Last(answer);
    });
  }

  /** Polls {@link #exemplars} as {@link #awaitQuery} polls queries. */
  public List<Exemplar> awaitExemplars(String promql, Duration lookback, Predicate<List<Exemplar>> until,
      Duration timeout) {
    return await("exemplars of " + promql, timeout, () -> {
      List<Exemplar> answer = exemplars(promql, lookback);
      return until.test(answer) ? answer : new Last(answer);
    });
  }

  /** Polls {@link #alerts} as {@link #awaitQuery} polls queries. */
  public List<Alert> awaitAlerts(Predicate<List<Alert>> until, Duration timeout) {
    return await("alerts", timeout, () -> {
      List<Alert> answer = alerts();
      return until.test(answer) ? answer : new Last(answer);
    });
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

  // An answer that did not satisfy the caller, kept for the failure message.
  private record Last(Object answer) {
  }

  // Calls poll every 200 ms until it returns something other than null or Last, and returns that.
  @SuppressWarnings("unchecked")
  private <T> T await(String what, Duration timeout, Supplier<Object> poll) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Object last = null;
    do {
      try {
        Object answer = poll.get();
        if (answer != null && !(answer instanceof Last)) return (T) answer;
        last = answer instanceof Last l ? l.answer() : answer;
      } catch (UncheckedIOException | IllegalStateException e) {
        last = e.toString(); // not ready yet, or a refusal to retry until the deadline
      }
      if (process.exitsWithin(POLL_PAUSE)) throw new AssertionError(this + " is not running: " + process.failure("exited"));
    } while (System.nanoTime() - deadline < 0L);
    throw new AssertionError("Expected " + what + " from " + this + " within " + timeout + "; the last answer was "
        + last + ". Its targets: " + targets());
  }

  // Each scrape target's job, health and last error, for failure messages.
  private String targets() {
    try {
      List<String> targets = new ArrayList<>();
      for (Object t : list(map(data(get("/api/v1/targets?state=active"))).get("activeTargets"))) {
        Map<String, Object> target = map(t);
        targets.add(map(target.get("labels")).get("job") + " " + target.get("scrapeUrl") + " " + target.get("health")
            + (String.valueOf(target.get("lastError")).isEmpty() ? "" : " (" + target.get("lastError") + ")"));
      }
      return targets.toString();
    } catch (RuntimeException e) {
      return "unknown (" + e + ")";
    }
  }

  private Object data(HttpResponse<String> response) {
    if (response.statusCode() != 200) {
      throw new IllegalStateException(response.request().uri() + " answered " + response.statusCode() + " "
          + response.body().strip());
    }
    Map<String, Object> body = map(Json.parse(response.body()));
    if (!"success".equals(body.get("status"))) {
      throw new IllegalStateException(response.request().uri() + " answered " + response.body().strip());
    }
    return body.get("data");
  }

  private HttpResponse<String> get(String pathAndQuery) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery)).timeout(REQUEST_TIMEOUT).build());
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + request.method() + " " + request.uri(), e);
    }
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

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    return o == null ? List.of() : (List<Object>) o;
  }

  private static Map<String, String> strings(Object o) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (o != null) map(o).forEach((k, v) -> labels.put(k, String.valueOf(v)));
    return labels;
  }
}
