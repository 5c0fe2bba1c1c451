package io.tracelet.jdbc;

import java.sql.SQLException;
import java.sql.Wrapper;

/**
 * {@link Wrapper#unwrap} and {@link Wrapper#isWrapperFor} for every Tracelet wrapper, as JDBC
 * specifies them: the wrapper itself when it implements the interface (a {@code Connection}, a
 * {@code DataSource}), otherwise whatever the wrapped object answers (the driver's or the pool's
 * own classes), including its {@link SQLException} when it wraps nothing of that type.
 */
final class Wrappers {
  private Wrappers() {
  }

  static <T> T unwrap(Object wrapper, Wrapper delegate, Class<T> type) throws SQLException {
    if (type != null && type.isInstance(wrapper)) return type.cast(wrapper);
    return delegate.unwrap(type);
  }

  static boolean isWrapperFor(Object wrapper, Wrapper delegate, Class<?> type) throws SQLException {
    if (type != null && type.isInstance(wrapper)) return true;
    return delegate.isWrapperFor(type);
  }
}
