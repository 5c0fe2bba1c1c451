package io.tracelet.examples.spring.boot;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * A Spring Boot application that knows nothing of Tracelet: {@code GET /hello/{name}} asks
 * {@code GET /greeting/{name}} over HTTP with a {@code RestClient}, and both log. With
 * tracelet-spring-boot-starter on the class path, each request is one trace of three spans in
 * Zipkin (the two server spans and the client span between them), and every log line carries its
 * trace and span IDs in Boot's default pattern.
 *
 * <pre>
 * mvn -pl examples/spring-boot -am install -DskipTests
 * mvn -pl examples/spring-boot exec:java       # then: curl http://127.0.0.1:8080/hello/ada
 * </pre>
 */
@SpringBootApplication
public class GreetingApplication {
  /** Runs the application; Spring Boot's command-line arguments apply ({@code --server.port=0}, ...). */
  public static void main(String[] args) {
    SpringApplication.run(GreetingApplication.class, args);
  }

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
      log.info("greeting {}", name);
      if (name.isBlank()) throw new IllegalArgumentException("no name");
      return "Hello, " + name + "!";
    }
  }
}
