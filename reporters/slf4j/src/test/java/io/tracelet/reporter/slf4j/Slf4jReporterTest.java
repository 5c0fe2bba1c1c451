package io.tracelet.reporter.slf4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.tracelet.Endpoint;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.Tracer;
import io.tracelet.Tracing;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import zipkin2.codec.SpanBytesDecoder;

/** Spans from a real Tracing, logged through SLF4J into Logback, read back as text lines. */
class Slf4jReporterTest {
  final LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
  final ByteArrayOutputStream output = new ByteArrayOutputStream();
  final List<OutputStreamAppender<ILoggingEvent>> appenders = new ArrayList<>();

  /** Sends what {@code loggerName} logs at {@code level} and above to {@link #output}, one message per line. */
  void capture(String loggerName, ch.qos.logback.classic.Level level) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(logback);
    encoder.setPattern("%msg%n");
    encoder.setCharset(StandardCharsets.UTF_8);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(logback);
    appender.setEncoder(encoder);
    appender.setOutputStream(output);
    appender.start();
    ch.qos.logback.classic.Logger logger = logback.getLogger(loggerName);
    logger.setLevel(level);
    logger.setAdditive(false);
    logger.addAppender(appender);
    appenders.add(appender);
  }

  @AfterEach void tearDown() {
    for (OutputStreamAppender<ILoggingEvent> appender : appenders) {
      appender.stop();
      logback.getLoggerList().forEach(l -> l.detachAppender(appender));
    }
  }

  /** The captured lines, split at any line end: a stray CR in a span's JSON would show. */
  List<String> lines() {
    return output.toString(StandardCharsets.UTF_8).lines().collect(Collectors.toList());
  }

  @Test void eachSpanIsOneLineOfZipkinJson() {
    capture(Slf4jReporter.DEFAULT_LOGGER, ch.qos.logback.classic.Level.INFO);
    List<Span> started = new ArrayList<>();
    try (Tracing tracing = Tracing.newBuilder().serviceName("Checkout").localIp("10.1.2.3")
        .reporter(Slf4jReporter.create()).build()) {
      Tracer tracer = tracing.tracer();
      Span root = tracer.spanBuilder("GET /cart").kind(SpanKind.SERVER).start();
      Span child = tracer.spanBuilder("line\nbreak \"quoted\" \u2028 \ud800").parent(root.context())
          .kind(SpanKind.CLIENT).remoteEndpoint(Endpoint.of("db", "192.168.0.9", 5432))
          .tag("multi\nline", "a\r\nb\u0000c").start();
      child.event("retry\n");
      child.error(new IllegalStateException("boom\nagain"));
      child.finish();
      root.finish();
      started.add(child);
      started.add(root);
      assertThat(tracing.flush()).isTrue();
    }

    List<String> lines = lines();
    assertThat(lines).hasSize(2);
    for (int i = 0; i < 2; i++) {
      Span span = started.get(i);
      zipkin2.Span decoded = SpanBytesDecoder.JSON_V2.decodeOne(lines.get(i).getBytes(StandardCharsets.UTF_8));
      assertThat(decoded.traceId()).isEqualTo(span.context().traceIdHex());
      assertThat(decoded.id()).isEqualTo(span.context().spanIdHex());
      assertThat(decoded.parentId()).isEqualTo(span.context().parentIdHex());
      assertThat(decoded.localEndpoint()).isEqualTo(
          zipkin2.Endpoint.newBuilder().serviceName("checkout").ip("10.1.2.3").build());
    }
    zipkin2.Span child = SpanBytesDecoder.JSON_V2.decodeOne(lines.get(0).getBytes(StandardCharsets.UTF_8));
    assertThat(child.name()).isEqualTo("line\nbreak \"quoted\" \u2028 \ufffd");
    assertThat(child.kind()).isEqualTo(zipkin2.Span.Kind.CLIENT);
    assertThat(child.remoteEndpoint())
        .isEqualTo(zipkin2.Endpoint.newBuilder().serviceName("db").ip("192.168.0.9").port(5432).build());
    assertThat(child.tags()).containsEntry("multi\nline", "a\r\nb\u0000c").containsKey("error");
    assertThat(child.annotations()).extracting(zipkin2.Annotation::value).containsExactly("retry\n");
  }

  @Test void loggerNameAndLevelAreConfigurableAndAnOffLevelLogsNothing() {
    capture("spans.debug", ch.qos.logback.classic.Level.DEBUG);
    capture("spans.quiet", ch.qos.logback.classic.Level.INFO);
    Slf4jReporter debug = Slf4jReporter.newBuilder().loggerName("spans.debug").level(Level.DEBUG).build();
    Slf4jReporter quiet = Slf4jReporter.newBuilder().loggerName("spans.quiet").level(Level.DEBUG).build();
    try (Tracing tracing = Tracing.newBuilder().serviceName("svc")
        .reporter(batch -> {
          debug.report(batch);
          quiet.report(batch);
        }).build()) {
      tracing.tracer().spanBuilder("one").start().finish();
      assertThat(tracing.flush()).isTrue();
    }

    assertThat(lines()).singleElement().asString().contains("\"name\":\"one\"");
  }

  @Test void theZipkinSendersAreNotOnThisModulesClassPath() {
    assertThatThrownBy(() -> Class.forName("zipkin2.reporter.BytesMessageSender"))
        .isInstanceOf(ClassNotFoundException.class);
  }

  @Test void builderRefusesNulls() {
    assertThatThrownBy(() -> Slf4jReporter.newBuilder().loggerName(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Slf4jReporter.newBuilder().level(null)).isInstanceOf(NullPointerException.class);
  }
}
