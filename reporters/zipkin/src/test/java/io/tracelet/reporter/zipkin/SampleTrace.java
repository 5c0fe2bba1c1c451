package io.tracelet.reporter.zipkin;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.Endpoint;
import io.tracelet.FinishedSpan;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.TraceContext;
import io.tracelet.Tracer;
import io.tracelet.Tracing;
import io.tracelet.testing.InMemoryReporter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import zipkin2.codec.SpanBytesDecoder;

/**
 * One trace recorded by a real Tracing, as a service would make it: a server root, client and
 * producer children with remote endpoints, a grandchild, an error, events, and tags with hostile
 * and large values. The spans Tracing finished are kept, to say what Zipkin must give back.
 */
final class SampleTrace {
  static final int SPANS = 14;
  final TraceContext root;
  final List<FinishedSpan> finished;

  private SampleTrace(TraceContext root, List<FinishedSpan> finished) {
    this.root = root;
    this.finished = finished;
  }

  /** Records the trace through {@code sent}, keeping what Tracing finished; flushes before returning. */
  static SampleTrace record(Tracing.Builder tracing, ZipkinReporter sent, long seed) {
    InMemoryReporter kept = new InMemoryReporter();
    try (Tracing t = tracing.reporter(new TeeReporter(kept, sent)).build()) {
      TraceContext root = record(t.tracer(), new RandomSpans(seed));
      assertThat(t.flush()).isTrue();
      return new SampleTrace(root, kept.awaitSpans(SPANS, Duration.ofSeconds(10)));
    }
  }

  static TraceContext record(Tracer tracer, RandomSpans random) {
    Span root = tracer.spanBuilder("GET /cart").kind(SpanKind.SERVER)
        .remoteEndpoint(Endpoint.of("browser", "2001:db8::7", 51234)).tag("http.method", "GET").start();
    for (int i = 0; i < 10; i++) {
      Span child = tracer.spanBuilder(random.hostile(20)).parent(root.context())
          .kind(i % 2 == 0 ? SpanKind.CLIENT : SpanKind.PRODUCER)
          .remoteEndpoint(Endpoint.of("backend-" + i, "10.0.0." + (i + 1), 8000 + i))
          .tag(random.hostile(10), random.hostile(40)).tag("i", String.valueOf(i)).start();
      child.event(random.hostile(15));
      if (i == 3) child.tag("large", "é€😀x".repeat(5_000)); // 10 KiB+ of multibyte UTF-8
      if (i == 5) child.error(new IllegalStateException("declined \"card\"\n"));
      child.finish();
    }
    Span internal = tracer.spanBuilder("compute").parent(root.context()).start();
    tracer.spanBuilder("consume").kind(SpanKind.CONSUMER).parent(internal.context()).start().finish();
    internal.finish();
    Span empty = tracer.spanBuilder("").parent(root.context()).start();
    empty.finish();
    root.finish();
    return root.context();
  }

  /** What Zipkin should hold for this trace, by span ID. */
  Map<String, zipkin2.Span> expected(ZipkinModel.Format format) {
    return finished.stream().map(s -> ZipkinModel.expected(s, format))
        .collect(Collectors.toMap(zipkin2.Span::id, Function.identity()));
  }

  /**
   * Checks the trace Zipkin returned (v2 JSON from {@code /api/v2/trace/{id}}): every span once,
   * exactly as sent, children pointing at the root.
   */
  void assertReturned(String traceJson, ZipkinModel.Format format) {
    byte[] bytes = traceJson.getBytes(StandardCharsets.UTF_8);
    // from a direct buffer: see SpanEncoderTest.zipkinsArrayJsonDecoderGarblesCharactersAcross8KiB
    List<zipkin2.Span> returned = new ArrayList<>(SpanBytesDecoder.JSON_V2.decodeList(
        ByteBuffer.allocateDirect(bytes.length).put(bytes).flip()));
    returned.sort(Comparator.comparing(zipkin2.Span::id));
    assertThat(returned).extracting(zipkin2.Span::id).doesNotHaveDuplicates().hasSize(SPANS);
    Map<String, zipkin2.Span> expected = expected(format);
    assertThat(returned).extracting(zipkin2.Span::id).containsExactlyInAnyOrderElementsOf(expected.keySet());
    for (zipkin2.Span span : returned) SpanDiff.assertSame(span, expected.get(span.id()), "span " + span.id());
    assertThat(returned).filteredOn(s -> s.parentId() == null).extracting(zipkin2.Span::id)
        .containsExactly(root.spanIdHex());
    assertThat(returned).filteredOn(s -> root.spanIdHex().equals(s.parentId())).hasSize(12);
  }
}
