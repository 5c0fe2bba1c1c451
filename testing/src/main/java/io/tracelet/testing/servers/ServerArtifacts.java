package io.tracelet.testing.servers;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the Zipkin server, the Kafka broker and Cassandra are: each one's classpath is listed in a
 * file (entries separated as in a Java classpath) that a system property names. In this repository
 * the modules {@code testing/servers} (Zipkin, Kafka) and {@code testing/cassandra} write the files
 * and the root pom hands their paths to surefire.
 */
final class ServerArtifacts {
  static final String ZIPKIN_SERVER = "tracelet.zipkin-server.classpath";
  static final String KAFKA_BROKER = "tracelet.kafka-broker.classpath";
  static final String CASSANDRA = "tracelet.cassandra.classpath";

  private ServerArtifacts() {
  }

  /** The Zipkin server's executable jar, alone. */
  static List<Path> zipkinServer() {
    return classpath(ZIPKIN_SERVER, System.getProperty(ZIPKIN_SERVER));
  }

  /** The jars of the Kafka broker and its logger. */
  static List<Path> kafkaBroker() {
    return classpath(KAFKA_BROKER, System.getProperty(KAFKA_BROKER));
  }

  /** The jars of Cassandra and its dependencies, logging included. */
  static List<Path> cassandra() {
    return classpath(CASSANDRA, System.getProperty(CASSANDRA));
  }

  /**
   * The entries of the classpath file {@code file}, named by the system property {@code property};
   * each one checked to exist.
   *
   * @throws IllegalStateException saying what is missing and how to get it
   */
  static List<Path> classpath(String property, String file) {
    String module = CASSANDRA.equals(property) ? "testing/cassandra" : "testing/servers";
    String artifact = CASSANDRA.equals(property) ? "tracelet-test-cassandra" : "tracelet-test-servers";
    String howToGet = " In the Tracelet build, the module " + module + " writes it: build that module"
        + " (mvn -pl " + module + " install), and give the module whose tests need it a test"
        + " dependency on io.tracelet:" + artifact + " of type pom (see testing/README.md)."
        + " Elsewhere, set the system property " + property + " to a file listing the classpath.";
    if (file == null || file.isBlank()) {
      throw new IllegalStateException("The system property " + property + " is not set: it names"
          + " the file that lists the classpath of the server to start." + howToGet);
    }
    Path listing = Path.of(file);
    if (!Files.isRegularFile(listing)) {
      throw new IllegalStateException("The classpath file " + listing + " (system property "
          + property + ") does not exist." + howToGet);
    }
    String text;
    try {
      text = Files.readString(listing, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the classpath file " + listing, e);
    }
    List<Path> entries = new ArrayList<>();
    for (String entry : text.split(File.pathSeparator)) {
      if (entry.isBlank()) continue;
      Path path = Path.of(entry.strip());
      if (!Files.exists(path)) {
        throw new IllegalStateException("The classpath file " + listing + " lists " + path
            + ", which does not exist (was the Maven repository cleaned?)." + howToGet);
      }
      entries.add(path);
    }
    if (entries.isEmpty()) {
      throw new IllegalStateException("The classpath file " + listing + " is empty." + howToGet);
    }
    return entries;
  }
}
