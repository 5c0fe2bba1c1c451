package io.tracelet.reporter.slf4j;

import java.util.Objects;
import io.tracelet.FinishedSpan;
import io.tracelet.SpanReporter;
import io.tracelet.reporter.zipkin.SpanEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Logs each finished span as one line of Zipkin v2 JSON through SLF4J, by default to the logger
 * {@value #DEFAULT_LOGGER} at INFO: handy in development, or where a log pipeline ships lines to a
 * Zipkin-compatible store. The JSON is the Zipkin reporter's own {@link SpanEncoder}, so a line
 * posts to {@code /api/v2/spans} as is (wrapped in brackets); control characters and line breaks
 * in span data are escaped, so one span is always one line.
 *
 * <p>When the logger is off for the level, spans are not even encoded. {@link #report} is meant
 * for one thread at a time, as Tracing calls it (the encoder's buffer is reused); each span costs
 * the line's {@code String}. Arguments must not be null.
 */
public final class Slf4jReporter implements SpanReporter {
  /** The logger name spans go to unless the builder says otherwise. */
  public static final String DEFAULT_LOGGER = "io.tracelet.spans";

  private final Logger logger;
  private final Level level;
  private final SpanEncoder encoder = SpanEncoder.json();

  Slf4jReporter(Logger logger, Level level) {
    this.logger = logger;
    this.level = level;
  }

  /** Logs to {@value #DEFAULT_LOGGER} at INFO. */
  public static Slf4jReporter create() {
    return newBuilder().build();
  }

  /** A builder starting from the defaults: {@value #DEFAULT_LOGGER} at INFO. */
  public static Builder newBuilder() {
    return new Builder();
  }

  @Override public void report(List<FinishedSpan> batch) {
    if (!logger.isEnabledForLevel(level)) return;
    for (int i = 0, size = batch.size(); i < size; i++) {
      logger.atLevel(level).log(new String(encoder.encode(batch.get(i)), StandardCharsets.UTF_8));
    }
  }

  @Override public String toString() {
    return "Slf4jReporter{" + logger.getName() + ", " + level + "}";
  }

  /** Configures a {@link Slf4jReporter}. Not thread-safe: build on one thread. */
  public static final class Builder {
    private Logger logger = LoggerFactory.getLogger(DEFAULT_LOGGER);
    private Level level = Level.INFO;

    Builder() {
    }

    /** The logger's name; {@value Slf4jReporter#DEFAULT_LOGGER} by default. */
    public Builder loggerName(String name) {
      Objects.requireNonNull(name, "name == null");
      this.logger = LoggerFactory.getLogger(name);
      return this;
    }

    /** The level spans are logged at; INFO by default. */
    public Builder level(Level level) {
      Objects.requireNonNull(level, "level == null");
      this.level = level;
      return this;
    }

    /** A new reporter; it holds the logger and an encoder of its own. */
    public Slf4jReporter build() {
      return new Slf4jReporter(logger, level);
    }
  }
}
