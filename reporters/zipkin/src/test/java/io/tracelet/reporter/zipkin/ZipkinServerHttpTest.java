package io.tracelet.reporter.zipkin;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.Span;
import io.tracelet.TraceContext;
import io.tracelet.Tracing;
import io.tracelet.testing.servers.ZipkinServer;
import io.tracelet.testing.servers.ZipkinServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import zipkin2.reporter.Encoding;
import zipkin2.reporter.okhttp3.OkHttpSender;
import zipkin2.reporter.urlconnection.URLConnectionSender;

/** End to end over HTTP, against a real Zipkin server (one per test JVM, shared). */
@ExtendWith(ZipkinServerExtension.class)
class ZipkinServerHttpTest {
  static ZipkinReporter reporter(ZipkinServer zipkin, Encoding encoding, boolean gzip) {
    return ZipkinReporter.newBuilder(URLConnectionSender.newBuilder().endpoint(zipkin.spansEndpoint())
        .encoding(encoding).compressionEnabled(gzip).connectTimeout(2_000).readTimeout(10_000).build()).build();
  }

  @ParameterizedTest @CsvSource({"JSON,true", "JSON,false", "PROTO3,true", "PROTO3,false"})
  void aTraceArrivesWholeAndExact(Encoding encoding, boolean gzip, ZipkinServer zipkin) {
    long droppedBefore = zipkin.messagesDropped();
    long receivedBefore = zipkin.spansReceived();
    ZipkinReporter reporter = reporter(zipkin, encoding, gzip);

    SampleTrace trace = SampleTrace.record(Tracing.newBuilder().serviceName("checkout"), reporter,
        encoding.ordinal() * 2L + (gzip ? 1 : 0));

    trace.assertReturned(zipkin.trace(trace.root.traceIdHex(), SampleTrace.SPANS, Duration.ofSeconds(30)),
        ZipkinModel.Format.valueOf(encoding.name()));
    assertThat(reporter.counters().spansSent()).isEqualTo(SampleTrace.SPANS);
    assertThat(reporter.counters().spansDropped()).isZero();
    assertThat(zipkin.spansReceived() - receivedBefore).isEqualTo(SampleTrace.SPANS);
    assertThat(zipkin.messagesDropped() - droppedBefore).isZero();
  }

  /** zipkin-reporter's own AsyncReporter sends an empty message on close with this sender (FACTS). */
  @Test void okHttpProto3GzipSendsNoEmptyMessage(ZipkinServer zipkin) {
    long droppedBefore = zipkin.messagesDropped();
    ZipkinReporter reporter = ZipkinReporter.newBuilder(OkHttpSender.newBuilder()
        .endpoint(zipkin.spansEndpoint()).encoding(Encoding.PROTO3).compressionEnabled(true).build()).build();

    SampleTrace trace = SampleTrace.record(Tracing.newBuilder().serviceName("okhttp"), reporter, 77);

    trace.assertReturned(zipkin.trace(trace.root.traceIdHex(), SampleTrace.SPANS, Duration.ofSeconds(30)),
        ZipkinModel.Format.PROTO3);
    assertThat(zipkin.messagesDropped() - droppedBefore).isZero();
  }

  @Test void closingTracingDeliversWhatWasQueued(ZipkinServer zipkin) {
    ZipkinReporter reporter = reporter(zipkin, Encoding.PROTO3, true);
    // batches wait a minute for company: only close can have sent them
    Tracing tracing = Tracing.newBuilder().serviceName("closer").reporter(reporter)
        .maxBatchSpans(10_000).maxBatchDelay(Duration.ofMinutes(1)).build();
    Span root = tracing.tracer().spanBuilder("root").start();
    for (int i = 0; i < 200; i++) tracing.tracer().spanBuilder("child " + i).parent(root.context()).start().finish();
    root.finish();
    assertThat(reporter.counters().messagesSent()).isZero();

    assertThat(tracing.close(Duration.ofSeconds(30))).as("undelivered").isZero();

    assertThat(reporter.counters().spansSent()).isEqualTo(201);
    assertThat(zipkin.trace(root.context().traceIdHex(), 201, Duration.ofSeconds(30))).contains("\"child 199\"");
  }

  @Test void whileZipkinIsDownNothingThrowsAndDropsAreCountedThenSpansFlowAgain(ZipkinServer zipkin) {
    ZipkinReporter reporter = reporter(zipkin, Encoding.JSON, true);
    try (LogCapture log = new LogCapture();
         Tracing tracing = Tracing.newBuilder().serviceName("outage").reporter(reporter)
             .queueCapacity(1024).maxBatchSpans(100).maxBatchDelay(Duration.ofMillis(50)).build()) {
      zipkin.stop();

      for (int i = 0; i < 20_000; i++) tracing.tracer().spanBuilder("while down").start().finish();
      assertThat(tracing.flush(Duration.ofSeconds(30))).isTrue();

      ZipkinReporter.Counters counters = reporter.counters();
      assertThat(counters.spansSent()).isZero();
      assertThat(counters.spansDroppedByCause()).containsOnlyKeys("ConnectException");
      assertThat(counters.spansDropped() + tracing.counters().spansDropped())
          .as("every span is sent, dropped by the reporter, or dropped by the full queue").isEqualTo(20_000);
      assertThat(tracing.counters().spansFailed()).as("Tracing counts what the reporter lost")
          .isEqualTo(counters.spansDropped());
      assertThat(tracing.counters().spansLostByCause().keySet()).contains("ConnectException")
          .isSubsetOf("ConnectException", "QueueFull");
      assertThat(log.messages(Level.WARNING)).as("one line for the whole outage").hasSize(1);
      assertThat(reporter.bufferCapacity()).isLessThanOrEqualTo(4 * 500_000 + 64 * 1024);

      zipkin.start();

      // the first message after the restart may meet a connection the old server closed: poll
      List<TraceContext> sent = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      do {
        Span span = tracing.tracer().spanBuilder("after restart").start();
        span.finish();
        sent.add(span.context());
        assertThat(tracing.flush(Duration.ofSeconds(10))).isTrue();
      } while (reporter.counters().spansSent() == 0 && System.nanoTime() - deadline < 0);

      TraceContext last = sent.get(sent.size() - 1);
      assertThat(zipkin.trace(last.traceIdHex(), 1, Duration.ofSeconds(30))).contains("\"after restart\"");
      assertThat(log.messages(Level.INFO)).singleElement().asString().contains("accepts spans again");
    }
  }
}
