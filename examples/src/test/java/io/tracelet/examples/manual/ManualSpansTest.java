package io.tracelet.examples.manual;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracelet.FinishedSpan;
import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import io.tracelet.testing.InMemoryReporter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ManualSpansTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final InMemoryReporter reporter = new InMemoryReporter();
  private final Tracing tracing =
      Tracing.newBuilder().serviceName("checkout").reporter(reporter).strictScopes(true).build();

  @AfterEach void closeTracing() {
    tracing.close();
  }

  @Test void aCheckoutIsOneTraceWithItsStepsAsChildren() {
    assertThat(ManualSpans.checkout(tracing.tracer(), "visa", 1250)).isEqualTo("receipt: 1250 cents charged to visa");

    tracing.flush();
    List<FinishedSpan> spans = reporter.awaitSpans(3, TIMEOUT);
    assertThat(spans).hasSize(3).isCompleteTrace();
    assertThat(spans).rootSpan()
        .hasName("checkout").hasKind(SpanKind.SERVER).hasTag("card", "visa").hasEvent("paid").hasNoError();
    FinishedSpan checkout = named(spans, "checkout");
    assertThat(spans).spanNamed("reserve stock").hasParent(checkout).hasTag("items", "1").hasNoError();
    assertThat(spans).spanNamed("charge").hasParent(checkout).hasNoError();
  }

  @Test void aFailedChargeIsRecordedOnTheChargeAndOnTheCheckout() {
    assertThatThrownBy(() -> ManualSpans.checkout(tracing.tracer(), ManualSpans.EXPIRED_CARD, 800))
        .isInstanceOf(IllegalStateException.class).hasMessage("card expired");

    tracing.flush();
    List<FinishedSpan> spans = reporter.awaitSpans(3, TIMEOUT);
    assertThat(spans).hasSize(3).isCompleteTrace();
    assertThat(spans).spanNamed("charge").hasError(IllegalStateException.class).hasTag("error", "card expired");
    assertThat(spans).rootSpan().hasName("checkout").hasError(IllegalStateException.class);
    assertThat(named(spans, "checkout").eventCount()).as("events of the failed checkout").isZero();
  }

  private static FinishedSpan named(List<FinishedSpan> spans, String name) {
    return spans.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }
}
