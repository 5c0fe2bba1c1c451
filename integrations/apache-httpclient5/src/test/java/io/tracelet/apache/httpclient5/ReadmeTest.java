package io.tracelet.apache.httpclient5;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.FinishedSpan;
import io.tracelet.Sampler;
import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import io.tracelet.http.HttpClientHandler;
import io.tracelet.http.HttpRequestSampler;
import io.tracelet.propagation.Propagators;
import io.tracelet.testing.InMemoryReporter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.FutureRequestExecutionService;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.io.CloseMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The snippets of README.md, compiled and run against a JDK HTTP server. */
class ReadmeTest {
  final InMemoryReporter reporter = new InMemoryReporter();
  final Tracing tracing = Tracing.newBuilder().serviceName("checkout").propagator(Propagators.w3cThenB3())
      .reporter(reporter).maxBatchDelay(Duration.ofMillis(5)).build();
  final TestServer server = ClassicBehaviourTest.server();
  final URI uri = server.uri("/ok");

  @AfterEach void close() {
    server.close();
    tracing.close();
  }

  FinishedSpan clientSpan() {
    FinishedSpan span = TestSpans.only(reporter, tracing);
    assertThat(span).hasKind(SpanKind.CLIENT).hasName("GET").hasTag("http.path", "/ok").hasTag("http.status_code", "200");
    return span;
  }

  @Test void classic() throws Exception {
    // README: classic
    HttpClient5Tracing traced = HttpClient5Tracing.create(tracing);
    CloseableHttpClient http = traced.build(HttpClients.custom());

    String body = http.execute(ClassicRequestBuilder.get(uri).build(),
        response -> EntityUtils.toString(response.getEntity()));
    // README end

    try (http) {
      assertThat(body).isEqualTo("ok");
      clientSpan();
    }
  }

  @Test void async() throws Exception {
    HttpClient5Tracing traced = HttpClient5Tracing.create(tracing);
    CompletableFuture<String> seen = new CompletableFuture<>();
    // README: async
    CloseableHttpAsyncClient async = traced.build(HttpAsyncClients.custom());
    async.start();

    Future<SimpleHttpResponse> response = async.execute(SimpleRequestBuilder.get(uri).build(),
        new FutureCallback<SimpleHttpResponse>() {
          @Override public void completed(SimpleHttpResponse result) { // in the caller's trace
            seen.complete(result.getBodyText());
          }

          @Override public void failed(Exception failure) {
            seen.completeExceptionally(failure);
          }

          @Override public void cancelled() {
            seen.cancel(false);
          }
        });
    // README end

    try {
      assertThat(response.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(200);
      assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
      clientSpan();
    } finally {
      async.close(CloseMode.GRACEFUL);
    }
  }

  @Test void rules() throws Exception {
    HttpRequestSampler rules = HttpRequestSampler.newBuilder().rule("GET", "/ok", Sampler.never()).build();
    // README: rules
    HttpClient5Tracing traced = HttpClient5Tracing.create(HttpClientHandler.create(tracing, rules));
    // README end

    try (CloseableHttpClient http = traced.build(HttpClients.custom())) {
      int status = http.execute(ClassicRequestBuilder.get(uri).build(), r -> r.getCode());
      assertThat(status).isEqualTo(200);
    }
    tracing.flush();
    assertThat(reporter.spans()).isEmpty();
    String traceparent = server.seen().traceparent().get(0);
    assertThat(Integer.parseInt(traceparent.substring(53), 16) & 1).as("the sampled flag").isZero(); // propagated, unsampled
  }

  @Test void classicInTheBackground() throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(2);
    CloseableHttpClient http = HttpClient5Tracing.create(tracing).build(HttpClients.custom());
    // README: future request execution service
    FutureRequestExecutionService service =
        new FutureRequestExecutionService(http, tracing.currentContext().wrap(executor));
    // README end

    try (service) {
      int status = tracing.tracer().callInSpan("request",
          () -> service.execute(ClassicRequestBuilder.get(uri).build(), null, r -> r.getCode()).get(10, TimeUnit.SECONDS));
      assertThat(status).isEqualTo(200);
      List<FinishedSpan> spans = reporter.awaitSpans(2, TestServer.TIMEOUT);
      FinishedSpan call = spans.stream().filter(s -> s.kind() == SpanKind.CLIENT).findFirst().orElseThrow();
      FinishedSpan request = spans.stream().filter(s -> s.name().equals("request")).findFirst().orElseThrow();
      assertThat(call).hasParent(request); // the executor's thread ran the call in the caller's trace
    } finally {
      executor.shutdownNow();
    }
  }
}
