package io.tracelet.spring.boot3.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.tracelet.micrometer.tracing.TraceletTracer;
import io.tracelet.reporter.zipkin.ZipkinReporter;
import io.tracelet.testing.servers.ZipkinServer;
import io.tracelet.testing.servers.ZipkinServerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import zipkin2.Span;
import zipkin2.codec.SpanBytesDecoder;

/**
 * A Spring Boot 3.5 application (Spring MVC, RestClient, the actuator, Micrometer Tracing 1.5, Brave's bridge
 * beside Tracelet) with tracelet-spring-boot, configured with Boot 3.5's property names, reporting to a real
 * Zipkin server: the request is one connected trace and its log lines carry the IDs.
 */
@ExtendWith({OutputCaptureExtension.class, ZipkinServerExtension.class})
class Boot35ApplicationTest {
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  @SpringBootApplication
  static class Greeter {
    @RestController
    static class Greetings {
      private static final Logger log = LoggerFactory.getLogger(Greetings.class);
      private final RestClient http;
      private final Environment environment;

      Greetings(RestClient.Builder http, Environment environment) {
        this.http = http.build();
        this.environment = environment;
      }

      @GetMapping("/hello/{name}")
      String hello(@PathVariable("name") String name) {
        log.info("hello {}", name);
        return http.get()
            .uri("http://127.0.0.1:{port}/greeting/{name}", environment.getProperty("local.server.port"), name)
            .retrieve()
            .body(String.class);
      }

      @GetMapping("/greeting/{name}")
      String greeting(@PathVariable("name") String name) {
        return "Hello, " + name + "!";
      }
    }
  }

  @Test void onBoot35_aRequestIsOneTraceInZipkin_andItsLogLineCarriesTheIds(ZipkinServer zipkin, CapturedOutput output)
      throws Exception {
    assertThat(SpringBootVersion.getVersion()).startsWith("3.5.");
    try (ConfigurableApplicationContext app = new SpringApplicationBuilder(Greeter.class).run(
        "--spring.main.banner-mode=off", "--spring.application.name=greeter", "--server.address=127.0.0.1",
        "--server.port=0", "--management.tracing.sampling.probability=1.0",
        "--management.zipkin.tracing.endpoint=" + zipkin.spansEndpoint(), // Boot 3.5's name
        "--tracelet.queue.max-batch-delay=100ms")) {
      Tracer tracer = app.getBean(Tracer.class);
      assertThat(tracer).as("Tracelet's, though Brave's bridge is present").isInstanceOf(TraceletTracer.class);
      assertThat(app.getBean(DefaultTracingObservationHandler.class).getTracer()).isSameAs(tracer);
      // Boot 3.5's actuator defines a zipkin-reporter sender from the same properties; the reporter uses it.
      assertThat(app.getBean(ZipkinReporter.class).toString()).startsWith("ZipkinReporter{ZipkinHttpClientSender{")
          .contains(zipkin.spansEndpoint());

      String base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(base + "/hello/ada")).timeout(TIMEOUT).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.body()).isEqualTo("Hello, ada!");

      Matcher ids = Pattern.compile("\\[([0-9a-f]{32})-([0-9a-f]{16})\\] .*hello ada").matcher(output.getOut());
      assertThat(ids.find()).as("correlation IDs in the log line, in Boot's default pattern").isTrue();
      List<Span> spans = SpanBytesDecoder.JSON_V2.decodeList(
          zipkin.trace(ids.group(1), 3, TIMEOUT).getBytes(StandardCharsets.UTF_8));
      assertThat(spans).hasSize(3).allSatisfy(s -> assertThat(s.localServiceName()).isEqualTo("greeter"));
      Span root = spans.stream().filter(s -> s.parentId() == null).findFirst().orElseThrow();
      assertThat(root.id()).isEqualTo(ids.group(2));
      assertThat(root.name()).isEqualTo("http get /hello/{name}");
      Span client = spans.stream().filter(s -> root.id().equals(s.parentId())).findFirst().orElseThrow();
      assertThat(client.kind()).isEqualTo(Span.Kind.CLIENT);
      assertThat(spans).anySatisfy(s -> {
        assertThat(s.kind()).isEqualTo(Span.Kind.SERVER);
        assertThat(s.name()).isEqualTo("http get /greeting/{name}");
        assertThat(s.parentId()).isEqualTo(client.id());
      });
    }
  }
}
