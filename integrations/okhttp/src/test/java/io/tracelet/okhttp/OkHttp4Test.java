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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * The version compiled against, OkHttp 4.12, at run time (its own surefire execution: see the pom):
 * the shared client suite, and calls backlogged in the dispatcher. mockwebserver3 needs OkHttp 5, so
 * the peer here is the JDK's HTTP server.
 */
class OkHttp4Test extends OkHttpSuite {

  @Test void runsOnOkHttp4() throws Exception {
    assertThat(Class.forName("okhttp3.OkHttp").getField("VERSION").get(null)).isEqualTo("4.12.0");
  }

  @Test void syncAndBackloggedAsyncCallsContinueTheirCallersTraces() throws Exception {
    Map<String, String> traceparents = new ConcurrentHashMap<>();
    CountDownLatch releaseSlow = new CountDownLatch(1);
    CountDownLatch slowArrived = new CountDownLatch(1);
    ExecutorService serverThreads = Executors.newCachedThreadPool();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.setExecutor(serverThreads);
    server.createContext("/", (HttpExchange exchange) -> {
      String path = exchange.getRequestURI().getPath();
      traceparents.put(path, String.valueOf(exchange.getRequestHeaders().getFirst("traceparent")));
      if (path.equals("/slow")) {
        slowArrived.countDown();
        try {
          releaseSlow.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    InMemoryReporter spans = new InMemoryReporter();
    OkHttpClient client = new OkHttpClient.Builder().callTimeout(TIMEOUT).build();
    try (Tracing tracing = Tracing.newBuilder().serviceName("shop").propagator(Propagators.w3c())
        .reporter(spans).strictScopes(true).build()) {
      client.dispatcher().setMaxRequests(1);
      Call.Factory http = TracingCallFactory.create(tracing, client);
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      Span first = tracing.tracer().spanBuilder("first").start();
      Span second = tracing.tracer().spanBuilder("second").start();
      CompletableFuture<Span> slowCallbackSaw = new CompletableFuture<>();
      CompletableFuture<Span> queuedCallbackSaw = new CompletableFuture<>();

      try (Scope ignored = first.makeCurrent()) {
        try (Response response = http.newCall(new Request.Builder().url(base + "/sync").build()).execute()) {
          assertThat(response.code()).isEqualTo(200);
        }
        http.newCall(new Request.Builder().url(base + "/slow").build()).enqueue(recordCurrentSpan(tracing, slowCallbackSaw));
      }
      assertThat(slowArrived.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      try (Scope ignored = second.makeCurrent()) {
        http.newCall(new Request.Builder().url(base + "/queued").build()).enqueue(recordCurrentSpan(tracing, queuedCallbackSaw));
      }
      assertThat(client.dispatcher().queuedCallsCount()).isEqualTo(1);
      releaseSlow.countDown();

      assertThat(slowCallbackSaw.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isSameAs(first);
      assertThat(queuedCallbackSaw.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isSameAs(second);
      tracing.flush();
      List<FinishedSpan> finished = spans.spans();
      assertSentAndChildOf(finished, traceparents, "/sync", first.context());
      assertSentAndChildOf(finished, traceparents, "/slow", first.context());
      assertSentAndChildOf(finished, traceparents, "/queued", second.context());
    } finally {
      releaseSlow.countDown();
      server.stop(0);
      serverThreads.shutdownNow();
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  private static void assertSentAndChildOf(List<FinishedSpan> spans, Map<String, String> traceparents, String path,
      TraceContext parent) {
    FinishedSpan span = ClientSpans.withPath(spans, path);
    assertThat(span).hasParent(parent).hasTag("http.status_code", "200");
    assertThat(traceparents.get(path)).contains(String.format("%016x", span.spanId()));
  }

  private static okhttp3.Callback recordCurrentSpan(Tracing tracing, CompletableFuture<Span> saw) {
    return new okhttp3.Callback() {
      @Override public void onFailure(Call call, IOException e) {
        saw.completeExceptionally(e);
      }

      @Override public void onResponse(Call call, Response response) {
        response.close();
        saw.complete(tracing.tracer().currentSpan());
      }
    };
  }
}
