package io.tracelet.examples.scaleout;

import io.tracelet.testing.servers.CassandraNode;
import io.tracelet.testing.servers.KafkaBroker;
import io.tracelet.testing.servers.ZipkinServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The servers of the scale-out pipeline, each in a JVM of its own on 127.0.0.1 with ports from the
 * OS: a Kafka broker whose topics have {@code partitions} partitions, a Cassandra node, a Zipkin
 * for queries and the UI that stores nothing itself, and {@code collectors} Zipkin servers that
 * only collect: one consumer group ({@code zipkin}) on the topic {@code zipkin}, storing into
 * Cassandra. Started by the launchers of {@code tracelet-testing}, which the tests use too.
 *
 * <p>{@link #close()} stops everything; so does the end of this JVM, however it ends. Not
 * thread-safe: one thread starts, kills and stops.
 */
public final class Pipeline implements AutoCloseable {
  /** The keyspace Zipkin's {@code cassandra3} storage creates and writes. */
  public static final String KEYSPACE = "zipkin2";
  /**
   * How often Zipkin's Kafka collector commits the offsets it consumed when not told otherwise:
   * Kafka's {@code auto.commit.interval.ms} default, which Zipkin 3.6.1 leaves as it is.
   */
  public static final Duration KAFKA_COMMIT_INTERVAL = Duration.ofSeconds(5);
  /** The topic the services send to and the collectors read: Zipkin's default. */
  public static final String TOPIC = "zipkin";
  /** The collectors' consumer group: Zipkin's default. */
  public static final String GROUP = "zipkin";

  private final Duration commitInterval;

  private final List<AutoCloseable> started = new ArrayList<>(); // in start order
  private final KafkaBroker kafka;
  private final CassandraNode cassandra;
  private final ZipkinServer query;
  private final List<ZipkinServer> collectors = new ArrayList<>();

  private Pipeline(int partitions, int collectorCount, int streamsPerCollector, Duration commitInterval,
      PrintStream log) {
    this.commitInterval = commitInterval;
    try {
      log.printf("Starting Kafka (topics of %d partitions) ...%n", partitions);
      kafka = started(KafkaBroker.launch(partitions));
      log.printf("  Kafka on %s%n", kafka.bootstrapServers());
      // Now, not at the services' first send: a busy broker can take longer to create it on first
      // use than a send waits for the topic's metadata (5 s), and the first batches are dropped.
      createTopic(kafka.bootstrapServers(), partitions);
      log.println("Starting Cassandra ...");
      cassandra = started(CassandraNode.launch());
      log.printf("  Cassandra on %s%n", cassandra.contactPoint());
      // First and alone: it creates Zipkin's keyspace, which the collectors then find.
      log.println("Starting the Zipkin query server (creates the keyspace " + KEYSPACE + ") ...");
      query = started(ZipkinServer.newBuilder().cassandra(cassandra.contactPoint()).launch());
      log.printf("  Zipkin UI and API on %s/zipkin/%n", query.baseUrl());
      for (int i = 0; i < collectorCount; i++) {
        log.printf("Starting Zipkin collector %d (Kafka consumer group zipkin, %d thread(s), offsets committed every"
            + " %d ms) ...%n", i, streamsPerCollector, commitInterval.toMillis());
        ZipkinServer.Builder builder = ZipkinServer.newBuilder().kafka(kafka.bootstrapServers())
            .kafkaStreams(streamsPerCollector).cassandra(cassandra.contactPoint()).collectorOnly();
        if (!commitInterval.equals(KAFKA_COMMIT_INTERVAL)) {
          builder.kafkaOverride("auto.commit.interval.ms", Long.toString(commitInterval.toMillis()));
        }
        ZipkinServer collector = started(builder.launch());
        collectors.add(collector);
        log.printf("  collector %d on %s (/prometheus)%n", i, collector.baseUrl());
      }
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /**
   * Starts every server, one after the other (about 1.5 minutes on two cores), and returns once
   * all are ready. Consumer threads: the partitions spread over the collectors, at least one each.
   * The collectors commit the offsets they consumed every {@code commitInterval} (Kafka's
   * auto-commit, {@code auto.commit.interval.ms}; {@link #KAFKA_COMMIT_INTERVAL} is Zipkin's).
   *
   * @throws IllegalStateException when one fails to start; what started is stopped again
   */
  public static Pipeline start(int partitions, int collectors, Duration commitInterval, PrintStream log) {
    Objects.requireNonNull(commitInterval, "commitInterval == null");
    if (commitInterval.toMillis() < 1) throw new IllegalArgumentException("commitInterval below 1 ms: " + commitInterval);
    int streams = Math.max(1, (partitions + collectors - 1) / collectors);
    return new Pipeline(partitions, collectors, streams, commitInterval, log);
  }

  /** How often the collectors commit the offsets they consumed. */
  public Duration commitInterval() {
    return commitInterval;
  }

  private static void createTopic(String bootstrapServers, int partitions) {
    try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, partitions, (short) 1))).all().get(1, TimeUnit.MINUTES);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not create the topic " + TOPIC + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the topic " + TOPIC, e);
    }
  }

  private <T extends AutoCloseable> T started(T server) {
    started.add(server);
    return server;
  }

  /** The broker, for the services' {@code ZipkinReporter.kafka(...)}. */
  public KafkaBroker kafka() {
    return kafka;
  }

  /** The Cassandra node the collectors store into. */
  public CassandraNode cassandra() {
    return cassandra;
  }

  /** The Zipkin that serves the API and UI (reading Cassandra). */
  public ZipkinServer query() {
    return query;
  }

  /** The collector-only Zipkin servers, in start order. */
  public List<ZipkinServer> collectors() {
    return List.copyOf(collectors);
  }

  /** Stops everything, last started first, and deletes their data. */
  @Override public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        System.err.println("Stopping " + started.get(i) + " failed: " + e);
      }
    }
    started.clear();
  }
}
