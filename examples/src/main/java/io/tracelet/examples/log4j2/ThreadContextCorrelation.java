package io.tracelet.examples.log4j2;

import io.tracelet.Tracing;
import io.tracelet.log4j2.ThreadContextScopeDecorator;
import io.tracelet.reporter.slf4j.Slf4jReporter;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Log4j 2 lines that name their trace: {@link ThreadContextScopeDecorator} puts the current span's
 * {@code traceId} and {@code spanId} into Log4j's {@code ThreadContext}, and the pattern prints
 * them ({@code %X{traceId}}, see {@code log4j2.xml}). Lines written outside any span carry none;
 * work on a wrapped executor carries the IDs of the span that submitted it. The twin of
 * {@code MdcCorrelation}, for applications that log through the Log4j 2 API.
 */
public final class ThreadContextCorrelation {
  /** The logger this example writes to. */
  public static final String LOGGER = "io.tracelet.examples.log4j2.orders";

  private static final Logger LOG = LogManager.getLogger(LOGGER);

  private ThreadContextCorrelation() {
  }

  public static void main(String[] args) throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Tracing tracing = Tracing.newBuilder()
        .serviceName("orders")
        .addScopeDecorator(ThreadContextScopeDecorator.create()) // the one line that puts IDs in the ThreadContext
        .reporter(Slf4jReporter.create())
        .build()) {
      handleOrder(tracing, pool, "o-1");
    } finally {
      pool.shutdown();
    }
  }

  /** Logs before, inside and after a span {@code handle order}, and from a pool task inside it. */
  public static void handleOrder(Tracing tracing, ExecutorService pool, String orderId) throws Exception {
    ExecutorService traced = tracing.currentContext().wrap(pool);
    LOG.info("order {} received", orderId); // no span yet: no trace ID
    tracing.tracer().callInSpan("handle order", () -> {
      LOG.info("handling order {}", orderId);
      Future<?> audit = traced.submit(() -> LOG.info("audit record written for order {}", orderId));
      return audit.get(); // the pool thread's line carries this span's IDs
    });
    LOG.info("order {} done", orderId); // the span is over: no trace ID again
  }
}
