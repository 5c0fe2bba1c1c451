package io.tracelet.http;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.FinishedSpan;
import io.tracelet.KeepPolicy;
import io.tracelet.Sampler;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.TraceContext;
import io.tracelet.Tracing;
import io.tracelet.propagation.Propagators;
import io.tracelet.propagation.ServerTiming;
import io.tracelet.testing.InMemoryReporter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every Tracelet HTTP server integration proves, called by the JDK's HTTP client over loopback:
 * continuing W3C and B3 callers, new traces, hostile headers, 2xx, 3xx, 4xx and 5xx, a throwing
 * handler, the {@code server-timing} metric (a 5xx counts for a keep policy), request sampling rules,
 * the span current in the handler, and asynchronous requests.
 *
 * <p>The server under test serves, behind the integration: {@code /status/N} answering N;
 * {@code /throw} throwing {@code IllegalStateException("handler failed")}; {@code /async}
 * answering 200 {@code ok} from asynchronous work on another thread, which calls
 * {@link #awaitAsyncRelease()} before it answers, with the request's span current (as the framework
 * or the application carries it there); {@code /own-timing} answering 200 {@code ok} with a
 * {@code server-timing} metric of its own, {@code app;dur=1}, set before the status; any other path
 * answering 200 {@code ok}. Every handler calls
 * {@link #handled()} where its response is produced (for {@code /async}, in the asynchronous part).
 */
public abstract class HttpServerSuite {
  protected static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Starts the server traced by {@code tracing} with {@code sampler}'s rules; returns its base URI. */
  protected abstract URI startServer(Tracing tracing, HttpRequestSampler sampler) throws Exception;

  /** Stops the server started last. */
  protected abstract void stopServer() throws Exception;

  /**
   * The builder of the client that calls the server (the suite sets it to time out connecting and to
   * follow no redirect); by default the JDK's plain one. A server on HTTPS gives one with an
   * {@code SSLContext} that trusts its certificate.
   */
  protected HttpClient.Builder clientBuilder() {
    return HttpClient.newBuilder();
  }

  /** The route the integration knows for {@code path}, or null (the default): none. */
  protected String expectedRoute(String path) {
    return null;
  }

  /** Handlers call this where they produce the response: records the span current there. */
  public final void handled() {
    Span span = current == null ? null : current.tracer().currentSpan();
    inHandler.add(span == null ? "none" : span);
  }

  /**
   * The asynchronous work of {@code /async} calls this (on its own thread) before it answers: it
   * returns once the test has checked that the request's span is still open.
   */
  public final void awaitAsyncRelease() throws InterruptedException {
    asyncWaiting.countDown();
    if (!asyncRelease.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) throw new IllegalStateException("never released");
  }

  private final CountDownLatch asyncWaiting = new CountDownLatch(1);
  private final CountDownLatch asyncRelease = new CountDownLatch(1);
  protected final InMemoryReporter reporter = new InMemoryReporter();
  private final LinkedBlockingQueue<Object> inHandler = new LinkedBlockingQueue<>();
  private final List<Tracing> tracings = new ArrayList<>();
  private HttpClient client;
  private volatile Tracing current;
  private URI base;

  @AfterEach final void stopAll() throws Exception {
    if (base != null) stopServer();
    for (Tracing tracing : tracings) tracing.close();
  }

  /**
   * Starts the server under test with a tracing of service {@code server}, W3C then B3, the given
   * sampler and keep policy (null: none), and {@code rules}; stopped after the test.
   */
  protected final void start(Sampler sampler, KeepPolicy keepPolicy, HttpRequestSampler rules) throws Exception {
    Tracing.Builder builder = Tracing.newBuilder()
        .serviceName("server")
        .propagator(Propagators.w3cThenB3())
        .sampler(sampler)
        .reporter(reporter)
        .strictScopes(true)
        .maxBatchDelay(Duration.ofMillis(5));
    if (keepPolicy != null) builder.keepPolicy(keepPolicy);
    current = builder.build();
    tracings.add(current);
    client = clientBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    base = startServer(current, rules);
  }

  /** {@link #start(Sampler, KeepPolicy, HttpRequestSampler)}: every trace sampled, no keep policy, no rules. */
  protected final void start() throws Exception {
    start(Sampler.always(), null, HttpRequestSampler.none());
  }

  /** A request to {@code path} of the server started last, with the suite's timeout. */
  protected final HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT);
  }

  /** Sends {@code request} with the suite's client. */
  protected final HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The one span reported: a SERVER span. */
  protected final FinishedSpan serverSpan() {
    List<FinishedSpan> spans = reporter.awaitSpans(1, TIMEOUT);
    assertThat(spans).singleElement().satisfies(s -> assertThat(s).hasKind(SpanKind.SERVER));
    return spans.get(0);
  }

  private Object inHandler() throws InterruptedException {
    Object seen = inHandler.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(seen).as("the handler ran").isNotNull();
    return seen;
  }

  private String name(String method, String path) {
    String route = expectedRoute(path);
    return route == null ? method : method + " " + route;
  }

  @Test void continuesAW3CCallerWithTheSpanCurrentInTheHandler() throws Exception {
    start();
    TraceContext caller = TraceContext.newBuilder()
        .traceId(0x0af7651916cd43ddL, 0x8448eb211c80319cL).spanId(0xb7ad6b7169203331L).sampled(true).build();
    HttpRequest.Builder request = request("/status/201?page=2");
    Propagators.w3c().inject(caller, request, HttpRequest.Builder::setHeader);

    assertThat(send(request).statusCode()).isEqualTo(201);

    FinishedSpan server = serverSpan();
    assertThat(server).hasName(name("GET", "/status/201")).hasParent(caller).hasLocalServiceName("server")
        .hasTag("http.method", "GET").hasTag("http.path", "/status/201")
        .hasTag("http.status_code", "201").hasNoError();
    String route = expectedRoute("/status/201");
    if (route != null) assertThat(server).hasTag("http.route", route);
    assertThat(server.remoteEndpoint().ipv4()).isEqualTo("127.0.0.1");
    assertThat(((Span) inHandler()).context().spanId()).isEqualTo(server.spanId());
  }

  @Test void continuesAB3Caller() throws Exception {
    start();
    send(request("/ok").header("X-B3-TraceId", "463ac35c9f6413ad").header("X-B3-SpanId", "a2fb4a1d1a96d312")
        .header("X-B3-Sampled", "1"));

    assertThat(serverSpan()).hasTraceId("463ac35c9f6413ad");
  }

  @Test void aRequestWithoutTraceHeadersStartsATrace() throws Exception {
    start();
    assertThat(send(request("/ok")).body()).isEqualTo("ok");

    assertThat(serverSpan()).isRoot().hasName(name("GET", "/ok")).hasTag("http.status_code", "200");
  }

  @Test void hostileTraceHeadersStartATraceAndNeverFailTheRequest() throws Exception {
    start();
    List<HttpRequest.Builder> hostile = List.of(
        request("/1").header("traceparent", "00-zzzz-not-hex-01"),
        request("/2").header("traceparent", "00-00000000000000000000000000000000-b7ad6b7169203331-01"),
        request("/3").header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
            .header("traceparent", "00-0af7651916cd43dd8448eb211c80319d-b7ad6b7169203332-01"),
        request("/4").header("traceparent", "x".repeat(4000)).header("tracestate", "=,=,".repeat(200)),
        request("/5").header("X-B3-TraceId", "463ac35c9f6413ad4").header("X-B3-SpanId", "-1"),
        request("/6").header("b3", "-").header("baggage", "%%%;;;=,=".repeat(100)));

    for (HttpRequest.Builder request : hostile) {
      assertThat(send(request).statusCode()).isEqualTo(200);
    }

    assertThat(reporter.awaitSpans(hostile.size(), TIMEOUT)).hasSize(hostile.size())
        .allSatisfy(span -> assertThat(span).isRoot().hasKind(SpanKind.SERVER).hasTag("http.status_code", "200"));
  }

  @Test void aServerErrorMarksTheSpanFailedAndAClientErrorDoesNot() throws Exception {
    start();
    assertThat(send(request("/status/503")).statusCode()).isEqualTo(503);
    assertThat(send(request("/status/404")).statusCode()).isEqualTo(404);

    assertThat(reporter.awaitSpans(2, TIMEOUT))
        .anySatisfy(s -> assertThat(s).hasTag("http.status_code", "503").hasTag("error", "503"))
        .anySatisfy(s -> assertThat(s).hasTag("http.status_code", "404").hasNoError());
  }

  @Test void aRedirectIsAnsweredAsSentAndIsNoError() throws Exception {
    start();
    assertThat(send(request("/status/302")).statusCode()).isEqualTo(302); // the test's client follows no redirect

    FinishedSpan server = serverSpan();
    assertThat(server).hasName(name("GET", "/status/302")).hasTag("http.status_code", "302").hasNoError();
  }

  @Test void aThrowingHandlerIsRecordedAndTheSpanStillFinishes() throws Exception {
    start();
    try {
      send(request("/throw").POST(HttpRequest.BodyPublishers.ofString("order")));
    } catch (java.io.IOException e) { // a server may close the connection without answering
    }

    FinishedSpan server = serverSpan();
    assertThat(server).hasName(name("POST", "/throw")).hasError(IllegalStateException.class);
  }

  @Test void theResponseSaysWhichSpanServedItAndThatItWasKept() throws Exception {
    start();
    HttpResponse<String> response = send(request("/ok"));

    FinishedSpan server = serverSpan();
    ServerTiming timing = ServerTiming.parse(response.headers().firstValue(ServerTiming.HEADER).orElseThrow());
    assertThat(timing.traceIdHex()).endsWith(String.format("%016x", server.traceId()));
    assertThat(timing.spanIdHex()).isEqualTo(String.format("%016x", server.spanId()));
    assertThat(timing.sampled()).isTrue();
  }

  @Test void theApplicationsOwnServerTimingMetricsAreKeptBesideTheTraceMetric() throws Exception {
    start();
    HttpResponse<String> response = send(request("/own-timing"));

    FinishedSpan server = serverSpan();
    List<String> values = response.headers().allValues(ServerTiming.HEADER);
    assertThat(String.join(",", values)).contains("app;dur=1");
    assertThat(values).filteredOn(v -> v.startsWith("trace")).singleElement()
        .satisfies(v -> assertThat(ServerTiming.parse(v).spanIdHex()).isEqualTo(String.format("%016x", server.spanId())));
  }

  @Test void aServerErrorKeptByTheKeepPolicyIsSignalledAsKept() throws Exception {
    start(Sampler.never(), KeepPolicy.newBuilder().keepErrors().build(), HttpRequestSampler.none());

    HttpResponse<String> ok = send(request("/ok"));
    HttpResponse<String> failed = send(request("/status/503"));

    assertThat(ServerTiming.parse(ok.headers().firstValue(ServerTiming.HEADER).orElseThrow()).sampled()).isFalse();
    assertThat(ServerTiming.parse(failed.headers().firstValue(ServerTiming.HEADER).orElseThrow()).sampled()).isTrue();
    assertThat(serverSpan()).hasTag("http.status_code", "503").hasTag(KeepPolicy.TAG, KeepPolicy.ERROR);
  }

  @Test void requestRulesDecideNewTracesAndACallersDecisionWins() throws Exception {
    start(Sampler.always(), null, HttpRequestSampler.newBuilder().rule("GET", "/health", Sampler.never()).build());

    HttpResponse<String> health = send(request("/health"));
    assertThat(ServerTiming.parse(health.headers().firstValue(ServerTiming.HEADER).orElseThrow()).sampled()).isFalse();
    HttpRequest.Builder sampledCaller = request("/health")
        .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    send(sampledCaller);

    assertThat(serverSpan()).hasTraceId("0af7651916cd43dd8448eb211c80319c");
    current.flush();
    assertThat(reporter.spans()).hasSize(1);
  }

  @Test void anAsynchronousRequestEndsWhenItsWorkCompletesWithTheSpanCurrentThere() throws Exception {
    start();

    CompletableFuture<HttpResponse<String>> sent =
        client.sendAsync(request("/async").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(asyncWaiting.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("the async work started").isTrue();
    current.flush();
    assertThat(reporter.spans()).as("no span finished while the async work runs").isEmpty();
    asyncRelease.countDown();
    HttpResponse<String> response = sent.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok");
    FinishedSpan server = serverSpan();
    assertThat(server).hasName(name("GET", "/async")).hasTag("http.status_code", "200").hasNoError();
    assertThat(inHandler()).isInstanceOfSatisfying(Span.class,
        span -> assertThat(span.context().spanId()).isEqualTo(server.spanId()));
  }
}
