package io.tracelet;

/**
 * Bounds on what one span may hold, so that a runaway loop or a huge value cannot grow memory
 * without bound. What is cut is counted in {@link TracingCounters}.
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

  /** A builder that starts from {@link #defaults()}. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** The most tags a span keeps; later tags with new keys are dropped and counted. */
  public int maxTags() {
    return maxTags;
  }

  /** The most events a span keeps; later ones are dropped and counted. */
  public int maxEvents() {
    return maxEvents;
  }

  /** The longest tag value in characters; longer ones are truncated (never inside a surrogate pair). */
  public int maxTagValueLength() {
    return maxTagValueLength;
  }

  @Override public String toString() {
    return "SpanLimits{tags=" + maxTags + ", events=" + maxEvents + ", tagValueLength=" + maxTagValueLength + "}";
  }

  /** Builds {@link SpanLimits}. Not thread-safe. */
  public static final class Builder {
    private int maxTags = DEFAULTS.maxTags;
    private int maxEvents = DEFAULTS.maxEvents;
    private int maxTagValueLength = DEFAULTS.maxTagValueLength;

    Builder() {
    }

    /**
     * The most tags a span keeps; 128 by default.
     *
     * @throws IllegalArgumentException when negative
     */
    public Builder maxTags(int maxTags) {
      this.maxTags = atLeast(0, maxTags, "maxTags");
      return this;
    }

    /**
     * The most events a span keeps; 128 by default.
     *
     * @throws IllegalArgumentException when negative
     */
    public Builder maxEvents(int maxEvents) {
      this.maxEvents = atLeast(0, maxEvents, "maxEvents");
      return this;
    }

    /**
     * The longest tag value in characters; 8192 by default.
     *
     * @throws IllegalArgumentException when below 1
     */
    public Builder maxTagValueLength(int maxTagValueLength) {
      this.maxTagValueLength = atLeast(1, maxTagValueLength, "maxTagValueLength");
      return this;
    }

    /** The limits. */
    public SpanLimits build() {
      return new SpanLimits(maxTags, maxEvents, maxTagValueLength);
    }

    private static int atLeast(int min, int value, String name) {
      if (value < min) throw new IllegalArgumentException(name + " must be at least " + min + ": " + value);
      return value;
    }
  }
}
