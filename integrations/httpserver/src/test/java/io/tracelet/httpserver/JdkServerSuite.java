package io.tracelet.httpserver;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tracelet.Span;
import io.tracelet.Tracing;
import io.tracelet.http.HttpRequestSampler;
import io.tracelet.http.HttpServerHandler;
import io.tracelet.http.HttpServerSuite;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The shared server suite for a JDK server, HTTP or HTTPS: one context at {@code /} behind a filter
 * that records what is current after {@link TracingFilter} returned, then {@link TracingFilter}. The
 * handler answers {@code /async} from a single worker thread it carries the request's trace to
 * ({@code tracing.currentContext().wrap(executor)}), and {@code /race} from that thread at once, racing
 * its own return.
 */
abstract class JdkServerSuite extends HttpServerSuite {
  /** What was current on the exchange's thread once the tracing filter had returned. */
  final LinkedBlockingQueue<Object> afterFilter = new LinkedBlockingQueue<>();
  private HttpServer server;
  private ExecutorService serverThreads;
  private ExecutorService asyncWork;

  /** A server, HTTP or HTTPS, bound to {@code address}, not started. */
  abstract HttpServer newServer(InetSocketAddress address) throws IOException;

  /** The URI scheme of {@link #newServer}'s servers. */
  abstract String scheme();

  @Override protected final URI startServer(Tracing tracing, HttpRequestSampler sampler) throws IOException {
    server = newServer(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    serverThreads = Executors.newFixedThreadPool(2);
    asyncWork = tracing.currentContext().wrap(Executors.newSingleThreadExecutor());
    server.setExecutor(serverThreads);
    HttpContext context = server.createContext("/", this::handle);
    context.getFilters().add(new Filter() { // outside the tracing filter: sees the thread as the server leaves it
      @Override public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        try {
          chain.doFilter(exchange);
        } finally {
          Span span = tracing.tracer().currentSpan();
          afterFilter.add(span == null ? "none" : span);
        }
      }

      @Override public String description() {
        return "records the current span after the tracing filter";
      }
    });
    context.getFilters().add(TracingFilter.create(HttpServerHandler.create(tracing, sampler)));
    server.start();
    return URI.create(scheme() + "://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  @Override protected final void stopServer() {
    server.stop(0);
    serverThreads.shutdownNow();
    asyncWork.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (path.equals("/throw")) {
      handled();
      throw new IllegalStateException("handler failed");
    }
    if (path.equals("/async")) {
      asyncWork.execute(() -> { // the handler returns at once; the answer comes from here
        try {
          awaitAsyncRelease();
          handled();
          answer(exchange, 200);
        } catch (IOException | InterruptedException | RuntimeException e) {
          exchange.close();
        }
      });
      return;
    }
    if (path.equals("/race")) {
      asyncWork.execute(() -> {
        try {
          answer(exchange, 200);
        } catch (IOException e) {
          exchange.close();
        }
      });
      return;
    }
    handled();
    if (path.equals("/own-timing")) exchange.getResponseHeaders().add("Server-Timing", "app;dur=1");
    answer(exchange, path.startsWith("/status/") ? Integer.parseInt(path.substring(8)) : 200);
  }

  private static void answer(HttpExchange exchange, int status) throws IOException {
    byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
