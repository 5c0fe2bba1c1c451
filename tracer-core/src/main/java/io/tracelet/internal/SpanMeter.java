package io.tracelet.internal;

import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.metrics.SpanMetrics;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * The core's view of {@link SpanMetrics} for one service: which spans to measure, and where a
 * measured span goes when it ends. The core asks {@link #measures} once per span and calls
 * {@link #ended} on the thread that ends a measured span.
 *
 * <p><b>Not an API.</b> Public only so that the core's package and {@code io.tracelet.metrics}
 * reach each other; see {@link InternalAccess}. Do not import it.
 */
public abstract class SpanMeter {
  private static volatile BiFunction<SpanMetrics, String, SpanMeter> factory; // installed by SpanMetrics

  private final int kinds; // one bit per SpanKind ordinal
  private final boolean localRoots;

  /** For {@code io.tracelet.metrics} only. */
  protected SpanMeter(int kinds, boolean localRoots) {
    this.kinds = kinds;
    this.localRoots = localRoots;
  }

  /** True when a span of {@code kind} is measured; {@code localRoot}: its parent is no span of this process. */
  public final boolean measures(SpanKind kind, boolean localRoot) {
    return (kinds >>> kind.ordinal() & 1) != 0 || localRoot && localRoots;
  }

  /**
   * A measured span ended (finished, not abandoned), once per span. {@code span} gives its context
   * when asked; {@code error}: it recorded an error or has an {@code error} tag; {@code recorded}:
   * it was head-sampled or went to the recorder kept; {@code endEpochMicros}: when it ended (only
   * meaningful when recorded). Must not throw.
   */
  public abstract void ended(Span span, String name, SpanKind kind, boolean error, long durationNanos,
      long endEpochMicros, boolean recorded);

  /** The meter of {@code metrics} for spans of {@code serviceName}. */
  public static SpanMeter of(SpanMetrics metrics, String serviceName) {
    // An instance exists, so SpanMetrics' class initialization has installed the factory.
    Objects.requireNonNull(metrics, "metrics == null");
    return factory.apply(metrics, serviceName);
  }

  /**
   * Installs how {@link SpanMetrics} makes meters; called once, by its class initialization.
   *
   * @throws IllegalStateException when one is installed already
   */
  public static void install(BiFunction<SpanMetrics, String, SpanMeter> newMeter) {
    if (factory != null) throw new IllegalStateException("already installed");
    factory = newMeter;
  }
}
