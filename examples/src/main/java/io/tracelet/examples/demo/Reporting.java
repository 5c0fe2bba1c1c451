package io.tracelet.examples.demo;

import io.tracelet.Tracing;
import io.tracelet.propagation.Propagators;
import io.tracelet.slf4j.MdcScopeDecorator;
import io.tracelet.reporter.zipkin.ZipkinReporter;
import java.util.Objects;

/**
 * Where the demo's services send their spans, and the one way each service's {@link Tracing} is
 * built: W3C {@code traceparent} (B3 accepted too), trace and span IDs in the MDC, spans to Zipkin.
 *
 * <p>{@link #httpAndKafka} shows both of the Zipkin reporter's paths: the services that prefer
 * Kafka ({@code orders} and {@code shipping}, which have a broker at hand) publish their spans to
 * the topic {@code zipkin} that Zipkin's Kafka collector reads, the others POST them over HTTP.
 * {@link #http} sends everything over HTTP. Immutable.
 */
public final class Reporting {
  private final String zipkinUrl;
  private final String kafkaBootstrapServers; // null: everything over HTTP

  private Reporting(String zipkinUrl, String kafkaBootstrapServers) {
    this.zipkinUrl = stripTrailingSlash(Objects.requireNonNull(zipkinUrl, "zipkinUrl == null"));
    this.kafkaBootstrapServers = kafkaBootstrapServers;
  }

  /**
   * Services that prefer Kafka report through the broker at {@code kafkaBootstrapServers} (which
   * the Zipkin at {@code zipkinUrl} must collect); the others over HTTP to {@code zipkinUrl}.
   */
  public static Reporting httpAndKafka(String zipkinUrl, String kafkaBootstrapServers) {
    return new Reporting(zipkinUrl, Objects.requireNonNull(kafkaBootstrapServers, "kafkaBootstrapServers == null"));
  }

  /** Every service reports over HTTP to the Zipkin at {@code zipkinUrl}, such as {@code http://127.0.0.1:9411}. */
  public static Reporting http(String zipkinUrl) {
    return new Reporting(zipkinUrl, null);
  }

  /** The Zipkin base URL, without a trailing slash. */
  public String zipkinUrl() {
    return zipkinUrl;
  }

  /** How a service that does or does not prefer Kafka reports, in words. */
  public String describe(boolean prefersKafka) {
    return kafka(prefersKafka)
        ? "through Kafka " + kafkaBootstrapServers + " (topic zipkin)"
        : "over HTTP to " + spansEndpoint();
  }

  /**
   * Starts the service {@code serviceName} with a {@link Tracing} of its own, which the service
   * closes when it stops; closes it here when {@code start} fails.
   */
  <S> S start(String serviceName, boolean prefersKafka, Starter<S> start) throws Exception {
    Tracing tracing = tracing(serviceName, prefersKafka);
    try {
      return start.start(tracing);
    } catch (Exception | Error e) {
      tracing.close();
      throw e;
    }
  }

  /** Starts a service that reports with the given tracing. */
  @FunctionalInterface
  interface Starter<S> {
    S start(Tracing tracing) throws Exception;
  }

  private Tracing tracing(String serviceName, boolean prefersKafka) {
    return Tracing.newBuilder()
        .serviceName(serviceName)
        .localIp("127.0.0.1") // every service of the demo listens on loopback
        .propagator(Propagators.w3cThenB3())
        .addScopeDecorator(MdcScopeDecorator.create())
        .reporter(kafka(prefersKafka)
            ? ZipkinReporter.kafka(kafkaBootstrapServers)
            : ZipkinReporter.http(spansEndpoint()))
        .build();
  }

  private boolean kafka(boolean prefersKafka) {
    return prefersKafka && kafkaBootstrapServers != null;
  }

  private String spansEndpoint() {
    return zipkinUrl + "/api/v2/spans";
  }

  private static String stripTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
