package io.tracelet.http;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tracelet.FinishedSpan;
import io.tracelet.KeepPolicy;
import io.tracelet.Propagator;
import io.tracelet.Sampler;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.TraceContext;
import io.tracelet.Tracing;
import io.tracelet.propagation.Propagators;
import io.tracelet.propagation.ServerTiming;
import io.tracelet.testing.InMemoryReporter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every Tracelet HTTP client integration proves, against a real JDK HTTP server on 127.0.0.1
 * that records the headers each request carried: propagation in W3C and B3, parent and child, 4xx
 * and 5xx, a refused connection, redirects, asynchronous callbacks in the caller's trace, a cancelled
 * asynchronous call, caller-set trace headers replaced, a header value the library refuses, the
 * {@code server-timing} signal (and malformed answers of it), and request sampling rules.
 *
 * <p>The server answers {@code /status/N} with N, {@code /redirect} with a 302 to {@code /ok},
 * {@code /timing} with a {@code server-timing} metric saying it kept the caller's trace,
 * {@code /bad-timing} with malformed {@code server-timing} values, {@code /latched} with 200 once
 * the test lets it (or the test ends), and any other path with 200 {@code ok}.
 *
 * @param <C> the traced client
 */
public abstract class HttpClientSuite<C> {
  protected static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** The traced client for {@code tracing}, applying {@code sampler}'s rules. */
  protected abstract C newClient(Tracing tracing, HttpRequestSampler sampler) throws Exception;

  /** Closes a client from {@link #newClient}; nothing by default. */
  protected void closeClient(C client) throws Exception {
  }

  /**
   * A blocking GET of {@code uri} with {@code headers} set, returning the final status; a failure
   * throws what the library throws.
   */
  protected abstract int get(C client, URI uri, Map<String, String> headers) throws Exception;

  /**
   * An asynchronous GET of {@code uri}, made on the calling thread: {@code callback} must run in the
   * library's own completion callback (a {@code CompletableFuture} stage, an OkHttp {@code Callback}...),
   * with the status or the failure. Returns what cancels the call as the library's users do
   * ({@code future.cancel(true)}, {@code call.cancel()}...).
   */
  protected abstract Runnable getAsync(C client, URI uri, Callback callback) throws Exception;

  /** The completion an asynchronous call reports to. */
  @FunctionalInterface
  protected interface Callback {
    void onComplete(int status, Throwable failure);
  }

  /** One request as the server saw it: path and the trace headers. */
  protected record Seen(String path, String traceparent, String tracestate, String b3TraceId, String b3SpanId, String b3Sampled) {
  }

  protected final InMemoryReporter reporter = new InMemoryReporter();
  private final List<Tracing> tracings = new ArrayList<>();
  private final List<C> clients = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1); // holds /latched until the test releases it
  private final LinkedBlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
  private volatile boolean headerInjected; // a request arrived with the header x-injected
  private final ExecutorService serverThreads = Executors.newFixedThreadPool(2);
  private HttpServer server;

  @BeforeEach final void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.setExecutor(serverThreads);
    server.createContext("/", this::serve);
    server.start();
  }

  @AfterEach final void stopAll() throws Exception {
    release.countDown(); // a /latched request a test left waiting ends now
    for (C client : clients) closeClient(client);
    server.stop(0);
    serverThreads.shutdownNow();
    for (Tracing tracing : tracings) tracing.close();
  }

  private void serve(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    var headers = exchange.getRequestHeaders();
    if (headers.containsKey("x-injected")) headerInjected = true;
    seen.add(new Seen(path, joined(headers.get("traceparent")), joined(headers.get("tracestate")),
        joined(headers.get("X-B3-TraceId")),
        joined(headers.get("X-B3-SpanId")), joined(headers.get("X-B3-Sampled"))));
    int code = 200;
    if (path.startsWith("/status/")) code = Integer.parseInt(path.substring(8));
    if (path.equals("/redirect")) {
      exchange.getResponseHeaders().set("Location", "/ok");
      code = 302;
    }
    if (path.equals("/latched")) {
      try {
        if (!release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) code = 504;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        code = 503;
      }
    }
    if (path.equals("/timing")) {
      TraceContext caller = Propagators.w3c().extract(headers, (h, k) -> joined(h.get(k)));
      if (caller != null) exchange.getResponseHeaders().set(ServerTiming.HEADER, ServerTiming.format(caller, true));
    }
    if (path.equals("/bad-timing")) {
      for (String value : BAD_TIMINGS) exchange.getResponseHeaders().add(ServerTiming.HEADER, value);
    }
    byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(code, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Malformed {@code server-timing} values, and one saying another trace was kept: none may keep the caller's. */
  private static final List<String> BAD_TIMINGS = List.of(
      "trace;desc=zzzz",
      "trace;desc=00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", // someone else's trace
      "trace;desc=00-00000000000000000000000000000000-0000000000000000-01",
      "trace;desc=", "trace", ";;;==,,\"", "trace;desc=" + "f".repeat(6000));

  private static String joined(List<String> values) {
    return values == null || values.isEmpty() ? null : String.join(",", values);
  }

  protected final Tracing tracing(Propagator propagator, Sampler sampler, KeepPolicy keepPolicy) {
    Tracing.Builder builder = Tracing.newBuilder()
        .serviceName("client")
        .propagator(propagator)
        .sampler(sampler)
        .reporter(reporter)
        .strictScopes(true)
        .maxBatchDelay(Duration.ofMillis(5));
    if (keepPolicy != null) builder.keepPolicy(keepPolicy);
    Tracing tracing = builder.build();
    tracings.add(tracing);
    return tracing;
  }

  protected final C client(Tracing tracing, HttpRequestSampler sampler) throws Exception {
    C client = newClient(tracing, sampler);
    clients.add(client);
    return client;
  }

  protected final URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private Seen seen() throws InterruptedException {
    Seen request = seen.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(request).as("a request reached the server").isNotNull();
    return request;
  }

  private FinishedSpan clientSpan() {
    List<FinishedSpan> spans = reporter.awaitSpans(1, TIMEOUT);
    assertThat(spans).filteredOn(s -> s.kind() == SpanKind.CLIENT).hasSize(1);
    return spans.stream().filter(s -> s.kind() == SpanKind.CLIENT).findFirst().orElseThrow();
  }

  /** The traceparent a sampled span sends, but for the flags' random-trace-id bit, which is masked. */
  private static String traceparent(FinishedSpan span) {
    return "00-" + String.format("%016x%016x", span.traceIdHigh(), span.traceId()) + "-" + spanIdHex(span) + "-01";
  }

  /** {@code traceparent} with the flags reduced to the sampled bit; null stays null. */
  private static String sampledOnly(String traceparent) {
    if (traceparent == null || traceparent.length() < 2) return traceparent;
    int flags = Integer.parseInt(traceparent.substring(traceparent.length() - 2), 16);
    return traceparent.substring(0, traceparent.length() - 2) + ((flags & 1) == 1 ? "01" : "00");
  }

  private static String traceIdHex(FinishedSpan span) {
    return (span.traceIdHigh() == 0L ? "" : String.format("%016x", span.traceIdHigh()))
        + String.format("%016x", span.traceId());
  }

  private static String spanIdHex(FinishedSpan span) {
    return String.format("%016x", span.spanId());
  }

  @Test void aCallIsAChildOfTheCurrentSpanAndCarriesItsContextInW3C() throws Exception {
    Tracing tracing = tracing(Propagators.w3c(), Sampler.always(), null);
    C client = client(tracing, HttpRequestSampler.none());
    Span parent = tracing.tracer().spanBuilder("parent").start();
    int status;
    try (Scope ignored = parent.makeCurrent()) {
      status = get(client, uri("/items?page=2"), Map.of());
    } finally {
      parent.finish();
    }

    assertThat(status).isEqualTo(200);
    List<FinishedSpan> spans = reporter.awaitSpans(2, TIMEOUT);
    FinishedSpan call = spans.stream().filter(s -> s.kind() == SpanKind.CLIENT).findFirst().orElseThrow();
    assertThat(call).hasName("GET").hasParent(parent.context()).hasTag("http.method", "GET")
        .hasTag("http.path", "/items").hasTag("http.status_code", "200").hasNoError();
    assertThat(call.remoteEndpoint().ipv4()).isEqualTo("127.0.0.1");
    assertThat(call.remoteEndpoint().port()).isEqualTo(server.getAddress().getPort());
    assertThat(sampledOnly(seen().traceparent())).isEqualTo(traceparent(call));
  }

  @Test void b3CarriesTheContextToo() throws Exception {
    C client = client(tracing(Propagators.b3(), Sampler.always(), null), HttpRequestSampler.none());

    get(client, uri("/ok"), Map.of());

    FinishedSpan call = clientSpan();
    assertThat(call).isRoot();
    Seen request = seen();
    assertThat(request.b3TraceId()).isEqualTo(traceIdHex(call));
    assertThat(request.b3SpanId()).isEqualTo(spanIdHex(call));
    assertThat(request.b3Sampled()).isEqualTo("1");
    assertThat(request.traceparent()).isNull();
  }

  @Test void traceHeadersTheCallerSetAreReplacedNotDuplicated() throws Exception {
    C client = client(tracing(Propagators.w3c(), Sampler.always(), null), HttpRequestSampler.none());

    get(client, uri("/ok"), Map.of("traceparent", "00-not-a-context-01", "tracestate", "stale=1"));

    Seen request = seen();
    assertThat(sampledOnly(request.traceparent())).isEqualTo(traceparent(clientSpan()));
    assertThat(request.tracestate()).isNull(); // the span has none: the caller's stale one is gone too
  }

  @Test void aServerErrorMarksTheSpanFailedAndAClientErrorDoesNot() throws Exception {
    C client = client(tracing(Propagators.w3c(), Sampler.always(), null), HttpRequestSampler.none());

    assertThat(get(client, uri("/status/503"), Map.of())).isEqualTo(503);
    assertThat(get(client, uri("/status/404"), Map.of())).isEqualTo(404);

    assertThat(reporter.awaitSpans(2, TIMEOUT))
        .anySatisfy(s -> assertThat(s).hasTag("http.status_code", "503").hasTag("error", "503"))
        .anySatisfy(s -> assertThat(s).hasTag("http.status_code", "404").hasNoError());
  }

  @Test void aFailedCallThrowsAsWithoutTracingAndTheSpanRecordsIt() throws Exception {
    C client = client(tracing(Propagators.w3c(), Sampler.always(), null), HttpRequestSampler.none());
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = socket.getLocalPort();
    }

    assertThatThrownBy(() -> get(client, URI.create("http://127.0.0.1:" + closedPort + "/"), Map.of()))
        .isInstanceOf(IOException.class);

    FinishedSpan call = clientSpan();
    assertThat(call.error()).isInstanceOf(IOException.class);
    assertThat(call).hasNoTag("http.status_code");
  }

  @Test void aRedirectStaysInOneSpanAndEveryHopCarriesItsContext() throws Exception {
    C client = client(tracing(Propagators.w3c(), Sampler.always(), null), HttpRequestSampler.none());

    assertThat(get(client, uri("/redirect"), Map.of())).isEqualTo(200);

    FinishedSpan call = clientSpan();
    assertThat(call).hasTag("http.status_code", "200").hasTag("http.path", "/redirect");
    assertThat(List.of(seen(), seen()))
        .extracting(Seen::path, s -> sampledOnly(s.traceparent()))
        .containsExactly(org.assertj.core.groups.Tuple.tuple("/redirect", traceparent(call)),
            org.assertj.core.groups.Tuple.tuple("/ok", traceparent(call)));
  }

  @Test void anAsynchronousCallbackRunsInTheCallersTrace() throws Exception {
    Tracing tracing = tracing(Propagators.w3c(), Sampler.always(), null);
    C client = client(tracing, HttpRequestSampler.none());
    CompletableFuture<Object> inCallback = new CompletableFuture<>();
    Span parent = tracing.tracer().spanBuilder("parent").start();
    try (Scope ignored = parent.makeCurrent()) {
      getAsync(client, uri("/latched"), (status, failure) -> {
        Span current = tracing.tracer().currentSpan();
        inCallback.complete(failure != null ? failure : List.of(status, current == null ? "none" : current));
      });
    }
    assertThat(tracing.tracer().currentSpan()).isNull(); // the caller's thread is left as it was
    assertThat(inCallback).isNotDone();
    release.countDown(); // the response comes only now, so the callback runs on the client's thread

    assertThat(inCallback.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(List.of(200, parent));
    parent.finish();
    FinishedSpan call = reporter.awaitSpans(2, TIMEOUT).stream()
        .filter(s -> s.kind() == SpanKind.CLIENT).findFirst().orElseThrow();
    assertThat(call).hasParent(parent.context()).hasTag("http.status_code", "200");
    assertThat(sampledOnly(seen().traceparent())).isEqualTo(traceparent(call));
  }

  @Test void anAsynchronousFailureReachesTheCallbackInTheCallersTraceAndTheSpanRecordsIt() throws Exception {
    Tracing tracing = tracing(Propagators.w3c(), Sampler.always(), null);
    C client = client(tracing, HttpRequestSampler.none());
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = socket.getLocalPort();
    }
    CompletableFuture<List<Object>> inCallback = new CompletableFuture<>();
    Span parent = tracing.tracer().spanBuilder("parent").start();
    try (Scope ignored = parent.makeCurrent()) {
      getAsync(client, URI.create("http://127.0.0.1:" + closedPort + "/"), (status, failure) -> {
        Span current = tracing.tracer().currentSpan();
        inCallback.complete(java.util.Arrays.asList(failure, current));
      });
    }

    List<Object> seenInCallback = inCallback.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(seenInCallback.get(0)).as("the failure").isNotNull();
    assertThat(seenInCallback.get(1)).isEqualTo(parent);
    parent.finish();
    FinishedSpan call = reporter.awaitSpans(2, TIMEOUT).stream()
        .filter(s -> s.kind() == SpanKind.CLIENT).findFirst().orElseThrow();
    assertThat(call).hasParent(parent.context()).hasNoTag("http.status_code");
    assertThat(call.error()).isNotNull();
  }

  @Test void aServerThatKeptTheTraceMakesAnUnsampledCallerKeepItsPart() throws Exception {
    Tracing tracing = tracing(Propagators.w3c(), Sampler.never(), KeepPolicy.newBuilder().build());
    C client = client(tracing, HttpRequestSampler.none());

    get(client, uri("/ok"), Map.of()); // the server says nothing: discarded
    get(client, uri("/timing"), Map.of()); // the server says it kept the trace

    FinishedSpan call = clientSpan();
    assertThat(call).hasTag("http.path", "/timing").hasTag(KeepPolicy.TAG, KeepPolicy.DOWNSTREAM);
    assertThat(sampledOnly(seen().traceparent())).endsWith("-00");
    tracing.flush();
    assertThat(reporter.spans()).hasSize(1);
  }

  @Test void requestRulesDecideNewTracesAndAParentDecisionWins() throws Exception {
    Tracing tracing = tracing(Propagators.w3c(), Sampler.always(), null);
    C client = client(tracing, HttpRequestSampler.newBuilder().rule("GET", "/health", Sampler.never()).build());

    get(client, uri("/health"), Map.of());
    assertThat(sampledOnly(seen().traceparent())).endsWith("-00"); // not sampled, still propagated
    Span parent = tracing.tracer().spanBuilder("parent").start();
    try (Scope ignored = parent.makeCurrent()) {
      get(client, uri("/health/deep"), Map.of());
    } finally {
      parent.finish();
    }

    List<FinishedSpan> spans = reporter.awaitSpans(2, TIMEOUT);
    tracing.flush();
    assertThat(reporter.spans()).hasSize(2);
    assertThat(spans).filteredOn(s -> s.kind() == SpanKind.CLIENT).singleElement()
        .satisfies(s -> assertThat(s).hasTag("http.path", "/health/deep").hasParent(parent.context()));
    assertThat(sampledOnly(seen().traceparent())).endsWith("-01");
  }

  @Test void cancellingAnAsynchronousCallFailsItAsWithoutTracingAndTheSpanRecordsIt() throws Exception {
    Tracing tracing = tracing(Propagators.w3c(), Sampler.always(), null);
    C client = client(tracing, HttpRequestSampler.none());
    CompletableFuture<Throwable> inCallback = new CompletableFuture<>();
    Span parent = tracing.tracer().spanBuilder("parent").start();
    Runnable cancel;
    try (Scope ignored = parent.makeCurrent()) {
      cancel = getAsync(client, uri("/latched"), (status, failure) ->
          inCallback.complete(failure != null ? failure : new AssertionError("answered " + status)));
    }
    seen(); // the request is at the server, which holds the answer

    cancel.run();

    assertThat(inCallback.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("the cancellation").isNotInstanceOf(AssertionError.class);
    parent.finish();
    FinishedSpan call = reporter.awaitSpans(2, TIMEOUT).stream()
        .filter(s -> s.kind() == SpanKind.CLIENT).findFirst().orElseThrow();
    assertThat(call).hasParent(parent.context()).hasNoTag("http.status_code");
    assertThat(call.error()).as("the cancellation, recorded").isNotNull();
  }

  @Test void malformedServerTimingAnswersNeitherFailTheCallNorKeepTheTrace() throws Exception {
    Tracing keeping = tracing(Propagators.w3c(), Sampler.never(), KeepPolicy.newBuilder().build());
    Tracing sampled = tracing(Propagators.w3c(), Sampler.always(), null);

    assertThat(get(client(keeping, HttpRequestSampler.none()), uri("/bad-timing"), Map.of())).isEqualTo(200);
    assertThat(get(client(sampled, HttpRequestSampler.none()), uri("/bad-timing"), Map.of())).isEqualTo(200);

    FinishedSpan call = clientSpan(); // only the sampled one: nothing said to keep the other
    assertThat(call).hasTag("http.status_code", "200").hasNoError();
    keeping.flush();
    assertThat(reporter.spans()).hasSize(1);
  }

  @Test void aTraceHeaderValueTheLibraryRefusesIsLeftOutAndTheCallGoesOn() throws Exception {
    Propagator refused = new Propagator() { // W3C, plus a value no HTTP library should send as it is
      @Override public List<String> keys() {
        return List.of("traceparent", "tracestate", "x-note");
      }

      @Override public <Q> void inject(TraceContext context, Q carrier, Setter<Q> setter) {
        Propagators.w3c().inject(context, carrier, setter);
        setter.set(carrier, "x-note", "caf\u00e9\r\nx-injected: 1");
      }

      @Override public <Q> TraceContext extract(Q carrier, Getter<Q> getter) {
        return Propagators.w3c().extract(carrier, getter);
      }
    };
    C client = client(tracing(refused, Sampler.always(), null), HttpRequestSampler.none());

    assertThat(get(client, uri("/ok"), Map.of())).isEqualTo(200);

    assertThat(sampledOnly(seen().traceparent())).isEqualTo(traceparent(clientSpan()));
    assertThat(headerInjected).as("a header smuggled in by a line break").isFalse();
    assertThat(clientSpan()).hasTag("http.status_code", "200").hasNoError();
  }
}
