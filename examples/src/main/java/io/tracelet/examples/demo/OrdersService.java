package io.tracelet.examples.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tracelet.Tracer;
import io.tracelet.Tracing;
import io.tracelet.TracingCounters;
import io.tracelet.kafka.KafkaTracing;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code orders} service: {@code POST /orders} (form fields {@code item}, {@code card},
 * {@code cents}) charges the card, then publishes the order to the Kafka topic {@link #TOPIC}
 * with the traced producer, and answers 201 with the order's ID. The card
 * {@link #DECLINED_CARD} is declined: 402, with the exception recorded on the spans. JDK HTTP
 * server, traced by {@link io.tracelet.httpserver.TracingFilter}.
 */
final class OrdersService implements AutoCloseable {
  /** Where placed orders go; {@link ShippingService} reads them. */
  static final String TOPIC = "orders";
  /** The card the payment provider declines (the number card networks keep for that test). */
  static final String DECLINED_CARD = "4000000000000002";

  static final String NAME = "orders";

  private static final Logger LOG = LoggerFactory.getLogger(NAME);
  private static final Duration CHARGE_TIME = Duration.ofMillis(40);
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

  private final Tracing tracing;
  private final Tracer tracer;
  private final Producer<String, String> producer;
  private final ExecutorService executor;
  private final HttpServer server;
  private final AtomicInteger orderNumbers = new AtomicInteger();

  private OrdersService(Tracing tracing, String kafkaBootstrapServers) throws IOException {
    this.tracing = tracing;
    this.tracer = tracing.tracer();
    this.producer = KafkaTracing.create(tracing).producer(new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrapServers,
        ProducerConfig.CLIENT_ID_CONFIG, "orders",
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) SEND_TIMEOUT.toMillis()),
        new StringSerializer(), new StringSerializer()));
    this.executor = Executors.newFixedThreadPool(4, Threads.named("orders-http"));
    this.server = Http.serveTraced(tracing, "/orders", this::handle, executor);
  }

  /**
   * Starts the service on a free loopback port, publishing to the broker at
   * {@code kafkaBootstrapServers} and reporting through Kafka if {@code reporting} allows.
   */
  static OrdersService start(Reporting reporting, String kafkaBootstrapServers) throws Exception {
    return reporting.start(NAME, true, tracing -> new OrdersService(tracing, kafkaBootstrapServers));
  }

  /** What this service's tracing did with its spans, and what its keep policy decided. */
  TracingCounters counters() {
    return tracing.counters();
  }

  /** Where {@code web} posts orders. */
  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/orders");
  }

  private void handle(HttpExchange exchange) throws IOException {
    tracer.currentSpan().name("POST /orders");
    if (!Http.requirePost(exchange)) return;
    Map<String, String> form = Http.form(exchange);
    String item = form.getOrDefault("item", "");
    String card = form.getOrDefault("card", "");
    long cents;
    try {
      cents = Long.parseLong(form.getOrDefault("cents", ""));
    } catch (NumberFormatException e) {
      Http.respond(exchange, 400, "cents must be a whole number");
      return;
    }
    try {
      tracer.inSpan("charge card", () -> charge(card, cents)); // records the decline on its span
    } catch (PaymentDeclinedException e) {
      tracer.currentSpan().error(e);
      LOG.warn("not placing the order: {}", e.getMessage());
      Http.respond(exchange, 402, e.getMessage());
      return;
    }
    String orderId = "o-" + orderNumbers.incrementAndGet();
    try {
      producer.send(new ProducerRecord<>(TOPIC, orderId, item)).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) { // the send span has the cause
      tracer.currentSpan().error(e);
      LOG.error("order {} could not be published to Kafka", orderId, e);
      Http.respond(exchange, 503, "order " + orderId + " could not be published: " + e);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while publishing order " + orderId, e);
    }
    LOG.info("order {} ({}) published to Kafka topic {}", orderId, item, TOPIC);
    Http.respond(exchange, 201, orderId);
  }

  private void charge(String card, long cents) {
    LOG.info("charging {} to card {}", Money.format(cents), masked(card));
    Simulated.work(CHARGE_TIME);
    if (DECLINED_CARD.equals(card)) throw new PaymentDeclinedException("card " + masked(card) + " declined");
  }

  private static String masked(String card) {
    return "..." + card.substring(Math.max(0, card.length() - 4));
  }

  /** Stops serving at once (an order in progress is cut short), closes the producer, then its tracing. */
  @Override public void close() {
    server.stop(0);
    executor.shutdown();
    producer.close(SEND_TIMEOUT);
    tracing.close();
  }

  /** The payment provider said no. */
  static final class PaymentDeclinedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PaymentDeclinedException(String message) {
      super(message);
    }
  }
}
