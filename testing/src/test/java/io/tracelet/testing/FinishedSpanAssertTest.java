package io.tracelet.testing;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracelet.Endpoint;
import io.tracelet.FinishedSpan;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.TraceContext;
import io.tracelet.Tracing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FinishedSpanAssertTest {
  final InMemoryReporter reporter = new InMemoryReporter();
  final Tracing tracing = Tracing.newBuilder().serviceName("Checkout").reporter(reporter).build();

  @AfterEach void closeTracing() {
    tracing.close();
  }

  // Finishes the span and returns it as the reporter received it.
  FinishedSpan finish(Span span) {
    span.finish();
    tracing.flush();
    List<FinishedSpan> spans = reporter.spans();
    return spans.get(spans.size() - 1);
  }

  @Test void nameAndKind() {
    FinishedSpan span = finish(tracing.tracer().spanBuilder("GET /cart").kind(SpanKind.SERVER).start());

    assertThat(span).hasName("GET /cart").hasKind(SpanKind.SERVER);
    assertThatThrownBy(() -> assertThat(span).hasName("GET /carts"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected span " + SpanText.describe(span) + " to be named \"GET /carts\"");
    assertThatThrownBy(() -> assertThat(span).hasKind(SpanKind.CLIENT))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("\"GET /cart\" SERVER")
        .hasMessageContaining("to be of kind CLIENT");
  }

  @Test void tags() {
    FinishedSpan span = finish(tracing.tracer().spanBuilder("charge").tag("card", "visa").start()
        .tag("amount", 42));

    assertThat(span).hasTag("card", "visa").hasTag("amount", "42").hasNoTag("currency");
    assertThatThrownBy(() -> assertThat(span).hasTag("card", "amex"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("to have tag card=\"amex\" but it is \"visa\"");
    assertThatThrownBy(() -> assertThat(span).hasTag("currency", "EUR"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("to have tag currency=\"EUR\" but it has no such tag");
    assertThatThrownBy(() -> assertThat(span).hasNoTag("card"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("to have no tag card but it is \"visa\"");
  }

  @Test void parentAndRoot() {
    Span parent = tracing.tracer().spanBuilder("parent").start();
    Span child = tracing.tracer().spanBuilder("child").parent(parent).start();
    FinishedSpan finishedChild = finish(child);
    FinishedSpan finishedParent = finish(parent);

    assertThat(finishedParent).isRoot();
    assertThat(finishedChild).hasParent(parent.context()).hasParent(finishedParent);
    assertThatThrownBy(() -> assertThat(finishedChild).isRoot())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("to be a root span but its parent is " + parent.context().spanIdHex());
    assertThatThrownBy(() -> assertThat(finishedParent).hasParent(child.context()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("to be a child of " + child.context().traceIdHex() + "/" + child.context().spanIdHex());
    assertThatThrownBy(() -> assertThat(finishedParent).hasParent(finishedChild))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("to be a child of " + SpanText.describe(finishedChild));
  }

  @Test void aChildOfTheSameSpanIdInAnotherTraceIsNotItsChild() {
    Span parent = tracing.tracer().spanBuilder("parent").start();
    TraceContext sameSpanIdOtherTrace = parent.context().toBuilder()
        .traceId(parent.context().traceIdHigh(), parent.context().traceId() + 1).build();
    FinishedSpan stranger = finish(tracing.tracer().spanBuilder("stranger").parent(sameSpanIdOtherTrace).start());

    assertThat(stranger).hasParent(sameSpanIdOtherTrace);
    assertThatThrownBy(() -> assertThat(stranger).hasParent(parent.context())).isInstanceOf(AssertionError.class);
  }

  @Test void traceIdAndContext() {
    Span span = tracing.tracer().spanBuilder("identified").start();
    Span other = tracing.tracer().spanBuilder("other").noParent().start();
    FinishedSpan finished = finish(span);

    assertThat(finished).hasTraceId(span.context().traceIdHex())
        .hasTraceId(span.context().traceIdHex().toUpperCase(java.util.Locale.ROOT))
        .hasContext(span.context());
    assertThatThrownBy(() -> assertThat(finished).hasTraceId(other.context().traceIdHex()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("to have trace ID " + other.context().traceIdHex());
    assertThatThrownBy(() -> assertThat(finished).hasContext(other.context()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("to have trace ID " + other.context().traceIdHex() + " and span ID "
            + other.context().spanIdHex());
  }

  @Test void events() {
    FinishedSpan span = finish(tracing.tracer().spanBuilder("io").start().event("sent").event("received"));

    assertThat(span).hasEvent("sent").hasEvent("received");
    assertThatThrownBy(() -> assertThat(span).hasEvent("retried"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("to have event \"retried\" but its events are [sent, received]");
  }

  @Test void errors() {
    FinishedSpan failed = finish(tracing.tracer().spanBuilder("failed").start()
        .error(new UncheckedIOException(new IOException("disk full"))));
    FinishedSpan fine = finish(tracing.tracer().spanBuilder("fine").start());
    FinishedSpan tagged = finish(tracing.tracer().spanBuilder("http 500").start().tag("error", "500"));

    assertThat(failed).hasError(UncheckedIOException.class).hasError(RuntimeException.class);
    assertThat(fine).hasNoError();
    assertThatThrownBy(() -> assertThat(failed).hasError(IllegalStateException.class))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("to have an error of type java.lang.IllegalStateException but it has "
            + "java.io.UncheckedIOException: java.io.IOException: disk full");
    assertThatThrownBy(() -> assertThat(fine).hasError(RuntimeException.class))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("but it has none");
    assertThatThrownBy(() -> assertThat(failed).hasNoError())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("to have no error but it has java.io.UncheckedIOException");
    assertThatThrownBy(() -> assertThat(tagged).hasNoError())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("to have no error but it has the tag error=\"500\"");
  }

  @Test void duration() {
    long start = 1_700_000_000_000_000L;
    Span span = tracing.tracer().spanBuilder("timed").startTimestamp(start).start();
    span.finish(start + 1_500);
    tracing.flush();
    FinishedSpan finished = reporter.spans().get(0);

    assertThat(finished).hasDurationAtLeast(Duration.ofNanos(1_500_000)).hasDurationAtLeast(Duration.ofMillis(1));
    assertThatThrownBy(() -> assertThat(finished).hasDurationAtLeast(Duration.ofMillis(2)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("to last at least 2000 µs but it lasted 1500 µs");
  }

  @Test void serviceNames() {
    FinishedSpan span = finish(tracing.tracer().spanBuilder("call").kind(SpanKind.CLIENT)
        .remoteEndpoint(Endpoint.of("Inventory", "10.0.0.7", 8080)).start());
    FinishedSpan local = finish(tracing.tracer().spanBuilder("local").start());

    assertThat(span).hasLocalServiceName("checkout").hasRemoteServiceName("inventory");
    assertThatThrownBy(() -> assertThat(span).hasLocalServiceName("Checkout"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("to be recorded by service \"Checkout\" but it was by \"checkout\"");
    assertThatThrownBy(() -> assertThat(local).hasRemoteServiceName("inventory"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("to have remote service \"inventory\" but it has none");
  }

  @Test void aNullSpanFailsEveryAssertion() {
    FinishedSpan none = null;
    assertThatThrownBy(() -> assertThat(none).hasName("x"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expecting actual not to be null");
  }

  @Test void aDescriptionIsKeptInFailures() {
    FinishedSpan span = finish(tracing.tracer().spanBuilder("described").start());

    assertThatThrownBy(() -> assertThat(span).as("the checkout span").hasName("other"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("[the checkout span]");
  }
}
