package io.tracelet.examples.demo;

import com.google.protobuf.StringValue;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.tracelet.Span;
import io.tracelet.Tracer;
import io.tracelet.Tracing;
import io.tracelet.TracingCounters;
import io.tracelet.grpc.TracingClientInterceptor;
import io.tracelet.jdk.httpclient.TracingHttpClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code web} service, where a purchase starts: {@code POST /checkout} (form fields
 * {@code item} and {@code card}). It quotes the price and screens the card for fraud on a worker
 * pool (wrapped, so that work stays in the request's trace) while it reserves the item at
 * {@code inventory} over gRPC; then it places the order at {@code orders} over HTTP with the JDK's
 * {@code HttpClient}.
 * It answers 200 with the order's ID, or the failure's status with the reason, and always the
 * trace ID in the header {@value #TRACE_ID_HEADER}.
 *
 * <p>JDK HTTP server traced by {@link io.tracelet.httpserver.TracingFilter}, gRPC channel by
 * {@link TracingClientInterceptor}, the JDK's {@code HttpClient} by {@link TracingHttpClient}.
 */
@SuppressWarnings("try") // close() waits for threads to stop, and may be interrupted
final class WebService implements AutoCloseable {
  /** The response header that tells the caller which trace its request is. */
  static final String TRACE_ID_HEADER = "X-Trace-Id";

  static final String NAME = "web";

  private static final Logger LOG = LoggerFactory.getLogger(NAME);
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration QUOTE_TIME = Duration.ofMillis(30);
  private static final Duration SCREENING_TIME = Duration.ofMillis(20);

  private final Tracing tracing;
  private final Tracer tracer;
  private final URI ordersUrl;
  private final ManagedChannel inventory;
  private final ExecutorService httpThreads;
  private final TracingHttpClient http;
  private final ExecutorService workers;
  private final ExecutorService requestThreads;
  private final HttpServer server;

  private WebService(Tracing tracing, int inventoryPort, URI ordersUrl) throws IOException {
    this.tracing = tracing;
    this.tracer = tracing.tracer();
    this.ordersUrl = ordersUrl;
    this.inventory = NettyChannelBuilder.forAddress("127.0.0.1", inventoryPort)
        .usePlaintext()
        .intercept(TracingClientInterceptor.create(tracing))
        .build();
    this.httpThreads = Executors.newFixedThreadPool(2, Threads.named("web-http-client"));
    this.http = TracingHttpClient.create(tracing, HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CALL_TIMEOUT)
        .executor(httpThreads)
        .build());
    // Wrapped: each task runs with the span that was current where it was submitted.
    this.workers = tracing.currentContext().wrap(Executors.newFixedThreadPool(2, Threads.named("web-worker")));
    this.requestThreads = Executors.newFixedThreadPool(4, Threads.named("web-http"));
    this.server = Http.serveTraced(tracing, "/checkout", this::handle, requestThreads);
  }

  /**
   * Starts the service on a free loopback port, calling {@code inventory} on
   * {@code inventoryPort} and {@code orders} at {@code ordersUrl}, reporting over HTTP.
   */
  static WebService start(Reporting reporting, int inventoryPort, URI ordersUrl) throws Exception {
    return reporting.start(NAME, false, tracing -> new WebService(tracing, inventoryPort, ordersUrl));
  }

  /** What this service's tracing did with its spans, and what its keep policy decided. */
  TracingCounters counters() {
    return tracing.counters();
  }

  /** Where purchases start. */
  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/checkout");
  }

  private void handle(HttpExchange exchange) throws IOException {
    Span span = tracer.currentSpan().name("POST /checkout");
    exchange.getResponseHeaders().set(TRACE_ID_HEADER, span.context().traceIdHex());
    if (!Http.requirePost(exchange)) return;
    Map<String, String> form = Http.form(exchange);
    String itemId = form.getOrDefault("item", "");
    String card = form.getOrDefault("card", "");
    LOG.info("checkout: one {}", itemId);
    try {
      Item item = Item.byId(itemId).orElseThrow(() -> new CheckoutException(404, "no such item: " + itemId));
      CompletableFuture<Long> price = CompletableFuture.supplyAsync(() -> tracer.inSpan("quote price", () -> {
        Simulated.work(QUOTE_TIME);
        LOG.info("{} costs {}", itemId, Money.format(item.priceCents));
        return item.priceCents;
      }), workers);
      CompletableFuture<Void> screening = CompletableFuture.runAsync(() -> tracer.inSpan("screen for fraud", () -> {
        Simulated.work(SCREENING_TIME);
        LOG.info("card screened: no fraud suspected");
      }), workers);
      LOG.info("inventory says: {}", reserve(itemId));
      screening.join();
      String orderId = placeOrder(itemId, card, price.join());
      LOG.info("order {} placed", orderId);
      Http.respond(exchange, 200, "order " + orderId + " placed");
    } catch (CheckoutException e) {
      span.error(e);
      LOG.warn("checkout failed: {}", e.getMessage());
      Http.respond(exchange, e.status, e.getMessage());
    }
  }

  private String reserve(String item) {
    try {
      return ClientCalls.blockingUnaryCall(inventory, InventoryService.RESERVE,
          CallOptions.DEFAULT.withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
          StringValue.of(item)).getValue();
    } catch (StatusRuntimeException e) {
      throw new CheckoutException(502, "inventory failed: " + e.getStatus(), e);
    }
  }

  private String placeOrder(String item, String card, long cents) {
    String form = Http.form(Map.of("item", item, "card", card, "cents", Long.toString(cents)));
    HttpRequest request = HttpRequest.newBuilder(ordersUrl)
        .timeout(CALL_TIMEOUT)
        .header("Content-Type", FORM)
        .POST(HttpRequest.BodyPublishers.ofString(form))
        .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new CheckoutException(502, "orders failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CheckoutException(503, "interrupted while placing the order", e);
    }
    String body = response.body().strip();
    if (response.statusCode() != 201) {
      throw new CheckoutException(response.statusCode() < 500 ? response.statusCode() : 502,
          "orders answered " + response.statusCode() + ": " + body);
    }
    return body;
  }

  /** Stops serving at once (a request in progress is cut short), closes its clients, then its tracing. */
  @Override public void close() throws InterruptedException {
    server.stop(0);
    requestThreads.shutdown();
    workers.shutdown();
    inventory.shutdown();
    if (!inventory.awaitTermination(10, TimeUnit.SECONDS)) inventory.shutdownNow();
    http.close(); // JDK 21 and later; before, its selector thread ends once the client is unreachable
    httpThreads.shutdown();
    tracing.close();
  }

  /** Why a checkout failed, and the status to answer with. */
  static final class CheckoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    CheckoutException(int status, String message) {
      super(message);
      this.status = status;
    }

    CheckoutException(int status, String message, Throwable cause) {
      super(message, cause);
      this.status = status;
    }
  }
}
