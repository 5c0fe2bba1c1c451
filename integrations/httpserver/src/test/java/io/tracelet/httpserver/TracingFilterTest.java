package io.tracelet.httpserver;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.tracelet.FinishedSpan;
import io.tracelet.Tracing;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link TracingFilter} passes the shared server suite in a real JDK HTTP server; and what is
 * particular to it: the thread left as it was, a throwing handler answered as without Tracelet,
 * the factories' checks.
 */
class TracingFilterTest extends JdkServerSuite {

  @Override HttpServer newServer(InetSocketAddress address) throws IOException {
    return HttpServer.create(address, 0);
  }

  @Override String scheme() {
    return "http";
  }

  @Test void theExchangesThreadIsLeftAsItWasAfterTheFilter() throws Exception {
    start();
    send(request("/ok"));
    serverSpan();
    assertThat(afterFilter.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("none");

    try {
      send(request("/throw").POST(HttpRequest.BodyPublishers.ofString("order")));
    } catch (IOException expected) { // the JDK server closes the connection of a handler that throws
    }
    assertThat(afterFilter.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("none");
  }

  @Test void aThrowingHandlerIsAnsweredAsWithoutTracelet() throws Exception {
    // The same throwing handler without the filter, on a server of its own: what the caller sees there...
    HttpServer plain = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    plain.createContext("/", exchange -> {
      throw new IllegalStateException("handler failed");
    });
    plain.start();
    HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    Class<? extends Throwable> untraced;
    try {
      untraced = failureOf(() -> client.send(HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + plain.getAddress().getPort() + "/throw"))
          .POST(HttpRequest.BodyPublishers.ofString("order")).timeout(TIMEOUT).build(),
          HttpResponse.BodyHandlers.ofString()));
    } finally {
      plain.stop(0);
    }
    start();

    // ...is what it sees with it (the JDK server closes the connection: no response).
    assertThat(untraced).isNotNull();
    assertThatThrownBy(() -> send(request("/throw").POST(HttpRequest.BodyPublishers.ofString("order"))))
        .isInstanceOf(untraced);
    FinishedSpan server = serverSpan();
    assertThat(server).hasError(IllegalStateException.class).hasTag("error", "handler failed")
        .hasNoTag("http.status_code");
  }

  @Test void anAnswerFromAnotherThreadRacingTheHandlersReturnFinishesTheSpanOnceWithItsStatus() throws Exception {
    start();
    int clients = 4;
    int rounds = 50;
    ExecutorService callers = Executors.newFixedThreadPool(clients);
    try {
      List<Future<Integer>> statuses = new ArrayList<>();
      for (int i = 0; i < clients * rounds; i++) {
        statuses.add(callers.submit(() -> send(request("/race")).statusCode()));
      }
      for (Future<Integer> status : statuses) assertThat(status.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(200);
    } finally {
      callers.shutdownNow();
    }

    List<FinishedSpan> spans = reporter.awaitSpans(clients * rounds, TIMEOUT);
    assertThat(spans).hasSize(clients * rounds)
        .allSatisfy(span -> assertThat(span).hasTag("http.status_code", "200").hasNoError())
        .extracting(FinishedSpan::spanId).doesNotHaveDuplicates();
  }

  @Test void theFactoriesRefuseNull() {
    assertThatThrownBy(() -> TracingFilter.create((Tracing) null)).hasMessage("tracing == null");
    assertThatThrownBy(() -> TracingFilter.create((io.tracelet.http.HttpServerHandler) null))
        .hasMessage("handler == null");
  }

  @FunctionalInterface
  interface Call {
    void run() throws Exception;
  }

  private static Class<? extends Throwable> failureOf(Call call) {
    try {
      call.run();
      return null;
    } catch (Exception e) {
      return e.getClass();
    }
  }
}
