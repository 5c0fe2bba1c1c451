package io.tracelet.testing;

import io.tracelet.FinishedSpan;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.AbstractListAssert;

/**
 * AssertJ assertions on a list of finished spans, such as {@link InMemoryReporter#spans()}; get
 * one from {@link TraceletAssertions#assertThat(List)}. Every AssertJ list assertion works
 * ({@code hasSize}, {@code extracting}, {@code filteredOn}...), and those that pick one element
 * ({@code first()}, {@code element(i)}, {@code singleElement()}) lead to a {@link FinishedSpanAssert}.
 * Added here: whole-trace checks, and picking a span by name or the root span.
 *
 * <p>Not thread-safe, like every AssertJ assertion object. Arguments must not be null.
 */
public final class FinishedSpansAssert extends
    AbstractListAssert<FinishedSpansAssert, List<? extends FinishedSpan>, FinishedSpan, FinishedSpanAssert> {

  FinishedSpansAssert(List<? extends FinishedSpan> actual) {
    super(actual, FinishedSpansAssert.class);
  }

  /** There is at least one span, and every span has the same trace ID. */
  public FinishedSpansAssert allInOneTrace() {
    isNotEmpty();
    FinishedSpan first = actual.get(0);
    for (FinishedSpan span : actual) {
      if (span.traceIdHigh() != first.traceIdHigh() || span.traceId() != first.traceId()) {
        failWithMessage("Expected all spans to be in one trace but they are in several:%s",
            SpanText.describe(actual));
      }
    }
    return this;
  }

  /**
   * The spans form one whole trace: one trace ID, exactly one root span, and the parent of every
   * other span is among them (no span lost, none from elsewhere).
   */
  public FinishedSpansAssert isCompleteTrace() {
    allInOneTrace();
    Set<Long> spanIds = new HashSet<>();
    for (FinishedSpan span : actual) spanIds.add(span.spanId());
    int roots = 0;
    for (FinishedSpan span : actual) {
      if (span.parentId() == 0L) {
        roots++;
      } else if (!spanIds.contains(span.parentId())) {
        failWithMessage("Expected a complete trace but the parent %s of span %s is missing:%s",
            SpanText.hex(span.parentId()), SpanText.describe(span), SpanText.describe(actual));
      }
    }
    if (roots != 1) {
      failWithMessage("Expected a complete trace with one root span but it has %d:%s", roots,
          SpanText.describe(actual));
    }
    return this;
  }

  /** The one span named {@code name}, to assert on; fails when there is none or more than one. */
  public FinishedSpanAssert spanNamed(String name) {
    isNotNull();
    List<FinishedSpan> named = new ArrayList<>();
    for (FinishedSpan span : actual) {
      if (span.name().equals(name)) named.add(span);
    }
    if (named.size() != 1) {
      failWithMessage("Expected exactly one span named \"%s\" but found %d among:%s", name,
          named.size(), SpanText.describe(actual));
    }
    return toAssert(named.get(0), "span named \"" + name + "\"");
  }

  /** The one root span (no parent), to assert on; fails when there is none or more than one. */
  public FinishedSpanAssert rootSpan() {
    isNotNull();
    List<FinishedSpan> roots = new ArrayList<>();
    for (FinishedSpan span : actual) {
      if (span.parentId() == 0L) roots.add(span);
    }
    if (roots.size() != 1) {
      failWithMessage("Expected exactly one root span but found %d among:%s", roots.size(),
          SpanText.describe(actual));
    }
    return toAssert(roots.get(0), "root span");
  }

  @Override protected FinishedSpanAssert toAssert(FinishedSpan value, String description) {
    return new FinishedSpanAssert(value).as(description);
  }

  @Override protected FinishedSpansAssert newAbstractIterableAssert(Iterable<? extends FinishedSpan> iterable) {
    List<FinishedSpan> spans = new ArrayList<>();
    iterable.forEach(spans::add);
    return new FinishedSpansAssert(spans);
  }
}
