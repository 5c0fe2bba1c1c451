package io.tracelet.examples.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.Tracer;
import io.tracelet.Tracing;
import io.tracelet.jdbc.JdbcTracing;
import io.tracelet.reporter.slf4j.Slf4jReporter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Database calls in the trace: {@link JdbcTracing} wraps a HikariCP pool over an in-memory H2
 * database, and every statement run through it becomes a CLIENT span under the request that ran
 * it, tagged with {@code db.system}, {@code db.name} and the SQL without its literals. A failing
 * statement throws what the driver threw, and its span records the error. Run it to see the spans
 * logged as Zipkin JSON.
 */
public final class TracedQueries {
  private TracedQueries() {
  }

  @SuppressWarnings("try") // the pool is held only to be closed; the request's scope for its effect
  public static void main(String[] args) throws Exception {
    try (Tracing tracing = Tracing.newBuilder().serviceName("orders").reporter(Slf4jReporter.create()).build()) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl("jdbc:h2:mem:orders");
      DataSource dataSource = JdbcTracing.create(tracing).dataSource(new HikariDataSource(config));
      try (AutoCloseable pool = (AutoCloseable) dataSource) { // closing the wrapper closes the pool
        createSchema(dataSource);
        System.out.println(placeOrder(tracing.tracer(), dataSource, "o-1", "book", 2));
        try {
          placeOrder(tracing.tracer(), dataSource, "o-1", "lamp", 1);
        } catch (SQLException e) {
          System.out.println("refused, and recorded on the INSERT span: " + e.getMessage());
        }
      }
    }
  }

  /** Creates the table {@code orders}; outside any span, so a trace of its own. */
  public static void createSchema(DataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE orders (id VARCHAR(16) PRIMARY KEY, item VARCHAR(32), quantity INT)");
    }
  }

  /**
   * In a SERVER span {@code POST /orders}: inserts the order with a prepared statement, then counts
   * the orders with a plain one. Returns the count.
   *
   * @throws SQLException the driver's, when the order ID is taken; the INSERT span and the request
   *     span record it
   */
  @SuppressWarnings("try") // the scope is held for its effect
  public static String placeOrder(Tracer tracer, DataSource dataSource, String id, String item, int quantity)
      throws Exception {
    Span request = tracer.spanBuilder("POST /orders").kind(SpanKind.SERVER).start();
    try (Scope ignored = request.makeCurrent();
        Connection connection = dataSource.getConnection()) {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO orders VALUES (?, ?, ?)")) {
        insert.setString(1, id);
        insert.setString(2, item);
        insert.setInt(3, quantity);
        insert.executeUpdate();
      }
      try (Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM orders WHERE quantity > 0")) {
        rows.next();
        return "orders: " + rows.getInt(1);
      }
    } catch (SQLException | RuntimeException e) {
      request.error(e);
      throw e;
    } finally {
      request.finish();
    }
  }
}
