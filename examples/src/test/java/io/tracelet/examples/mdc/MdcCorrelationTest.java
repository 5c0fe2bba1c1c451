package io.tracelet.examples.mdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tracelet.FinishedSpan;
import io.tracelet.Tracing;
import io.tracelet.slf4j.MdcScopeDecorator;
import io.tracelet.testing.InMemoryReporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class MdcCorrelationTest {
  private final InMemoryReporter reporter = new InMemoryReporter();
  private final Tracing tracing = Tracing.newBuilder()
      .serviceName("orders").addScopeDecorator(MdcScopeDecorator.create()).reporter(reporter).build();
  private final ExecutorService pool = Executors.newSingleThreadExecutor(task -> new Thread(task, "audit"));
  private final Logger logger = (Logger) LoggerFactory.getLogger(MdcCorrelation.LOGGER);
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @AfterEach void close() {
    logger.detachAppender(logs);
    pool.shutdown();
    tracing.close();
  }

  @Test void linesInsideTheSpanCarryItsIdsAndLinesOutsideCarryNone() throws Exception {
    logs.start();
    logger.addAppender(logs);

    MdcCorrelation.handleOrder(tracing, pool, "o-7");

    tracing.flush();
    FinishedSpan span = reporter.awaitSpans(1, Duration.ofSeconds(10)).get(0);
    String traceId = String.format("%016x%016x", span.traceIdHigh(), span.traceId());
    String spanId = String.format("%016x", span.spanId());
    List<ILoggingEvent> events;
    synchronized (logs) {
      events = new ArrayList<>(logs.list);
    }
    assertThat(events)
        .extracting(ILoggingEvent::getFormattedMessage, ILoggingEvent::getThreadName,
            e -> e.getMDCPropertyMap().get("traceId"), e -> e.getMDCPropertyMap().get("spanId"))
        .containsExactly(
            tuple("order o-7 received", Thread.currentThread().getName(), null, null),
            tuple("handling order o-7", Thread.currentThread().getName(), traceId, spanId),
            tuple("audit record written for order o-7", "audit", traceId, spanId),
            tuple("order o-7 done", Thread.currentThread().getName(), null, null));
  }
}
