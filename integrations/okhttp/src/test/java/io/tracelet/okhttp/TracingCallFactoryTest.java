package io.tracelet.okhttp;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracelet.FinishedSpan;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.TraceContext;
import io.tracelet.Tracing;
import io.tracelet.propagation.Propagators;
import io.tracelet.testing.InMemoryReporter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What OkHttp adds to the shared client suite ({@link TracingCallFactorySuiteTest}), against
 * OkHttp's own MockWebServer: W3C and B3 headers replaced together, calls backlogged in the
 * dispatcher, a redirect to another server, OkHttp's retries, the returned call's own contract, and
 * a client that already has the interceptor.
 */
class TracingCallFactoryTest {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  final InMemoryReporter reporter = new InMemoryReporter();
  final Tracing tracing = Tracing.newBuilder()
      .serviceName("shop")
      .propagator(Propagators.w3cThenB3())
      .reporter(reporter)
      .strictScopes(true) // a scope closed out of order or on the wrong thread fails the test
      .maxBatchSpans(512).maxBatchDelay(Duration.ofMillis(5))
      .build();
  final MockWebServer server = new MockWebServer();
  OkHttpClient client;
  Call.Factory http;

  @BeforeEach void start() throws IOException {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    client = new OkHttpClient.Builder().callTimeout(TIMEOUT).build();
    http = TracingCallFactory.create(tracing, client);
  }

  @AfterEach void stop() {
    server.close();
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
    tracing.close();
  }

  @Test void traceHeadersAlreadyInTheRequestAreReplacedNotDuplicated() throws Exception {
    server.enqueue(new MockResponse.Builder().build());
    Request stale = get("/").newBuilder()
        .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
        .header("X-B3-TraceId", "0af7651916cd43dd8448eb211c80319c")
        .header("X-B3-SpanId", "b7ad6b7169203331")
        .header("X-B3-ParentSpanId", "00f067aa0ba902b7") // the new span is a root: must go
        .header("tracestate", "vendor=stale")
        .header("x-unrelated", "kept")
        .build();

    try (Response ignored = http.newCall(stale).execute()) {
      // the response is not what this test is about
    }

    FinishedSpan client = onlyClientSpan();
    RecordedRequest received = server.takeRequest();
    assertReceivedContextOf(received, client);
    assertThat(received.getHeaders().values("traceparent")).hasSize(1);
    assertThat(received.getHeaders().values("x-b3-traceid")).hasSize(1);
    assertThat(received.getHeaders().get("x-b3-parentspanid")).isNull();
    assertThat(received.getHeaders().get("tracestate")).isNull();
    assertThat(received.getHeaders().get("x-unrelated")).isEqualTo("kept");
  }

  @Test void asyncCallsOnABackloggedDispatcherContinueTheTraceOfTheirCaller() throws Exception {
    client.dispatcher().setMaxRequests(1); // one call at a time: the second waits in the queue
    CountDownLatch releaseSlow = new CountDownLatch(1);
    BlockingQueue<String> arrived = new ArrayBlockingQueue<>(4);
    server.setDispatcher(new Dispatcher() {
      @Override public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        arrived.add(request.getUrl().encodedPath());
        if (request.getUrl().encodedPath().equals("/slow")) {
          releaseSlow.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        return new MockResponse.Builder().body(request.getUrl().encodedPath()).build();
      }
    });
    RecordingCallback slowCallback = new RecordingCallback();
    RecordingCallback queuedCallback = new RecordingCallback();
    Span first = tracing.tracer().spanBuilder("first").start();
    Span second = tracing.tracer().spanBuilder("second").start();

    try (Scope ignored = first.makeCurrent()) {
      http.newCall(get("/slow")).enqueue(slowCallback);
    }
    assertThat(arrived.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("/slow");
    try (Scope ignored = second.makeCurrent()) {
      http.newCall(get("/queued")).enqueue(queuedCallback);
    }
    assertThat(client.dispatcher().queuedCallsCount()).isEqualTo(1); // backlogged
    releaseSlow.countDown();

    assertThat(slowCallback.await().body).isEqualTo("/slow");
    assertThat(queuedCallback.await().body).isEqualTo("/queued");
    // Each callback ran in its caller's trace, with the caller's own span current.
    assertThat(slowCallback.current).isSameAs(first);
    assertThat(queuedCallback.current).isSameAs(second);
    first.finish();
    second.finish();

    List<FinishedSpan> spans = reporter.awaitSpans(4, TIMEOUT);
    FinishedSpan slow = ClientSpans.withPath(spans, "/slow");
    FinishedSpan queued = ClientSpans.withPath(spans, "/queued");
    assertThat(slow).hasParent(first.context()).hasTag("http.status_code", "200");
    assertThat(queued).hasParent(second.context()).hasTag("http.status_code", "200");
    RecordedRequest slowRequest = server.takeRequest();
    RecordedRequest queuedRequest = server.takeRequest();
    assertReceivedContextOf(slowRequest, slow);
    assertReceivedContextOf(queuedRequest, queued);
  }

  @Test void aRedirectToAnotherServerEndsWithThatServerAsTheRemoteEndpoint() throws Exception {
    try (MockWebServer other = new MockWebServer()) {
      other.start(InetAddress.getByName("127.0.0.1"), 0);
      other.enqueue(new MockResponse.Builder().body("there").build());
      server.enqueue(new MockResponse.Builder().code(307)
          .setHeader("Location", "http://127.0.0.1:" + other.getPort() + "/new").build());

      try (Response response = http.newCall(get("/old")).execute()) {
        assertThat(response.body().string()).isEqualTo("there");
      }

      FinishedSpan client = onlyClientSpan();
      assertThat(client.remoteEndpoint().port()).isEqualTo(other.getPort());
      assertReceivedContextOf(server.takeRequest(), client);
      assertReceivedContextOf(other.takeRequest(), client);
    }
  }

  @Test void retriesBelongToTheCallsOneSpanAndEveryAttemptCarriesItsContext() throws Exception {
    // OkHttp retries by itself once after a 408, and after a 503 asking to retry at once.
    server.enqueue(new MockResponse.Builder().code(408).build());
    server.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", "0").build());
    server.enqueue(new MockResponse.Builder().body("done").build());

    try (Response response = http.newCall(get("/flaky")).execute()) {
      assertThat(response.body().string()).isEqualTo("done");
    }

    FinishedSpan client = onlyClientSpan();
    assertThat(client).hasTag("http.status_code", "200").hasNoError();
    for (int attempt = 0; attempt < 3; attempt++) assertReceivedContextOf(server.takeRequest(), client);
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test void theReturnedCallBehavesLikeOkHttpsOwn() throws Exception {
    server.enqueue(new MockResponse.Builder().body("again").build());
    Span caller = tracing.tracer().spanBuilder("caller").start();
    Call call;
    try (Scope ignored = caller.makeCurrent()) {
      call = http.newCall(get("/twice"));
    }

    call.cancel();
    assertThat(call.isCanceled()).isTrue();
    assertThatThrownBy(call::execute).isInstanceOf(IOException.class);
    assertThat(call.isExecuted()).isTrue();
    assertThat(call.request().url().encodedPath()).isEqualTo("/twice");
    assertThat(call).isEqualTo(call).isNotEqualTo(call.clone());
    RecordingCallback callback = new RecordingCallback();
    Call clone = call.clone(); // keeps the caller captured at creation, wherever it runs
    clone.enqueue(callback);

    assertThat(callback.await().body).isEqualTo("again");
    assertThat(callback.call).isSameAs(clone);
    assertThat(callback.current).isSameAs(caller);
    List<FinishedSpan> spans = reporter.awaitSpans(2, TIMEOUT);
    assertThat(spans).filteredOn(s -> s.kind() == SpanKind.CLIENT).hasSize(2)
        .allSatisfy(s -> assertThat(s).hasParent(caller.context()));
  }

  @Test void aClientThatAlreadyHasTheInterceptorIsNotGivenASecond() throws Exception {
    OkHttpClient withInterceptor = client.newBuilder().addInterceptor(TracingInterceptor.create(tracing)).build();
    server.enqueue(new MockResponse.Builder().build());

    try (Response ignored = TracingCallFactory.create(tracing, withInterceptor).newCall(get("/")).execute()) {
      // one call, one span
    }

    onlyClientSpan();
  }

  private Request get(String pathOrUrl) {
    // By IP, not server.url()'s "localhost": a span's remote endpoint holds IP literals only.
    String url = pathOrUrl.startsWith("/") ? "http://127.0.0.1:" + server.getPort() + pathOrUrl : pathOrUrl;
    return new Request.Builder().url(url).build();
  }

  private FinishedSpan onlyClientSpan() {
    tracing.flush();
    List<FinishedSpan> clients = reporter.spans().stream().filter(s -> s.kind() == SpanKind.CLIENT).toList();
    assertThat(clients).hasSize(1);
    return clients.get(0);
  }

  /** The request the server got carries exactly the client span's context, in W3C and B3 headers. */
  static void assertReceivedContextOf(RecordedRequest received, FinishedSpan client) {
    TraceContext extracted = Propagators.w3cThenB3().extract(received.getHeaders(), (h, k) -> h.get(k));
    assertThat(extracted).isNotNull();
    assertThat(extracted.traceId()).isEqualTo(client.traceId());
    assertThat(extracted.traceIdHigh()).isEqualTo(client.traceIdHigh());
    assertThat(extracted.spanId()).isEqualTo(client.spanId());
    assertThat(received.getHeaders().get("x-b3-spanid")).isEqualTo(extracted.spanIdHex());
    assertThat(received.getHeaders().get("x-b3-traceid")).isEqualTo(extracted.traceIdHex());
  }

  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort(); // closed on return: connecting is refused
    }
  }

  /** Records what a callback saw: its outcome, the call it was given, and the current span. */
  final class RecordingCallback implements Callback {
    private final CountDownLatch done = new CountDownLatch(1);
    volatile Call call;
    volatile Span current;
    volatile String body;
    volatile IOException failure;

    @Override public void onFailure(Call call, IOException e) {
      this.call = call;
      this.failure = e;
      this.current = currentSpan();
      done.countDown();
    }

    @Override public void onResponse(Call call, Response response) throws IOException {
      this.call = call;
      this.current = currentSpan();
      try (response) {
        this.body = response.body().string();
      }
      done.countDown();
    }

    private Span currentSpan() {
      return tracing.tracer().currentSpan();
    }

    RecordingCallback await() throws InterruptedException {
      assertThat(done.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("callback called").isTrue();
      return this;
    }
  }
}
