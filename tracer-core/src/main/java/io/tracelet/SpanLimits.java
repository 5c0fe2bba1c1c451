package io.tracelet;

/**
 * Bounds on what one span may hold, so that a runaway loop or a huge value cannot grow memory
 * without bound. What is cut is counted in {@link TracingMetrics}.
 *
 * <p>Immutable and thread-safe.
 */
public final class SpanLimits {
  private static final SpanLimits DEFAULTS = new SpanLimits(128, 128, 8192);

  private final int maxTags;
  private final int maxEvents;
  private final int maxTagValueLength;

  private SpanLimits(int maxTags, int maxEvents, int maxTagValueLength) {
    this.maxTags = maxTags;
    this.maxEvents = maxEvents;
    this.maxTagValueLength = maxTagValueLength;
  }

  /** 128 tags, 128 events, tag values of at most 8192 characters. */
  public static SpanLimits defaults() {
    return DEFAULTS;
  }

  /**
   * Custom limits. Tags past {@code maxTags} and events past {@code maxEvents} are dropped; a tag
   * value longer than {@code maxTagValueLength} characters is truncated (never inside a surrogate
   * pair).
   *
   * @throws IllegalArgumentException when a limit is negative, or {@code maxTagValueLength} is 0
   */
  public static SpanLimits of(int maxTags, int maxEvents, int maxTagValueLength) {
    if (maxTags < 0 || maxEvents < 0 || maxTagValueLength < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
    return new SpanLimits(maxTags, maxEvents, maxTagValueLength);
  }

  public int maxTags() {
    return maxTags;
  }

  public int maxEvents() {
    return maxEvents;
  }

  public int maxTagValueLength() {
    return maxTagValueLength;
  }

  @Override public String toString() {
    return "SpanLimits{tags=" + maxTags + ", events=" + maxEvents + ", tagValueLength=" + maxTagValueLength + "}";
  }
}
