package io.tracelet.jdk.httpclient;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.tracelet.Sampler;
import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import io.tracelet.http.HttpClientHandler;
import io.tracelet.http.HttpRequestSampler;
import io.tracelet.propagation.Propagators;
import io.tracelet.testing.InMemoryReporter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The snippets of README.md, compiled and run against a JDK HTTP server. */
class ReadmeTest {

  @Test void wrapAndSend() throws Exception {
    InMemoryReporter reporter = new InMemoryReporter();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.createContext("/", exchange -> {
      exchange.sendResponseHeaders(exchange.getRequestHeaders().containsKey("traceparent") ? 200 : 400, -1);
      exchange.close();
    });
    server.start();
    try (Tracing tracing = Tracing.newBuilder().propagator(Propagators.w3c()).reporter(reporter).build()) {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/cart"))
          .build();

      // README: use
      HttpClient http = TracingHttpClient.create(tracing, HttpClient.newHttpClient());
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      // README end

      HttpRequestSampler rules = HttpRequestSampler.newBuilder().rule("GET", "/cart", Sampler.never()).build();
      // README: rules
      HttpClient ruled = TracingHttpClient.create(HttpClientHandler.create(tracing, rules), HttpClient.newHttpClient());
      // README end
      assertThat(ruled.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);

      assertThat(response.statusCode()).isEqualTo(200);
      tracing.flush();
      assertThat(reporter.spans()).singleElement()
          .satisfies(s -> assertThat(s).hasKind(SpanKind.CLIENT).hasName("GET").hasTag("http.path", "/cart"));
    } finally {
      server.stop(0);
    }
  }
}
