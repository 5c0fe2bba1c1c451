package io.tracelet.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.FinishedSpan;
import io.tracelet.Sampler;
import io.tracelet.Span;
import io.tracelet.Tracing;
import io.tracelet.propagation.Propagators;
import io.tracelet.testing.InMemoryReporter;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the client suite cannot see from outside: the remote endpoint after a redirect. */
class HttpClientHandlerTest {
  /** A request as a URL's parts and a map of headers. */
  record Request(String host, int port, Map<String, String> headers) {
  }

  static final HttpClientAdapter<Request> ADAPTER = new HttpClientAdapter<>() {
    @Override public String method(Request request) {
      return "GET";
    }

    @Override public String path(Request request) {
      return "/";
    }

    @Override public String host(Request request) {
      return request.host();
    }

    @Override public int port(Request request) {
      return request.port();
    }

    @Override public void setHeader(Request request, String name, String value) {
      request.headers().put(name, value);
    }
  };

  @Test void aRedirectMovesTheRemoteEndpointToWhereTheCallEnded() {
    InMemoryReporter reporter = new InMemoryReporter();
    try (Tracing tracing = Tracing.newBuilder().propagator(Propagators.w3c()).reporter(reporter).build()) {
      HttpClientHandler handler = HttpClientHandler.create(tracing);
      Span span = handler.handleSend(ADAPTER, new Request("10.0.0.1", 8080, new HashMap<>()));

      handler.redirected(span, "10.0.0.2", 9090);
      handler.handleReceive(span, 200, null, null);
      tracing.flush();

      FinishedSpan finished = reporter.spans().get(0);
      assertThat(finished.remoteEndpoint().ipv4()).isEqualTo("10.0.0.2");
      assertThat(finished.remoteEndpoint().port()).isEqualTo(9090);
    }
  }

  @Test void anUnrecordedSpanIsLeftAlone() {
    InMemoryReporter reporter = new InMemoryReporter();
    try (Tracing tracing = Tracing.newBuilder().propagator(Propagators.w3c()).sampler(Sampler.never())
        .reporter(reporter).build()) {
      HttpClientHandler handler = HttpClientHandler.create(tracing);
      Map<String, String> headers = new HashMap<>();
      Span span = handler.handleSend(ADAPTER, new Request("10.0.0.1", 8080, headers));

      handler.redirected(span, "10.0.0.2", 9090);
      handler.handleReceive(span, 200, null, null);
      tracing.flush();

      assertThat(reporter.spans()).isEmpty();
      String traceparent = headers.get("traceparent"); // propagated, not sampled
      assertThat(Integer.parseInt(traceparent.substring(traceparent.length() - 2), 16) & 1).isZero();
    }
  }
}
