package io.tracelet.examples.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.tracelet.Tracing;
import io.tracelet.httpserver.TracingFilter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Executor;

/** The little HTTP the demo's services speak: traced JDK servers, form-encoded requests, plain-text answers. */
final class Http {
  private static final int MAX_BODY = 64 * 1024;

  private Http() {
  }

  /**
   * Starts a JDK HTTP server on a free loopback port that serves {@code path} with {@code handler}
   * on {@code executor}, each exchange traced by {@code tracing}'s {@link TracingFilter}.
   */
  static HttpServer serveTraced(Tracing tracing, String path, HttpHandler handler, Executor executor)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(executor);
    server.createContext(path, handler).getFilters().add(TracingFilter.create(tracing));
    server.start();
    return server;
  }

  /** {@code fields} as an {@code application/x-www-form-urlencoded} body. */
  static String form(Map<String, String> fields) {
    StringJoiner body = new StringJoiner("&");
    fields.forEach((name, value) -> body.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(value, StandardCharsets.UTF_8)));
    return body.toString();
  }

  /** The fields of the exchange's form-encoded request body; a missing field is absent. */
  static Map<String, String> form(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY);
    Map<String, String> fields = new LinkedHashMap<>();
    for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) continue;
      fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return fields;
  }

  /** Answers with {@code status} and {@code text} as the plain-text body, and ends the exchange. */
  static void respond(HttpExchange exchange, int status, String text) throws IOException {
    byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Answers 405 unless the request is a POST; true when it is. */
  static boolean requirePost(HttpExchange exchange) throws IOException {
    if ("POST".equals(exchange.getRequestMethod())) return true;
    exchange.getResponseHeaders().set("Allow", "POST");
    respond(exchange, 405, "use POST");
    return false;
  }
}
