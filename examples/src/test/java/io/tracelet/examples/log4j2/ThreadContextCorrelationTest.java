package io.tracelet.examples.log4j2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.tracelet.FinishedSpan;
import io.tracelet.Tracing;
import io.tracelet.log4j2.ThreadContextScopeDecorator;
import io.tracelet.testing.InMemoryReporter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ThreadContextCorrelationTest {
  private final InMemoryReporter reporter = new InMemoryReporter();
  private final Tracing tracing = Tracing.newBuilder()
      .serviceName("orders").addScopeDecorator(ThreadContextScopeDecorator.create()).reporter(reporter).build();
  private final ExecutorService pool = Executors.newSingleThreadExecutor(task -> new Thread(task, "audit"));
  private final LoggerContext logging = (LoggerContext) LogManager.getContext(false);
  private final List<LogEvent> events = new CopyOnWriteArrayList<>();
  private final AbstractAppender appender = new AbstractAppender("events", null, null, true, Property.EMPTY_ARRAY) {
    @Override public void append(LogEvent event) {
      events.add(event.toImmutable()); // the event as logged, with its copy of the ThreadContext
    }
  };
  private LoggerConfig logger;

  @BeforeEach void listen() {
    appender.start();
    logger = new LoggerConfig(ThreadContextCorrelation.LOGGER, null, true);
    logger.addAppender(appender, null, null);
    logging.getConfiguration().addLogger(ThreadContextCorrelation.LOGGER, logger);
    logging.updateLoggers();
  }

  @AfterEach void close() {
    logging.getConfiguration().removeLogger(ThreadContextCorrelation.LOGGER);
    logging.updateLoggers();
    appender.stop();
    pool.shutdown();
    tracing.close();
  }

  @Test void linesInsideTheSpanCarryItsIdsAndLinesOutsideCarryNone() throws Exception {
    ThreadContextCorrelation.handleOrder(tracing, pool, "o-7");

    tracing.flush();
    FinishedSpan span = reporter.awaitSpans(1, Duration.ofSeconds(10)).get(0);
    String traceId = String.format("%016x%016x", span.traceIdHigh(), span.traceId());
    String spanId = String.format("%016x", span.spanId());
    String caller = Thread.currentThread().getName();
    assertThat(events)
        .extracting(e -> e.getMessage().getFormattedMessage(), LogEvent::getThreadName,
            e -> e.getContextData().getValue("traceId"), e -> e.getContextData().getValue("spanId"))
        .containsExactly(
            tuple("order o-7 received", caller, null, null),
            tuple("handling order o-7", caller, traceId, spanId),
            tuple("audit record written for order o-7", "audit", traceId, spanId),
            tuple("order o-7 done", caller, null, null));
  }
}
