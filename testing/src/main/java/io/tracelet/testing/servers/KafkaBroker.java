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
 * fresh log directory) listening on 127.0.0.1, as {@link KafkaBrokerExtension} hands it to tests,
 * or as {@link #launch(int)} starts it for a program of its own. Topics are created on first use,
 * with one partition (or the number given to {@link #launch(int)}).
 *
 * <p>One broker serves every test of the test JVM: use topic names or consumer groups of your own
 * where tests could see each other's records. The topic {@code zipkin} belongs to the Zipkin
 * server that {@link ZipkinServerExtension} wires to this broker. {@link #stop()} and
 * {@link #start()} simulate an outage of the broker and its return on the same port, with the
 * records and topics it had; the extension starts a stopped broker again before handing it to the
 * next test.
 *
 * <p>Thread-safe.
 */
public final class KafkaBroker implements AutoCloseable {
  private static final Duration FORMAT_TIMEOUT = Duration.ofMinutes(1);
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  private static final List<String> JVM_OPTIONS =
      List.of("-Xms256m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private final JavaProcess process;
  private final int port;
  private final List<String> startArgs;

  private KafkaBroker(JavaProcess process, int port, List<String> startArgs) {
    this.process = process;
    this.port = port;
    this.startArgs = startArgs;
  }

  /**
   * Starts a broker of its own for a program that is not a JUnit test (the extension shares one
   * broker per test JVM), on free ports of 127.0.0.1, with a fresh log directory; returns once it
   * serves. Its JVM ends with the caller's, however that ends; {@link #close()} stops it sooner.
   *
   * @param partitions how many partitions each topic gets when it is created on first use
   * @throws IllegalStateException when it does not start within 2 minutes; the message quotes its
   *     output
   */
  public static KafkaBroker launch(int partitions) {
    if (partitions < 1) throw new IllegalArgumentException("partitions must be at least 1, not " + partitions);
    List<Path> classpath = ServerArtifacts.kafkaBroker();
    int[] ports = Loopback.freePorts(2);
    int port = ports[0];
    JavaProcess process = new JavaProcess("Kafka broker on " + Loopback.HOST + ":" + port, classpath,
        JVM_OPTIONS, Map.of());
    KafkaBroker broker;
    try {
      Path config = process.directory().resolve("server.properties");
      writeConfig(config, port, ports[1], process.directory().resolve("data"), partitions);
      process.run("kafka.tools.StorageTool",
          List.of("format", "-t", clusterId(), "-c", config.toString()), FORMAT_TIMEOUT);
      broker = new KafkaBroker(process, port, List.of(config.toString()));
      broker.start();
    } catch (RuntimeException | Error e) {
      process.close();
      throw e;
    }
    return broker;
  }

  /** For a client's {@code bootstrap.servers}: for example {@code 127.0.0.1:39092}. */
  public String bootstrapServers() {
    return Loopback.HOST + ":" + port;
  }

  /** True between {@link #start()} and {@link #stop()}. */
  public boolean isRunning() {
    return process.isRunning();
  }

  /**
   * Stops the broker cleanly (SIGTERM) and returns once its JVM has exited, so its port refuses
   * connections. Its log directory stays. Does nothing when it is stopped already.
   */
  public synchronized void stop() {
    process.stop();
  }

  /**
   * Starts the broker again on the same port, with the topics and records it had, and returns once
   * it serves. Does nothing when it is running.
   *
   * @throws IllegalStateException when it fails to start within 2 minutes, or the port was taken
   *     meanwhile; the message quotes the broker's output
   */
  public synchronized void start() {
    if (process.isRunning()) return;
    process.start("kafka.Kafka", startArgs, "Kafka Server started", START_TIMEOUT);
    if (!Loopback.isAccepting(port)) {
      process.stop();
      throw process.failure("says it started but refuses connections");
    }
  }

  /** The CPU time the broker's JVM has used since it last started. */
  public Duration cpuTime() {
    return process.cpuTime();
  }

  @Override public String toString() {
    return "KafkaBroker{" + bootstrapServers() + "}";
  }

  /**
   * Stops the broker and deletes its log directory. For brokers from {@link #launch(int)}; the
   * extension closes its own.
   */
  @Override public void close() {
    process.close();
  }

  private static void writeConfig(Path file, int port, int controllerPort, Path logDir, int partitions) {
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
    config.setProperty("num.partitions", Integer.toString(partitions));
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
