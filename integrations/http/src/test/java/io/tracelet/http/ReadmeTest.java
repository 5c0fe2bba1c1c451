package io.tracelet.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.Sampler;
import io.tracelet.Span;
import io.tracelet.Tracing;
import io.tracelet.propagation.Propagators;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The snippets of README.md, compiled and run, with a map of headers as the request. */
class ReadmeTest {
  /** A request as a map: method, path and lowercase headers. */
  record Request(String method, String path, Map<String, String> headers) {
  }

  static final HttpServerAdapter<Request> ADAPTER = new HttpServerAdapter<>() {
    @Override public String method(Request request) {
      return request.method();
    }

    @Override public String path(Request request) {
      return request.path();
    }

    @Override public String header(Request request, String name) {
      return request.headers().get(name);
    }
  };

  @Test void requestSamplingRules() {
    try (Tracing tracing = Tracing.newBuilder().propagator(Propagators.w3c()).sampler(Sampler.probability(0)).build()) {
      // README: rules
      HttpRequestSampler rules = HttpRequestSampler.newBuilder()
          .rule("GET", "/health", Sampler.never())      // never trace health checks
          .rule(null, "/admin/", Sampler.always())      // any method
          .build();
      HttpServerHandler server = HttpServerHandler.create(tracing, rules);
      HttpClientHandler client = HttpClientHandler.create(tracing, rules);
      // README end

      assertThat(receive(server, "GET", "/health", Map.of()).isRecording()).isFalse();
      assertThat(receive(server, "POST", "/admin/users", Map.of()).isRecording()).isTrue();
      assertThat(receive(server, "post", "/admin/", Map.of()).isRecording()).isTrue(); // methods ignore case
      assertThat(receive(server, "GET", "/other", Map.of()).isRecording()).isFalse(); // the tracing's sampler
      // A caller's decision wins over the rules.
      Map<String, String> sampledCaller = Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
      assertThat(receive(server, "GET", "/health", sampledCaller).isRecording()).isTrue();
      Map<String, String> undecidedB3 = Map.of("x-b3-traceid", "463ac35c9f6413ad", "x-b3-spanid", "a2fb4a1d1a96d312");
      try (Tracing b3 = Tracing.newBuilder().propagator(Propagators.b3()).sampler(Sampler.never()).build()) {
        Span joined = receive(HttpServerHandler.create(b3, rules), "GET", "/admin/x", undecidedB3);
        assertThat(joined.isRecording()).isTrue(); // joined the caller's trace, decided by the rule
        assertThat(joined.context().traceIdHex()).isEqualTo("463ac35c9f6413ad");
      }
      assertThat(client.headerNames()).containsExactly("traceparent", "tracestate");
    }
  }

  private static Span receive(HttpServerHandler handler, String method, String path, Map<String, String> headers) {
    Span span = handler.handleReceive(ADAPTER, new Request(method, path, headers));
    span.abandon();
    return span;
  }
}
