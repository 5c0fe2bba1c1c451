package io.tracelet.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.tracelet.reporter.zipkin.ZipkinReporter;
import io.tracelet.testing.servers.KafkaBroker;
import io.tracelet.testing.servers.KafkaBrokerExtension;
import io.tracelet.testing.servers.ZipkinServer;
import io.tracelet.testing.servers.ZipkinServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code tracelet.zipkin.sender=kafka}: spans go to the real broker's topic {@code zipkin}, from which the
 * real Zipkin's Kafka collector stores them (the servers {@code ShopApplicationTest} uses, shared); the
 * topic and producer properties are Tracelet's {@code tracelet.zipkin.kafka-*} properties.
 */
@ExtendWith({KafkaBrokerExtension.class, ZipkinServerExtension.class})
class KafkaSenderTest {
  @Test void spansReachZipkinThroughKafka_atSpringKafkasBootstrapServers(KafkaBroker kafka, ZipkinServer zipkin) {
    String[] traceId = new String[1];
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(TraceletAutoConfiguration.class,
            MicrometerTracingAutoConfiguration.class))
        .withPropertyValues("spring.application.name=kafka-reported", "management.tracing.sampling.probability=1",
            "tracelet.zipkin.sender=kafka", "spring.kafka.bootstrap-servers=" + kafka.bootstrapServers())
        .run(context -> {
          ZipkinReporter reporter = context.getBean(ZipkinReporter.class);
          assertThat(reporter.toString()).contains("KafkaSender{bootstrapServers=" + kafka.bootstrapServers());
          // The first send creates the producer, and the broker the topic: on a busy machine that can take
          // longer than the reporter's 5 s metadata wait, and that span is dropped and counted (as the
          // reporter documents). So spans are sent, one at a time, until one is sent; that one must arrive.
          long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
          while (traceId[0] == null) {
            assertThat(System.nanoTime()).as("a span sent within 60 s: %s", reporter.counters()).isLessThan(deadline);
            long sent = reporter.counters().spansSent();
            Span span = context.getBean(Tracer.class).nextSpan().name("sent through kafka").start();
            span.end();
            assertThat(context.getBean(io.tracelet.Tracing.class).flush(Duration.ofSeconds(30))).isTrue();
            if (reporter.counters().spansSent() > sent) traceId[0] = span.context().traceId();
          }
        });
    assertThat(zipkin.trace(traceId[0], 1, Duration.ofSeconds(30)))
        .contains("\"name\":\"sent through kafka\"", "\"serviceName\":\"kafka-reported\"");
  }

  @Test void topicAndProducerPropertiesAsConfigured(KafkaBroker kafka) {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(TraceletAutoConfiguration.class,
            MicrometerTracingAutoConfiguration.class))
        .withPropertyValues("spring.application.name=kafka-configured", "management.tracing.sampling.probability=1",
            "tracelet.zipkin.sender=kafka", "tracelet.zipkin.kafka-bootstrap-servers=" + kafka.bootstrapServers(),
            "tracelet.zipkin.kafka-topic=traces", "tracelet.zipkin.kafka-overrides[max.block.ms]=soon")
        .run(context -> {
          ZipkinReporter reporter = context.getBean(ZipkinReporter.class);
          assertThat(reporter.toString()).contains("topic=traces");
          // The override reached the producer: Kafka refuses its value when the first send creates it,
          // and the reporter counts that message's span dropped; the application sees nothing.
          context.getBean(Tracer.class).nextSpan().name("refused by kafka-clients").start().end();
          assertThat(context.getBean(io.tracelet.Tracing.class).flush(Duration.ofSeconds(30))).isTrue();
          assertThat(reporter.counters().spansDroppedByCause()).containsEntry("ConfigException", 1L);
        });
  }
}
