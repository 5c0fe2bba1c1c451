package io.tracelet.testing.servers;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A real Kafka broker (one KRaft node that is both broker and controller, in its own JVM, with a
 * fresh log directory) listening on 127.0.0.1, as {@link KafkaBrokerExtension} hands it to tests.
 * Topics are created on first use, with one partition.
 *
 * <p>One broker serves every test of the test JVM: use topic names or consumer groups of your own
 * where tests could see each other's records. The topic {@code zipkin} belongs to the Zipkin
 * server that {@link ZipkinServerExtension} wires to this broker.
 *
 * <p>Immutable and thread-safe.
 */
public final class KafkaBroker {
  private static final Duration FORMAT_TIMEOUT = Duration.ofMinutes(1);
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  private static final List<String> JVM_OPTIONS =
      List.of("-Xms256m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private final JavaProcess process;
  private final int port;

  private KafkaBroker(JavaProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Formats a fresh log directory and starts a broker on free ports; returns once it serves. */
  static KafkaBroker start() {
    List<Path> classpath = ServerArtifacts.kafkaBroker();
    int[] ports = Loopback.freePorts(2);
    int port = ports[0];
    JavaProcess process = new JavaProcess("Kafka broker on " + Loopback.HOST + ":" + port, classpath,
        JVM_OPTIONS, Map.of());
    try {
      Path config = process.directory().resolve("server.properties");
      writeConfig(config, port, ports[1], process.directory().resolve("data"));
      process.run("kafka.tools.StorageTool",
          List.of("format", "-t", clusterId(), "-c", config.toString()), FORMAT_TIMEOUT);
      process.start("kafka.Kafka", List.of(config.toString()), "Kafka Server started", START_TIMEOUT);
      if (!Loopback.isAccepting(port)) throw process.failure("says it started but refuses connections");
    } catch (RuntimeException | Error e) {
      process.close();
      throw e;
    }
    return new KafkaBroker(process, port);
  }

  /** For a client's {@code bootstrap.servers}: for example {@code 127.0.0.1:39092}. */
  public String bootstrapServers() {
    return Loopback.HOST + ":" + port;
  }

  @Override public String toString() {
    return "KafkaBroker{" + bootstrapServers() + "}";
  }

  void close() {
    process.close();
  }

  private static void writeConfig(Path file, int port, int controllerPort, Path logDir) {
    Properties config = new Properties();
    config.setProperty("process.roles", "broker,controller");
    config.setProperty("node.id", "1");
    config.setProperty("controller.quorum.voters", "1@" + Loopback.HOST + ":" + controllerPort);
    config.setProperty("listeners",
        "PLAINTEXT://" + Loopback.HOST + ":" + port + ",CONTROLLER://" + Loopback.HOST + ":" + controllerPort);
    config.setProperty("advertised.listeners", "PLAINTEXT://" + Loopback.HOST + ":" + port);
    config.setProperty("controller.listener.names", "CONTROLLER");
    config.setProperty("inter.broker.listener.name", "PLAINTEXT");
    config.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    config.setProperty("log.dirs", logDir.toString());
    config.setProperty("auto.create.topics.enable", "true");
    config.setProperty("num.partitions", "1");
    // One node: every internal topic has one replica, and one partition, which is quick to create.
    for (String topic : List.of("offsets.topic", "transaction.state.log", "share.coordinator.state.topic")) {
      config.setProperty(topic + ".replication.factor", "1");
      config.setProperty(topic + ".num.partitions", "1");
    }
    config.setProperty("transaction.state.log.min.isr", "1");
    config.setProperty("share.coordinator.state.topic.min.isr", "1");
    config.setProperty("group.initial.rebalance.delay.ms", "0");
    try (OutputStream out = Files.newOutputStream(file)) {
      config.store(out, "A one-node test broker written by tracelet-testing");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  // What StorageTool's random-uuid prints: 16 random bytes in URL-safe base64, never starting with
  // '-' (a command line would read it as an option). Made here to save launching a JVM for it.
  private static String clusterId() {
    byte[] bytes = new byte[16];
    String id;
    do {
      ThreadLocalRandom.current().nextBytes(bytes);
      id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    } while (id.startsWith("-"));
    return id;
  }
}
