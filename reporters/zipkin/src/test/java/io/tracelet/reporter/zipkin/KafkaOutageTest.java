package io.tracelet.reporter.zipkin;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.Span;
import io.tracelet.Tracer;
import io.tracelet.Tracing;
import io.tracelet.TracingCounters;
import io.tracelet.testing.servers.KafkaBroker;
import io.tracelet.testing.servers.KafkaBrokerExtension;
import io.tracelet.testing.servers.ZipkinServer;
import io.tracelet.testing.servers.ZipkinServerExtension;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link ZipkinReporter#kafka(String)} through outages of a real Kafka broker: down when the
 * service starts, down in the middle of a run, and back each time. What a user relies on: the
 * reporter never holds the recorder for long (its defaults bound every wait to seconds, where
 * Kafka's own are a minute and two), every span is either sent or counted dropped, spans flow
 * again as soon as the broker is back, and {@code close()} returns within seconds while the broker
 * is down.
 */
@ExtendWith({KafkaBrokerExtension.class, ZipkinServerExtension.class})
class KafkaOutageTest {
  // The defaults: 5 s for metadata, 5 s for a message in the producer; the rest is slack for a
  // busy two-core machine. Kafka's own defaults would take 60 s and 120 s.
  private static final Duration FAILS_WITHIN = Duration.ofSeconds(20);
  private static final Duration ARRIVES_WITHIN = Duration.ofSeconds(60);
  private static final Duration CLOSES_WITHIN = Duration.ofSeconds(15);

  @Test void brokerDownAtStartDownMidRunAndBack(KafkaBroker kafka, ZipkinServer zipkin) {
    kafka.stop();
    ZipkinReporter reporter = ZipkinReporter.kafka(kafka.bootstrapServers());
    Tracing tracing = Tracing.newBuilder().serviceName("kafka-outage").reporter(reporter).build();
    try {
      Tracer tracer = tracing.tracer();
      ZipkinReporter.Counters counters = reporter.counters();

      // Down at start: the producer never saw the broker; each message waits for metadata, then fails.
      finishSpans(tracer, "down at start", 20);
      awaitAtLeast(counters::spansDropped, 20, FAILS_WITHIN, "spans dropped while the broker was never up");
      assertThat(counters.spansSent()).isZero();
      assertThat(counters.spansDroppedByCause()).containsOnlyKeys("TimeoutException");

      // Back: the next trace goes through to Zipkin's Kafka collector.
      kafka.start();
      String first = finishTrace(tracer, "after the first outage");
      zipkin.trace(first, 2, ARRIVES_WITHIN);
      assertThat(counters.spansSent()).isGreaterThanOrEqualTo(2);

      // Down mid-run: the producer knows the topic; messages wait in it, then expire.
      kafka.stop();
      long droppedBefore = counters.spansDropped();
      finishSpans(tracer, "down mid-run", 20);
      awaitAtLeast(counters::spansDropped, droppedBefore + 20, FAILS_WITHIN, "spans dropped after the broker went down");

      // Back again: flow resumes.
      kafka.start();
      String second = finishTrace(tracer, "after the second outage");
      zipkin.trace(second, 2, ARRIVES_WITHIN);

      // Down at close: close() returns within seconds, and every accepted span is accounted for.
      kafka.stop();
      finishSpans(tracer, "down at close", 10);
      long start = System.nanoTime();
      long undelivered = tracing.close(Duration.ofSeconds(5));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CLOSES_WITHIN);

      assertThat(tracing.counters().spansDropped()).isZero(); // the recorder's queue never filled
      assertThat(tracing.counters().spansAccepted()).isEqualTo(20 + 2 + 20 + 2 + 10);
      TracingCounters all = tracing.counters();
      assertThat(all.spansReported() + all.spansFailed() + undelivered).isEqualTo(all.spansAccepted());
      assertThat(all.spansUndelivered()).isEqualTo(undelivered);
      // What the reporter lost, Tracing counts as failed, under the same cause. A batch the reporter
      // still held when close() gave up counts as undelivered in Tracing, whatever the reporter then
      // made of it: its spans are in the reporter's counts, sent or dropped, and in Tracing's as undelivered.
      assertThat(all.spansLostByCause()).containsEntry("TimeoutException", all.spansFailed());
      assertThat(counters.spansSent()).isBetween(all.spansReported(), all.spansReported() + undelivered);
      assertThat(counters.spansDropped()).isBetween(all.spansFailed(), all.spansFailed() + undelivered);
      assertThat(counters.spansSent() + counters.spansDropped())
          .isBetween(all.spansReported() + all.spansFailed(), all.spansAccepted());
      assertThat(counters.spansSent()).isGreaterThanOrEqualTo(4);
    } finally {
      tracing.close();
      kafka.start(); // for the tests after this one
    }
  }

  private static void finishSpans(Tracer tracer, String name, int count) {
    for (int i = 0; i < count; i++) tracer.spanBuilder(name).start().finish();
  }

  /** A root and a child; returns the trace ID. */
  private static String finishTrace(Tracer tracer, String name) {
    Span root = tracer.spanBuilder(name).start();
    tracer.spanBuilder("child").parent(root.context()).start().finish();
    root.finish();
    return root.context().traceIdHex();
  }

  private static void awaitAtLeast(LongSupplier value, long expected, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (value.getAsLong() < expected) {
      assertThat(System.nanoTime() - deadline).as("%s: %d of %d within %s", what, value.getAsLong(), expected, timeout)
          .isNegative();
      try {
        Thread.sleep(50); // a poll with a deadline: the counters have no way to signal
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
