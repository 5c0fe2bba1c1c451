package io.tracelet.okhttp;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tracelet.FinishedSpan;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.TraceContext;
import io.tracelet.Tracing;
import io.tracelet.propagation.Propagators;
import io.tracelet.testing.InMemoryReporter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The version compiled against, OkHttp 4.12, at run time (its own surefire execution: see the pom).
 * mockwebserver3 needs OkHttp 5, so the peer here is the JDK's HTTP server.
 */
class OkHttp4Test {
  final InMemoryReporter reporter = new InMemoryReporter();
  final Tracing tracing = Tracing.newBuilder().serviceName("shop").propagator(Propagators.w3c())
      .reporter(reporter).strictScopes(true).build();
  final Map<String, String> traceparents = new ConcurrentHashMap<>();
  final CountDownLatch releaseSlow = new CountDownLatch(1);
  final CountDownLatch slowArrived = new CountDownLatch(1);
  HttpServer server;
  OkHttpClient client;

  @BeforeEach void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
    client = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterEach void stop() {
    releaseSlow.countDown();
    server.stop(0);
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
    tracing.close();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    traceparents.put(path, String.valueOf(exchange.getRequestHeaders().getFirst("traceparent")));
    if (path.equals("/slow")) {
      slowArrived.countDown();
      try {
        releaseSlow.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    exchange.sendResponseHeaders(200, -1);
    exchange.close();
  }

  @Test void runsOnOkHttp4() throws Exception {
    assertThat(Class.forName("okhttp3.OkHttp").getField("VERSION").get(null)).isEqualTo("4.12.0");
  }

  @Test void syncAndBackloggedAsyncCallsContinueTheirCallersTraces() throws Exception {
    client.dispatcher().setMaxRequests(1);
    Call.Factory http = TracingCallFactory.create(tracing, client);
    Span first = tracing.tracer().spanBuilder("first").start();
    Span second = tracing.tracer().spanBuilder("second").start();
    CompletableFuture<Span> slowCallbackSaw = new CompletableFuture<>();
    CompletableFuture<Span> queuedCallbackSaw = new CompletableFuture<>();

    try (Scope ignored = first.makeCurrent()) {
      try (Response response = http.newCall(get("/sync")).execute()) {
        assertThat(response.code()).isEqualTo(200);
      }
      http.newCall(get("/slow")).enqueue(recordCurrentSpan(slowCallbackSaw));
    }
    assertThat(slowArrived.await(10, TimeUnit.SECONDS)).isTrue();
    try (Scope ignored = second.makeCurrent()) {
      http.newCall(get("/queued")).enqueue(recordCurrentSpan(queuedCallbackSaw));
    }
    assertThat(client.dispatcher().queuedCallsCount()).isEqualTo(1);
    releaseSlow.countDown();

    assertThat(slowCallbackSaw.get(10, TimeUnit.SECONDS)).isSameAs(first);
    assertThat(queuedCallbackSaw.get(10, TimeUnit.SECONDS)).isSameAs(second);
    tracing.flush();
    List<FinishedSpan> spans = reporter.spans();
    assertSentAndChildOf(spans, "/sync", first.context());
    assertSentAndChildOf(spans, "/slow", first.context());
    assertSentAndChildOf(spans, "/queued", second.context());
  }

  private void assertSentAndChildOf(List<FinishedSpan> spans, String path, TraceContext parent) {
    FinishedSpan span = ClientSpans.withPath(spans, path);
    assertThat(span).hasParent(parent).hasTag("http.status_code", "200");
    assertThat(traceparents.get(path)).contains(String.format("%016x", span.spanId()));
  }

  private Callback recordCurrentSpan(CompletableFuture<Span> saw) {
    return new Callback() {
      @Override public void onFailure(Call call, IOException e) {
        saw.completeExceptionally(e);
      }

      @Override public void onResponse(Call call, Response response) {
        response.close();
        saw.complete(tracing.tracer().currentSpan());
      }
    };
  }

  private Request get(String path) {
    return new Request.Builder().url("http://127.0.0.1:" + server.getAddress().getPort() + path).build();
  }
}
