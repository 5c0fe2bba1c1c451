package io.tracelet.examples.mdc;

import io.tracelet.Tracing;
import io.tracelet.slf4j.MdcScopeDecorator;
import io.tracelet.reporter.slf4j.Slf4jReporter;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log lines that name their trace: {@link MdcScopeDecorator} puts the current span's
 * {@code traceId} and {@code spanId} into SLF4J's MDC, and the log pattern prints them
 * ({@code %X{traceId}}, see {@code logback.xml}). Lines written outside any span carry none; work
 * on a wrapped executor carries the IDs of the span that submitted it. With the trace ID in a log
 * line, Zipkin finds the trace; with a trace, a log search finds its lines.
 */
public final class MdcCorrelation {
  /** The logger this example writes to. */
  public static final String LOGGER = "io.tracelet.examples.mdc.orders";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private MdcCorrelation() {
  }

  public static void main(String[] args) throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Tracing tracing = Tracing.newBuilder()
        .serviceName("orders")
        .addScopeDecorator(MdcScopeDecorator.create()) // the one line that puts IDs in the MDC
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
