package io.tracelet.jdbc;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tracelet.FinishedSpan;
import io.tracelet.Sampler;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import io.tracelet.testing.InMemoryReporter;
import java.sql.BatchUpdateException;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Wrapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbc.JdbcConnection;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link JdbcTracing} on a real H2 in-memory database. */
class JdbcTracingTest {
  final InMemoryReporter reporter = new InMemoryReporter();
  final List<Connection> opened = new ArrayList<>();
  Tracing tracing = Tracing.newBuilder().serviceName("shop").reporter(reporter).strictScopes(true).build();
  JdbcDataSource h2;
  String database;

  @BeforeEach void createDatabase() throws SQLException {
    database = "shop" + UUID.randomUUID().toString().replace("-", "");
    h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1");
    try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(64) NOT NULL, price DECIMAL(10, 2))");
      s.execute("INSERT INTO items VALUES (1, 'book', 12.50), (2, 'lamp', 30.00)");
    }
  }

  @AfterEach void close() throws SQLException {
    for (Connection c : opened) c.close();
    try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
      s.execute("SHUTDOWN");
    }
    tracing.close();
  }

  Connection connect(DataSource dataSource) throws SQLException {
    Connection connection = dataSource.getConnection();
    opened.add(connection);
    return connection;
  }

  Connection traced() throws SQLException {
    return connect(JdbcTracing.create(tracing).dataSource(h2));
  }

  List<FinishedSpan> spans(int count) {
    tracing.flush();
    List<FinishedSpan> spans = reporter.awaitSpans(count, Duration.ofSeconds(10));
    assertThat(spans).hasSize(count);
    return spans;
  }

  @Test void aStatementIsAClientSpanChildOfTheCurrentSpanWithTheSqlWithoutLiterals() throws Exception {
    Connection connection = traced();
    Span request = tracing.tracer().spanBuilder("GET /items").kind(SpanKind.SERVER).start();
    List<String> names = new ArrayList<>();
    try (Scope ignored = request.makeCurrent(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT name FROM items WHERE price > 20.5 AND name <> 'x'")) {
      while (rows.next()) names.add(rows.getString(1));
    } finally {
      request.finish();
    }

    assertThat(names).containsExactly("lamp");
    List<FinishedSpan> spans = spans(2);
    assertThat(spans).isCompleteTrace();
    FinishedSpan select = spans.get(0);
    assertThat(select).hasName("SELECT").hasKind(SpanKind.CLIENT).hasParent(request.context())
        .hasTag("db.system", "h2")
        .hasTag("db.name", database)
        .hasTag("db.statement", "SELECT name FROM items WHERE price > ? AND name <> ?")
        .hasNoTag("db.operation.batch.size")
        .hasRemoteServiceName("h2-" + database)
        .hasNoError();
    assertThat(select.remoteEndpoint().ipv4()).isNull(); // in-memory: no host
  }

  @Test void everyKindOfExecutionIsTraced() throws Exception {
    Connection connection = traced();
    try (Statement statement = connection.createStatement()) {
      assertThat(statement.execute("UPDATE items SET price = 13 WHERE id = 1")).isFalse();
      assertThat(statement.executeUpdate("UPDATE items SET price = 14 WHERE id = 1")).isEqualTo(1);
      assertThat(statement.executeUpdate("INSERT INTO items VALUES (3, 'mug', 5)", Statement.RETURN_GENERATED_KEYS))
          .isEqualTo(1);
      assertThat(statement.executeLargeUpdate("DELETE FROM items WHERE id = 3")).isEqualTo(1L);
      assertThat(statement.execute("SELECT 1", new int[] {1})).isTrue();
    }
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO items VALUES (?, ?, ?)")) {
      insert.setInt(1, 4);
      insert.setString(2, "pen");
      insert.setBigDecimal(3, new java.math.BigDecimal("1.25"));
      assertThat(insert.executeUpdate()).isEqualTo(1);
    }
    try (PreparedStatement select = connection.prepareStatement("SELECT name FROM items WHERE id = ?")) {
      select.setInt(1, 4);
      try (ResultSet rows = select.executeQuery()) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getString(1)).isEqualTo("pen");
      }
      assertThat(select.execute()).isTrue();
    }
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM items WHERE name = 'pen'")) {
      assertThat(delete.executeLargeUpdate()).isEqualTo(1L);
    }
    try (CallableStatement call = connection.prepareCall("{? = call UPPER(?)}")) {
      call.registerOutParameter(1, java.sql.Types.VARCHAR);
      call.setString(2, "secret");
      call.execute();
      assertThat(call.getString(1)).isEqualTo("SECRET");
    }

    assertThat(spans(10)).extracting(FinishedSpan::name, s -> tag(s, "db.statement")).containsExactly(
        tuple("UPDATE", "UPDATE items SET price = ? WHERE id = ?"),
        tuple("UPDATE", "UPDATE items SET price = ? WHERE id = ?"),
        tuple("INSERT", "INSERT INTO items VALUES (?, ?, ?)"),
        tuple("DELETE", "DELETE FROM items WHERE id = ?"),
        tuple("SELECT", "SELECT ?"),
        tuple("INSERT", "INSERT INTO items VALUES (?, ?, ?)"),
        tuple("SELECT", "SELECT name FROM items WHERE id = ?"),
        tuple("SELECT", "SELECT name FROM items WHERE id = ?"),
        tuple("DELETE", "DELETE FROM items WHERE name = ?"),
        tuple("CALL", "{? = call UPPER(?)}"));
  }

  @Test void batchesAreOneSpanWithTheirSizeAndEachDistinctStatementOnce() throws Exception {
    Connection connection = traced();
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO items (id, name) VALUES (?, ?)")) {
      for (int id = 10; id < 13; id++) {
        insert.setInt(1, id);
        insert.setString(2, "item " + id);
        insert.addBatch();
      }
      assertThat(insert.executeBatch()).containsExactly(1, 1, 1);
      insert.setInt(1, 20);
      insert.setString(2, "item 20");
      insert.addBatch();
      assertThat(insert.executeLargeBatch()).containsExactly(1L); // the batch was reset after the first
    }
    try (Statement statement = connection.createStatement()) {
      statement.addBatch("INSERT INTO items (id, name) VALUES (30, 'a')");
      statement.addBatch("INSERT INTO items (id, name) VALUES (31, 'b')");
      assertThat(statement.executeBatch()).containsExactly(1, 1);
      statement.addBatch("UPDATE items SET name = 'c' WHERE id = 30");
      statement.addBatch("DELETE FROM items WHERE id = 31");
      assertThat(statement.executeBatch()).containsExactly(1, 1);
      statement.addBatch("DELETE FROM items WHERE id = 30");
      statement.clearBatch();
      assertThat(statement.executeBatch()).isEmpty();
    }

    assertThat(spans(5))
        .extracting(FinishedSpan::name, s -> tag(s, "db.operation.batch.size"), s -> tag(s, "db.statement"))
        .containsExactly(
            tuple("BATCH INSERT", "3", "INSERT INTO items (id, name) VALUES (?, ?)"),
            tuple("BATCH INSERT", "1", "INSERT INTO items (id, name) VALUES (?, ?)"),
            tuple("BATCH INSERT", "2", "INSERT INTO items (id, name) VALUES (?, ?)"),
            tuple("BATCH", "2", "UPDATE items SET name = ? WHERE id = ?; DELETE FROM items WHERE id = ?"),
            tuple("BATCH", "0", null));
  }

  @Test void aFailingStatementThrowsWhatTheDriverThrowsAndTheSpanRecordsIt() throws Exception {
    String[] bad = {"SELECT nope FROM items", "INSERT INTO items VALUES (1, 'duplicate', 1)",
        "INSERT INTO items (id) VALUES (99)"};
    Connection plain = connect(h2);
    Connection connection = traced();
    for (String sql : bad) {
      SQLException expected;
      try (Statement statement = plain.createStatement()) {
        expected = (SQLException) catchThrowable(() -> statement.executeUpdate(sql));
      }
      Throwable thrown;
      try (Statement statement = connection.createStatement()) {
        thrown = catchThrowable(() -> statement.executeUpdate(sql));
      }
      assertThat(thrown).isExactlyInstanceOf(expected.getClass()).hasMessage(expected.getMessage());
      assertThat(((SQLException) thrown).getSQLState()).isEqualTo(expected.getSQLState());
      assertThat(((SQLException) thrown).getErrorCode()).isEqualTo(expected.getErrorCode());

      FinishedSpan span = spans(1).get(0);
      assertThat(span.error()).isSameAs(thrown);
      SQLException e = (SQLException) thrown;
      assertThat(span).hasTag("error", e.getClass().getSimpleName() + " (SQLState " + e.getSQLState()
          + ", vendor code " + e.getErrorCode() + ")"); // not the message, which quotes the values
      assertThat(e.getSQLState()).isNotBlank();
      reporter.clear();
    }
  }

  @Test void aFailingBatchThrowsTheDriversBatchUpdateException() throws Exception {
    Connection connection = traced();
    Throwable thrown;
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO items (id, name) VALUES (?, ?)")) {
      insert.setInt(1, 50);
      insert.setString(2, "new");
      insert.addBatch();
      insert.setInt(1, 1); // already there
      insert.setString(2, "duplicate");
      insert.addBatch();
      thrown = catchThrowable(insert::executeBatch);
    }

    assertThat(thrown).isInstanceOf(BatchUpdateException.class);
    assertThat(spans(1).get(0).error()).isSameAs(thrown);
    assertThat(spans(1).get(0)).hasName("BATCH INSERT").hasTag("db.operation.batch.size", "2");
  }

  @Test void withoutACurrentSpanAStatementStartsATraceUnlessAParentIsRequired() throws Exception {
    try (Statement statement = traced().createStatement()) {
      statement.execute("SELECT 1");
    }
    assertThat(spans(1).get(0)).isRoot().hasName("SELECT");
    reporter.clear();

    JdbcTracing requireParent = JdbcTracing.newBuilder(tracing).requireParent(true).build();
    Connection connection = connect(requireParent.dataSource(h2));
    try (Statement statement = connection.createStatement()) {
      assertThat(statement.executeQuery("SELECT 2").next()).isTrue(); // untraced, still works
      Span job = tracing.tracer().spanBuilder("job").start();
      try (Scope ignored = job.makeCurrent()) {
        statement.execute("SELECT 3");
      } finally {
        job.finish();
      }
    }
    List<FinishedSpan> spans = spans(2);
    assertThat(spans.get(0)).hasTag("db.statement", "SELECT ?").hasParent(spans.get(1));
  }

  @Test void optionsKeepTheLiteralsAndNameTheRemoteService() throws Exception {
    JdbcTracing jdbc = JdbcTracing.newBuilder(tracing).keepLiterals(true).remoteServiceName("Catalog").build();
    try (Statement statement = connect(jdbc.dataSource(h2)).createStatement()) {
      statement.execute("SELECT name FROM items WHERE name = 'book' /* keep me */");
    }

    assertThat(spans(1).get(0)).hasTag("db.statement", "SELECT name FROM items WHERE name = 'book' /* keep me */")
        .hasRemoteServiceName("catalog");
    reporter.clear();

    Throwable thrown;
    try (Statement statement = connect(jdbc.dataSource(h2)).createStatement()) {
      thrown = catchThrowable(() -> statement.execute("INSERT INTO items VALUES (1, 'taken', 1)"));
    }
    assertThat(thrown.getMessage()).contains("'taken'"); // H2 quotes the values, so only this option logs it
    assertThat(spans(1).get(0)).hasTag("error", thrown.getMessage());
    assertThat(jdbc).hasToString("JdbcTracing{" + tracing.tracer() + ", keepLiterals, Catalog}");
  }

  @Test void unsampledStatementsReportNothingAndStillWork() throws Exception {
    tracing.close();
    tracing = Tracing.newBuilder().sampler(Sampler.never()).reporter(reporter).build();
    try (Statement statement = traced().createStatement();
        ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM items")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getInt(1)).isEqualTo(2);
    }

    tracing.flush();
    assertThat(reporter.spans()).isEmpty();
  }

  @Test void wrappersUnwrapToTheDriversObjectsAndHandOutTracedOnes() throws Exception {
    DataSource dataSource = JdbcTracing.create(tracing).dataSource(h2);
    Connection connection = connect(dataSource);
    Statement statement = connection.createStatement();
    PreparedStatement prepared = connection.prepareStatement("SELECT 1");

    assertThat(JdbcTracing.create(tracing).dataSource(dataSource)).isSameAs(dataSource);
    assertThat(dataSource.unwrap(JdbcDataSource.class)).isSameAs(h2);
    assertThat(dataSource.unwrap(DataSource.class)).isSameAs(dataSource);
    assertThat(dataSource.isWrapperFor(JdbcDataSource.class)).isTrue();
    assertThat(connection.isWrapperFor(JdbcConnection.class)).isTrue();
    assertThat(connection.unwrap(JdbcConnection.class)).isInstanceOf(JdbcConnection.class).isNotSameAs(connection);
    assertThat(connection.unwrap(Connection.class)).isSameAs(connection);
    assertThat(connection.isWrapperFor(Wrapper.class)).isTrue();
    assertThat(catchThrowable(() -> connection.unwrap(String.class))).isInstanceOf(SQLException.class);
    assertThat(connection.isWrapperFor(String.class)).isFalse();
    assertThat(statement.getConnection()).isSameAs(connection);
    assertThat(prepared.getConnection()).isSameAs(connection);
    assertThat(statement.unwrap(Statement.class)).isSameAs(statement);
    assertThat(prepared.unwrap(org.h2.jdbc.JdbcPreparedStatement.class)).isNotSameAs(prepared);
    assertThat(connection.createStatement().executeQuery("SELECT 1").getStatement().getConnection())
        .isNotSameAs(connection); // the driver's own objects, as documented

    statement.close();
    Statement plainStatement = connect(h2).createStatement();
    plainStatement.close();
    assertThat(catchThrowable(statement::getConnection)) // after close, what the driver does (H2: no error)
        .isEqualTo(catchThrowable(plainStatement::getConnection));
    assertThat(connection.getMetaData().getURL()).startsWith("jdbc:h2:mem:" + database);
    assertThat(dataSource.getLoginTimeout()).isEqualTo(h2.getLoginTimeout());
    assertThat(catchThrowable(dataSource::createConnectionBuilder)) // H2 has none: its exception, unchanged
        .isInstanceOf(java.sql.SQLFeatureNotSupportedException.class)
        .hasMessage(catchThrowable(h2::createConnectionBuilder).getMessage());
  }

  static org.assertj.core.groups.Tuple tuple(Object... values) {
    return org.assertj.core.api.Assertions.tuple(values);
  }

  static String tag(FinishedSpan span, String key) {
    for (int i = 0; i < span.tagCount(); i++) {
      if (span.tagKey(i).equals(key)) return span.tagValue(i);
    }
    return null;
  }
}
