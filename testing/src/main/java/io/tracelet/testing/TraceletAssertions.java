package io.tracelet.testing;

import io.tracelet.FinishedSpan;
import java.util.List;

/**
 * Entry points of Tracelet's AssertJ assertions. Import them statically beside AssertJ's own; the
 * overloads here are the more specific ones, so {@code assertThat(span)} and
 * {@code assertThat(reporter.spans())} pick them:
 *
 * <pre>{@code
 * assertThat(reporter.spans()).isCompleteTrace()
 *     .spanNamed("GET /cart").hasKind(SpanKind.SERVER).hasTag("http.status_code", "200");
 * }</pre>
 *
 * <p>Stateless and thread-safe; each call allocates one assertion object. A null argument is
 * allowed and fails the first assertion made on it.
 */
public final class TraceletAssertions {
  private TraceletAssertions() {
  }

  /** Assertions on one finished span. */
  public static FinishedSpanAssert assertThat(FinishedSpan actual) {
    return new FinishedSpanAssert(actual);
  }

  /** Assertions on a list of finished spans, with navigation to each of them. */
  public static FinishedSpansAssert assertThat(List<? extends FinishedSpan> actual) {
    return new FinishedSpansAssert(actual);
  }
}
