package io.tracelet.benchmarks;

import io.tracelet.Tracing;
import io.tracelet.jdbc.JdbcTracing;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A query by primary key on an in-memory H2 database, reading the one row it returns: through
 * {@code tracelet-jdbc} (a sampled CLIENT span per execution, into the real recorder) and, as the
 * {@code floor}, the same statement on the driver's own connection. {@code jdbcPrepared} reuses a
 * prepared statement (its SQL sanitized once); {@code jdbcStatement} runs SQL text with literals
 * through a plain statement, so the sanitizer runs on every call. The ratio to the floor is what
 * tracing adds to a database call that costs no network round trip, the least favourable case.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JdbcBenchmarks {
  static final String PREPARED = "SELECT name, price FROM items WHERE id = ?";
  static final String TEXT = "SELECT name, price FROM items WHERE id = 42 AND name <> 'none'";

  Tracing tracing;
  JdbcDataSource h2;
  Connection keepAlive;
  Connection plain;
  Connection traced;
  PreparedStatement plainPrepared;
  PreparedStatement tracedPrepared;
  Statement plainStatement;
  Statement tracedStatement;

  @Setup public void setup() throws SQLException {
    tracing = Tracing.newBuilder().serviceName("bench").build();
    h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:bench");
    keepAlive = h2.getConnection(); // an in-memory database lives while a connection is open
    try (Statement s = keepAlive.createStatement()) {
      s.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(32), price DECIMAL(10, 2))");
      s.execute("INSERT INTO items SELECT x, 'item ' || x, x * 1.5 FROM SYSTEM_RANGE(1, 100)");
    }
    plain = h2.getConnection();
    traced = JdbcTracing.create(tracing).dataSource(h2).getConnection();
    plainPrepared = plain.prepareStatement(PREPARED);
    tracedPrepared = traced.prepareStatement(PREPARED);
    plainStatement = plain.createStatement();
    tracedStatement = traced.createStatement();
  }

  @TearDown public void tearDown() throws SQLException {
    System.out.println("\ntracelet jdbc pipeline: " + tracing.counters());
    traced.close();
    plain.close();
    keepAlive.close();
    tracing.close();
  }

  static String read(PreparedStatement statement) throws SQLException {
    statement.setInt(1, 42);
    try (ResultSet rows = statement.executeQuery()) {
      rows.next();
      return rows.getString(1);
    }
  }

  static String read(Statement statement) throws SQLException {
    try (ResultSet rows = statement.executeQuery(TEXT)) {
      rows.next();
      return rows.getString(1);
    }
  }

  @Benchmark public String jdbcPrepared_tracelet() throws SQLException {
    return read(tracedPrepared);
  }

  @Benchmark public String jdbcPrepared_floor() throws SQLException {
    return read(plainPrepared);
  }

  @Benchmark public String jdbcStatement_tracelet() throws SQLException {
    return read(tracedStatement);
  }

  @Benchmark public String jdbcStatement_floor() throws SQLException {
    return read(plainStatement);
  }
}
