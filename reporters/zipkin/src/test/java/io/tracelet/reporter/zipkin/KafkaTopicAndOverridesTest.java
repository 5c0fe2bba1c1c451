package io.tracelet.reporter.zipkin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracelet.Span;
import io.tracelet.Tracing;
import io.tracelet.testing.servers.KafkaBroker;
import io.tracelet.testing.servers.KafkaBrokerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import zipkin2.codec.SpanBytesDecoder;

/**
 * {@link ZipkinReporter#kafka(String, String, Map)}: spans go to the topic given, read back from a
 * real broker with a plain Kafka consumer and Zipkin's own decoder; overrides reach the producer.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaTopicAndOverridesTest {
  @Test void reportsToTheTopicGivenWithTheProducerSettingsGiven(KafkaBroker kafka) {
    String topic = "traces-" + UUID.randomUUID();
    ZipkinReporter reporter = ZipkinReporter.kafka(kafka.bootstrapServers(), topic, Map.of("acks", "all"));
    assertThat(reporter.toString()).contains("topic=" + topic);
    String traceId;
    try (Tracing tracing = Tracing.newBuilder().serviceName("topic-owner").reporter(reporter).build()) {
      Span span = tracing.tracer().spanBuilder("to another topic").start();
      traceId = span.context().traceIdHex();
      span.finish();
      assertThat(tracing.flush(Duration.ofSeconds(30))).isTrue();
    }
    assertThat(reporter.counters().spansSent()).as("%s", reporter.counters()).isEqualTo(1);

    List<zipkin2.Span> read = readAll(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(60));
    assertThat(read).singleElement().satisfies(span -> {
      assertThat(span.traceId()).isEqualTo(traceId);
      assertThat(span.name()).isEqualTo("to another topic");
      assertThat(span.localServiceName()).isEqualTo("topic-owner");
    });
  }

  @Test void anInvalidOverrideDropsTheFirstMessageUnderKafkasExceptionNeverTheApplication(KafkaBroker kafka) {
    ZipkinReporter reporter = ZipkinReporter.kafka(kafka.bootstrapServers(), ZipkinReporter.KAFKA_TOPIC,
        Map.of("max.block.ms", "soon"));
    try (Tracing tracing = Tracing.newBuilder().serviceName("misconfigured").reporter(reporter).build()) {
      tracing.tracer().spanBuilder("never sent").start().finish();
      assertThat(tracing.flush(Duration.ofSeconds(30))).isTrue();

      assertThat(reporter.counters().spansSent()).isZero();
      assertThat(reporter.counters().spansDroppedByCause()).containsEntry("ConfigException", 1L);
      assertThat(tracing.counters().spansLostByCause()).containsEntry("ConfigException", 1L);
    }
  }

  @Test void refusesNulls() {
    assertThatThrownBy(() -> ZipkinReporter.kafka(null, "zipkin", Map.of()))
        .isInstanceOf(NullPointerException.class).hasMessage("bootstrapServers == null");
    assertThatThrownBy(() -> ZipkinReporter.kafka("127.0.0.1:9092", null, Map.of()))
        .isInstanceOf(NullPointerException.class).hasMessage("topic == null");
    assertThatThrownBy(() -> ZipkinReporter.kafka("127.0.0.1:9092", "zipkin", null))
        .isInstanceOf(NullPointerException.class).hasMessage("overrides == null");
  }

  // Every span in the topic's messages (JSON lists), from the beginning, until there are at least {@code spans}.
  static List<zipkin2.Span> readAll(String bootstrapServers, String topic, int spans, Duration within) {
    List<zipkin2.Span> read = new ArrayList<>();
    Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<byte[], byte[]> consumer =
             new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + within.toNanos();
      while (read.size() < spans) {
        assertThat(System.nanoTime() - deadline).as("%d spans in %s within %s", spans, topic, within).isNegative();
        for (ConsumerRecord<byte[], byte[]> message : consumer.poll(Duration.ofMillis(500))) {
          read.addAll(SpanBytesDecoder.JSON_V2.decodeList(message.value()));
        }
      }
    }
    return read;
  }
}
