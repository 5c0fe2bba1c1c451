package io.tracelet.jdbc;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tracelet.FinishedSpan;
import io.tracelet.Tracing;
import io.tracelet.testing.InMemoryReporter;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The snippets of README.md, compiled and run against H2 through HikariCP. */
class ReadmeTest {
  final InMemoryReporter reporter = new InMemoryReporter();
  final Tracing tracing = Tracing.newBuilder().serviceName("orders").reporter(reporter).build();
  final String url = "jdbc:h2:mem:readme" + UUID.randomUUID().toString().replace("-", "");

  @AfterEach void close() {
    tracing.close();
  }

  /** Runs one statement inside a span, closes the pool, and returns the statement's span. */
  FinishedSpan runOneStatement(DataSource dataSource, AutoCloseable pool) throws Exception {
    try (pool) {
      tracing.tracer().callInSpan("request", () -> {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
          return statement.executeQuery("SELECT 42").next();
        }
      });
    }
    tracing.flush();
    List<FinishedSpan> spans = reporter.awaitSpans(2, Duration.ofSeconds(10));
    assertThat(spans).isCompleteTrace();
    return spans.get(0);
  }

  @Test void wrapThePool() throws Exception {
    // README: wrap the pool
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    DataSource dataSource = JdbcTracing.create(tracing).dataSource(new HikariDataSource(config));
    // README end

    FinishedSpan span = runOneStatement(dataSource, (AutoCloseable) dataSource);
    assertThat(span).hasName("SELECT").hasTag("db.statement", "SELECT ?").hasRemoteServiceName(
        "h2-" + url.substring("jdbc:h2:mem:".length()));
    assertThat(dataSource.unwrap(HikariDataSource.class).isClosed()).isTrue();
  }

  @Test void poolTheWrappedDriver() throws Exception {
    JdbcDataSource driverDataSource = new JdbcDataSource();
    driverDataSource.setURL(url);

    // README: pool the wrapped driver
    HikariConfig config = new HikariConfig();
    config.setDataSource(JdbcTracing.create(tracing).dataSource(driverDataSource));
    DataSource dataSource = new HikariDataSource(config);
    // README end

    assertThat(runOneStatement(dataSource, (HikariDataSource) dataSource)).hasName("SELECT").hasTag("db.system", "h2");
  }

  @Test void options() throws Exception {
    // README: options
    JdbcTracing jdbcTracing = JdbcTracing.newBuilder(tracing)
        .requireParent(true)              // no span for statements run outside any span
        .remoteServiceName("orders-db")   // instead of the name read from the URL
        .keepLiterals(false)              // the default: literals replaced by ?
        .build();
    // README end

    JdbcDataSource driverDataSource = new JdbcDataSource();
    driverDataSource.setURL(url);
    DataSource dataSource = jdbcTracing.dataSource(driverDataSource);
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("SELECT 'outside any span'");
    }
    assertThat(runOneStatement(dataSource, () -> { })).hasRemoteServiceName("orders-db");
  }
}
