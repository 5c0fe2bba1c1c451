package io.tracelet.examples.demo;

import io.tracelet.KeepPolicy;
import io.tracelet.Sampler;
import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import io.tracelet.propagation.Propagators;
import io.tracelet.slf4j.MdcScopeDecorator;
import io.tracelet.reporter.zipkin.ZipkinReporter;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the demo's services send their spans, and the one way each service's {@link Tracing} is
 * built: W3C {@code traceparent} (B3 accepted too), trace and span IDs in the MDC, head sampling
 * by probability, spans to Zipkin.
 *
 * <p>With a sample rate below 1 every service also gets the same {@link KeepPolicy}: it keeps its
 * part of a trace head sampling said no to when a span of it failed, when its local root took
 * longer than {@link #KEEP_SLOWER_THAN} (below the far warehouse's 1.2 s), or when a service it
 * called kept the trace (the W3C {@code server-timing} answer).
 *
 * <p>{@link #httpAndKafka} shows both of the Zipkin reporter's paths: the services that prefer
 * Kafka ({@code orders} and {@code shipping}, which have a broker at hand) publish their spans to
 * the topic {@code zipkin} that Zipkin's Kafka collector reads, the others POST them over HTTP.
 * {@link #http} sends everything over HTTP. With {@link #withSignals} every service also counts its
 * spans in span metrics, served on {@code /metrics} ({@link DemoSignals}). Immutable (the signals it
 * hands on are thread-safe).
 */
public final class Reporting {
  /** The keep policy's threshold for a slow local root, when the sample rate is below 1. */
  public static final Duration KEEP_SLOWER_THAN = Duration.ofSeconds(1);

  private final String zipkinUrl;
  private final String kafkaBootstrapServers; // null: everything over HTTP
  private final double sampleRate;
  private final Sampler sampler;
  private final DemoSignals signals; // null: no span metrics

  private Reporting(String zipkinUrl, String kafkaBootstrapServers, double sampleRate, DemoSignals signals) {
    this.zipkinUrl = stripTrailingSlash(Objects.requireNonNull(zipkinUrl, "zipkinUrl == null"));
    this.kafkaBootstrapServers = kafkaBootstrapServers;
    this.sampler = Sampler.probability(sampleRate); // refuses a rate outside [0, 1]
    this.sampleRate = sampleRate;
    this.signals = signals;
  }

  /**
   * Services that prefer Kafka report through the broker at {@code kafkaBootstrapServers} (which
   * the Zipkin at {@code zipkinUrl} must collect); the others over HTTP to {@code zipkinUrl}.
   */
  public static Reporting httpAndKafka(String zipkinUrl, String kafkaBootstrapServers) {
    return new Reporting(zipkinUrl, Objects.requireNonNull(kafkaBootstrapServers, "kafkaBootstrapServers == null"), 1,
        null);
  }

  /** Every service reports over HTTP to the Zipkin at {@code zipkinUrl}, such as {@code http://127.0.0.1:9411}. */
  public static Reporting http(String zipkinUrl) {
    return new Reporting(zipkinUrl, null, 1, null);
  }

  /**
   * The same reporting, with head sampling at {@code rate} (1 records every trace, the default)
   * and, below 1, the keep policy.
   *
   * @throws IllegalArgumentException when {@code rate} is outside [0, 1]
   */
  public Reporting sampled(double rate) {
    return new Reporting(zipkinUrl, kafkaBootstrapServers, rate, signals);
  }

  /** The same reporting, and every service counts its spans in span metrics that {@code signals} serves. */
  Reporting withSignals(DemoSignals signals) {
    return new Reporting(zipkinUrl, kafkaBootstrapServers, sampleRate, Objects.requireNonNull(signals, "signals == null"));
  }

  /** The head sampling probability, from 0 to 1. */
  public double sampleRate() {
    return sampleRate;
  }

  /** True when the services have a keep policy: the sample rate is below 1. */
  public boolean keeps() {
    return sampleRate < 1;
  }

  /**
   * Whether head sampling records the trace {@code traceIdHex} (32 or 16 hex digits): the
   * probability sampler decides from the trace ID alone, so every service, and this, agree.
   */
  public boolean headSampled(String traceIdHex) {
    long low = Long.parseUnsignedLong(traceIdHex.substring(traceIdHex.length() - 16), 16);
    return sampler.isSampled(low, "", SpanKind.SERVER);
  }

  /** How traces are sampled and kept, in words. */
  public String describeSampling() {
    if (!keeps()) return "every trace is recorded (sample rate 1)";
    return "head sampling records " + (sampleRate == 0 ? "no trace" : "a trace with probability " + sampleRate)
        + "; the keep policy keeps the rest where they failed, took longer than "
        + KEEP_SLOWER_THAN.toMillis() + " ms, or a service called kept them";
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
    Tracing.Builder builder = Tracing.newBuilder()
        .serviceName(serviceName)
        .localIp("127.0.0.1") // every service of the demo listens on loopback
        .propagator(Propagators.w3cThenB3())
        .addScopeDecorator(MdcScopeDecorator.create())
        .sampler(sampler);
    if (keeps()) {
      builder.keepPolicy(KeepPolicy.newBuilder().keepErrors().keepSlowerThan(KEEP_SLOWER_THAN).build());
    }
    if (signals != null) builder.spanMetrics(signals.spanMetrics());
    Tracing tracing = builder
        .reporter(kafka(prefersKafka)
            ? ZipkinReporter.kafka(kafkaBootstrapServers)
            : ZipkinReporter.http(spansEndpoint()))
        .build();
    if (signals != null) {
      try {
        signals.serve(serviceName, tracing);
      } catch (RuntimeException e) {
        tracing.close();
        throw e;
      }
    }
    return tracing;
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
