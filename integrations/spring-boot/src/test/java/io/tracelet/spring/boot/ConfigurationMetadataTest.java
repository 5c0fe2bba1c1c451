package io.tracelet.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataProperty;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepository;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepositoryJsonBuilder;

/**
 * The configuration metadata the jar ships, read as IDEs read it: every {@code tracelet.*} property with
 * its type, default and description, so that they complete and document it.
 */
class ConfigurationMetadataTest {
  static Map<String, ConfigurationMetadataProperty> properties() throws Exception {
    try (InputStream in = ConfigurationMetadataTest.class.getResourceAsStream(
        "/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("META-INF/spring-configuration-metadata.json in the jar").isNotNull();
      ConfigurationMetadataRepository repository = ConfigurationMetadataRepositoryJsonBuilder.create(in).build();
      return repository.getAllProperties();
    }
  }

  @Test void everyTraceletProperty_hasItsTypeDefaultAndDescription() throws Exception {
    Map<String, ConfigurationMetadataProperty> properties = properties();
    assertThat(properties).containsOnlyKeys(
        "tracelet.enabled", "tracelet.short-trace-ids", "tracelet.close-timeout",
        "tracelet.keep.errors", "tracelet.keep.slower-than", "tracelet.keep.downstream",
        "tracelet.keep.max-spans-per-local-trace", "tracelet.keep.max-pending-spans",
        "tracelet.queue.capacity", "tracelet.queue.max-batch-spans", "tracelet.queue.max-batch-delay",
        "tracelet.zipkin.sender", "tracelet.zipkin.kafka-bootstrap-servers", "tracelet.zipkin.kafka-topic",
        "tracelet.zipkin.kafka-overrides",
        "tracelet.jdbc.enabled", "tracelet.jdbc.keep-literals");
    assertThat(properties.values()).allSatisfy(p -> assertThat(p.getDescription()).as(p.getId()).isNotBlank());

    assertThat(properties.get("tracelet.enabled").getType()).isEqualTo("java.lang.Boolean");
    assertThat(properties.get("tracelet.enabled").getDefaultValue()).isEqualTo(true);
    assertThat(properties.get("tracelet.keep.errors").getDefaultValue()).isEqualTo(false);
    assertThat(properties.get("tracelet.keep.slower-than").getType()).isEqualTo("java.time.Duration");
    assertThat(properties.get("tracelet.keep.slower-than").getDefaultValue()).isNull();
    assertThat(properties.get("tracelet.keep.downstream").getDefaultValue()).isEqualTo(true);
    assertThat(properties.get("tracelet.keep.max-spans-per-local-trace").getDefaultValue()).isEqualTo(1000);
    assertThat(properties.get("tracelet.keep.max-pending-spans").getDefaultValue()).isEqualTo(100_000);
    assertThat(properties.get("tracelet.queue.capacity").getType()).isEqualTo("java.lang.Integer");
    assertThat(properties.get("tracelet.queue.capacity").getDefaultValue()).isEqualTo(8192);
    assertThat(properties.get("tracelet.queue.max-batch-spans").getDefaultValue()).isEqualTo(512);
    assertThat(properties.get("tracelet.queue.max-batch-delay").getDefaultValue()).isEqualTo("1s");
    assertThat(properties.get("tracelet.close-timeout").getDefaultValue()).isEqualTo("5s");
    assertThat(properties.get("tracelet.zipkin.sender").getType())
        .isEqualTo("io.tracelet.spring.boot.TraceletProperties$Zipkin$Sender");
    assertThat(properties.get("tracelet.zipkin.sender").getDefaultValue()).isEqualTo("http");
    assertThat(properties.get("tracelet.zipkin.kafka-topic").getDefaultValue()).isEqualTo("zipkin");
    assertThat(properties.get("tracelet.zipkin.kafka-overrides").getType())
        .isEqualTo("java.util.Map<java.lang.String,java.lang.String>");
    assertThat(properties.get("tracelet.jdbc.enabled").getDefaultValue()).isEqualTo(true);
    assertThat(properties.get("tracelet.jdbc.keep-literals").getDefaultValue()).isEqualTo(false);
  }
}
