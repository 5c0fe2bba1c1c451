package io.tracelet.testing.servers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class KafkaBrokerExtensionTest {
  static KafkaBroker givenToBeforeAll;

  @BeforeAll static void remember(KafkaBroker kafka) {
    givenToBeforeAll = kafka;
  }

  /** Sends one record and waits until the broker acknowledged it. */
  static void produce(KafkaBroker kafka, String topic, String key, byte[] value) throws Exception {
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.ByteArraySerializer.class.getName()))) {
      producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }
  }

  @Test void producesAndConsumesARecord(KafkaBroker kafka) throws Exception {
    String topic = "test-" + UUID.randomUUID();

    produce(kafka, topic, "cart-1", "added".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    List<ConsumerRecord<String, String>> received = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "group-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (received.isEmpty() && System.nanoTime() - deadline < 0L) {
        consumer.poll(Duration.ofMillis(500)).forEach(received::add); // blocks until records or 500 ms
      }
    }

    assertThat(received).singleElement().satisfies(record -> {
      assertThat(record.key()).isEqualTo("cart-1");
      assertThat(record.value()).isEqualTo("added");
    });
  }

  @Test void everyTestOfTheJvmSharesOneBrokerOnLoopback(KafkaBroker kafka) throws Exception {
    assertThat(kafka).isSameAs(givenToBeforeAll);
    assertThat(kafka.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
    OtherAddresses.assertRefuseConnectionsTo(Integer.parseInt(kafka.bootstrapServers().split(":")[1]));
  }
}
