package io.tracelet.examples.http;

import com.sun.net.httpserver.HttpServer;
import io.tracelet.Sampler;
import io.tracelet.SpanReporter;
import io.tracelet.Tracing;
import io.tracelet.apache.httpclient5.HttpClient5Tracing;
import io.tracelet.httpserver.TracingFilter;
import io.tracelet.propagation.Propagators;
import io.tracelet.reporter.slf4j.Slf4jReporter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.io.CloseMode;

/**
 * A storefront asks {@code inventory}, a JDK HTTP server on 127.0.0.1 traced by {@code
 * tracelet-httpserver}, for the stock of two items inside one {@code checkout} span, with Apache
 * HttpClient 5 traced by {@code tracelet-apache-httpclient5}: the piano with the classic client, at its
 * old address, which the inventory redirects to the new one; the drum with the async client, whose
 * callback runs in the checkout's trace. One trace of six spans: {@code checkout}; a CLIENT span per
 * request, the redirected one with a {@code redirect} event; a SERVER span per message the inventory
 * received (two for the piano, both children of its one CLIENT span; one for the drum). Run it to see
 * the spans logged.
 */
public final class ApacheClientsCallInventory implements AutoCloseable {
  private static final Map<String, String> STOCK = Map.of("piano", "3", "drum", "12");

  private final Tracing storefrontTracing;
  private final Tracing inventoryTracing;
  private final HttpServer inventory;
  private final CloseableHttpClient classic;
  private final CloseableHttpAsyncClient async;

  /** Starts the inventory and the storefront's two clients, each service reporting to {@code reporter}. */
  public ApacheClientsCallInventory(SpanReporter reporter) throws IOException {
    inventoryTracing = Tracing.newBuilder().serviceName("inventory").propagator(Propagators.w3cThenB3())
        .reporter(reporter).build();
    inventory = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    inventory.createContext("/stock-old/", exchange -> { // moved: GET /stock-old/x answers 301 to /stock/x
      exchange.getResponseHeaders().set("Location", exchange.getRequestURI().getPath().replace("/stock-old/", "/stock/"));
      exchange.sendResponseHeaders(301, -1);
      exchange.close();
    }).getFilters().add(TracingFilter.create(inventoryTracing));
    inventory.createContext("/stock/", exchange -> {
      byte[] body = STOCK.getOrDefault(exchange.getRequestURI().getPath().substring("/stock/".length()), "0")
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }).getFilters().add(TracingFilter.create(inventoryTracing));
    inventory.start();

    storefrontTracing = Tracing.newBuilder().serviceName("storefront").propagator(Propagators.w3cThenB3())
        .sampler(Sampler.always()).reporter(reporter).build();
    HttpClient5Tracing traced = HttpClient5Tracing.create(storefrontTracing);
    classic = traced.build(HttpClients.custom());
    async = traced.build(HttpAsyncClients.custom());
    async.start();
  }

  private URI inventory(String path) {
    return URI.create("http://127.0.0.1:" + inventory.getAddress().getPort() + path);
  }

  /**
   * One checkout: the drum's stock asked asynchronously, the piano's meanwhile with the classic client;
   * returns what the two answers say, and the trace ID of the checkout in brackets.
   */
  public String checkout() throws Exception {
    return storefrontTracing.tracer().callInSpan("checkout", () -> {
      CompletableFuture<String> drum = new CompletableFuture<>();
      async.execute(SimpleRequestBuilder.get(inventory("/stock/drum")).build(), new FutureCallback<SimpleHttpResponse>() {
        @Override public void completed(SimpleHttpResponse response) { // runs in the checkout's trace
          drum.complete(response.getBodyText() + " [" + storefrontTracing.tracer().currentSpan().context().traceIdHex() + "]");
        }

        @Override public void failed(Exception failure) {
          drum.completeExceptionally(failure);
        }

        @Override public void cancelled() {
          drum.cancel(false);
        }
      });
      String piano = classic.execute(ClassicRequestBuilder.get(inventory("/stock-old/piano")).build(),
          response -> EntityUtils.toString(response.getEntity()));
      return "pianos: " + piano + ", drums: " + drum.get(10, TimeUnit.SECONDS);
    });
  }

  /** Delivers every span finished so far. */
  public void flush() {
    storefrontTracing.flush();
    inventoryTracing.flush();
  }

  @Override public void close() throws IOException {
    async.close(CloseMode.GRACEFUL);
    classic.close();
    inventory.stop(0);
    storefrontTracing.close();
    inventoryTracing.close();
  }

  public static void main(String[] args) throws Exception {
    try (ApacheClientsCallInventory storefront = new ApacheClientsCallInventory(Slf4jReporter.create())) {
      System.out.println(storefront.checkout());
      storefront.flush();
    }
  }
}
