package io.tracelet.examples.demo;

import io.tracelet.testing.servers.KafkaBroker;
import io.tracelet.testing.servers.PrometheusServer;
import io.tracelet.testing.servers.ZipkinServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * The servers of {@code demo.sh}, started by the same launchers as the tests
 * ({@code tracelet-testing}), so that the script repeats none of their settings: a Kafka broker
 * and, unless {@code --no-zipkin}, a Zipkin server that collects the broker's topic {@code zipkin}
 * as well as HTTP, on the port given if it is free (any free one otherwise). Prints
 * {@code kafka=HOST:PORT}, {@code zipkin=URL} and then {@code ready}, and keeps them running until
 * this JVM is stopped (SIGTERM or Ctrl-C stops them with it).
 *
 * <p>With {@code --prometheus-port}, also a Prometheus server ({@code prometheus} from the PATH) that
 * scrapes the four services' {@code /metrics} on ports it chooses, prints as
 * {@code metrics_ports=P,P,P,P} (in the order of {@link Shop#SERVICES}), with Tracelet's rules
 * ({@code tracelet-rules.yml} of {@code tracelet-micrometer}) made quick for a short demo: every
 * {@code for:} 5 s, and 3 calls enough instead of 10. Its external label {@code zipkin_url} (the
 * Zipkin's URL, or {@code --zipkin-url}) makes the rules' Zipkin links whole. Prints
 * {@code prometheus=URL}.
 *
 * <pre>
 * java io.tracelet.examples.demo.DemoServers [--zipkin-port 9411 | --no-zipkin --zipkin-url URL]
 *     [--prometheus-port 9090]
 * </pre>
 */
public final class DemoServers {
  private DemoServers() {
  }

  /** Starts the servers, prints where they are, and runs until this JVM is stopped. */
  public static void main(String[] args) throws Exception {
    int zipkinPort = 0;
    boolean zipkin = true;
    String zipkinUrl = "";
    Integer prometheusPort = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--zipkin-port" -> zipkinPort = Integer.parseInt(args[++i]);
        case "--no-zipkin" -> zipkin = false;
        case "--zipkin-url" -> zipkinUrl = args[++i];
        case "--prometheus-port" -> prometheusPort = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
    }
    KafkaBroker kafka = KafkaBroker.launch(1);
    System.out.println("kafka=" + kafka.bootstrapServers());
    if (zipkin) {
      ZipkinServer server = ZipkinServer.newBuilder().kafka(kafka.bootstrapServers())
          .port(FreePorts.choose(zipkinPort)[0]).launch();
      zipkinUrl = server.baseUrl();
      System.out.println("zipkin=" + zipkinUrl);
    }
    if (prometheusPort != null) {
      int[] metricsPorts = FreePorts.choose(0, 0, 0, 0);
      PrometheusServer prometheus = PrometheusServer.newBuilder().port(FreePorts.choose(prometheusPort)[0])
          .externalLabel("zipkin_url", zipkinUrl.endsWith("/") ? zipkinUrl.substring(0, zipkinUrl.length() - 1) : zipkinUrl)
          .launch();
      List<String> targets = new ArrayList<>();
      for (int port : metricsPorts) targets.add("127.0.0.1:" + port);
      prometheus.addTargets("tracelet-demo", targets, "/metrics");
      prometheus.rules("tracelet", quickRules());
      System.out.println("metrics_ports=" + Arrays.stream(metricsPorts).mapToObj(Integer::toString)
          .collect(Collectors.joining(",")));
      System.out.println("prometheus=" + prometheus.baseUrl());
    }
    System.out.println("ready");
    new CountDownLatch(1).await(); // the launchers' shutdown hooks stop the servers with this JVM
  }

  /** Tracelet's rules with every {@code for:} at 5 s and 3 calls enough, for a demo of a few purchases. */
  static String quickRules() throws IOException {
    try (InputStream in = DemoServers.class.getResourceAsStream("/io/tracelet/micrometer/tracelet-rules.yml")) {
      if (in == null) throw new IllegalStateException("tracelet-rules.yml is not on the classpath (tracelet-micrometer)");
      String rules = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      String quick = rules.replaceAll("(?m)^(\\s+for: )\\S+$", "$15s").replace(">= 10", ">= 3");
      if (quick.contains(">= 10") || quick.contains("for: 5m")) throw new IllegalStateException("rules not as expected");
      return quick;
    }
  }
}
