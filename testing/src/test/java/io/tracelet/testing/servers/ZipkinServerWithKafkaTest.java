package io.tracelet.testing.servers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({KafkaBrokerExtension.class, ZipkinServerExtension.class})
class ZipkinServerWithKafkaTest {

  @Test void isWiredToTheSharedBroker(KafkaBroker kafka, ZipkinServer zipkin) throws Exception {
    assertThat(zipkin.kafkaBootstrapServers()).isEqualTo(kafka.bootstrapServers());
    assertThat(ZipkinServerExtensionTest.health(zipkin).body())
        .contains("KafkaCollector{bootstrapServers=" + kafka.bootstrapServers() + ", topic=zipkin}");
  }

  @Test void collectsSpansSentToTheZipkinTopic(KafkaBroker kafka, ZipkinServer zipkin) throws Exception {
    String traceId = ZipkinServerExtensionTest.randomTraceId();
    long receivedBefore = zipkin.spansReceived();

    KafkaBrokerExtensionTest.produce(kafka, "zipkin", null,
        ZipkinServerExtensionTest.twoSpans(traceId).getBytes(StandardCharsets.UTF_8));

    assertThat(zipkin.trace(traceId, 2, Duration.ofSeconds(60)))
        .contains("\"name\":\"get /cart\"", "\"name\":\"load cart\"");
    assertThat(zipkin.spansReceived() - receivedBefore).isEqualTo(2);
  }

  @Test void stillCollectsOverHttp(ZipkinServer zipkin) throws Exception {
    String traceId = ZipkinServerExtensionTest.randomTraceId();

    assertThat(ZipkinServerExtensionTest.post(zipkin, ZipkinServerExtensionTest.twoSpans(traceId)).statusCode())
        .isEqualTo(202);

    assertThat(zipkin.trace(traceId, 2, Duration.ofSeconds(30))).contains("\"traceId\":\"" + traceId + "\"");
  }
}
