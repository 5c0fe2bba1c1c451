package io.tracelet.reporter.zipkin;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what the reporter logs through {@link System.Logger}, which the JDK routes to
 * java.util.logging when no other backend is installed, as in these tests.
 */
final class LogCapture extends Handler implements AutoCloseable {
  private final Logger logger = Logger.getLogger(ZipkinReporter.class.getName());
  final List<LogRecord> records = new CopyOnWriteArrayList<>();

  LogCapture() {
    logger.addHandler(this);
  }

  List<String> messages(java.util.logging.Level level) {
    return records.stream().filter(r -> r.getLevel().equals(level))
        .map(r -> r.getParameters() == null || r.getParameters().length == 0 ? r.getMessage()
            : java.text.MessageFormat.format(r.getMessage(), r.getParameters()))
        .collect(java.util.stream.Collectors.toList());
  }

  @Override public void publish(LogRecord record) {
    records.add(record);
  }

  @Override public void flush() {
  }

  @Override public void close() {
    logger.removeHandler(this);
  }
}
