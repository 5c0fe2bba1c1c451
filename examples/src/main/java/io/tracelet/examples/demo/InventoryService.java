package io.tracelet.examples.demo;

import com.google.protobuf.StringValue;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.tracelet.Tracer;
import io.tracelet.Tracing;
import io.tracelet.TracingCounters;
import io.tracelet.grpc.TracingServerInterceptor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code inventory} service: a gRPC server (Netty, on loopback) with one unary method,
 * {@code demo.Inventory/Reserve}, that reserves an item. Items kept in the far warehouse take
 * {@link #FAR_WAREHOUSE_TIME} longer, in a span of their own: those requests are slow. Unknown
 * items answer {@code NOT_FOUND}. Calls are traced by {@link TracingServerInterceptor}.
 */
@SuppressWarnings("try") // close() waits for threads to stop, and may be interrupted
final class InventoryService implements AutoCloseable {
  static final Duration FAR_WAREHOUSE_TIME = Duration.ofMillis(1200);

  /**
   * The method: the request names an item, the response says what was reserved. Both are protobuf's
   * ready-made {@code StringValue}, so the demo needs no generated code.
   */
  static final MethodDescriptor<StringValue, StringValue> RESERVE =
      MethodDescriptor.<StringValue, StringValue>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName("demo.Inventory", "Reserve"))
          .setRequestMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
          .build();

  static final String NAME = "inventory";

  private static final Logger LOG = LoggerFactory.getLogger(NAME);

  private final Tracing tracing;
  private final Tracer tracer;
  private final ExecutorService executor;
  private final Server server;

  private InventoryService(Tracing tracing) throws IOException {
    this.tracing = tracing;
    this.tracer = tracing.tracer();
    this.executor = Executors.newFixedThreadPool(4, Threads.named("inventory-grpc"));
    ServerServiceDefinition service = ServerServiceDefinition.builder("demo.Inventory")
        .addMethod(RESERVE, ServerCalls.asyncUnaryCall(this::reserve))
        .build();
    this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .executor(executor)
        .addService(ServerInterceptors.intercept(service, TracingServerInterceptor.create(tracing)))
        .build()
        .start();
  }

  /** Starts the server on a free loopback port, reporting over HTTP. */
  static InventoryService start(Reporting reporting) throws Exception {
    return reporting.start(NAME, false, InventoryService::new);
  }

  /** What this service's tracing did with its spans, and what its keep policy decided. */
  TracingCounters counters() {
    return tracing.counters();
  }

  int port() {
    return server.getPort();
  }

  private void reserve(StringValue request, StreamObserver<StringValue> response) {
    String id = request.getValue();
    LOG.info("reserving one {}", id);
    Item item = Item.byId(id).orElse(null);
    if (item == null) {
      LOG.warn("no such item: {}", id);
      response.onError(Status.NOT_FOUND.withDescription("no such item: " + id).asRuntimeException());
      return;
    }
    if (item.farWarehouse) {
      tracer.inSpan("check far warehouse", () -> {
        LOG.info("{} is kept in the far warehouse: asking there", id);
        Simulated.work(FAR_WAREHOUSE_TIME);
      });
    }
    response.onNext(StringValue.of("one " + id + " reserved" + (item.farWarehouse ? " in the far warehouse" : "")));
    response.onCompleted();
  }

  /** Stops the server (waiting for calls in progress), then closes its tracing. */
  @Override public void close() throws InterruptedException {
    server.shutdown();
    if (!server.awaitTermination(10, TimeUnit.SECONDS)) server.shutdownNow();
    executor.shutdown();
    tracing.close();
  }
}
