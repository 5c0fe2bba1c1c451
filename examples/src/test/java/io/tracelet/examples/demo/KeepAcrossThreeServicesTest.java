package io.tracelet.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.tracelet.KeepPolicy;
import io.tracelet.Tracing;
import io.tracelet.TracingCounters;
import io.tracelet.examples.demo.Traffic.Case;
import io.tracelet.examples.demo.Traffic.Purchase;
import io.tracelet.examples.demo.Traffic.Result;
import io.tracelet.grpc.TracingClientInterceptor;
import io.tracelet.okhttp.TracingCallFactory;
import io.tracelet.testing.servers.KafkaBrokerExtension;
import io.tracelet.testing.servers.ZipkinServer;
import io.tracelet.testing.servers.ZipkinServerExtension;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import zipkin2.Span;

/**
 * A failure two hops below the edge, kept end to end: three services in a row, each with its own
 * {@link Tracing} at sample rate 0 with the demo's keep policy ({@link Reporting}), reporting to the
 * real Zipkin over HTTP.
 *
 * <pre>
 * edge (JDK HttpServer, OkHttp) --HTTP--> middle (JDK HttpServer, gRPC client) --gRPC--> the demo's inventory
 * </pre>
 *
 * <p>{@code inventory} answers {@code NOT_FOUND} for an unknown item (its span records the error)
 * and takes 1.2 s for the piano. {@code middle} maps {@code NOT_FOUND} to 404 (its gRPC client span
 * records the error). The edge passes a 404 on as its own answer without recording an error: a 4xx
 * is the customer's business. So the edge keeps its part only because {@code middle} said, in its
 * {@code server-timing} answer, that it kept the trace: {@code downstream}.
 */
@ExtendWith({KafkaBrokerExtension.class, ZipkinServerExtension.class}) // shares the demo tests' Zipkin
class KeepAcrossThreeServicesTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  private static final String CARD = "4242424242424242";

  private static final Deque<AutoCloseable> services = new ArrayDeque<>(); // closed last-started first
  private static Edge edge;
  private static Middle middle;
  private static InventoryService inventory;
  private static ZipkinTraces zipkinTraces;
  private static Result failed;
  private static Result slow;
  private static Result ordinary;

  @BeforeAll static void startTheServicesAndBuy(ZipkinServer zipkin) throws Exception {
    zipkinTraces = new ZipkinTraces(zipkin.baseUrl());
    Reporting reporting = Reporting.http(zipkin.baseUrl()).sampled(0);
    inventory = InventoryService.start(reporting);
    services.push(inventory);
    middle = reporting.start("middle", false, tracing -> new Middle(tracing, inventory.port()));
    services.push(middle);
    edge = reporting.start("edge", false, tracing -> new Edge(tracing, middle.url()));
    services.push(edge);

    // The first request pays for connecting and loading classes: it may be slower than the policy's
    // threshold, so it goes first and is left out of what follows.
    List<Result> results = Traffic.run(edge.url(), List.of(new Purchase("book", CARD, Case.PLAIN),
        new Purchase("unicorn", CARD, Case.DECLINED), new Purchase("piano", CARD, Case.SLOW),
        new Purchase("book", CARD, Case.PLAIN)), result -> { });
    failed = results.get(1);
    slow = results.get(2);
    ordinary = results.get(3);
  }

  @AfterAll static void stopTheServices() throws Exception {
    for (AutoCloseable service; (service = services.poll()) != null; ) service.close();
  }

  @Test void theEdgeAnswersAsTheServicesBelowIt() {
    assertThat(failed.status()).isEqualTo(404);
    assertThat(failed.body()).isEqualTo("no such item: unicorn");
    assertThat(slow.status()).isEqualTo(200);
    assertThat(ordinary.status()).isEqualTo(200);
  }

  @Test void aFailureTwoHopsDownIsOneTreeFromTheEdgeToTheFailingService() {
    ZipkinTrace trace = await(failed, Set.of("edge post /buy", "edge post", "middle post /reserve",
        "middle demo.inventory/reserve", "inventory demo.inventory/reserve"));
    trace.assertConnected();
    Span buy = trace.span("edge", "post /buy");
    assertThat(buy.parentId()).isNull();
    Span reserve = trace.span("middle", "post /reserve");
    assertThat(reserve.parentId()).isEqualTo(trace.span("edge", "post").id());
    Span reserved = trace.span("inventory", "demo.inventory/reserve");
    assertThat(reserved.parentId()).isEqualTo(trace.span("middle", "demo.inventory/reserve").id());
    assertThat(reserved.tags()).containsEntry("error", "NOT_FOUND");

    assertThat(ZipkinTraces.keepReasons(trace.spans())).containsExactlyInAnyOrderEntriesOf(Map.of(
        "inventory", Set.of(KeepPolicy.ERROR), "middle", Set.of(KeepPolicy.ERROR),
        "edge", Set.of(KeepPolicy.DOWNSTREAM)));
    assertThat(buy.tags()).containsEntry("http.status_code", "404").doesNotContainKey("error");
  }

  @Test void aSlowRequestIsOneTreeFromTheEdgeToTheSlowService() {
    ZipkinTrace trace = await(slow, Set.of("edge post /buy", "edge post", "middle post /reserve",
        "middle demo.inventory/reserve", "inventory demo.inventory/reserve", "inventory check far warehouse"));
    trace.assertConnected();
    assertThat(trace.span("inventory", "check far warehouse").durationAsLong())
        .isGreaterThanOrEqualTo(InventoryService.FAR_WAREHOUSE_TIME.toNanos() / 1000);
    assertThat(ZipkinTraces.keepReasons(trace.spans())).containsExactlyInAnyOrderEntriesOf(Map.of(
        "inventory", Set.of(KeepPolicy.SLOW), "middle", Set.of(KeepPolicy.SLOW), "edge", Set.of(KeepPolicy.SLOW)));
  }

  @Test void anOrdinaryRequestIsNotKept() throws Exception {
    // The edge decides on each of the four requests when its root finishes, just after it answered.
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    TracingCounters counters = edge.tracing.counters();
    while (decided(counters) < 4 && System.nanoTime() - deadline < 0) LockSupport.parkNanos(1_000_000L);
    assertThat(decided(counters)).as("local parts the edge decided on").isEqualTo(4);
    for (Tracing tracing : List.of(edge.tracing, middle.tracing)) assertThat(tracing.flush()).isTrue();
    assertThat(inventory.counters().provisionalSpansPending()).isZero();

    assertThat(zipkinTraces.spans(ordinary.traceId())).isEmpty();
    assertThat(counters.localTracesKept()).containsEntry(KeepPolicy.DOWNSTREAM, 1L);
  }

  private static long decided(TracingCounters counters) {
    return counters.localTracesDiscarded() + counters.localTracesKept().values().stream().mapToLong(Long::longValue).sum();
  }

  private static ZipkinTrace await(Result result, Set<String> names) {
    return new ZipkinTrace(zipkinTraces.await(result.traceId(), "the spans " + names,
        spans -> new ZipkinTrace(spans).names().containsAll(names), TIMEOUT));
  }

  /**
   * {@code POST /buy} (form field {@code item}): reserves the item at {@code middle} with OkHttp and
   * answers with middle's status and body; the trace ID in {@value WebService#TRACE_ID_HEADER}.
   */
  static final class Edge implements AutoCloseable {
    private static final MediaType FORM = MediaType.get("application/x-www-form-urlencoded");

    final Tracing tracing;
    private final URI middleUrl;
    private final OkHttpClient okHttp = new OkHttpClient.Builder().callTimeout(CALL_TIMEOUT).build();
    private final Call.Factory http;
    private final ExecutorService threads = Executors.newFixedThreadPool(2, Threads.named("edge-http"));
    private final HttpServer server;

    Edge(Tracing tracing, URI middleUrl) throws IOException {
      this.tracing = tracing;
      this.middleUrl = middleUrl;
      this.http = TracingCallFactory.create(tracing, okHttp);
      this.server = Http.serveTraced(tracing, "/buy", this::handle, threads);
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/buy");
    }

    private void handle(HttpExchange exchange) throws IOException {
      io.tracelet.Span span = tracing.tracer().currentSpan().name("POST /buy");
      exchange.getResponseHeaders().set(WebService.TRACE_ID_HEADER, span.context().traceIdHex());
      String item = Http.form(exchange).getOrDefault("item", "");
      Request request = new Request.Builder().url(middleUrl.toString())
          .post(RequestBody.create(Http.form(Map.of("item", item)), FORM)).build();
      try (Response response = http.newCall(request).execute()) {
        Http.respond(exchange, response.code(), response.body() == null ? "" : response.body().string().strip());
      }
    }

    @Override public void close() {
      server.stop(0);
      threads.shutdown();
      okHttp.dispatcher().executorService().shutdown();
      okHttp.connectionPool().evictAll();
      tracing.close();
    }
  }

  /** {@code POST /reserve} (form field {@code item}): reserves it at {@code inventory} over gRPC; 404 for an unknown item. */
  static final class Middle implements AutoCloseable {
    final Tracing tracing;
    private final ManagedChannel inventory;
    private final ExecutorService threads = Executors.newFixedThreadPool(2, Threads.named("middle-http"));
    private final HttpServer server;

    Middle(Tracing tracing, int inventoryPort) throws IOException {
      this.tracing = tracing;
      this.inventory = NettyChannelBuilder.forAddress("127.0.0.1", inventoryPort).usePlaintext()
          .intercept(TracingClientInterceptor.create(tracing)).build();
      this.server = Http.serveTraced(tracing, "/reserve", this::handle, threads);
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/reserve");
    }

    private void handle(HttpExchange exchange) throws IOException {
      tracing.tracer().currentSpan().name("POST /reserve");
      String item = Http.form(exchange).getOrDefault("item", "");
      try {
        String reserved = ClientCalls.blockingUnaryCall(inventory, InventoryService.RESERVE,
            CallOptions.DEFAULT.withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
            StringValue.of(item)).getValue();
        Http.respond(exchange, 200, reserved);
      } catch (StatusRuntimeException e) { // the gRPC client span has recorded the status
        Http.respond(exchange, e.getStatus().getCode() == Status.Code.NOT_FOUND ? 404 : 502,
            e.getStatus().getDescription());
      }
    }

    @Override public void close() throws InterruptedException {
      server.stop(0);
      threads.shutdown();
      inventory.shutdown();
      if (!inventory.awaitTermination(10, TimeUnit.SECONDS)) inventory.shutdownNow();
      tracing.close();
    }
  }
}
