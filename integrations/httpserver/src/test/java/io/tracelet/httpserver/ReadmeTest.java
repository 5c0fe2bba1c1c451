package io.tracelet.httpserver;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import io.tracelet.propagation.Propagators;
import io.tracelet.testing.InMemoryReporter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The snippet of README.md, compiled and run. */
class ReadmeTest {

  @Test void filter() throws Exception {
    InMemoryReporter reporter = new InMemoryReporter();
    HttpHandler handler = exchange -> {
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    };

    // README: filter
    Tracing tracing = Tracing.newBuilder()
        .serviceName("cart")
        .propagator(Propagators.w3cThenB3())
        .reporter(reporter)
        .build();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    HttpContext context = server.createContext("/", handler);
    context.getFilters().add(TracingFilter.create(tracing));
    server.start();
    // README end

    try {
      HttpResponse<Void> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/")).build(),
          HttpResponse.BodyHandlers.discarding());
      assertThat(response.statusCode()).isEqualTo(204);
    } finally {
      server.stop(0);
      tracing.close();
    }
    assertThat(reporter.spans()).singleElement().hasKind(SpanKind.SERVER).hasTag("http.status_code", "204");
  }
}
