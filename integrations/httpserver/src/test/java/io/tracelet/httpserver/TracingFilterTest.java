package io.tracelet.httpserver;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tracelet.FinishedSpan;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.TraceContext;
import io.tracelet.Tracing;
import io.tracelet.propagation.Propagators;
import io.tracelet.testing.InMemoryReporter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link TracingFilter} in a real JDK HTTP server, called by the JDK's HTTP client. */
class TracingFilterTest {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  final InMemoryReporter reporter = new InMemoryReporter();
  final Tracing tracing = Tracing.newBuilder()
      .serviceName("cart")
      .propagator(Propagators.w3cThenB3())
      .reporter(reporter)
      .strictScopes(true) // a scope closed out of order or on the wrong thread fails the request
      .maxBatchSpans(512).maxBatchDelay(Duration.ofMillis(5))
      .build();
  final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  /** What was current in the handler, and on the server thread after the filter returned. */
  final LinkedBlockingQueue<Object> seenInHandler = new LinkedBlockingQueue<>();
  final LinkedBlockingQueue<Object> seenAfterFilter = new LinkedBlockingQueue<>();
  final ExecutorService serverThreads = Executors.newFixedThreadPool(2);
  HttpServer server;

  @BeforeEach void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.setExecutor(serverThreads);
    HttpContext context = server.createContext("/", this::handle);
    context.getFilters().add(new Filter() { // outside the tracing filter: sees the thread as the server leaves it
      @Override public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        try {
          chain.doFilter(exchange);
        } finally {
          seenAfterFilter.add(currentOrNone());
        }
      }

      @Override public String description() {
        return "records the current span after the tracing filter";
      }
    });
    context.getFilters().add(TracingFilter.create(tracing));
    server.start();
  }

  @AfterEach void stop() {
    server.stop(0);
    serverThreads.shutdownNow();
    tracing.close();
  }

  private Object currentOrNone() {
    Span span = tracing.tracer().currentSpan();
    return span == null ? "none" : span;
  }

  /** /status/N answers N; /throw throws; anything else answers 200 with the path. */
  private void handle(HttpExchange exchange) throws IOException {
    seenInHandler.add(currentOrNone());
    String path = exchange.getRequestURI().getPath();
    if (path.equals("/throw")) throw new IllegalStateException("handler failed");
    int code = path.startsWith("/status/") ? Integer.parseInt(path.substring(8)) : 200;
    byte[] body = path.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(code, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path))
        .timeout(TIMEOUT);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private FinishedSpan serverSpan() {
    List<FinishedSpan> spans = reporter.awaitSpans(1, TIMEOUT);
    assertThat(spans).singleElement().hasKind(SpanKind.SERVER);
    return spans.get(0);
  }

  @Test void continuesTheCallersTraceWithTheSpanCurrentInTheHandler() throws Exception {
    TraceContext caller = TraceContext.newBuilder()
        .traceId(0x0af7651916cd43ddL, 0x8448eb211c80319cL).spanId(0xb7ad6b7169203331L).sampled(true).build();
    HttpRequest.Builder request = request("/cart/items?page=2");
    Propagators.w3c().inject(caller, request, HttpRequest.Builder::setHeader);

    HttpResponse<String> response = send(request);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("/cart/items");
    FinishedSpan server = serverSpan();
    assertThat(server).hasName("GET").hasParent(caller).hasLocalServiceName("cart")
        .hasTag("http.method", "GET").hasTag("http.path", "/cart/items")
        .hasTag("http.status_code", "200").hasNoError();
    assertThat(server.remoteEndpoint().ipv4()).isEqualTo("127.0.0.1");
    assertThat(server.remoteEndpoint().port()).isPositive();
    Span inHandler = (Span) seenInHandler.poll(10, TimeUnit.SECONDS);
    assertThat(inHandler.context().spanId()).isEqualTo(server.spanId());
    assertThat(seenAfterFilter.poll(10, TimeUnit.SECONDS)).isEqualTo("none");
  }

  @Test void continuesB3CallersToo() throws Exception {
    HttpRequest.Builder request = request("/")
        .header("X-B3-TraceId", "463ac35c9f6413ad").header("X-B3-SpanId", "a2fb4a1d1a96d312")
        .header("X-B3-Sampled", "1");

    send(request);

    assertThat(serverSpan()).hasTraceId("463ac35c9f6413ad");
  }

  @Test void withoutTraceHeadersARequestStartsATrace() throws Exception {
    send(request("/"));

    assertThat(serverSpan()).isRoot().hasTag("http.status_code", "200");
  }

  @Test void malformedTraceHeadersStartATraceAndNeverFailTheRequest() throws Exception {
    List<HttpRequest.Builder> hostile = List.of(
        request("/1").header("traceparent", "00-zzzz-not-hex-01"),
        request("/2").header("traceparent", "00-00000000000000000000000000000000-b7ad6b7169203331-01"),
        request("/3").header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
            .header("traceparent", "00-0af7651916cd43dd8448eb211c80319d-b7ad6b7169203332-01"),
        request("/4").header("traceparent", "x".repeat(8000)).header("tracestate", "=,=,".repeat(500)),
        request("/5").header("X-B3-TraceId", "463ac35c9f6413ad4").header("X-B3-SpanId", "-1"),
        request("/6").header("b3", "-").header("baggage", "%%%;;;=,=".repeat(100)));

    for (HttpRequest.Builder request : hostile) {
      assertThat(send(request).statusCode()).isEqualTo(200);
    }

    List<FinishedSpan> spans = reporter.awaitSpans(hostile.size(), TIMEOUT);
    assertThat(spans).hasSize(hostile.size())
        .allSatisfy(span -> assertThat(span).isRoot().hasKind(SpanKind.SERVER).hasTag("http.status_code", "200"));
  }

  @Test void aServerErrorMarksTheSpanFailedAndAClientErrorDoesNot() throws Exception {
    assertThat(send(request("/status/503")).statusCode()).isEqualTo(503);
    assertThat(send(request("/status/404")).statusCode()).isEqualTo(404);

    List<FinishedSpan> spans = reporter.awaitSpans(2, TIMEOUT);
    assertThat(spans)
        .anySatisfy(s -> assertThat(s).hasTag("http.status_code", "503").hasTag("error", "503"))
        .anySatisfy(s -> assertThat(s).hasTag("http.status_code", "404").hasNoError());
  }

  @Test void aHandlerExceptionIsRecordedAndTheSpanStillFinishes() throws Exception {
    // The JDK server closes the connection of a handler that throws, without a response. (POST:
    // the JDK client would send a GET again.)
    HttpRequest.Builder post = request("/throw").POST(HttpRequest.BodyPublishers.ofString("order"));
    assertThatThrownBy(() -> send(post)).isInstanceOf(IOException.class);

    assertThat(serverSpan()).hasName("POST").hasError(IllegalStateException.class).hasTag("error", "handler failed")
        .hasNoTag("http.status_code");
    assertThat(seenAfterFilter.poll(10, TimeUnit.SECONDS)).isEqualTo("none");
  }
}
