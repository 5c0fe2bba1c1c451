package io.tracelet.testing;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracelet.FinishedSpan;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FinishedSpansAssertTest {
  final InMemoryReporter reporter = new InMemoryReporter();
  final Tracing tracing = Tracing.newBuilder().serviceName("shop").reporter(reporter).build();

  @AfterEach void closeTracing() {
    tracing.close();
  }

  // A server span with two children, finished children first as real code does.
  List<FinishedSpan> oneRequest() {
    Span server = tracing.tracer().spanBuilder("GET /cart").kind(SpanKind.SERVER).noParent().start();
    try (Scope ignored = server.makeCurrent()) {
      tracing.tracer().spanBuilder("load cart").start().finish();
      tracing.tracer().spanBuilder("price cart").start().finish();
    }
    server.finish();
    tracing.flush();
    return reporter.spans();
  }

  @Test void aWholeRequestIsACompleteTraceInOneTrace() {
    List<FinishedSpan> spans = oneRequest();

    assertThat(spans).hasSize(3).allInOneTrace().isCompleteTrace();
    assertThat(spans).rootSpan().hasName("GET /cart").hasKind(SpanKind.SERVER);
    assertThat(spans).spanNamed("load cart").hasParent(spans.get(2)).hasKind(SpanKind.INTERNAL);
  }

  @Test void twoRequestsAreNotOneTrace() {
    List<FinishedSpan> first = oneRequest();
    reporter.clear();
    List<FinishedSpan> second = oneRequest();
    List<FinishedSpan> both = new java.util.ArrayList<>(first);
    both.addAll(second);

    assertThatThrownBy(() -> assertThat(both).allInOneTrace())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected all spans to be in one trace but they are in several")
        .hasMessageContaining(SpanText.describe(second.get(0)));
    assertThatThrownBy(() -> assertThat(List.<FinishedSpan>of()).allInOneTrace())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expecting actual not to be empty");
  }

  @Test void aTraceMissingASpanIsNotComplete() {
    List<FinishedSpan> spans = oneRequest();
    List<FinishedSpan> withoutRoot = spans.subList(0, 2);

    assertThat(withoutRoot).allInOneTrace();
    assertThatThrownBy(() -> assertThat(withoutRoot).isCompleteTrace())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected a complete trace but the parent " + SpanText.hex(spans.get(2).spanId())
            + " of span " + SpanText.describe(spans.get(0)) + " is missing");
  }

  @Test void aTraceOfOnlyChildrenOfARemoteParentHasNoRoot() {
    Span remoteParent = tracing.tracer().spanBuilder("remote").start();
    Span a = tracing.tracer().spanBuilder("a").parent(remoteParent).start();
    Span b = tracing.tracer().spanBuilder("b").parent(a).start();
    b.finish();
    a.finish();
    remoteParent.abandon();
    tracing.flush();
    List<FinishedSpan> spans = reporter.spans();

    assertThatThrownBy(() -> assertThat(spans).rootSpan())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected exactly one root span but found 0 among:");
    assertThatThrownBy(() -> assertThat(spans.subList(1, 2)).isCompleteTrace())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("the parent " + remoteParent.context().spanIdHex());
  }

  @Test void spanNamedFindsExactlyOne() {
    List<FinishedSpan> spans = oneRequest();

    assertThatThrownBy(() -> assertThat(spans).spanNamed("checkout"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected exactly one span named \"checkout\" but found 0 among:")
        .hasMessageContaining("\"GET /cart\" SERVER");
    tracing.tracer().spanBuilder("load cart").start().finish();
    tracing.flush();
    assertThatThrownBy(() -> assertThat(reporter.spans()).spanNamed("load cart"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("found 2");
  }

  @Test void aFailureOfANavigatedSpanSaysWhichSpanItIs() {
    List<FinishedSpan> spans = oneRequest();

    assertThatThrownBy(() -> assertThat(spans).spanNamed("load cart").hasKind(SpanKind.CLIENT))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("[span named \"load cart\"]");
  }

  @Test void assertJListAssertionsKeepLeadingToSpanAssertions() {
    List<FinishedSpan> spans = oneRequest();

    assertThat(spans).first().hasName("load cart");
    assertThat(spans).element(1).hasName("price cart");
    assertThat(spans).last().isRoot();
    assertThat(spans).filteredOn(span -> span.parentId() != 0L).hasSize(2).allInOneTrace();
    assertThat(spans.subList(2, 3)).singleElement().hasKind(SpanKind.SERVER);
    assertThat(spans).extracting(FinishedSpan::name).containsExactly("load cart", "price cart", "GET /cart");
  }
}
