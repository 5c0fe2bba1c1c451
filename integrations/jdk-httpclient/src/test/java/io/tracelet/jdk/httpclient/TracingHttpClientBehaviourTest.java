package io.tracelet.jdk.httpclient;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.tracelet.FinishedSpan;
import io.tracelet.Tracing;
import io.tracelet.propagation.Propagators;
import io.tracelet.testing.InMemoryReporter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the client suite does not cover: a future cancelled as the JDK's is, a redirect to another
 * server, and the wrapper's own contract.
 */
class TracingHttpClientBehaviourTest {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  final InMemoryReporter reporter = new InMemoryReporter();
  final Tracing tracing = Tracing.newBuilder().serviceName("client").propagator(Propagators.w3c())
      .reporter(reporter).maxBatchDelay(Duration.ofMillis(5)).build();
  final CountDownLatch arrived = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  final ExecutorService serverThreads = Executors.newFixedThreadPool(2);
  final HttpClient plain = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  HttpServer server;

  @BeforeEach void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.setExecutor(serverThreads);
    server.createContext("/", exchange -> { // answers only once released
      arrived.countDown();
      try {
        release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    server.start();
  }

  @AfterEach void stop() {
    release.countDown();
    server.stop(0);
    serverThreads.shutdownNow();
    tracing.close();
  }

  @Test void aCancelledAsyncCallLooksCancelledAsWithoutTracingAndTheSpanRecordsIt() throws Exception {
    HttpClient http = TracingHttpClient.create(tracing, plain);
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"))
        .timeout(TIMEOUT).build();

    CompletableFuture<HttpResponse<Void>> call = http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
    assertThat(arrived.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(call.cancel(true)).isTrue();

    assertThat(call).isCancelled();
    assertThatThrownBy(call::join).isInstanceOf(CancellationException.class);
    FinishedSpan span = reporter.awaitSpans(1, TIMEOUT).get(0);
    assertThat(span).hasName("GET").hasNoTag("http.status_code");
    assertThat(span.error()).isNotNull(); // the client's cancellation of the exchange
  }

  @Test void aRedirectToAnotherServerEndsWithThatServerAsTheRemoteEndpoint() throws Exception {
    HttpServer redirecting = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    redirecting.createContext("/", exchange -> {
      exchange.getResponseHeaders().set("Location", "http://127.0.0.1:" + server.getAddress().getPort() + "/moved");
      exchange.sendResponseHeaders(307, -1);
      exchange.close();
    });
    redirecting.start();
    release.countDown(); // the other server answers at once
    try {
      HttpClient http = TracingHttpClient.create(tracing,
          HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build());

      HttpResponse<Void> response = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + redirecting.getAddress().getPort() + "/old")).timeout(TIMEOUT).build(),
          HttpResponse.BodyHandlers.discarding());

      assertThat(response.statusCode()).isEqualTo(204);
      FinishedSpan span = reporter.awaitSpans(1, TIMEOUT).get(0);
      assertThat(span).hasTag("http.path", "/old").hasTag("http.status_code", "204");
      assertThat(span.remoteEndpoint().ipv4()).isEqualTo("127.0.0.1");
      assertThat(span.remoteEndpoint().port()).isEqualTo(server.getAddress().getPort());
    } finally {
      redirecting.stop(0);
    }
  }

  @Test void aNullRequestFailsAsTheJdkClientDoesAndStartsNoSpan() {
    HttpClient http = TracingHttpClient.create(tracing, plain);

    assertThatThrownBy(() -> http.send(null, HttpResponse.BodyHandlers.discarding()))
        .isInstanceOf(NullPointerException.class);
    tracing.flush();
    assertThat(reporter.spans()).isEmpty();
  }

  @Test void closeReachesTheWrappedClientFromJdk21() throws Exception {
    TracingHttpClient http = TracingHttpClient.create(tracing, HttpClient.newHttpClient());

    http.close();

    boolean jdk21 = Runtime.version().feature() >= 21; // HttpClient has no close() before
    assertThat(http.isTerminated()).isEqualTo(jdk21);
    assertThat(http.awaitTermination(TIMEOUT)).isTrue();
  }

  @Test void settingsComeFromTheWrappedClient() {
    HttpClient http = TracingHttpClient.create(tracing, plain);

    assertThat(http.connectTimeout()).isEqualTo(plain.connectTimeout());
    assertThat(http.followRedirects()).isEqualTo(plain.followRedirects());
    assertThat(http.version()).isEqualTo(plain.version());
    assertThatThrownBy(() -> TracingHttpClient.create((Tracing) null, plain)).hasMessage("tracing == null");
    assertThatThrownBy(() -> TracingHttpClient.create(tracing, null)).hasMessage("client == null");
  }
}
