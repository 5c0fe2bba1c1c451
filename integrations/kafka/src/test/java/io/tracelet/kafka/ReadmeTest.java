package io.tracelet.kafka;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.Tracing;
import io.tracelet.propagation.Propagators;
import io.tracelet.testing.InMemoryReporter;
import io.tracelet.testing.servers.KafkaBroker;
import io.tracelet.testing.servers.KafkaBrokerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The snippet of README.md, compiled and run against the real broker. */
@ExtendWith(KafkaBrokerExtension.class)
class ReadmeTest {
  final List<String> handled = new ArrayList<>();

  void handle(ConsumerRecord<String, String> record) {
    handled.add(record.value());
  }

  @Test void wrappers(KafkaBroker kafka) throws Exception {
    InMemoryReporter reporter = new InMemoryReporter();
    Tracing tracing = Tracing.newBuilder().serviceName("orders").propagator(Propagators.w3cThenB3())
        .reporter(reporter).build();
    String topic = "readme-" + UUID.randomUUID();
    Map<String, Object> producerConfig = Map.of("bootstrap.servers", kafka.bootstrapServers(),
        "key.serializer", StringSerializer.class, "value.serializer", StringSerializer.class);
    Map<String, Object> consumerConfig = Map.of("bootstrap.servers", kafka.bootstrapServers(),
        "key.deserializer", StringDeserializer.class, "value.deserializer", StringDeserializer.class,
        "auto.offset.reset", "earliest", "enable.auto.commit", false);

    // README: wrappers
    KafkaTracing kafkaTracing = KafkaTracing.create(tracing);
    Producer<String, String> producer = kafkaTracing.producer(new KafkaProducer<>(producerConfig));
    Consumer<String, String> consumer = kafkaTracing.consumer(new KafkaConsumer<>(consumerConfig));
    // README end

    producer.send(new ProducerRecord<>(topic, "order-42", "2 books")).get();
    consumer.assign(List.of(new TopicPartition(topic, 0)));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (handled.isEmpty() && System.nanoTime() < deadline) {
      // README: processing
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
        Span span = kafkaTracing.processingSpan(record);
        try (Scope scope = span.makeCurrent()) {
          handle(record);
        } catch (RuntimeException e) {
          span.error(e);
          throw e;
        } finally {
          span.finish();
        }
      }
      // README end
    }
    producer.close();
    consumer.close();
    tracing.close();

    assertThat(handled).containsExactly("2 books");
    assertThat(reporter.spans()).hasSize(3).isCompleteTrace().rootSpan().hasName("send");
  }
}
