package io.tracelet.examples.spring.boot;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.FinishedSpan;
import io.tracelet.SpanKind;
import io.tracelet.testing.InMemoryReporter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Runs the example as it ships (its application.properties), with its spans kept in memory instead of
 * sent to a Zipkin at localhost:9411: one request to /hello is one trace of three spans, and the log lines
 * carry its IDs. (tracelet-spring-boot's own tests report a Boot application to a real Zipkin server.)
 */
@ExtendWith(OutputCaptureExtension.class)
class GreetingApplicationTest {
  @Configuration(proxyBeanMethods = false)
  static class InMemory {
    @Bean InMemoryReporter reporter() {
      return new InMemoryReporter();
    }
  }

  @Test void aRequest_isOneTraceOfThreeSpans_andTheLogsCarryItsIds(CapturedOutput output) throws Exception {
    try (ConfigurableApplicationContext app = new SpringApplicationBuilder(GreetingApplication.class, InMemory.class)
        .run("--server.port=0", "--spring.main.banner-mode=off", "--management.tracing.export.zipkin.enabled=false")) {
      String base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(base + "/hello/ada")).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.body()).isEqualTo("Hello, ada!");

      List<FinishedSpan> spans = app.getBean(InMemoryReporter.class).awaitSpans(3, Duration.ofSeconds(30));
      assertThat(spans).hasSize(3).isCompleteTrace();
      assertThat(spans).rootSpan().hasName("http get /hello/{name}").hasKind(SpanKind.SERVER)
          .hasLocalServiceName("greeter");
      FinishedSpan root = spans.stream().filter(s -> s.parentId() == 0).findFirst().orElseThrow();
      FinishedSpan client = spans.stream().filter(s -> s.kind() == SpanKind.CLIENT).findFirst().orElseThrow();
      assertThat(client).hasParent(root);
      assertThat(spans).spanNamed("http get /greeting/{name}").hasKind(SpanKind.SERVER).hasParent(client);

      String traceId = String.format("%016x%016x", root.traceIdHigh(), root.traceId());
      assertThat(output.getOut()).containsPattern("\\[" + traceId + "-" + String.format("%016x", root.spanId())
              + "\\] .*hello ada")
          .containsPattern("\\[" + traceId + "-[0-9a-f]{16}\\] .*greeting ada");
    }
  }
}
