package io.tracelet.reporter.zipkin;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.Tracing;
import io.tracelet.testing.servers.KafkaBroker;
import io.tracelet.testing.servers.KafkaBrokerExtension;
import io.tracelet.testing.servers.ZipkinServer;
import io.tracelet.testing.servers.ZipkinServerExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import zipkin2.reporter.Encoding;
import zipkin2.reporter.kafka.KafkaSender;

/** End to end through a real Kafka broker into the real Zipkin server's Kafka collector. */
@ExtendWith({KafkaBrokerExtension.class, ZipkinServerExtension.class})
class ZipkinServerKafkaTest {
  @Test void jsonThroughTheKafkaFactory(KafkaBroker kafka, ZipkinServer zipkin) {
    assertArrives(ZipkinReporter.kafka(kafka.bootstrapServers()), ZipkinModel.Format.JSON, zipkin, 11);
  }

  @Test void proto3WithAcknowledgements(KafkaBroker kafka, ZipkinServer zipkin) {
    KafkaSender sender = KafkaSender.newBuilder().bootstrapServers(kafka.bootstrapServers())
        .encoding(Encoding.PROTO3).overrides(Map.of("acks", "1", "max.block.ms", "10000")).build();
    assertArrives(ZipkinReporter.newBuilder(sender).build(), ZipkinModel.Format.PROTO3, zipkin, 12);
  }

  static void assertArrives(ZipkinReporter reporter, ZipkinModel.Format format, ZipkinServer zipkin, long seed) {
    long droppedBefore = zipkin.messagesDropped();

    SampleTrace trace = SampleTrace.record(Tracing.newBuilder().serviceName("kafka-producer"), reporter, seed);

    trace.assertReturned(zipkin.trace(trace.root.traceIdHex(), SampleTrace.SPANS, Duration.ofSeconds(60)), format);
    assertThat(reporter.counters().spansSent()).isEqualTo(SampleTrace.SPANS);
    assertThat(reporter.counters().spansDropped()).isZero();
    assertThat(zipkin.messagesDropped() - droppedBefore).isZero();
  }
}
