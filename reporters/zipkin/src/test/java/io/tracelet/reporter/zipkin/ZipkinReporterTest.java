package io.tracelet.reporter.zipkin;

import static io.tracelet.reporter.zipkin.ZipkinModel.expected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.tracelet.FinishedSpan;
import io.tracelet.ReportException;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import zipkin2.Span;
import zipkin2.reporter.BytesMessageSender;
import zipkin2.reporter.Encoding;
import zipkin2.reporter.kafka.KafkaSender;
import zipkin2.reporter.urlconnection.URLConnectionSender;

/** The reporter against a real HTTP collector in this JVM, through the real URLConnection sender. */
class ZipkinReporterTest {
  final HttpCollector collector = newCollector();
  final LogCapture log = new LogCapture();
  final RandomSpans random = new RandomSpans(2024, false);

  @AfterEach void tearDown() {
    collector.close();
    log.close();
  }

  static HttpCollector newCollector() {
    try {
      return new HttpCollector();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  URLConnectionSender.Builder sender(Encoding encoding, boolean gzip) {
    return URLConnectionSender.newBuilder().endpoint(collector.spansUrl()).encoding(encoding)
        .compressionEnabled(gzip).connectTimeout(2000).readTimeout(5000);
  }

  static List<Span> expectedSpans(List<FinishedSpan> spans, Encoding encoding) {
    List<Span> result = new ArrayList<>();
    for (FinishedSpan s : spans) result.add(expected(s, ZipkinModel.Format.valueOf(encoding.name())));
    return result;
  }

  static void assertSameSpans(List<Span> actual, List<Span> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < actual.size(); i++) SpanDiff.assertSame(actual.get(i), expected.get(i), "span " + i);
  }

  @ParameterizedTest @CsvSource({"JSON,true", "JSON,false", "PROTO3,true", "PROTO3,false"})
  void aBatchThatFitsGoesAsOneMessage(Encoding encoding, boolean gzip) {
    List<FinishedSpan> batch = random.batch(40);
    try (ZipkinReporter reporter = ZipkinReporter.newBuilder(sender(encoding, gzip).build()).build()) {
      reporter.report(batch);

      assertThat(collector.messages).singleElement().satisfies(m -> {
        assertThat(m.contentType).isEqualTo(encoding.mediaType());
        assertThat(m.contentEncoding).isEqualTo(gzip ? "gzip" : null);
        assertThat(reporter.counters().bytesSent()).isEqualTo(m.body.length);
        if (encoding == Encoding.JSON) {
          assertThat(new String(m.body, java.nio.charset.StandardCharsets.ISO_8859_1))
              .as("7-bit, out of reach of Zipkin's UTF-8 decoding bug").matches("\\p{ASCII}*");
        }
      });
      assertSameSpans(collector.spans, expectedSpans(batch, encoding));
      assertThat(reporter.counters().spansSent()).isEqualTo(40);
      assertThat(reporter.counters().messagesSent()).isEqualTo(1);
      assertThat(reporter.counters().spansDropped()).isZero();
    }
  }

  @ParameterizedTest @CsvSource({"JSON", "PROTO3"})
  void aLargeBatchIsSplitIntoMessagesWithinTheLimitAndNoneEmpty(Encoding encoding) {
    int limit = 3000;
    List<FinishedSpan> batch = new ArrayList<>();
    List<FinishedSpan> fitting = new ArrayList<>();
    RandomSpans withLargeTags = new RandomSpans(7);
    for (int i = 0; i < 300; i++) {
      FinishedSpan span = withLargeTags.next();
      batch.add(span);
      // a span whose own message would exceed the limit is dropped: keep what should arrive
      if (sizeAlone(span, encoding) <= limit) fitting.add(span);
    }
    try (ZipkinReporter reporter = ZipkinReporter.newBuilder(sender(encoding, true).build())
        .messageMaxBytes(limit).build()) {
      int tooLarge = batch.size() - fitting.size();
      assertThat(lost(reporter, batch)).isEqualTo(tooLarge == 0 ? null : entry(ZipkinReporter.SPAN_TOO_LARGE, tooLarge));

      assertThat(collector.messages).hasSizeGreaterThan(10)
          .allSatisfy(m -> assertThat(m.body.length).isLessThanOrEqualTo(limit));
      assertThat(collector.rejected).isEmpty();
      assertSameSpans(collector.spans, expectedSpans(fitting, encoding));
      assertThat(reporter.counters().messagesSent()).isEqualTo(collector.messages.size());
      assertThat(reporter.counters().spansSent()).isEqualTo(fitting.size());
      assertThat(reporter.counters().spansDroppedByCause())
          .isEqualTo(batch.size() == fitting.size() ? java.util.Map.of()
              : java.util.Map.of(ZipkinReporter.SPAN_TOO_LARGE, (long) (batch.size() - fitting.size())));
    }
  }

  static int sizeAlone(FinishedSpan span, Encoding encoding) {
    return encoding.listSizeInBytes(
        (encoding == Encoding.JSON ? SpanEncoder.json() : SpanEncoder.proto3()).encode(span).length);
  }

  @Test void aSpanLargerThanAMessageIsDroppedCountedAndLoggedOnce() {
    TestSpan small = new TestSpan();
    TestSpan huge = new TestSpan().tag("blob", "x".repeat(3_000_000));
    try (ZipkinReporter reporter = ZipkinReporter.newBuilder(sender(Encoding.JSON, true).build()).build()) {
      assertThat(lost(reporter, List.of(small, huge, small))).isEqualTo(entry(ZipkinReporter.SPAN_TOO_LARGE, 1));
      assertThat(lost(reporter, List.of(huge))).isEqualTo(entry(ZipkinReporter.SPAN_TOO_LARGE, 1));

      assertThat(collector.spans).hasSize(2);
      assertThat(reporter.counters().spansDroppedByCause()).containsOnly(entry(ZipkinReporter.SPAN_TOO_LARGE, 2L));
      assertThat(reporter.counters().messagesDropped()).isZero();
      assertThat(log.messages(Level.WARNING)).singleElement().asString()
          .contains("over the message limit of 500000 bytes");
      assertThat(reporter.bufferCapacity()).as("the huge span's buffer is let go").isLessThan(3_000_000);
    }
  }

  @Test void failuresAreCountedByCauseLoggedOncePerStreakAndSpansFlowWhenTheBackendIsBack() {
    try (ZipkinReporter reporter = ZipkinReporter.newBuilder(sender(Encoding.PROTO3, false).build()).build()) {
      collector.answer(503);
      for (int i = 0; i < 3; i++) assertThat(lost(reporter, random.batch(5))).isEqualTo(entry("IOException", 5));
      assertThat(log.messages(Level.WARNING)).singleElement().asString()
          .contains("could not send 5 span(s)", "IOException", "503");

      collector.answer(202);
      List<FinishedSpan> afterRecovery = random.batch(5);
      reporter.report(afterRecovery);
      assertSameSpans(collector.spans, expectedSpans(afterRecovery, Encoding.PROTO3));
      assertThat(log.messages(Level.INFO)).singleElement().asString().contains("after 3 failed message(s)");

      collector.answer(500);
      assertThat(lost(reporter, random.batch(2))).isEqualTo(entry("IOException", 2));
      assertThat(log.messages(Level.WARNING)).as("a new streak is logged again").hasSize(2);

      ZipkinReporter.Counters counters = reporter.counters();
      assertThat(counters.messagesDroppedByCause()).containsOnly(entry("IOException", 4L));
      assertThat(counters.spansDroppedByCause()).containsOnly(entry("IOException", 17L));
      assertThat(counters.spansDropped()).isEqualTo(17);
      assertThat(counters.messagesDropped()).isEqualTo(4);
      assertThat(counters.spansSent()).isEqualTo(5);
      assertThat(counters.messagesSent()).isEqualTo(1);
    }
  }

  @Test void aDeadBackendFailsEachBatchWithItsCauseAndTheReporterHoldsNoMoreThanItsBuffer() {
    try (ZipkinReporter reporter = ZipkinReporter.newBuilder(sender(Encoding.JSON, true).build()).build()) {
      collector.close(); // nothing listens on the port any more: connections are refused

      for (int i = 0; i < 200; i++) assertThat(lost(reporter, random.batch(50))).isEqualTo(entry("ConnectException", 50));

      assertThat(reporter.counters().spansDroppedByCause()).containsOnly(entry("ConnectException", 10_000L));
      assertThat(reporter.counters().messagesDropped()).isEqualTo(200);
      assertThat(reporter.counters().spansSent()).isZero();
      assertThat(log.messages(Level.WARNING)).hasSize(1);
      assertThat(reporter.bufferCapacity()).isLessThanOrEqualTo(4 * 500_000 + 64 * 1024);
    }
  }

  @Test void aSpanThatThrowsWhileReadCostsOnlyItself() {
    TestSpan broken = new TestSpan() {
      @Override public String tagKey(int i) {
        throw new IllegalStateException("broken span");
      }
    }.tag("k", "v");
    List<FinishedSpan> batch = new ArrayList<>(random.batch(3));
    batch.add(1, broken);
    try (ZipkinReporter reporter = ZipkinReporter.newBuilder(sender(Encoding.JSON, false).build()).build()) {
      assertThat(lost(reporter, batch)).isEqualTo(entry("IllegalStateException", 1));

      assertThat(collector.spans).hasSize(3);
      assertThat(reporter.counters().spansDroppedByCause()).containsOnly(entry("IllegalStateException", 1L));
    }
  }

  @Test void afterCloseSpansAreCountedAsClosedAndNothingIsSent() {
    ZipkinReporter reporter = ZipkinReporter.newBuilder(sender(Encoding.JSON, true).build()).build();
    reporter.close();
    reporter.close(); // idempotent

    assertThat(lost(reporter, random.batch(4))).isEqualTo(entry(ZipkinReporter.CLOSED, 4));

    assertThat(collector.messages).isEmpty();
    assertThat(reporter.counters().spansDroppedByCause()).containsOnly(entry(ZipkinReporter.CLOSED, 4L));
  }

  @Test void httpFactorySendsGzippedJson() {
    try (ZipkinReporter reporter = ZipkinReporter.http(collector.spansUrl())) {
      reporter.report(random.batch(3));
    }
    assertThat(collector.messages).singleElement().satisfies(m -> {
      assertThat(m.contentType).isEqualTo("application/json");
      assertThat(m.contentEncoding).isEqualTo("gzip");
    });
  }

  @Test void theBuilderRefusesThriftAndALimitAboveTheSenders() {
    @SuppressWarnings("deprecation") Encoding thrift = Encoding.THRIFT;
    BytesMessageSender thriftSender = sender(thrift, false).build();
    assertThatThrownBy(() -> ZipkinReporter.newBuilder(thriftSender))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("THRIFT");
    ZipkinReporter.Builder builder = ZipkinReporter.newBuilder(sender(Encoding.JSON, true).messageMaxBytes(1000).build());
    assertThatThrownBy(() -> builder.messageMaxBytes(1001)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.messageMaxBytes(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test void kafkaWithoutTheKafkaSenderSaysWhatToAdd() throws Exception {
    // the reporter, the core and zipkin-reporter, without the Kafka sender and client
    URL[] urls = {location(ZipkinReporter.class), location(FinishedSpan.class),
        location(BytesMessageSender.class), location(URLConnectionSender.class)};
    assertThat(urls).doesNotContain(location(KafkaSender.class));
    try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
      Class<?> reporter = loader.loadClass(ZipkinReporter.class.getName());
      assertThatThrownBy(() -> {
        try {
          reporter.getMethod("kafka", String.class).invoke(null, "127.0.0.1:9092");
        } catch (java.lang.reflect.InvocationTargetException e) {
          throw e.getCause();
        }
      }).isInstanceOf(IllegalStateException.class).hasMessageContaining("zipkin-sender-kafka");
    }
  }

  static URL location(Class<?> type) {
    return type.getProtectionDomain().getCodeSource().getLocation();
  }

  /** What a report lost, by the {@link ReportException} it ended with: cause and count; null for none. */
  static Map.Entry<String, Integer> lost(ZipkinReporter reporter, List<? extends FinishedSpan> batch) {
    try {
      reporter.report(List.copyOf(batch));
      return null;
    } catch (ReportException e) {
      return entry(e.reason(), e.spansFailed());
    }
  }
}
