package io.tracelet.apache.httpclient5;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tracelet.FinishedSpan;
import io.tracelet.Sampler;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.Tracing;
import io.tracelet.propagation.Propagators;
import io.tracelet.testing.InMemoryReporter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.impl.cache.CachingHttpClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.io.HttpClientResponseHandler;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the shared suite does not cover for the classic client: where the span ends (after the
 * response handler, or at the response head for {@code executeOpen}), failures seen by the caller
 * exactly as without Tracelet, retries and redirects to another host, and the span current for the
 * client's own interceptors.
 */
class ClassicBehaviourTest {
  final InMemoryReporter reporter = new InMemoryReporter();
  final Tracing tracing = Tracing.newBuilder().serviceName("client").propagator(Propagators.w3cThenB3())
      .sampler(Sampler.always()).reporter(reporter).strictScopes(true)
      .maxBatchDelay(java.time.Duration.ofMillis(5)).build();
  final TestServer server = server();
  final CloseableHttpClient plain = Clients.classicBuilder().build();
  final CloseableHttpClient traced = traced(Clients.classicBuilder());

  static TestServer server() {
    try {
      return new TestServer();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  CloseableHttpClient traced(HttpClientBuilder builder) {
    return HttpClient5Tracing.create(tracing).build(builder);
  }

  @AfterEach void close() throws IOException {
    traced.close();
    plain.close();
    server.close();
    tracing.close();
  }

  FinishedSpan onlySpan() {
    return TestSpans.only(reporter, tracing);
  }


  @Test void aResponseHandlerThatThrowsReachesTheCallerUnchangedAndTheSpanRecordsIt() {
    IllegalStateException broken = new IllegalStateException("the body made no sense");
    HttpClientResponseHandler<String> handler = response -> {
      throw broken;
    };

    Throwable withoutTracing = catchThrowable(() -> plain.execute(ClassicRequestBuilder.get(server.uri("/ok")).build(), handler));
    Throwable withTracing = catchThrowable(() -> traced.execute(ClassicRequestBuilder.get(server.uri("/ok")).build(), handler));

    assertThat(withoutTracing).isSameAs(broken);
    assertThat(withTracing).isSameAs(broken);
    FinishedSpan span = onlySpan();
    assertThat(span).hasTag("http.status_code", "200").hasTag("error", "the body made no sense");
    assertThat(span.error()).isSameAs(broken);
  }

  @Test void aProtocolErrorInTheHandlerIsWrappedByTheLibraryAsWithoutTracingAndRecordedAsTheCallerGetsIt() {
    HttpClientResponseHandler<String> handler = response -> {
      throw new ProtocolException("not the protocol we expected");
    };

    Throwable withoutTracing = catchThrowable(() -> plain.execute(ClassicRequestBuilder.get(server.uri("/ok")).build(), handler));
    Throwable withTracing = catchThrowable(() -> traced.execute(ClassicRequestBuilder.get(server.uri("/ok")).build(), handler));

    assertThat(withTracing).isInstanceOf(ClientProtocolException.class).hasCauseInstanceOf(ProtocolException.class)
        .hasMessage(withoutTracing.getMessage());
    assertThat(withoutTracing).isInstanceOf(ClientProtocolException.class);
    assertThat(onlySpan().error()).isSameAs(withTracing);
  }

  @Test void executeOpenEndsTheSpanAtTheResponseHeadAndLeavesTheBodyToTheCaller() throws Exception {
    try (ClassicHttpResponse response = traced.executeOpen(null, ClassicRequestBuilder.get(server.uri("/ok")).build(), null)) {
      FinishedSpan span = onlySpan(); // already finished, the body not read yet
      assertThat(span).hasName("GET").hasTag("http.status_code", "200").hasNoError();
      assertThat(EntityUtils.toString(response.getEntity())).isEqualTo("ok");
    }
  }

  @Test void aRefusedConnectionThrowsWhatThePlainClientThrowsAndTheSpanRecordsIt() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = socket.getLocalPort();
    }
    URI nowhere = URI.create("http://127.0.0.1:" + closedPort + "/");

    Throwable withoutTracing = catchThrowable(() -> plain.executeOpen(null, ClassicRequestBuilder.get(nowhere).build(), null));
    Throwable withTracing = catchThrowable(() -> traced.executeOpen(null, ClassicRequestBuilder.get(nowhere).build(), null));

    assertThat(withTracing).isInstanceOf(IOException.class).hasSameClassAs(withoutTracing)
        .hasMessage(withoutTracing.getMessage());
    FinishedSpan span = onlySpan();
    assertThat(span.error()).isSameAs(withTracing);
    assertThat(span).hasNoTag("http.status_code");
    assertThat(span.remoteEndpoint().port()).isEqualTo(closedPort);
  }

  @Test void aRetryStaysInTheSpanAsAnEventAndBothAttemptsCarryItsContext() throws Exception {
    int status = traced.execute(ClassicRequestBuilder.get(server.uri("/flaky?id=classic")).build(), ClassicHttpResponse::getCode);

    assertThat(status).isEqualTo(200);
    FinishedSpan span = onlySpan();
    assertThat(span).hasTag("http.status_code", "200").hasTag("http.path", "/flaky").hasEvent("retry").hasNoError();
    assertThat(span.eventCount()).isEqualTo(1);
    for (TestServer.Seen attempt : List.of(server.seen(), server.seen())) {
      assertThat(attempt.traceparent()).singleElement().satisfies(t -> assertThat(TestSpans.ids(t)).isEqualTo(TestSpans.ids(span)));
    }
  }

  @Test void aRedirectElsewhereReplacesTheCallersStaleHeadersOnEveryHopAndMovesTheRemoteEndpoint() throws Exception {
    try (TestServer elsewhere = new TestServer()) {
      ClassicHttpRequest request = ClassicRequestBuilder.get(server.uri("/moved?to=" + elsewhere.uri("/ok")))
          .setHeader("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
          .setHeader("X-B3-TraceId", "0af7651916cd43dd8448eb211c80319c")
          .build();

      int status = traced.execute(request, ClassicHttpResponse::getCode);

      assertThat(status).isEqualTo(200);
      FinishedSpan span = onlySpan();
      assertThat(span).isRoot().hasTag("http.path", "/moved").hasTag("http.status_code", "200").hasEvent("redirect");
      assertThat(span.remoteEndpoint().port()).isEqualTo(elsewhere.port());
      for (TestServer.Seen hop : List.of(server.seen(), elsewhere.seen())) {
        assertThat(hop.traceparent()).singleElement().satisfies(t -> assertThat(TestSpans.ids(t)).isEqualTo(TestSpans.ids(span)));
        assertThat(hop.b3TraceId()).containsExactly(TestSpans.ids(span).substring(0, 32));
      }
      // The caller's request is the caller's: nothing was written into it.
      assertThat(request.getFirstHeader("traceparent").getValue()).isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    }
  }

  @Test void theSpanIsCurrentForTheClientsOwnInterceptorsAndTheCallersAfterwards() throws Exception {
    AtomicReference<Span> inInterceptor = new AtomicReference<>();
    try (CloseableHttpClient http = traced(Clients.classicBuilder()
        .addRequestInterceptorFirst((request, entity, context) -> inInterceptor.set(tracing.tracer().currentSpan())))) {
      Span parent = tracing.tracer().spanBuilder("parent").start();
      try (Scope ignored = parent.makeCurrent()) {
        http.execute(ClassicRequestBuilder.get(server.uri("/ok")).build(), response -> {
          assertThat(tracing.tracer().currentSpan()).as("the handler runs in the caller's trace").isEqualTo(parent);
          return null;
        });
        assertThat(tracing.tracer().currentSpan()).isEqualTo(parent);
      } finally {
        parent.finish();
      }
      FinishedSpan call = reporter.awaitSpans(2, TestServer.TIMEOUT).stream()
          .filter(s -> s.kind() == io.tracelet.SpanKind.CLIENT).findFirst().orElseThrow();
      assertThat(call).hasParent(parent.context());
      assertThat(inInterceptor.get().context().spanId()).isEqualTo(call.spanId());
    }
  }

  @Test void aCachingClientRecordsACacheHitAsASpanThatSentNothing() throws Exception {
    try (CloseableHttpClient caching = traced(CachingHttpClients.custom().setRetryStrategy(Clients.retries()))) {
      for (int i = 0; i < 2; i++) {
        assertThat(caching.execute(ClassicRequestBuilder.get(server.uri("/cached")).build(), ClassicHttpResponse::getCode))
            .isEqualTo(200);
      }
      List<FinishedSpan> spans = reporter.awaitSpans(2, TestServer.TIMEOUT);
      assertThat(spans).hasSize(2).allSatisfy(s -> assertThat(s).hasTag("http.status_code", "200").hasNoError());
      TestServer.Seen sent = server.seen();
      assertThat(server.seenSoFar()).as("the second answer came from the cache").isEmpty();
      assertThat(sent.traceparent()).singleElement().satisfies(t -> assertThat(TestSpans.ids(t)).isEqualTo(TestSpans.ids(spans.get(0))));
    }
  }

  @Test void traceHeaderValuesThatAreNotPlainHeaderValuesAreLeftOutAndTheCallGoesOn() throws Exception {
    io.tracelet.Propagator noisy = new io.tracelet.Propagator() { // W3C, plus values HttpCore would send mangled
      @Override public List<String> keys() {
        return List.of("traceparent", "tracestate", "x-note", "x-line", "x-tab");
      }

      @Override public <Q> void inject(io.tracelet.TraceContext context, Q carrier, Setter<Q> setter) {
        Propagators.w3c().inject(context, carrier, setter);
        setter.set(carrier, "x-note", "caf\u00e9");
        setter.set(carrier, "x-line", "a\r\nx-injected: 1");
        setter.set(carrier, "x-tab", "a\tb"); // a tab is a plain header value
      }

      @Override public <Q> io.tracelet.TraceContext extract(Q carrier, Getter<Q> getter) {
        return Propagators.w3c().extract(carrier, getter);
      }
    };
    try (Tracing noisyTracing = Tracing.newBuilder().propagator(noisy).reporter(reporter)
        .maxBatchDelay(java.time.Duration.ofMillis(5)).build();
         CloseableHttpClient http = HttpClient5Tracing.create(noisyTracing).build(Clients.classicBuilder())) {
      assertThat(http.execute(ClassicRequestBuilder.get(server.uri("/ok")).build(), ClassicHttpResponse::getCode))
          .isEqualTo(200);

      TestServer.Seen seen = server.seen();
      assertThat(seen.headerNames()).contains("traceparent", "x-tab").doesNotContain("x-note", "x-line", "x-injected");
      assertThat(seen.traceparent()).singleElement().satisfies(t -> assertThat(TestSpans.ids(t)).isEqualTo(TestSpans.ids(onlySpan())));
    }
  }

  @Test void argumentsAreChecked() {
    assertThatThrownBy(() -> HttpClient5Tracing.create((Tracing) null)).hasMessage("tracing == null");
    assertThatThrownBy(() -> HttpClient5Tracing.create((io.tracelet.http.HttpClientHandler) null)).hasMessage("handler == null");
    assertThatThrownBy(() -> HttpClient5Tracing.create(tracing).build((HttpClientBuilder) null)).hasMessage("builder == null");
  }
}
