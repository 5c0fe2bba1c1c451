package io.tracelet.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tracelet.Endpoint;
import io.tracelet.Propagator;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.SpanReporter;
import io.tracelet.TraceContext;
import io.tracelet.Tracer;
import io.tracelet.Tracing;
import io.tracelet.propagation.Propagators;
import io.tracelet.propagation.ServerTiming;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.concurrent.TimeUnit;

/**
 * The service the official W3C trace-context test harness drives, instrumented by hand with
 * Tracelet: it doubles as the example of manual instrumentation of the JDK's HTTP server and client.
 *
 * <p>{@code POST /test} takes a JSON array of {@code {"url": ..., "arguments": ...}}. The service
 * continues the incoming trace in a SERVER span and, for each item in order, POSTs {@code arguments}
 * to {@code url} from a CLIENT child span, with that span's {@code traceparent} (and
 * {@code tracestate} when there is a valid one). It answers once every callback has finished, with
 * the W3C {@code server-timing} trace metric of its SERVER span, sampled when that span recorded
 * the request.
 *
 * <p>Run it with {@code examples/w3c-test-service.sh PORT}; it listens on 127.0.0.1 only. Thread-safe:
 * requests are served by a pool of four threads, each callback list in order on one of them.
 */
public final class W3CTestService implements AutoCloseable {
  private static final int MAX_BODY = 1 << 20;

  private final Tracing tracing;
  private final Tracer tracer;
  private final Propagator propagator;
  private final HttpClient client;
  private final HttpServer server;
  private final ExecutorService executor;

  private W3CTestService(int port, SpanReporter reporter) throws IOException {
    tracing = Tracing.newBuilder()
        .serviceName("w3c-test-service")
        .propagator(Propagators.w3c())
        .reporter(reporter)
        .build();
    tracer = tracing.tracer();
    propagator = tracing.propagator();
    client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
    executor = Executors.newFixedThreadPool(4);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.createContext("/test", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** Starts the service on 127.0.0.1:{@code port} (0 for any free port), reporting to {@code reporter}. */
  public static W3CTestService start(int port, SpanReporter reporter) throws IOException {
    return new W3CTestService(port, reporter);
  }

  /** The port the service listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  @SuppressWarnings("try") // the scope is held for its effect, never read
  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      List<CallbackList.Callback> callbacks;
      try {
        callbacks = CallbackList.parse(readBody(exchange.getRequestBody()));
      } catch (IllegalArgumentException e) {
        respond(exchange, 400, e.getMessage());
        return;
      }

      // Continue the caller's trace. The JDK's Headers match names case-insensitively; repeated
      // headers are joined with commas, as HTTP says and as the Getter contract asks.
      TraceContext parent = propagator.extract(exchange.getRequestHeaders(), (headers, name) -> {
        List<String> values = headers.get(name);
        return values == null ? null : String.join(",", values);
      });
      Span server = tracer.spanBuilder("post /test").kind(SpanKind.SERVER).parent(parent)
          .remoteEndpoint(Endpoint.of(null, exchange.getRemoteAddress()))
          .start();
      try (Scope scope = server.makeCurrent()) {
        for (CallbackList.Callback callback : callbacks) call(callback);
        // The response binding: which span served the request, and whether it was recorded.
        exchange.getResponseHeaders().add(ServerTiming.HEADER, ServerTiming.format(server.context(), server.isRecording()));
        respond(exchange, 200, "{}");
      } catch (RuntimeException | IOException e) {
        server.error(e);
        throw e;
      } finally {
        server.finish();
      }
    }
  }

  /** POSTs one callback from a CLIENT span, the child of the current (server) span. */
  @SuppressWarnings("try") // the scope is held for its effect, never read
  private void call(CallbackList.Callback callback) {
    Span span = tracer.spanBuilder("post").kind(SpanKind.CLIENT).tag("http.url", callback.url()).start();
    try (Scope scope = span.makeCurrent()) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(callback.url()))
          .timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(callback.arguments()));
      propagator.inject(span.context(), request, HttpRequest.Builder::setHeader);
      HttpResponse<Void> response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
      span.tag("http.status_code", response.statusCode());
    } catch (IOException | RuntimeException e) {
      span.error(e); // the harness judges what arrived; the next callback is still made
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      span.error(e);
    } finally {
      span.finish();
    }
  }

  private static String readBody(InputStream in) throws IOException {
    byte[] body = in.readNBytes(MAX_BODY + 1);
    if (body.length > MAX_BODY) throw new IllegalArgumentException("a body of at most " + MAX_BODY + " bytes");
    return new String(body, StandardCharsets.UTF_8);
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "text/plain");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /**
   * Stops listening, lets requests in flight finish (their server spans end after the response is
   * written), then flushes and closes tracing.
   */
  @Override public void close() {
    server.stop(0);
    executor.shutdown();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    tracing.close();
  }

  /** {@code W3CTestService PORT}: serves in the foreground until stopped; logs each finished span. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: W3CTestService PORT");
      System.exit(2);
    }
    W3CTestService service = start(Integer.parseInt(args[0]), spans -> spans.forEach(span ->
        System.out.printf("%s %s trace %016x%016x span %016x parent %016x%n", span.kind(), span.name(),
            span.traceIdHigh(), span.traceId(), span.spanId(), span.parentId())));
    Runtime.getRuntime().addShutdownHook(new Thread(service::close));
    System.out.println("listening on http://127.0.0.1:" + service.port() + "/test");
  }
}
