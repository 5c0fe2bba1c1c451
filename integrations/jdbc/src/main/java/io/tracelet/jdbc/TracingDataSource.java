package io.tracelet.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ConnectionBuilder;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.ShardingKey;
import java.sql.ShardingKeyBuilder;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** A {@link DataSource} whose connections trace their statements; see {@link JdbcTracing}. */
@SuppressWarnings("try") // close() throws what the wrapped pool's close throws, as it is
final class TracingDataSource implements DataSource, AutoCloseable {
  private final JdbcTracing jdbc;
  private final DataSource delegate;
  private volatile Database database; // read from the first connection that runs a statement

  TracingDataSource(JdbcTracing jdbc, DataSource delegate) {
    this.jdbc = jdbc;
    this.delegate = delegate;
  }

  /**
   * The database behind this DataSource, read from {@code connection}'s URL the first time and
   * kept once read. A failed read gives "unknown" for this call and is tried again next time.
   */
  Database database(Connection connection) {
    Database known = database;
    if (known != null) return known;
    String url;
    try {
      url = connection.getMetaData().getURL();
    } catch (SQLException | RuntimeException e) { // tracing must not fail the statement
      url = null;
    }
    Database read = jdbc.database(url);
    if (url != null) database = read; // a benign race: every thread reads the same URL
    return read;
  }

  TracingConnection wrap(Connection connection) {
    return connection == null ? null : new TracingConnection(this, connection);
  }

  JdbcTracing jdbc() {
    return jdbc;
  }

  @Override public Connection getConnection() throws SQLException {
    return wrap(delegate.getConnection());
  }

  @Override public Connection getConnection(String username, String password) throws SQLException {
    return wrap(delegate.getConnection(username, password));
  }

  @Override public ConnectionBuilder createConnectionBuilder() throws SQLException {
    return new TracingConnectionBuilder(delegate.createConnectionBuilder());
  }

  @Override public ShardingKeyBuilder createShardingKeyBuilder() throws SQLException {
    return delegate.createShardingKeyBuilder();
  }

  @Override public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  @Override public <T> T unwrap(Class<T> type) throws SQLException {
    return Wrappers.unwrap(this, delegate, type);
  }

  @Override public boolean isWrapperFor(Class<?> type) throws SQLException {
    return Wrappers.isWrapperFor(this, delegate, type);
  }

  /** Closes the wrapped DataSource when it can be closed (a pool); does nothing otherwise. */
  @Override public void close() throws Exception {
    if (delegate instanceof AutoCloseable) ((AutoCloseable) delegate).close();
  }

  @Override public String toString() {
    return "Tracing" + delegate;
  }

  /** The driver's connection builder, whose connections are traced. */
  private final class TracingConnectionBuilder implements ConnectionBuilder {
    private final ConnectionBuilder delegate;

    TracingConnectionBuilder(ConnectionBuilder delegate) {
      this.delegate = delegate;
    }

    @Override public ConnectionBuilder user(String username) {
      delegate.user(username);
      return this;
    }

    @Override public ConnectionBuilder password(String password) {
      delegate.password(password);
      return this;
    }

    @Override public ConnectionBuilder shardingKey(ShardingKey shardingKey) {
      delegate.shardingKey(shardingKey);
      return this;
    }

    @Override public ConnectionBuilder superShardingKey(ShardingKey superShardingKey) {
      delegate.superShardingKey(superShardingKey);
      return this;
    }

    @Override public Connection build() throws SQLException {
      return wrap(delegate.build());
    }
  }
}
