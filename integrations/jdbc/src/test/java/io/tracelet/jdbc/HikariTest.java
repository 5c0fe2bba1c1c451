package io.tracelet.jdbc;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tracelet.FinishedSpan;
import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import io.tracelet.testing.InMemoryReporter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link JdbcTracing} with the pool users run, HikariCP, over H2: the pool inside the wrapper, and outside it. */
class HikariTest {
  final InMemoryReporter reporter = new InMemoryReporter();
  final Tracing tracing = Tracing.newBuilder().serviceName("shop").reporter(reporter).build();
  final JdbcTracing jdbc = JdbcTracing.create(tracing);
  JdbcDataSource h2;
  HikariDataSource pool;
  ExecutorService threads;

  @BeforeEach void createDatabase() throws SQLException {
    h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:pool" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1");
    try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE stock (sku VARCHAR(16) PRIMARY KEY, count INT NOT NULL)");
      s.execute("INSERT INTO stock VALUES ('book', 3), ('lamp', 1)");
    }
  }

  @AfterEach void close() throws SQLException {
    if (threads != null) threads.shutdownNow();
    if (pool != null) pool.close();
    try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
      s.execute("SHUTDOWN");
    }
    tracing.close();
  }

  HikariDataSource pool(DataSource dataSource) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(dataSource);
    config.setMaximumPoolSize(2);
    config.setPoolName("shop");
    return new HikariDataSource(config);
  }

  /** From each of four threads at once, inside a span of its own, reads the stock of a book twice. */
  List<String> readStockConcurrently(DataSource dataSource) throws Exception {
    threads = Executors.newFixedThreadPool(4);
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String request = "request " + i;
      results.add(threads.submit(() -> tracing.tracer().callInSpan(request, () -> {
        try (Connection connection = dataSource.getConnection();
            PreparedStatement select = connection.prepareStatement("SELECT count FROM stock WHERE sku = ?")) {
          select.setString(1, "book");
          try (ResultSet rows = select.executeQuery()) {
            rows.next();
          }
          select.setString(1, "lamp");
          try (ResultSet rows = select.executeQuery()) {
            rows.next();
            return request + ": " + rows.getInt(1);
          }
        }
      })));
    }
    List<String> answers = new ArrayList<>();
    for (Future<String> result : results) answers.add(result.get(30, TimeUnit.SECONDS));
    return answers;
  }

  /** Each request span has its two SELECT spans as children, and nothing else was recorded. */
  void assertEachRequestHasItsTwoSelects() {
    tracing.flush();
    List<FinishedSpan> spans = reporter.awaitSpans(12, Duration.ofSeconds(10));
    assertThat(spans).hasSize(12);
    for (int i = 0; i < 4; i++) {
      FinishedSpan request = spans.stream().filter(s -> s.name().startsWith("request")).toList().get(i);
      List<FinishedSpan> children = spans.stream().filter(s -> s.parentId() == request.spanId()).toList();
      assertThat(children).hasSize(2).allSatisfy(child -> assertThat(child).hasName("SELECT")
          .hasKind(SpanKind.CLIENT).hasTag("db.system", "h2").hasParent(request)
          .hasTag("db.statement", "SELECT count FROM stock WHERE sku = ?"));
    }
  }

  @Test void hikariPoolsTracedConnections() throws Exception {
    pool = pool(jdbc.dataSource(h2));

    assertThat(readStockConcurrently(pool)).containsExactlyInAnyOrder(
        "request 0: 1", "request 1: 1", "request 2: 1", "request 3: 1");

    assertEachRequestHasItsTwoSelects(); // the pool's own checks (Connection.isValid) are no statements
    try (Connection connection = pool.getConnection()) {
      assertThat(connection.isWrapperFor(TracingConnection.class)).isTrue();
      assertThat(connection.unwrap(org.h2.jdbc.JdbcConnection.class)).isNotNull();
    }
  }

  @Test void theWrapperTracesHikarisConnectionsAndClosesThePool() throws Exception {
    pool = pool(h2);
    DataSource traced = jdbc.dataSource(pool);

    assertThat(readStockConcurrently(traced)).hasSize(4);

    assertEachRequestHasItsTwoSelects();
    assertThat(traced.unwrap(HikariDataSource.class)).isSameAs(pool);
    assertThat(traced).isInstanceOf(AutoCloseable.class);
    ((AutoCloseable) traced).close();
    assertThat(pool.isClosed()).isTrue();
  }

  @Test void throughThePoolAFailingStatementThrowsWhatItWouldWithoutTracing() throws Exception {
    pool = pool(h2);
    DataSource traced = jdbc.dataSource(pool);
    String sql = "UPDATE stock SET count = count - 1 WHERE sku = 'nope' AND missing = 1";

    Throwable expected;
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
      expected = catchThrowable(() -> statement.executeUpdate(sql));
    }
    Throwable thrown;
    try (Connection connection = traced.getConnection(); Statement statement = connection.createStatement()) {
      thrown = catchThrowable(() -> statement.executeUpdate(sql));
    }

    assertThat(thrown).isInstanceOf(SQLException.class).isExactlyInstanceOf(expected.getClass())
        .hasMessage(expected.getMessage());
    tracing.flush();
    FinishedSpan span = reporter.awaitSpans(1, Duration.ofSeconds(10)).get(0);
    assertThat(span).hasName("UPDATE").isRoot()
        .hasTag("db.statement", "UPDATE stock SET count = count - ? WHERE sku = ? AND missing = ?");
    assertThat(span.error()).isSameAs(thrown);
    assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero(); // every connection went back
  }
}
