package io.tracelet.micrometer.tracing;

import io.micrometer.tracing.exporter.SpanExportingPredicate;
import io.micrometer.tracing.exporter.SpanFilter;
import io.tracelet.FinishedSpan;
import io.tracelet.SpanReporter;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A Tracelet {@link SpanReporter} that runs Micrometer's exporting pipeline, as Spring configures it
 * for the Brave bridge: each finished span is copied, dropped unless every
 * {@link SpanExportingPredicate} accepts it, changed by each {@link SpanFilter} in order, handed to
 * each Micrometer {@link io.micrometer.tracing.exporter.SpanReporter}, and then, as changed, to a
 * Tracelet reporter (such as {@code ZipkinReporter}) in one batch.
 *
 * <pre>{@code
 * Tracing tracing = Tracing.newBuilder()
 *     .reporter(ExportingSpanReporter.create(zipkinReporter, predicates, filters, micrometerReporters))
 *     .build();
 * }</pre>
 *
 * <p>Runs on the recorder's thread, never concurrently. A predicate, filter or Micrometer reporter
 * that throws is logged and skipped for that span (a predicate that throws drops the span); the
 * Tracelet reporter's own failures are counted by Tracing as usual. Costs one copy of each span (its
 * tags in a map) beside what the predicates and filters do; with no predicate, filter or Micrometer
 * reporter, use the Tracelet reporter directly instead.
 */
public final class ExportingSpanReporter implements SpanReporter {
  private static final System.Logger LOG = System.getLogger(ExportingSpanReporter.class.getName());

  private final SpanReporter delegate;
  private final SpanExportingPredicate[] predicates;
  private final SpanFilter[] filters;
  private final io.micrometer.tracing.exporter.SpanReporter[] reporters;
  private final List<FinishedSpan> exported = new ArrayList<>(); // reused; the recorder's thread only

  private ExportingSpanReporter(SpanReporter delegate, Collection<SpanExportingPredicate> predicates,
      Collection<SpanFilter> filters, Collection<io.micrometer.tracing.exporter.SpanReporter> reporters) {
    this.delegate = delegate;
    this.predicates = predicates.toArray(new SpanExportingPredicate[0]);
    this.filters = filters.toArray(new SpanFilter[0]);
    this.reporters = reporters.toArray(new io.micrometer.tracing.exporter.SpanReporter[0]);
  }

  /**
   * A reporter that exports through {@code predicates}, {@code filters} and {@code reporters} (each
   * may be empty), then to {@code delegate}.
   *
   * @throws NullPointerException when an argument or an element is null
   */
  public static ExportingSpanReporter create(SpanReporter delegate, Collection<SpanExportingPredicate> predicates,
      Collection<SpanFilter> filters, Collection<io.micrometer.tracing.exporter.SpanReporter> reporters) {
    Objects.requireNonNull(delegate, "delegate == null");
    requireElements(predicates, "predicates");
    requireElements(filters, "filters");
    requireElements(reporters, "reporters");
    return new ExportingSpanReporter(delegate, predicates, filters, reporters);
  }

  private static void requireElements(Collection<?> elements, String name) {
    Objects.requireNonNull(elements, name + " == null");
    for (Object element : elements) Objects.requireNonNull(element, name + " element == null");
  }

  @Override public void report(List<FinishedSpan> batch) {
    try {
      for (FinishedSpan span : batch) {
        FinishedSpan out = export(span);
        if (out != null) exported.add(out);
      }
      if (!exported.isEmpty()) delegate.report(exported);
    } finally {
      exported.clear();
    }
  }

  /** The span as the filters left it, or null when a predicate refused it. */
  private FinishedSpan export(FinishedSpan span) {
    BridgeFinishedSpan copy = BridgeFinishedSpan.copyOf(span);
    for (SpanExportingPredicate predicate : predicates) {
      try {
        if (!predicate.isExportable(copy)) return null;
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "span exporting predicate " + predicate + " failed; dropping " + copy, e);
        return null;
      }
    }
    io.micrometer.tracing.exporter.FinishedSpan mapped = copy;
    for (SpanFilter filter : filters) {
      try {
        io.micrometer.tracing.exporter.FinishedSpan next = filter.map(mapped);
        if (next != null) mapped = next;
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "span filter " + filter + " failed; skipping it for " + copy, e);
      }
    }
    for (io.micrometer.tracing.exporter.SpanReporter reporter : reporters) {
      try {
        reporter.report(mapped);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "span reporter " + reporter + " failed for " + copy, e);
      }
    }
    return BridgeFinishedSpan.toTracelet(mapped, copy);
  }

  /** Closes the Micrometer reporters, then the Tracelet reporter. */
  @Override public void close() {
    for (io.micrometer.tracing.exporter.SpanReporter reporter : reporters) {
      try {
        reporter.close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "closing span reporter " + reporter + " failed", e);
      }
    }
    delegate.close();
  }

  @Override public String toString() {
    return "ExportingSpanReporter{" + delegate + "}";
  }
}
