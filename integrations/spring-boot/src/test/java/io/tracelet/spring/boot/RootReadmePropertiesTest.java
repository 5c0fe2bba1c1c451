package io.tracelet.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.tracelet.Tracing;
import io.tracelet.reporter.zipkin.ZipkinReporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The properties of the root README's "Spring Boot" section, as written there, start an application that uses them. */
class RootReadmePropertiesTest {
  static List<String> readmeProperties() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("../../README.md"));
    int section = lines.indexOf("## Spring Boot");
    assertThat(section).as("the root README's Spring Boot section").isNotNegative();
    int start = lines.subList(section, lines.size()).indexOf("```properties") + section + 1;
    List<String> properties = new ArrayList<>();
    for (String line : lines.subList(start, lines.size())) {
      if (line.equals("```")) break;
      if (!line.startsWith("#") && !line.isBlank()) properties.add(line);
    }
    assertThat(properties).isNotEmpty();
    return properties;
  }

  @Test void theReadmesProperties_configureTracelet() throws Exception {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(TraceletAutoConfiguration.class,
            MicrometerTracingAutoConfiguration.class))
        .withPropertyValues(readmeProperties().toArray(new String[0]))
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(Tracing.class).serviceName()).isEqualTo("checkout");
          assertThat(context.getBean(ZipkinReporter.class).toString()).contains("KafkaSender");
          Map<String, String> carrier = TraceletAutoConfigurationTest.inject(context.getBean(Tracer.class),
              context.getBean(Propagator.class), Map.of("country-code", "FO"));
          assertThat(carrier).containsKeys("traceparent", "b3").containsEntry("country-code", "FO");
        });
  }
}
