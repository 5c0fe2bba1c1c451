package io.tracelet.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.FinishedSpan;
import io.tracelet.Span;
import io.tracelet.Tracing;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpanTextTest {

  @Test void writesIdsAsTheCoreDoes() {
    InMemoryReporter reporter = new InMemoryReporter();
    try (Tracing wide = Tracing.newBuilder().reporter(reporter).build();
         Tracing narrow = Tracing.newBuilder().traceId128Bit(false).reporter(reporter).build()) {
      Span parent = wide.tracer().spanBuilder("parent").start();
      Span child = wide.tracer().spanBuilder("child").parent(parent).start();
      Span narrowRoot = narrow.tracer().spanBuilder("narrow").start();
      child.finish();
      narrowRoot.finish();
      wide.flush();
      narrow.flush();
      List<FinishedSpan> spans = reporter.spans();
      FinishedSpan finishedChild = spans.stream().filter(s -> s.name().equals("child")).findFirst().orElseThrow();
      FinishedSpan finishedNarrow = spans.stream().filter(s -> s.name().equals("narrow")).findFirst().orElseThrow();

      assertThat(SpanText.traceId(finishedChild)).hasSize(32).isEqualTo(child.context().traceIdHex());
      assertThat(SpanText.traceId(finishedNarrow)).hasSize(16).isEqualTo(narrowRoot.context().traceIdHex());
      assertThat(SpanText.describe(finishedChild)).isEqualTo("\"child\" INTERNAL " + child.context().traceIdHex()
          + "/" + child.context().spanIdHex() + "<" + parent.context().spanIdHex());
      assertThat(SpanText.describe(finishedNarrow)).endsWith(narrowRoot.context().spanIdHex());
    }
  }

  @Test void padsSmallIdsToSixteenDigits() {
    assertThat(SpanText.hex(1L)).isEqualTo("0000000000000001");
    assertThat(SpanText.hex(-1L)).isEqualTo("ffffffffffffffff");
  }

  @Test void saysSoWhenThereAreNoSpans() {
    assertThat(SpanText.describe(List.of())).isEqualTo("no spans");
  }
}
