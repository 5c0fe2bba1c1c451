package io.tracelet.log4j2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AsyncAppender;
import org.apache.logging.log4j.core.async.AsyncLoggerConfig;
import org.apache.logging.log4j.core.config.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ThreadContextScopeDecorator} with Log4j 2 writing real log lines to a file: through a
 * plain file appender, an {@code AsyncAppender}, and an async logger (the LMAX disruptor), where
 * the line is written by another thread after the scope has closed.
 */
class ThreadContextScopeDecoratorTest {
  /** "[trace span] message", "-" for an absent key. */
  static final String PATTERN = "[%equals{%X{traceId}}{}{-} %equals{%X{spanId}}{}{-}] %m%n";
  static final String CUSTOM_KEYS_PATTERN = "[%equals{%X{trace_id}}{}{-} %equals{%X{span_id}}{}{-}] %m%n";

  @TempDir Path dir;
  LoggerContext logging;
  Configuration configuration; // what the test started with: stopping the context replaces it
  Logger log;
  Tracing tracing;
  ExecutorService pool;

  /** The appenders of each test's configuration, all writing the file app.log. */
  enum Writing {
    FILE("<File name='file' fileName='%s'><PatternLayout pattern='%s'/></File>",
        "<Root level='info'><AppenderRef ref='file'/></Root>"),
    ASYNC_APPENDER("<File name='file' fileName='%s'><PatternLayout pattern='%s'/></File>"
        + "<Async name='async' blocking='true'><AppenderRef ref='file'/></Async>",
        "<Root level='info'><AppenderRef ref='async'/></Root>"),
    ASYNC_LOGGER("<File name='file' fileName='%s'><PatternLayout pattern='%s'/></File>",
        "<AsyncLogger name='app' level='info' additivity='false'><AppenderRef ref='file'/></AsyncLogger>"
            + "<Root level='off'/>");

    final String appenders;
    final String loggers;

    Writing(String appenders, String loggers) {
      this.appenders = appenders;
      this.loggers = loggers;
    }
  }

  void start(Writing writing, String pattern, ThreadContextScopeDecorator decorator, Sampler sampler)
      throws Exception {
    String xml = "<Configuration status='WARN'><Appenders>"
        + String.format(writing.appenders, dir.resolve("app.log"), pattern)
        + "</Appenders><Loggers>" + writing.loggers + "</Loggers></Configuration>";
    Path config = Files.writeString(dir.resolve("log4j2.xml"), xml.replace('\'', '"'));
    logging = new LoggerContext("test-" + writing, null, config.toUri());
    logging.start();
    configuration = logging.getConfiguration();
    log = logging.getLogger("app");
    tracing = Tracing.newBuilder().sampler(sampler).addScopeDecorator(decorator).strictScopes(true).build();
  }

  @AfterEach void stop() {
    if (pool != null) pool.shutdownNow();
    if (logging != null) logging.stop();
    if (tracing != null) tracing.close();
    ThreadContext.clearMap();
  }

  /** The file's lines, once every appender has written and closed it. */
  List<String> lines() throws Exception {
    logging.stop(); // drains the AsyncAppender's queue and the disruptor, closes the file
    return Files.readAllLines(dir.resolve("app.log"), StandardCharsets.UTF_8);
  }

  static String ids(Span span) {
    return "[" + span.context().traceIdHex() + " " + span.context().spanIdHex() + "]";
  }

  void logsTheIdsInsideTheScopeAndNoneAfter(Writing writing) throws Exception {
    start(writing, PATTERN, ThreadContextScopeDecorator.create(), Sampler.always());
    Span span = tracing.tracer().spanBuilder("checkout").start();

    log.info("before");
    try (Scope ignored = span.makeCurrent()) {
      log.info("inside");
    }
    log.info("after");

    assertThat(lines()).containsExactly("[- -] before", ids(span) + " inside", "[- -] after");
    assertThat(span.context().traceIdHex()).hasSize(32);
    assertThat(ThreadContext.getImmutableContext()).isEmpty();
  }

  @Test void fileAppenderLinesCarryTheIdsWhileTheScopeIsOpenAndNotAfter() throws Exception {
    logsTheIdsInsideTheScopeAndNoneAfter(Writing.FILE);
  }

  @Test void asyncAppenderWritesTheIdsThatWereCurrentWhenTheLineWasLogged() throws Exception {
    logsTheIdsInsideTheScopeAndNoneAfter(Writing.ASYNC_APPENDER);
    assertThat(configuration.<Appender>getAppender("async")).isInstanceOf(AsyncAppender.class);
  }

  @Test void asyncLoggerWritesTheIdsThatWereCurrentWhenTheLineWasLogged() throws Exception {
    logsTheIdsInsideTheScopeAndNoneAfter(Writing.ASYNC_LOGGER);
    assertThat(configuration.getLoggerConfig("app")).isInstanceOf(AsyncLoggerConfig.class);
  }

  @Test void nestedScopesAndAClearedContextRestoreWhatWasThere() throws Exception {
    start(Writing.ASYNC_LOGGER, PATTERN, ThreadContextScopeDecorator.create(), Sampler.always());
    Span outer = tracing.tracer().spanBuilder("outer").start();
    Span inner;

    try (Scope o = outer.makeCurrent()) {
      inner = tracing.tracer().spanBuilder("inner").start();
      try (Scope i = inner.makeCurrent()) {
        log.info("inner");
        try (Scope again = inner.makeCurrent()) { // already current: the ThreadContext stays as it is
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
    start(Writing.FILE, PATTERN, ThreadContextScopeDecorator.create(), Sampler.always());
    ThreadContext.put("traceId", "set-by-app");
    ThreadContext.put("user", "alice");
    Span span = tracing.tracer().spanBuilder("work").start();

    try (Scope ignored = span.makeCurrent()) {
      log.info("inside");
      assertThat(ThreadContext.get("user")).isEqualTo("alice");
    }
    log.info("after");

    assertThat(lines()).containsExactly(ids(span) + " inside", "[set-by-app -] after");
    assertThat(ThreadContext.getImmutableContext()).containsOnly(
        org.assertj.core.api.Assertions.entry("traceId", "set-by-app"),
        org.assertj.core.api.Assertions.entry("user", "alice"));
  }

  @Test void keyNamesAreConfigurable() throws Exception {
    ThreadContextScopeDecorator decorator =
        ThreadContextScopeDecorator.newBuilder().traceIdKey("trace_id").spanIdKey("span_id").build();
    start(Writing.FILE, CUSTOM_KEYS_PATTERN, decorator, Sampler.always());
    Span span = tracing.tracer().spanBuilder("work").start();

    try (Scope ignored = span.makeCurrent()) {
      log.info("inside");
      assertThat(ThreadContext.get("traceId")).isNull();
    }

    assertThat(lines()).containsExactly(ids(span) + " inside");
  }

  @Test void unsampledSpansAreLoggedWithTheirIdsToo() throws Exception {
    start(Writing.FILE, PATTERN, ThreadContextScopeDecorator.create(), Sampler.never());
    Span span = tracing.tracer().spanBuilder("work").start();

    try (Scope ignored = span.makeCurrent()) {
      log.info("inside");
    }

    assertThat(span.isRecording()).isFalse();
    assertThat(lines()).containsExactly(ids(span) + " inside");
  }

  @Test void poolThreadsOfAWrappedExecutorLogTheSubmittersIdsAndAreRestoredAfterEachTask() throws Exception {
    start(Writing.ASYNC_APPENDER, PATTERN, ThreadContextScopeDecorator.create(), Sampler.always());
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
    assertThatThrownBy(() -> ThreadContextScopeDecorator.newBuilder().traceIdKey(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ThreadContextScopeDecorator.newBuilder().spanIdKey(null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ThreadContextScopeDecorator.newBuilder().spanIdKey("traceId").build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
