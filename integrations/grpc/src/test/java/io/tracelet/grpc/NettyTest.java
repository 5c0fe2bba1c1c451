package io.tracelet.grpc;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.tracelet.FinishedSpan;
import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import io.tracelet.propagation.Propagators;
import io.tracelet.testing.InMemoryReporter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Both interceptors over HTTP/2 on loopback (Netty), set up as README.md shows. */
class NettyTest {

  @Test void oneTraceFromClientToServerWithTheirAddresses() throws Exception {
    InMemoryReporter reporter = new InMemoryReporter();
    Tracing tracing = Tracing.newBuilder()
        .serviceName("echo")
        .propagator(Propagators.w3cThenB3())
        .reporter(reporter)
        .build();
    ServerServiceDefinition service = new EchoService(tracing.tracer()).definition();

    // README: interceptors
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(service, TracingServerInterceptor.create(tracing)))
        .build()
        .start();
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort())
        .usePlaintext()
        .intercept(TracingClientInterceptor.create(tracing))
        .build();
    // README end

    int port = server.getPort();
    try {
      assertThat(ClientCalls.blockingUnaryCall(channel, EchoService.SAY, CallOptions.DEFAULT, "net"))
          .isEqualTo("hello net");
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    List<FinishedSpan> spans = reporter.awaitSpans(2, Duration.ofSeconds(10));
    tracing.close();
    assertThat(spans).isCompleteTrace();
    FinishedSpan client = spans.stream().filter(s -> s.kind() == SpanKind.CLIENT).findFirst().orElseThrow();
    FinishedSpan serverSpan = spans.stream().filter(s -> s.kind() == SpanKind.SERVER).findFirst().orElseThrow();
    assertThat(serverSpan).hasParent(client).hasName("test.Echo/Say").hasTag("grpc.status_code", "OK");
    assertThat(client.remoteEndpoint().ipv4()).isEqualTo("127.0.0.1");
    assertThat(client.remoteEndpoint().port()).isEqualTo(port);
    assertThat(serverSpan.remoteEndpoint().ipv4()).isEqualTo("127.0.0.1");
    assertThat(serverSpan.remoteEndpoint().port()).isPositive().isNotEqualTo(port);
  }
}
