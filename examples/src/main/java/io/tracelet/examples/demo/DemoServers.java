package io.tracelet.examples.demo;

import io.tracelet.testing.servers.KafkaBroker;
import io.tracelet.testing.servers.ZipkinServer;
import java.util.concurrent.CountDownLatch;

/**
 * The servers of {@code demo.sh}, started by the same launchers as the tests
 * ({@code tracelet-testing}), so that the script repeats none of their settings: a Kafka broker
 * and, unless {@code --no-zipkin}, a Zipkin server that collects the broker's topic {@code zipkin}
 * as well as HTTP, on the port given if it is free (any free one otherwise). Prints
 * {@code kafka=HOST:PORT}, {@code zipkin=URL} and then {@code ready}, and keeps them running until
 * this JVM is stopped (SIGTERM or Ctrl-C stops them with it).
 *
 * <pre>
 * java io.tracelet.examples.demo.DemoServers [--zipkin-port 9411 | --no-zipkin]
 * </pre>
 */
public final class DemoServers {
  private DemoServers() {
  }

  /** Starts the servers, prints where they are, and runs until this JVM is stopped. */
  public static void main(String[] args) throws Exception {
    int zipkinPort = 0;
    boolean zipkin = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--zipkin-port" -> zipkinPort = Integer.parseInt(args[++i]);
        case "--no-zipkin" -> zipkin = false;
        default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
    }
    KafkaBroker kafka = KafkaBroker.launch(1);
    System.out.println("kafka=" + kafka.bootstrapServers());
    if (zipkin) {
      ZipkinServer server = ZipkinServer.newBuilder().kafka(kafka.bootstrapServers())
          .port(FreePorts.choose(zipkinPort)[0]).launch();
      System.out.println("zipkin=" + server.baseUrl());
    }
    System.out.println("ready");
    new CountDownLatch(1).await(); // the launchers' shutdown hooks stop the servers with this JVM
  }
}
