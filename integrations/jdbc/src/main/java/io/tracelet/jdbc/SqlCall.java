package io.tracelet.jdbc;

import java.sql.SQLException;

/** A call to the driver that a statement wrapper runs inside its span. */
@FunctionalInterface
interface SqlCall<T> {
  T call() throws SQLException;
}
