package io.tracelet.slf4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import io.tracelet.Sampler;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.Tracing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** {@link MdcScopeDecorator} with Logback writing real log lines to a file. */
class MdcScopeDecoratorTest {
  @TempDir Path dir;
  final LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
  final Logger log = logback.getLogger("app");
  Tracing tracing;
  FileAppender<ILoggingEvent> appender;
  ExecutorService pool;

  /** Logs to a file with the pattern "[trace span] message", "-" for an absent MDC key. */
  void start(MdcScopeDecorator decorator, String traceKey, String spanKey, Sampler sampler) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(logback);
    encoder.setPattern("[%X{" + traceKey + ":--} %X{" + spanKey + ":--}] %msg%n");
    encoder.start();
    appender = new FileAppender<>();
    appender.setContext(logback);
    appender.setFile(dir.resolve("app.log").toString());
    appender.setEncoder(encoder);
    appender.start();
    log.setAdditive(false);
    log.addAppender(appender);
    tracing = Tracing.newBuilder().sampler(sampler).addScopeDecorator(decorator).strictScopes(true).build();
  }

  @AfterEach void stop() {
    if (pool != null) pool.shutdownNow();
    log.detachAndStopAllAppenders();
    if (tracing != null) tracing.close();
    MDC.clear();
  }

  List<String> lines() throws Exception {
    return Files.readAllLines(dir.resolve("app.log"), StandardCharsets.UTF_8);
  }

  static String ids(Span span) {
    return "[" + span.context().traceIdHex() + " " + span.context().spanIdHex() + "]";
  }

  @Test void logLinesCarryTheIdsWhileTheScopeIsOpenAndNotAfter() throws Exception {
    start(MdcScopeDecorator.create(), "traceId", "spanId", Sampler.always());
    Span span = tracing.tracer().spanBuilder("checkout").start();

    log.info("before");
    try (Scope ignored = span.makeCurrent()) {
      log.info("inside");
    }
    log.info("after");

    assertThat(lines()).containsExactly("[- -] before", ids(span) + " inside", "[- -] after");
    assertThat(span.context().traceIdHex()).hasSize(32);
    assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
  }

  @Test void nestedScopesAndAClearedContextRestoreWhatWasThere() throws Exception {
    start(MdcScopeDecorator.create(), "traceId", "spanId", Sampler.always());
    Span outer = tracing.tracer().spanBuilder("outer").start();
    Span inner;

    try (Scope o = outer.makeCurrent()) {
      inner = tracing.tracer().spanBuilder("inner").start();
      try (Scope i = inner.makeCurrent()) {
        log.info("inner");
        try (Scope again = inner.makeCurrent()) { // already current: the MDC stays as it is
          log.info("inner again");
        }
        try (Scope none = tracing.currentContext().clear()) {
          log.info("cleared");
        }
        log.info("inner after clear");
      }
      log.info("outer");
    }

    assertThat(inner.context().traceIdHex()).isEqualTo(outer.context().traceIdHex());
    assertThat(lines()).containsExactly(ids(inner) + " inner", ids(inner) + " inner again", "[- -] cleared",
        ids(inner) + " inner after clear", ids(outer) + " outer");
  }

  @Test void valuesTheApplicationPutThereComeBackAfterTheScope() throws Exception {
    start(MdcScopeDecorator.create(), "traceId", "spanId", Sampler.always());
    MDC.put("traceId", "set-by-app");
    Span span = tracing.tracer().spanBuilder("work").start();

    try (Scope ignored = span.makeCurrent()) {
      log.info("inside");
    }
    log.info("after");

    assertThat(lines()).containsExactly(ids(span) + " inside", "[set-by-app -] after");
  }

  @Test void keyNamesAreConfigurable() throws Exception {
    MdcScopeDecorator decorator = MdcScopeDecorator.newBuilder().traceIdKey("trace_id").spanIdKey("span_id").build();
    start(decorator, "trace_id", "span_id", Sampler.always());
    Span span = tracing.tracer().spanBuilder("work").start();

    try (Scope ignored = span.makeCurrent()) {
      log.info("inside");
      assertThat(MDC.get("traceId")).isNull();
    }

    assertThat(lines()).containsExactly(ids(span) + " inside");
  }

  @Test void unsampledSpansAreLoggedWithTheirIdsToo() throws Exception {
    start(MdcScopeDecorator.create(), "traceId", "spanId", Sampler.never());
    Span span = tracing.tracer().spanBuilder("work").start();

    try (Scope ignored = span.makeCurrent()) {
      log.info("inside");
    }

    assertThat(span.isRecording()).isFalse();
    assertThat(lines()).containsExactly(ids(span) + " inside");
  }

  @Test void poolThreadsOfAWrappedExecutorLogTheSubmittersIdsAndAreRestoredAfterEachTask() throws Exception {
    start(MdcScopeDecorator.create(), "traceId", "spanId", Sampler.always());
    pool = Executors.newSingleThreadExecutor();
    ExecutorService traced = tracing.currentContext().wrap(pool);
    Span span = tracing.tracer().spanBuilder("submitter").start();

    try (Scope ignored = span.makeCurrent()) {
      traced.submit(() -> log.info("task")).get(10, TimeUnit.SECONDS);
    }
    pool.submit(() -> log.info("same pool thread, unwrapped task")).get(10, TimeUnit.SECONDS);
    traced.submit(() -> log.info("wrapped task without a span")).get(10, TimeUnit.SECONDS);

    assertThat(lines()).containsExactly(ids(span) + " task", "[- -] same pool thread, unwrapped task",
        "[- -] wrapped task without a span");
  }

  @Test void keysMustBeDistinctAndNonEmpty() {
    assertThatThrownBy(() -> MdcScopeDecorator.newBuilder().traceIdKey("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MdcScopeDecorator.newBuilder().spanIdKey(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MdcScopeDecorator.newBuilder().spanIdKey("traceId").build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
