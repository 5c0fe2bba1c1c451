package io.tracelet.servlet;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.FinishedSpan;
import io.tracelet.KeepPolicy;
import io.tracelet.Sampler;
import io.tracelet.Tracing;
import io.tracelet.propagation.Propagators;
import io.tracelet.propagation.ServerTiming;
import io.tracelet.testing.InMemoryReporter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where the response's headers are committed, and what the {@code server-timing} metric then says,
 * with a tracing that keeps failed requests only (head sampling says no); and an async timeout.
 */
class TomcatResponseCommitTest {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  final InMemoryReporter reporter = new InMemoryReporter();
  final Tracing tracing = Tracing.newBuilder().serviceName("server").propagator(Propagators.w3c())
      .sampler(Sampler.never()).keepPolicy(KeepPolicy.newBuilder().keepErrors().build())
      .reporter(reporter).maxBatchDelay(Duration.ofMillis(5)).build();
  final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  EmbeddedTomcat tomcat;
  URI base;

  /** /send-error: sendError(503); /redirect: 500, then a redirect; /status-only: 503 and no body; /late-status: body flushed with 200, then setStatus(500); /timeout: async, never completed. */
  final HttpServlet servlet = new HttpServlet() {
    @Override protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
      switch (request.getRequestURI()) {
        case "/send-error" -> response.sendError(503);
        case "/redirect" -> {
          response.setStatus(500); // replaced by the redirect's 302
          response.sendRedirect("/ok");
        }
        case "/late-status" -> {
          response.getOutputStream().write('x');
          response.flushBuffer(); // committed with 200
          response.setStatus(500); // too late for the client, and for the metric
        }
        case "/status-only" -> response.setStatus(503); // committed by the container after the filter
        case "/timeout" -> request.startAsync().setTimeout(200);
        default -> response.setStatus(200);
      }
    }
  };

  @BeforeEach void start() throws Exception {
    tomcat = new EmbeddedTomcat().servlet("main", servlet, "/").filter(TracingFilter.create(tracing));
    base = tomcat.start();
  }

  @AfterEach void stop() throws Exception {
    tomcat.close();
    tracing.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static boolean kept(HttpResponse<?> response) {
    return ServerTiming.parse(response.headers().firstValue(ServerTiming.HEADER).orElseThrow()).sampled();
  }

  @Test void sendErrorCommitsAMetricThatCountsTheServerError() throws Exception {
    HttpResponse<String> ok = get("/ok");
    HttpResponse<String> failed = get("/send-error");

    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(kept(ok)).isFalse();
    assertThat(failed.statusCode()).isEqualTo(503);
    assertThat(kept(failed)).isTrue();
    assertThat(reporter.awaitSpans(1, TIMEOUT)).singleElement()
        .satisfies(s -> assertThat(s).hasTag("http.status_code", "503").hasTag(KeepPolicy.TAG, KeepPolicy.ERROR));
  }

  @Test void aStatusWithoutABodyIsAnsweredWhenTheDispatchEnds() throws Exception {
    HttpResponse<String> failed = get("/status-only");

    assertThat(failed.statusCode()).isEqualTo(503);
    assertThat(kept(failed)).isTrue();
  }

  @Test void aRedirectCommitsAMetricForItsOwnStatus() throws Exception {
    HttpResponse<String> response = get("/redirect"); // the JDK client does not follow redirects by default

    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(kept(response)).isFalse(); // the 500 set before was replaced, and so was its metric
    tracing.flush();
    assertThat(reporter.spans()).isEmpty();
  }

  @Test void aStatusSetAfterTheCommitChangesNeitherTheResponseNorItsMetric() throws Exception {
    HttpResponse<String> response = get("/late-status");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(kept(response)).isFalse();
  }

  @Test void anAsyncRequestThatTimesOutFinishesItsSpanWithTheTimeout() throws Exception {
    HttpResponse<String> response = get("/timeout");

    assertThat(response.statusCode()).isEqualTo(500); // Tomcat's answer to a timeout nobody handled
    FinishedSpan span = reporter.awaitSpans(1, TIMEOUT).get(0); // kept: it failed
    assertThat(span).hasName("GET").hasError(TimeoutException.class);
  }
}
