package io.tracelet.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.Propagator;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.TraceContext;
import io.tracelet.Tracing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The snippets of propagation/README.md, compiled, run, and checked to be the README's text. */
class ReadmeTest {
  @Test void snippet() throws IOException {
    // README:propagation
    Tracing tracing = Tracing.newBuilder()
        .serviceName("cart")
        .propagator(Propagators.w3cThenB3())   // W3C first, B3 accepted, W3C baggage
        .build();
    Propagator propagator = tracing.propagator();

    // A request came in: continue the caller's trace (null when it sent none, or a malformed one).
    Map<String, String> incoming = Map.of(
        "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "baggage", "tenant=acme");
    TraceContext parent = propagator.extract(incoming, Map::get);
    Span span = tracing.tracer().spanBuilder("GET /cart").kind(SpanKind.SERVER).parent(parent).start();

    // A call goes out: send this span's context along.
    Map<String, String> outgoing = new HashMap<>();
    propagator.inject(span.context(), outgoing, Map::put);  // traceparent, x-b3-*, baggage
    span.finish();
    // README:end
    tracing.close();

    assertThat(outgoing.get("traceparent")).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-")
        .doesNotContain("00f067aa0ba902b7");
    assertThat(outgoing.get("x-b3-traceid")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(outgoing.get("x-b3-parentspanid")).isEqualTo("00f067aa0ba902b7");
    assertThat(outgoing.get("baggage")).isEqualTo("tenant=acme");

    assertInReadme("propagation");
  }

  @Test void serverTimingSnippet() throws IOException {
    Tracing tracing = Tracing.newBuilder().serviceName("cart").build();
    Span server = tracing.tracer().spanBuilder("GET /cart").kind(SpanKind.SERVER).start();
    Span client = tracing.tracer().spanBuilder("GET /stock").kind(SpanKind.CLIENT).parent(server.context()).start();
    Map<String, String> responseHeaders = new HashMap<>();
    // README:server-timing
    // Server: answer with the server span's metric, sampled when this server recorded the request.
    responseHeaders.put(ServerTiming.HEADER, ServerTiming.format(server.context(), server.isRecording()));

    // Client: only a well-formed, sampled metric of the caller's own trace may upgrade its decision.
    String answer = responseHeaders.get(ServerTiming.HEADER);  // repeated field lines joined with ","
    boolean calleeRecorded = ServerTiming.sampledFor(client.context(), answer);
    ServerTiming metric = ServerTiming.parse(answer);          // or the whole metric; null when malformed
    // README:end
    client.finish();
    server.finish();
    tracing.close();

    assertThat(server.isRecording()).isTrue();
    assertThat(calleeRecorded).isTrue();
    assertThat(metric.spanIdHex()).isEqualTo(server.context().spanIdHex());
    assertInReadme("server-timing");
  }

  /** The lines between {@code // README:name} and the next {@code // README:end} stand in README.md. */
  static void assertInReadme(String name) throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    String test = Files.readString(Path.of("src/test/java/io/tracelet/propagation/ReadmeTest.java"));
    String marker = "// README:" + name + "\n";
    int begin = test.indexOf(marker) + marker.length();
    String snippet = test.substring(begin, test.indexOf("    // README:end", begin));
    assertThat(readme).contains(snippet.stripTrailing().stripIndent());
  }
}
