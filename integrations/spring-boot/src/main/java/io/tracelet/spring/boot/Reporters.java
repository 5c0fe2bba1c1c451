package io.tracelet.spring.boot;

import io.tracelet.FinishedSpan;
import io.tracelet.SpanReporter;
import java.util.List;

/** The application's {@link SpanReporter} beans as one reporter: each gets every batch, in order. */
final class Reporters implements SpanReporter {
  private final SpanReporter[] reporters;

  private Reporters(List<SpanReporter> reporters) {
    this.reporters = reporters.toArray(new SpanReporter[0]);
  }

  /** One reporter for all of {@code reporters}; null when there is none. */
  static SpanReporter of(List<SpanReporter> reporters) {
    if (reporters.isEmpty()) return null;
    if (reporters.size() == 1) return reporters.get(0);
    return new Reporters(reporters);
  }

  /** Reports to each; one that throws does not keep the batch from the others, and its error is rethrown after. */
  @Override public void report(List<FinishedSpan> batch) {
    RuntimeException failure = null;
    for (SpanReporter reporter : reporters) {
      try {
        reporter.report(batch);
      } catch (RuntimeException e) {
        if (failure == null) failure = e;
      }
    }
    if (failure != null) throw failure;
  }

  @Override public void close() {
    RuntimeException failure = null;
    for (SpanReporter reporter : reporters) {
      try {
        reporter.close();
      } catch (RuntimeException e) {
        if (failure == null) failure = e;
      }
    }
    if (failure != null) throw failure;
  }

  @Override public String toString() {
    return "Reporters" + List.of(reporters);
  }
}
