package io.tracelet.examples.demo;

import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.Tracer;
import io.tracelet.Tracing;
import io.tracelet.TracingCounters;
import io.tracelet.kafka.KafkaTracing;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code shipping} service: consumes the orders that {@link OrdersService} publishes, with the
 * traced consumer, and ships each one in a processing span ({@code ship order}) that continues the
 * order's trace. One thread polls and ships.
 */
@SuppressWarnings("try") // close() waits for threads to stop, and may be interrupted
final class ShippingService implements AutoCloseable {
  static final String NAME = "shipping";

  private static final Logger LOG = LoggerFactory.getLogger(NAME);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
  private static final Duration COURIER_TIME = Duration.ofMillis(50);

  private final Tracing tracing;
  private final Tracer tracer;
  private final KafkaTracing kafkaTracing;
  private final Consumer<String, String> consumer;
  private final Thread thread;
  private volatile boolean running = true;

  private ShippingService(Tracing tracing, String kafkaBootstrapServers) {
    this.tracing = tracing;
    this.tracer = tracing.tracer();
    this.kafkaTracing = KafkaTracing.create(tracing);
    this.consumer = kafkaTracing.consumer(new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrapServers,
        ConsumerConfig.CLIENT_ID_CONFIG, "shipping",
        ConsumerConfig.GROUP_ID_CONFIG, "shipping",
        // A new group reads the topic from its start: no order published before it joined is missed.
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        new StringDeserializer(), new StringDeserializer()));
    consumer.subscribe(List.of(OrdersService.TOPIC));
    this.thread = Threads.named("shipping-consumer").newThread(this::consume);
    thread.start();
  }

  /**
   * Starts consuming {@link OrdersService#TOPIC} at {@code kafkaBootstrapServers}, reporting
   * through Kafka if {@code reporting} allows.
   */
  static ShippingService start(Reporting reporting, String kafkaBootstrapServers) throws Exception {
    return reporting.start(NAME, true, tracing -> new ShippingService(tracing, kafkaBootstrapServers));
  }

  /** What this service's tracing did with its spans, and what its keep policy decided. */
  TracingCounters counters() {
    return tracing.counters();
  }

  private void consume() {
    try (consumer) {
      while (running) {
        for (ConsumerRecord<String, String> record : consumer.poll(POLL_TIMEOUT)) {
          Span span = kafkaTracing.processingSpan(record).name("ship order");
          try (Scope ignored = span.makeCurrent()) {
            ship(record.key(), record.value());
          } catch (RuntimeException e) {
            span.error(e);
            LOG.error("could not ship order {}", record.key(), e);
          } finally {
            span.finish();
          }
        }
      }
    } catch (WakeupException e) {
      // close() woke the poll up: stop.
    }
  }

  private void ship(String orderId, String item) {
    LOG.info("shipping order {}: one {}", orderId, item);
    String courier = tracer.inSpan("book courier", () -> {
      Simulated.work(COURIER_TIME);
      return "courier-" + Math.floorMod(orderId.hashCode(), 7);
    });
    LOG.info("order {} goes out with {}", orderId, courier);
  }

  /** Stops consuming (after the order being shipped, if any), then closes its tracing. */
  @Override public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join();
    tracing.close();
  }
}
