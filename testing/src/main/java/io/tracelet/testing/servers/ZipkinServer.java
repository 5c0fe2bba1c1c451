package io.tracelet.testing.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

/**
 * A real Zipkin server (the {@code zipkin-server} executable jar, in-memory storage) running in its
 * own JVM on 127.0.0.1, as {@link ZipkinServerExtension} hands it to tests; or one configured by
 * {@link #newBuilder()} (Cassandra storage, collector only) for a program of its own. Spans go to
 * {@link #spansEndpoint()} as with any Zipkin; when the server was started for a test that also
 * uses {@link KafkaBrokerExtension}, it also collects the Kafka topic {@code zipkin} of that broker.
 *
 * <p>One server serves every test of the test JVM that asks for the same kind (with or without
 * Kafka): tests read what they sent by trace ID, and counters as differences. {@link #stop()} and
 * {@link #start()} simulate an outage of the backend and its return on the same port; the
 * extension starts a stopped server again before handing it to the next test. Stopping it loses
 * the spans it stored.
 *
 * <p>Thread-safe. Reading methods send one HTTP request each (5-second timeout); nothing returns
 * null unless it says so.
 */
public final class ZipkinServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration POLL_PAUSE = Duration.ofMillis(100);
  // Small and quick to start: a test server holds little and lives minutes.
  private static final List<String> JVM_OPTIONS =
      List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private final JavaProcess process;
  private final String mainClass;
  private final List<String> args;
  private final int port;
  private final String kafkaBootstrapServers;
  private final HttpClient http;

  private ZipkinServer(JavaProcess process, String mainClass, List<String> args, int port,
      String kafkaBootstrapServers) {
    this.process = process;
    this.mainClass = mainClass;
    this.args = args;
    this.port = port;
    this.kafkaBootstrapServers = kafkaBootstrapServers;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(REQUEST_TIMEOUT).build();
  }

  /**
   * For a program that is not a JUnit test (the extension shares one server per test JVM): a
   * server of its own, such as a Kafka collector that stores into Cassandra. By default in-memory
   * storage, HTTP collector, query API and UI, no Kafka.
   */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * Configures a Zipkin server of one's own; {@link #launch()} starts it. Not thread-safe.
   */
  public static final class Builder {
    private String kafkaBootstrapServers;
    private String cassandraContactPoint;
    private boolean collectorOnly;
    private int kafkaStreams = 1;
    private final Map<String, String> kafkaOverrides = new LinkedHashMap<>();
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
     * Collect the topic {@code zipkin} of this broker (consumer group {@code zipkin}, from the
     * earliest offset, so that nothing sent before it joined is missed); null for none.
     */
    public Builder kafka(String bootstrapServers) {
      this.kafkaBootstrapServers = bootstrapServers;
      return this;
    }

    /** How many consumer threads read the topic (Zipkin's {@code KAFKA_STREAMS}); 1 by default. */
    public Builder kafkaStreams(int streams) {
      if (streams < 1) throw new IllegalArgumentException("streams must be at least 1, not " + streams);
      this.kafkaStreams = streams;
      return this;
    }

    /**
     * Sets a property of the Kafka collector's consumers, as an operator does with Zipkin's
     * {@code zipkin.collector.kafka.overrides.<key>} (for example {@code auto.commit.interval.ms},
     * how often consumed offsets are committed; Kafka's default is 5 s). Takes effect with
     * {@link #kafka(String)}; a key set twice keeps the last value. The launcher's own settings
     * ({@code auto.offset.reset=earliest}, {@code session.timeout.ms=10000}) can be overridden too.
     *
     * @throws IllegalArgumentException when {@code key} is not a Kafka property name (lower-case
     *     words joined by dots) or {@code value} is empty
     */
    public Builder kafkaOverride(String key, String value) {
      Objects.requireNonNull(key, "key == null");
      Objects.requireNonNull(value, "value == null");
      if (!key.matches("[a-z][a-z0-9]*(\\.[a-z][a-z0-9]*)*")) {
        throw new IllegalArgumentException("not a Kafka property name: " + key);
      }
      if (value.isBlank()) throw new IllegalArgumentException("empty value for " + key);
      kafkaOverrides.put(key, value);
      return this;
    }

    /**
     * Store into this Cassandra node ({@code cassandra3} storage, keyspace {@code zipkin2}, created
     * when missing, local data center {@link CassandraNode#DATA_CENTER}) instead of memory; null
     * for memory. Start one server at a time against a fresh node: each one checks the schema.
     */
    public Builder cassandra(String contactPoint) {
      this.cassandraContactPoint = contactPoint;
      return this;
    }

    /**
     * Only collect: no query API, no UI, no HTTP collector ({@code QUERY_ENABLED=false},
     * {@code COLLECTOR_HTTP_ENABLED=false}). {@code /health} and {@code /prometheus} still answer.
     */
    public Builder collectorOnly() {
      this.collectorOnly = true;
      return this;
    }

    /**
     * Starts the server on a free port of 127.0.0.1 and returns once it answers {@code /health}
     * with 200. Its JVM ends with the caller's, however that ends; {@link ZipkinServer#close()}
     * stops it sooner.
     *
     * @throws IllegalStateException when it is not healthy within 2 minutes; the message quotes its
     *     output
     */
    public ZipkinServer launch() {
      List<Path> classpath = ServerArtifacts.zipkinServer();
      int port = this.port != 0 ? this.port : Loopback.freePorts(1)[0];
      Map<String, String> environment = new HashMap<>();
      if (cassandraContactPoint == null) {
        environment.put("STORAGE_TYPE", "mem");
      } else {
        environment.put("STORAGE_TYPE", "cassandra3");
        environment.put("CASSANDRA_CONTACT_POINTS", cassandraContactPoint);
        environment.put("CASSANDRA_LOCAL_DC", CassandraNode.DATA_CENTER);
        environment.put("CASSANDRA_ENSURE_SCHEMA", "true");
      }
      // Set even when empty, so that a variable of the caller's environment cannot leak in.
      environment.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrapServers == null ? "" : kafkaBootstrapServers);
      environment.put("KAFKA_STREAMS", Integer.toString(kafkaStreams));
      if (collectorOnly) {
        environment.put("QUERY_ENABLED", "false");
        environment.put("COLLECTOR_HTTP_ENABLED", "false");
      }
      List<String> args = arguments(port);
      String role = collectorOnly ? "Zipkin collector" : "Zipkin server";
      JavaProcess process = new JavaProcess(role + " on " + Loopback.HOST + ":" + port,
          classpath, JVM_OPTIONS, environment);
      ZipkinServer server = new ZipkinServer(process, mainClass(classpath.get(0)), List.copyOf(args),
          port, kafkaBootstrapServers);
      try {
        server.start();
      } catch (RuntimeException | Error e) {
        process.close();
        throw e;
      }
      return server;
    }

    // The command line: Armeria on 127.0.0.1:port, and the Kafka collector's consumer properties.
    List<String> arguments(int port) {
      List<String> args = new ArrayList<>(List.of(
          // All three, or Armeria binds every interface (port alone) or a random port (ip alone).
          "--armeria.ports[0].ip=" + Loopback.HOST,
          "--armeria.ports[0].port=" + port,
          "--armeria.ports[0].protocols[0]=http"));
      if (kafkaBootstrapServers != null) {
        // Zipkin logs each batch its storage refused, and why, at debug level only, under the name
        // of the collector that received it (see logLines).
        args.add("--logging.level.zipkin2.collector.kafka.KafkaCollector=DEBUG");
        Map<String, String> overrides = new LinkedHashMap<>();
        // Messages sent before the collector joined its consumer group are collected too.
        overrides.put("auto.offset.reset", "earliest");
        // A collector that dies hands its partitions to the others after 10 s, not Kafka's 45 s.
        overrides.put("session.timeout.ms", "10000");
        // The caller's replace those (Spring joins the values of an argument given twice).
        overrides.putAll(kafkaOverrides);
        overrides.forEach((key, value) -> args.add("--zipkin.collector.kafka.overrides." + key + "=" + value));
      }
      return args;
    }
  }

  /** For example {@code http://127.0.0.1:38411}, without a trailing slash. */
  public String baseUrl() {
    return "http://" + Loopback.HOST + ":" + port;
  }

  /** Where reporters POST spans: {@code baseUrl() + "/api/v2/spans"}. */
  public String spansEndpoint() {
    return baseUrl() + "/api/v2/spans";
  }

  /** The port on 127.0.0.1; the same across {@link #stop()} and {@link #start()}. */
  public int port() {
    return port;
  }

  /** The Kafka broker whose topic {@code zipkin} this server collects, or null when none. */
  public String kafkaBootstrapServers() {
    return kafkaBootstrapServers;
  }

  /** True between {@link #start()} and {@link #stop()}. */
  public boolean isRunning() {
    return process.isRunning();
  }

  /**
   * Stops the server and returns once its JVM has exited, so the port refuses connections. Does
   * nothing when it is stopped already. Every test of this JVM shares the server: restart it in
   * the same test (the extension also does before the next test that asks for it).
   */
  public synchronized void stop() {
    process.stop();
  }

  /**
   * Stops the server gracefully, as an orchestrator does: SIGTERM, so that Zipkin shuts down
   * (its Kafka consumers commit what they consumed and leave their group, its storage finishes
   * pending writes), and SIGKILL if it has not exited after {@code gracePeriod}. Returns once its
   * JVM has exited: true when it exited by itself (or was not running), false when it was killed.
   * {@link #start()} starts it again.
   */
  public synchronized boolean stop(Duration gracePeriod) {
    Objects.requireNonNull(gracePeriod, "gracePeriod == null");
    return process.stop(gracePeriod);
  }

  /**
   * Kills the server's JVM (SIGKILL, as a crash would: no shutdown, no offsets committed) and
   * returns once it has exited. {@link #start()} starts it again.
   */
  public synchronized void kill() {
    process.kill();
  }

  /** The CPU time the server's JVM has used since it last started. */
  public Duration cpuTime() {
    return process.cpuTime();
  }

  /**
   * Starts the server again on the same port, with empty storage (unless it stores into Cassandra), and returns once it answers
   * {@code /health} with 200 (its Kafka collector, if any, connected). Does nothing when it is
   * running.
   *
   * @throws IllegalStateException when it fails to start within 2 minutes, or the port was taken
   *     meanwhile; the message quotes the server's output
   */
  public synchronized void start() {
    if (process.isRunning()) return;
    process.start(mainClass, args, null, START_TIMEOUT);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    int status = 0;
    while (System.nanoTime() - deadline < 0L) {
      status = statusOf("/health");
      if (status == 200) return;
      if (process.exitsWithin(POLL_PAUSE)) throw process.failure("exited before it was healthy");
    }
    process.stop();
    throw process.failure("was not healthy within " + START_TIMEOUT + " (last /health status " + status + ")");
  }

  /** How many spans the server has received, over all transports, since it last started. */
  public long spansReceived() {
    return metric(get("/prometheus").body(), "zipkin_collector_spans_total");
  }

  /**
   * How many spans the server received but dropped, over all transports, since it last started:
   * those whose storage failed (a write that timed out, for one), since Zipkin's collectors store
   * asynchronously and only count what failed.
   */
  public long spansDropped() {
    return metric(get("/prometheus").body(), "zipkin_collector_spans_dropped_total");
  }

  /**
   * How many messages (POST bodies, Kafka records) the server has received but could not accept,
   * over all transports, since it last started: malformed, or refused by storage. Zipkin 3.6 counts
   * some malformed messages twice (a truncated JSON list, for one): compare with care.
   */
  public long messagesDropped() {
    return metric(get("/prometheus").body(), "zipkin_collector_messages_dropped_total");
  }

  /**
   * The first {@code max} lines of the server's log, over every start so far, that contain
   * {@code text}. Among them, for each batch storage refused, a line
   * {@code Cannot store spans [...] due to <exception>(<message>)}.
   */
  public List<String> logLines(String text, int max) {
    return process.logLines(text, max);
  }

  /**
   * Waits until the trace {@code traceIdHex} has at least {@code minSpans} spans in storage, and
   * returns it as Zipkin's v2 JSON (an array of spans). Polls {@code /api/v2/trace/{traceIdHex}}
   * every 100 ms, since spans are stored asynchronously after they are collected.
   *
   * @throws AssertionError when {@code timeout} passes first; the message shows what was there
   */
  public String trace(String traceIdHex, int minSpans, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpResponse<String> last = null;
    do {
      try {
        last = get("/api/v2/trace/" + traceIdHex);
        if (last.statusCode() == 200 && countElements(last.body()) >= minSpans) return last.body();
      } catch (UncheckedIOException e) {
        // Not up (yet or again): keep trying until the deadline.
      }
      if (process.exitsWithin(POLL_PAUSE)) throw new AssertionError(process + " is not running");
    } while (System.nanoTime() - deadline < 0L);
    throw new AssertionError("Expected trace " + traceIdHex + " to have at least " + minSpans
        + " spans in " + this + " within " + timeout + " but "
        + (last == null ? "the server did not answer" : "it answered " + last.statusCode() + " " + last.body()));
  }

  @Override public String toString() {
    return "ZipkinServer{" + baseUrl() + (kafkaBootstrapServers != null ? ", kafka " + kafkaBootstrapServers : "") + "}";
  }

  /** Stops the server and deletes its directory. For servers from {@link #newBuilder()}; the extension closes its own. */
  @Override public void close() {
    process.close();
  }

  private HttpResponse<String> get(String path) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(REQUEST_TIMEOUT).build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + baseUrl() + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during GET " + baseUrl() + path, e);
    }
  }

  // The HTTP status of GET path, or 0 when the server does not answer.
  private int statusOf(String path) {
    try {
      return get(path).statusCode();
    } catch (UncheckedIOException e) {
      return 0;
    }
  }

  /** The sum of a metric's samples over all label sets, in Prometheus' text format. */
  static long metric(String prometheusText, String name) {
    double sum = 0;
    for (String line : prometheusText.split("\n")) {
      if (!line.startsWith(name)) continue;
      int end = name.length();
      if (line.length() == end || (line.charAt(end) != '{' && line.charAt(end) != ' ')) continue; // a longer name
      sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
    return (long) sum;
  }

  /** How many elements the JSON array {@code json} has; 0 for an empty array. */
  static int countElements(String json) {
    int depth = 0;
    int commas = 0;
    boolean anyElement = false;
    boolean inString = false;
    boolean escaped = false;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      if (c == '"') inString = true;
      if (c == ']' || c == '}') depth--;
      if (depth == 1 && c == ',') commas++;
      if (depth == 1 && c != ',' && c != ']' && !Character.isWhitespace(c)) anyElement = true;
      if (c == '[' || c == '{') depth++;
    }
    return anyElement ? commas + 1 : 0;
  }

  private static String mainClass(Path executableJar) {
    try (JarFile jar = new JarFile(executableJar.toFile())) {
      String main = jar.getManifest().getMainAttributes().getValue(Attributes.Name.MAIN_CLASS);
      if (main == null) throw new IllegalStateException(executableJar + " names no Main-Class: not Zipkin's exec jar");
      return main;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the manifest of " + executableJar, e);
    }
  }
}
