package io.tracelet.examples.demo;

import io.tracelet.Tracer;
import io.tracelet.Tracing;
import io.tracelet.TracingCounters;
import io.tracelet.kafka.KafkaTracing;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.LifecycleException;
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
 * {@link #DECLINED_CARD} is declined: 402, with the exception recorded on the spans. A servlet in
 * an embedded Tomcat 11, traced by {@link io.tracelet.servlet.TracingFilter}, which names the span
 * after the servlet's mapping ({@code POST /orders}).
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
  private final ServletServer server;
  private final AtomicInteger orderNumbers = new AtomicInteger();

  private OrdersService(Tracing tracing, String kafkaBootstrapServers) throws Exception {
    this.tracing = tracing;
    this.tracer = tracing.tracer();
    this.producer = KafkaTracing.create(tracing).producer(new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrapServers,
        ProducerConfig.CLIENT_ID_CONFIG, "orders",
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) SEND_TIMEOUT.toMillis()),
        new StringSerializer(), new StringSerializer()));
    ServletServer server;
    try {
      server = ServletServer.start(tracing, "/orders", new HttpServlet() {
        @Override protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
          handle(request, response);
        }
      }, 4);
    } catch (Exception | Error e) {
      producer.close(SEND_TIMEOUT);
      throw e;
    }
    this.server = server;
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
    return URI.create("http://127.0.0.1:" + server.port() + "/orders");
  }

  /** Answers a POST (the servlet answers 405 to any other method). */
  private void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
    request.setCharacterEncoding(StandardCharsets.UTF_8.name());
    String item = parameter(request, "item");
    String card = parameter(request, "card");
    long cents;
    try {
      cents = Long.parseLong(parameter(request, "cents"));
    } catch (NumberFormatException e) {
      respond(response, 400, "cents must be a whole number");
      return;
    }
    try {
      tracer.inSpan("charge card", () -> charge(card, cents)); // records the decline on its span
    } catch (PaymentDeclinedException e) {
      tracer.currentSpan().error(e);
      LOG.warn("not placing the order: {}", e.getMessage());
      respond(response, 402, e.getMessage());
      return;
    }
    String orderId = "o-" + orderNumbers.incrementAndGet();
    try {
      producer.send(new ProducerRecord<>(TOPIC, orderId, item)).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) { // the send span has the cause
      tracer.currentSpan().error(e);
      LOG.error("order {} could not be published to Kafka", orderId, e);
      respond(response, 503, "order " + orderId + " could not be published: " + e);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while publishing order " + orderId, e);
    }
    LOG.info("order {} ({}) published to Kafka topic {}", orderId, item, TOPIC);
    respond(response, 201, orderId);
  }

  private static String parameter(HttpServletRequest request, String name) {
    String value = request.getParameter(name);
    return value == null ? "" : value;
  }

  /** Answers with {@code status} and {@code text} as the plain-text body. */
  private static void respond(HttpServletResponse response, int status, String text) throws IOException {
    response.setStatus(status);
    response.setContentType("text/plain; charset=utf-8");
    response.getWriter().write(text + "\n");
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
  @Override public void close() throws LifecycleException {
    try {
      server.close();
    } finally {
      producer.close(SEND_TIMEOUT);
      tracing.close();
    }
  }

  /** The payment provider said no. */
  static final class PaymentDeclinedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PaymentDeclinedException(String message) {
      super(message);
    }
  }
}
