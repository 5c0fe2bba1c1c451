package io.tracelet.testing.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Apache Cassandra node ({@code org.apache.cassandra:cassandra-all}, one node, data center
 * {@code datacenter1}) in its own JVM, listening on 127.0.0.1 only, on ports the OS reported free,
 * with a fresh data directory that {@link #close()} deletes. It is Zipkin's {@code cassandra3}
 * storage in the scale-out pipeline: Zipkin creates its keyspace on first start (SASI indexes, which
 * Zipkin's schema uses, are enabled here).
 *
 * <p>Its heap is small (512 MB) and it runs with the JVM options Cassandra 5 needs on JDK 17+. Ready
 * in about 15 to 30 seconds on two cores; its JVM ends with the caller's, however that ends.
 *
 * <p>Thread-safe.
 */
public final class CassandraNode implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration POLL_PAUSE = Duration.ofMillis(100);
  private static final String MAIN_CLASS = "org.apache.cassandra.service.CassandraDaemon";
  /** The data center a single node with Cassandra's SimpleSnitch is in: Zipkin's {@code CASSANDRA_LOCAL_DC}. */
  public static final String DATA_CENTER = "datacenter1";
  private static final String CONFIG = "cassandra.yaml";
  private static final String LOGBACK_CONFIG = "logback.xml";
  private static final String DATA = "data";

  private final JavaProcess process;
  private final int nativePort;

  private CassandraNode(JavaProcess process, int nativePort) {
    this.process = process;
    this.nativePort = nativePort;
  }

  /**
   * Writes a configuration on free ports of 127.0.0.1 and a fresh data directory, starts the node
   * and returns once it accepts CQL clients.
   *
   * @throws IllegalStateException when it does not start within 3 minutes; the message quotes its
   *     output
   */
  public static CassandraNode launch() {
    List<Path> classpath = ServerArtifacts.cassandra();
    int[] ports = Loopback.freePorts(3); // CQL, storage (gossip), storage over TLS (unused, but bound)
    JavaProcess process = new JavaProcess("Cassandra on " + Loopback.HOST + ":" + ports[0], classpath,
        CassandraNode::jvmOptions, Map.of());
    try {
      Path directory = process.directory();
      writeConfig(directory.resolve(CONFIG), directory.resolve(DATA), ports);
      Files.writeString(directory.resolve(LOGBACK_CONFIG), LOGBACK, StandardCharsets.UTF_8);
      CassandraNode node = new CassandraNode(process, ports[0]);
      node.start();
      return node;
    } catch (IOException e) {
      process.close();
      throw new UncheckedIOException("cannot write Cassandra's configuration", e);
    } catch (RuntimeException | Error e) {
      process.close();
      throw e;
    }
  }

  /** For a client's contact points, such as Zipkin's {@code CASSANDRA_CONTACT_POINTS}: {@code 127.0.0.1:PORT}. */
  public String contactPoint() {
    return Loopback.HOST + ":" + nativePort;
  }

  /** True between {@link #start()} (or launch) and {@link #stop()}. */
  public boolean isRunning() {
    return process.isRunning();
  }

  /** The CPU time the node's JVM has used so far. */
  public Duration cpuTime() {
    return process.cpuTime();
  }

  /**
   * Starts the node again after {@link #stop()}, on the same ports with the data it had, and
   * returns once it accepts CQL clients. Does nothing when it is running.
   *
   * @throws IllegalStateException when it does not start within 3 minutes; the message quotes its
   *     output
   */
  public synchronized void start() {
    if (process.isRunning()) return;
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    // Cassandra prints this line just before it binds the port: wait for the port as well.
    process.start(MAIN_CLASS, List.of(), "Starting listening for CQL clients", START_TIMEOUT);
    while (!Loopback.isAccepting(nativePort)) {
      if (process.exitsWithin(POLL_PAUSE)) throw process.failure("exited before it accepted CQL clients");
      if (System.nanoTime() - deadline > 0L) {
        process.stop();
        throw process.failure("did not accept CQL clients within " + START_TIMEOUT);
      }
    }
  }

  /**
   * Stops the node (SIGTERM: Cassandra drains, flushing every memtable to disk) and returns once it
   * has exited. Its data stay until {@link #close()}, so {@link #bytesOnDisk(String)} can measure
   * them.
   */
  public synchronized void stop() {
    process.stop();
  }

  /**
   * The bytes of the files of {@code keyspace} on disk (its tables' SSTables and indexes), without
   * the commit log. Data still in memtables is not counted: {@link #stop()} first flushes it.
   */
  public long bytesOnDisk(String keyspace) {
    Path dir = process.directory().resolve(DATA).resolve("data").resolve(keyspace);
    if (!Files.isDirectory(dir)) return 0L;
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(file -> {
        try {
          return Files.size(file);
        } catch (IOException e) {
          return 0L; // deleted by compaction meanwhile
        }
      }).sum();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot measure " + dir, e);
    }
  }

  /**
   * The first {@code max} lines of the node's log, over every start so far, that contain
   * {@code text}; for one, Cassandra's {@code messages were dropped} lines, which count the writes
   * and reads it gave up on after they waited past their timeout.
   */
  public List<String> logLines(String text, int max) {
    return process.logLines(text, max);
  }

  /** Stops the node and deletes its data. */
  @Override public void close() {
    process.close();
  }

  @Override public String toString() {
    return "CassandraNode{" + contactPoint() + "}";
  }

  // What Cassandra 5's conf/jvm17-server.options asks of JDK 17 and later (module access for its
  // off-heap memory, JMX and bytecode tools), plus a small heap and serial GC for a test node.
  private static List<String> jvmOptions(Path directory) {
    List<String> options = new ArrayList<>(List.of(
        "-Dcassandra.config=" + directory.resolve(CONFIG).toUri(),
        "-Dcassandra.storagedir=" + directory.resolve(DATA),
        "-Dlogback.configurationFile=" + directory.resolve(LOGBACK_CONFIG),
        // Full JIT, unlike the other test servers: C1 alone more than halves Cassandra's write rate.
        "-Xms256m", "-Xmx512m", "-Xss256k", "-XX:+UseSerialGC",
        "-Dcassandra-foreground=yes",
        "-Dcassandra.skip_wait_for_gossip_to_settle=0",
        "-Dcassandra.ring_delay_ms=100",
        "-Dcassandra.superuser_setup_delay_ms=0",
        "-Djdk.attach.allowAttachSelf=true",
        "-Dio.netty.tryReflectionSetAccessible=true"));
    for (String export : List.of("java.base/jdk.internal.misc", "java.management.rmi/com.sun.jmx.remote.internal.rmi",
        "java.rmi/sun.rmi.registry", "java.rmi/sun.rmi.server", "java.sql/java.sql", "java.base/java.lang.ref",
        "jdk.unsupported/sun.misc", "jdk.compiler/com.sun.tools.javac.file", "jdk.attach/sun.tools.attach")) {
      options.add("--add-exports=" + export + "=ALL-UNNAMED");
    }
    for (String open : List.of("java.base/java.lang.module", "java.base/jdk.internal.loader",
        "java.base/jdk.internal.ref", "java.base/jdk.internal.reflect", "java.base/jdk.internal.math",
        "java.base/jdk.internal.module", "java.base/jdk.internal.util.jar", "jdk.management/com.sun.management.internal",
        "java.base/sun.nio.ch", "java.base/java.io", "java.base/java.lang.reflect", "jdk.compiler/com.sun.tools.javac",
        "java.base/java.lang", "java.base/java.util", "java.base/java.nio", "java.base/java.util.concurrent",
        "java.base/java.util.concurrent.atomic", "java.base/java.math", "java.base/java.net")) {
      options.add("--add-opens=" + open + "=ALL-UNNAMED");
    }
    return options;
  }

  private static void writeConfig(Path file, Path data, int[] ports) throws IOException {
    String host = Loopback.HOST;
    String yaml = String.join("\n",
        "# A one-node Cassandra on loopback, written by tracelet-testing",
        "cluster_name: tracelet",
        "num_tokens: 1",
        "initial_token: 0",
        "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
        "endpoint_snitch: SimpleSnitch",
        "listen_address: " + host,
        "rpc_address: " + host,
        "native_transport_port: " + ports[0],
        "storage_port: " + ports[1],
        "ssl_storage_port: " + ports[2],
        "start_native_transport: true",
        "seed_provider:",
        "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
        "    parameters:",
        "      - seeds: \"" + host + ":" + ports[1] + "\"",
        "data_file_directories:",
        "  - " + data.resolve("data"),
        "commitlog_directory: " + data.resolve("commitlog"),
        "saved_caches_directory: " + data.resolve("saved_caches"),
        "hints_directory: " + data.resolve("hints"),
        "cdc_raw_directory: " + data.resolve("cdc_raw"),
        "commitlog_sync: periodic",
        "commitlog_sync_period: 10000ms",
        "commitlog_segment_size: 8MiB",
        "auto_snapshot: false",
        "sasi_indexes_enabled: true",
        "memtable_heap_space: 64MiB",
        "memtable_offheap_space: 64MiB",
        "concurrent_reads: 8",
        "concurrent_writes: 8",
        "concurrent_counter_writes: 8",
        // Cassandra's defaults (2 s for a write, 5 s for a read) are for a cluster with cores to
        // spare; a node sharing two cores with a Kafka broker and three Zipkin JVMs can queue a
        // write longer, then drops it, and Zipkin drops the batch with it (it does not retry).
        "write_request_timeout: 10000ms",
        "counter_write_request_timeout: 10000ms",
        "read_request_timeout: 10000ms",
        "");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
  }

  // Cassandra logs through Logback; its jar has no configuration, and Logback's default is DEBUG.
  private static final String LOGBACK = String.join("\n",
      "<configuration>",
      "  <appender name=\"STDOUT\" class=\"ch.qos.logback.core.ConsoleAppender\">",
      "    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder>",
      "  </appender>",
      "  <root level=\"INFO\"><appender-ref ref=\"STDOUT\"/></root>",
      "</configuration>",
      "");
}
