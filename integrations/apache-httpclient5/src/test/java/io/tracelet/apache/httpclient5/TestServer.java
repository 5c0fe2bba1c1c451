package io.tracelet.apache.httpclient5;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real JDK HTTP server on 127.0.0.1 for the behaviour tests, recording every request's path and
 * trace headers. {@code /ok} answers 200; {@code /flaky?id=X} answers the first request for X with 503
 * and {@code Retry-After: 0}, the next with 200; {@code /latched} answers 204 once {@link #release} is
 * counted down; {@code /moved?to=URI} redirects there with a 302; {@code /echo} answers 200 with the
 * {@code traceparent} it received as its body; {@code /cached} answers 200 that may be cached for a
 * minute.
 */
final class TestServer implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** One request as the server saw it: its path, every value of the trace headers, and its header names. */
  record Seen(String path, List<String> traceparent, List<String> b3TraceId, java.util.Set<String> headerNames) {
  }

  final CountDownLatch arrived = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  private final LinkedBlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private final ExecutorService threads = Executors.newFixedThreadPool(4);
  private final HttpServer server;

  TestServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.setExecutor(threads);
    server.createContext("/", this::serve);
    server.start();
  }

  private void serve(HttpExchange exchange) throws IOException {
    URI uri = exchange.getRequestURI();
    String path = uri.getPath();
    List<String> traceparent = listOrEmpty(exchange.getRequestHeaders().get("traceparent"));
    java.util.Set<String> names = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    names.addAll(exchange.getRequestHeaders().keySet());
    seen.add(new Seen(path, traceparent, listOrEmpty(exchange.getRequestHeaders().get("X-B3-TraceId")), names));
    int code = 200;
    String body = "ok";
    switch (path) {
      case "/flaky" -> {
        if (hits.computeIfAbsent(uri.getQuery(), q -> new AtomicInteger()).getAndIncrement() == 0) {
          exchange.getResponseHeaders().set("Retry-After", "0");
          code = 503;
        }
      }
      case "/latched" -> {
        arrived.countDown();
        try {
          code = release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS) ? 204 : 504;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          code = 503;
        }
      }
      case "/moved" -> {
        exchange.getResponseHeaders().set("Location", uri.getQuery().substring("to=".length()));
        code = 302;
      }
      case "/echo" -> body = traceparent.isEmpty() ? "none" : traceparent.get(0);
      case "/cached" -> exchange.getResponseHeaders().set("Cache-Control", "max-age=60");
      default -> {
      }
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(code, code == 204 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (code != 204) out.write(bytes);
    }
  }

  private static List<String> listOrEmpty(List<String> values) {
    return values == null ? List.of() : List.copyOf(values);
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** The next request the server saw, waiting for it. */
  Seen seen() throws InterruptedException {
    Seen request = seen.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (request == null) throw new AssertionError("no request reached the server within " + TIMEOUT);
    return request;
  }

  /** The requests seen and not yet taken, taken now without waiting. */
  List<Seen> seenSoFar() {
    List<Seen> taken = new java.util.ArrayList<>();
    seen.drainTo(taken);
    return taken;
  }

  @Override public void close() {
    release.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
