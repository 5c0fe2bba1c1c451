package io.tracelet.grpc;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.tracelet.FinishedSpan;
import io.tracelet.Propagator;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.TraceContext;
import io.tracelet.Tracing;
import io.tracelet.propagation.Propagators;
import io.tracelet.testing.InMemoryReporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Both interceptors, on a real in-process gRPC server and channel: a "frontend" service calls a
 * "backend" one, each with its own {@link Tracing}, both reporting to one reporter.
 */
class GrpcTracingTest {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  final InMemoryReporter reporter = new InMemoryReporter();
  final Tracing frontend = tracing("frontend");
  final Tracing backend = tracing("backend");
  final EchoService service = new EchoService(backend.tracer());
  final ConcurrentLinkedQueue<Metadata> receivedHeaders = new ConcurrentLinkedQueue<>();
  Server server;
  ManagedChannel plainChannel;
  Channel channel;

  Tracing tracing(String serviceName) {
    return Tracing.newBuilder().serviceName(serviceName).propagator(Propagators.w3cThenB3())
        .reporter(reporter).strictScopes(true).maxBatchSpans(512).maxBatchDelay(Duration.ofMillis(5)).build();
  }

  @BeforeEach void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name)
        .addService(ServerInterceptors.intercept(service.definition(),
            TracingServerInterceptor.create(backend),
            recordHeaders())) // runs first: sees the headers as they arrived
        .build()
        .start();
    plainChannel = InProcessChannelBuilder.forName(name).build();
    channel = ClientInterceptors.intercept(plainChannel, TracingClientInterceptor.create(frontend));
  }

  @AfterEach void stop() throws InterruptedException {
    plainChannel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    frontend.close();
    backend.close();
  }

  ServerInterceptor recordHeaders() {
    return new ServerInterceptor() {
      @Override public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call,
          Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        receivedHeaders.add(headers);
        return next.startCall(call, headers);
      }
    };
  }

  List<FinishedSpan> awaitSpans(int count) {
    return reporter.awaitSpans(count, TIMEOUT);
  }

  static FinishedSpan ofKind(List<FinishedSpan> spans, SpanKind kind) {
    List<FinishedSpan> found = spans.stream().filter(s -> s.kind() == kind).toList();
    assertThat(found).as("%s spans", kind).hasSize(1);
    return found.get(0);
  }

  /** Every callback of the service ran with the server span current. */
  void assertServiceRanIn(FinishedSpan serverSpan, String... callbacks) {
    assertThat(service.seen).extracting(EchoService.Seen::callback).contains(callbacks);
    assertThat(service.seen).allSatisfy(seen -> {
      assertThat(seen.current()).as("span current in %s", seen.callback()).isNotNull();
      assertThat(seen.current().context().spanId()).as("span current in %s", seen.callback())
          .isEqualTo(serverSpan.spanId());
    });
  }

  @Test void aUnaryCallIsOneTraceFromCallerThroughClientToServer() {
    Span caller = frontend.tracer().spanBuilder("checkout").start();

    String reply;
    try (Scope ignored = caller.makeCurrent()) {
      reply = ClientCalls.blockingUnaryCall(channel, EchoService.SAY, CallOptions.DEFAULT, "ada");
    }
    caller.finish();

    assertThat(reply).isEqualTo("hello ada");
    List<FinishedSpan> spans = awaitSpans(3);
    assertThat(spans).isCompleteTrace().rootSpan().hasName("checkout");
    FinishedSpan client = ofKind(spans, SpanKind.CLIENT);
    FinishedSpan server = ofKind(spans, SpanKind.SERVER);
    assertThat(client).hasName("test.Echo/Say").hasParent(caller.context()).hasLocalServiceName("frontend")
        .hasTag("grpc.status_code", "OK").hasNoError();
    assertThat(server).hasName("test.Echo/Say").hasParent(client).hasLocalServiceName("backend")
        .hasTag("grpc.status_code", "OK").hasNoError();
    assertServiceRanIn(server, "say");
  }

  @Test void serverStreamingIsTracedToTheEnd() {
    Iterator<String> replies = ClientCalls.blockingServerStreamingCall(channel, EchoService.COUNT,
        CallOptions.DEFAULT, "3");
    List<String> received = new ArrayList<>();
    replies.forEachRemaining(received::add);

    assertThat(received).containsExactly("1", "2", "3");
    List<FinishedSpan> spans = awaitSpans(2);
    FinishedSpan server = ofKind(spans, SpanKind.SERVER);
    assertThat(server).hasName("test.Echo/Count").hasParent(ofKind(spans, SpanKind.CLIENT))
        .hasTag("grpc.status_code", "OK");
    assertServiceRanIn(server, "count");
  }

  @Test void bidiStreamingRunsEveryServerCallbackInTheServerSpanAndEveryClientCallbackInTheCallers() throws Exception {
    Span caller = frontend.tracer().spanBuilder("chatting").start();
    List<String> replies = new ArrayList<>();
    List<Span> currentInObserver = new ArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<String> requests;
    try (Scope ignored = caller.makeCurrent()) {
      requests = ClientCalls.asyncBidiStreamingCall(channel.newCall(EchoService.CHAT, CallOptions.DEFAULT),
          new StreamObserver<>() {
            @Override public void onNext(String reply) {
              synchronized (replies) {
                replies.add(reply);
                currentInObserver.add(frontend.tracer().currentSpan());
              }
            }

            @Override public void onError(Throwable t) {
              done.completeExceptionally(t);
            }

            @Override public void onCompleted() {
              synchronized (replies) {
                currentInObserver.add(frontend.tracer().currentSpan());
              }
              done.complete(null);
            }
          });
    }
    requests.onNext("a");
    requests.onNext("b");
    requests.onNext("c");
    requests.onCompleted();
    done.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

    synchronized (replies) {
      assertThat(replies).containsExactly("a", "b", "c");
      assertThat(currentInObserver).hasSize(4).containsOnly(caller);
    }
    List<FinishedSpan> spans = awaitSpans(2);
    FinishedSpan client = ofKind(spans, SpanKind.CLIENT);
    FinishedSpan server = ofKind(spans, SpanKind.SERVER);
    assertThat(client).hasName("test.Echo/Chat").hasParent(caller.context()).hasTag("grpc.status_code", "OK");
    assertThat(server).hasParent(client).hasTag("grpc.status_code", "OK");
    assertServiceRanIn(server, "chat", "onReady", "onNext", "onCompleted");
    assertThat(service.seen).filteredOn(seen -> seen.callback().equals("onNext")).hasSize(3);
  }

  @Test void anErrorStatusMarksBothSpansFailed() {
    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, EchoService.SAY, CallOptions.DEFAULT, "fail"))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));

    List<FinishedSpan> spans = awaitSpans(2);
    assertThat(spans).allSatisfy(span ->
        assertThat(span).hasTag("grpc.status_code", "INVALID_ARGUMENT").hasTag("error", "INVALID_ARGUMENT"));
  }

  @Test void aHandlerThatThrowsFinishesTheServerSpanWithItsException() {
    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, EchoService.SAY, CallOptions.DEFAULT, "throw"))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN));

    List<FinishedSpan> spans = awaitSpans(2);
    assertThat(ofKind(spans, SpanKind.SERVER)).hasError(IllegalStateException.class).hasTag("error", "boom")
        .hasTag("grpc.status_code", "UNKNOWN");
    assertThat(ofKind(spans, SpanKind.CLIENT)).hasTag("grpc.status_code", "UNKNOWN").hasTag("error", "UNKNOWN");
  }

  @Test void aCallTheClientCancelsFinishesBothSpansCancelled() throws Exception {
    ClientCall<String, String> call = channel.newCall(EchoService.SAY, CallOptions.DEFAULT);
    CompletableFuture<Status> closed = new CompletableFuture<>();
    call.start(new ClientCall.Listener<>() {
      @Override public void onClose(Status status, Metadata trailers) {
        closed.complete(status);
      }
    }, new Metadata());
    call.sendMessage("wait");
    call.halfClose();
    call.request(1);
    assertThat(service.waiting.await(10, TimeUnit.SECONDS)).isTrue();

    call.cancel("the user gave up", null);

    assertThat(closed.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThat(service.cancelled.await(10, TimeUnit.SECONDS)).isTrue();
    List<FinishedSpan> spans = awaitSpans(2);
    assertThat(ofKind(spans, SpanKind.CLIENT)).hasTag("grpc.status_code", "CANCELLED").hasTag("error", "CANCELLED");
    FinishedSpan server = ofKind(spans, SpanKind.SERVER);
    assertThat(server).hasTag("grpc.status_code", "CANCELLED").hasTag("error", "CANCELLED");
    assertServiceRanIn(server, "say", "onCancel");
  }

  @Test void aDeadlineFinishesBothSpansFailed() throws Exception {
    CallOptions withDeadline = CallOptions.DEFAULT.withDeadlineAfter(200, TimeUnit.MILLISECONDS);

    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, EchoService.SAY, withDeadline, "wait"))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));

    assertThat(service.cancelled.await(10, TimeUnit.SECONDS)).isTrue();
    List<FinishedSpan> spans = awaitSpans(2);
    assertThat(ofKind(spans, SpanKind.CLIENT)).hasTag("grpc.status_code", "DEADLINE_EXCEEDED")
        .hasTag("error", "DEADLINE_EXCEEDED");
    // Client and server deadlines expire together: the server sees its own expire, or the
    // client's cancel first. Either way its span is finished and failed.
    assertThat(ofKind(spans, SpanKind.SERVER)).satisfiesAnyOf(
        server -> assertThat(server).hasTag("grpc.status_code", "DEADLINE_EXCEEDED").hasTag("error", "DEADLINE_EXCEEDED"),
        server -> assertThat(server).hasTag("grpc.status_code", "CANCELLED").hasTag("error", "CANCELLED"));
  }

  @Test void traceHeadersAlreadyInTheMetadataAreReplacedNotDuplicated() {
    Metadata stale = new Metadata();
    stale.put(key("traceparent"), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    stale.put(key("x-b3-parentspanid"), "00f067aa0ba902b7");
    stale.put(key("x-request-id"), "kept");
    // Outside the tracing interceptor, so its headers are in place when tracing injects.
    Channel withStaleHeaders = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(stale));

    ClientCalls.blockingUnaryCall(withStaleHeaders, EchoService.SAY, CallOptions.DEFAULT, "ada");

    List<FinishedSpan> spans = awaitSpans(2);
    FinishedSpan client = ofKind(spans, SpanKind.CLIENT);
    assertThat(ofKind(spans, SpanKind.SERVER)).hasParent(client);
    Metadata received = receivedHeaders.remove();
    assertThat(received.getAll(key("traceparent"))).singleElement().asString().contains(String.format("%016x", client.spanId()));
    assertThat(received.get(key("x-b3-parentspanid"))).isNull(); // the client span is a root
    assertThat(received.get(key("x-b3-spanid"))).isEqualTo(String.format("%016x", client.spanId()));
    assertThat(received.get(key("x-request-id"))).isEqualTo("kept");
  }

  @Test void malformedTraceHeadersStartANewTraceAndNeverFailTheCall() {
    Metadata hostile = new Metadata();
    hostile.put(key("traceparent"), "00-not-a-trace-01");
    hostile.put(key("traceparent"), "ff-" + "f".repeat(2000));
    hostile.put(key("x-b3-traceid"), "463ac35c9f6413ad48485a3953bb61240");
    hostile.put(key("x-b3-spanid"), "");
    hostile.put(key("b3"), "1-2-3-4-5-6");
    hostile.put(key("baggage"), "%zz=%;;".repeat(200));
    Channel untraced = ClientInterceptors.intercept(plainChannel, MetadataUtils.newAttachHeadersInterceptor(hostile));

    String reply = ClientCalls.blockingUnaryCall(untraced, EchoService.SAY, CallOptions.DEFAULT, "ada");

    assertThat(reply).isEqualTo("hello ada");
    assertThat(awaitSpans(1)).singleElement().isRoot().hasKind(SpanKind.SERVER).hasTag("grpc.status_code", "OK");
  }

  @Test void aPropagatorWhoseKeysGrpcRefusesNeverFailsTheCall() throws Exception {
    Propagator hostile = new Propagator() { // "-bin" keys need a binary marshaller; spaces are not allowed
      @Override public List<String> keys() {
        return List.of("traceparent", "trace-bin", "bad key");
      }

      @Override public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
        Propagators.w3c().inject(context, carrier, setter);
        setter.set(carrier, "trace-bin", "x");
        setter.set(carrier, "bad key", "x");
      }

      @Override public <C> TraceContext extract(C carrier, Getter<C> getter) {
        assertThat(getter.get(carrier, "trace-bin")).isNull();
        assertThat(getter.get(carrier, "bad key")).isNull();
        return Propagators.w3c().extract(carrier, getter);
      }
    };
    try (Tracing client = Tracing.newBuilder().propagator(hostile).reporter(reporter).build();
        Tracing server = Tracing.newBuilder().propagator(hostile).reporter(reporter).build()) {
      String name = InProcessServerBuilder.generateName();
      Server hostileServer = InProcessServerBuilder.forName(name)
          .addService(ServerInterceptors.intercept(service.definition(), TracingServerInterceptor.create(server)))
          .build().start();
      ManagedChannel hostileChannel = InProcessChannelBuilder.forName(name)
          .intercept(TracingClientInterceptor.create(client)).build();
      try {
        assertThat(ClientCalls.blockingUnaryCall(hostileChannel, EchoService.SAY, CallOptions.DEFAULT, "ada"))
            .isEqualTo("hello ada");
      } finally {
        hostileChannel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        hostileServer.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    }
    List<FinishedSpan> spans = reporter.spans();
    assertThat(ofKind(spans, SpanKind.SERVER)).hasParent(ofKind(spans, SpanKind.CLIENT)).hasNoError();
  }

  static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }
}
