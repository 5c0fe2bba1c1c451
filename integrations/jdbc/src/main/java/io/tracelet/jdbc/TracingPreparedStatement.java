package io.tracelet.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;

/**
 * A {@link PreparedStatement} that records a CLIENT span per execution; see {@link JdbcTracing}.
 * Its SQL is read for the span's name once, here, and sanitized once, at the first sampled
 * execution.
 *
 * @param <P> the type of the driver's statement
 */
class TracingPreparedStatement<P extends PreparedStatement> extends TracingStatement<P>
    implements PreparedStatement {
  private final String sql;
  private final String operation;
  private int batchSize; // addBatch() calls since the last executeBatch or clearBatch
  private String text; // db.statement, made at the first sampled execution; a benign race

  TracingPreparedStatement(TracingConnection connection, P delegate, String sql) {
    super(connection, delegate);
    this.sql = sql;
    this.operation = SqlText.operation(sql);
  }

  /** The prepared SQL's {@code db.statement}, made once. */
  private String text(Database database) {
    String made = text;
    if (made == null) text = made = connection.jdbc.statementText(sql, database);
    return made;
  }

  @Override String batchText(Database database) {
    return text(database);
  }

  @Override String batchName() {
    return batchName(operation);
  }

  @Override int batchSize() {
    return batchSize;
  }

  @Override void clearBatchText() {
    batchSize = 0;
    super.clearBatchText();
  }

  @Override public ResultSet executeQuery() throws SQLException {
    return traced(operation, null, -1, delegate::executeQuery);
  }

  @Override public int executeUpdate() throws SQLException {
    return traced(operation, null, -1, delegate::executeUpdate);
  }

  @Override public long executeLargeUpdate() throws SQLException {
    return traced(operation, null, -1, delegate::executeLargeUpdate);
  }

  @Override public boolean execute() throws SQLException {
    return traced(operation, null, -1, delegate::execute);
  }

  /** The prepared SQL's text for the executions without SQL; the given SQL's for the others. */
  @Override String statementText(String sql, Database database) {
    return sql == null ? text(database) : super.statementText(sql, database);
  }

  @Override public void addBatch() throws SQLException {
    delegate.addBatch();
    batchSize++;
  }

  // Everything below is the driver's, unchanged.

  @Override public void setNull(int parameterIndex, int sqlType) throws SQLException {
    delegate.setNull(parameterIndex, sqlType);
  }

  @Override public void setBoolean(int parameterIndex, boolean x) throws SQLException {
    delegate.setBoolean(parameterIndex, x);
  }

  @Override public void setByte(int parameterIndex, byte x) throws SQLException {
    delegate.setByte(parameterIndex, x);
  }

  @Override public void setShort(int parameterIndex, short x) throws SQLException {
    delegate.setShort(parameterIndex, x);
  }

  @Override public void setInt(int parameterIndex, int x) throws SQLException {
    delegate.setInt(parameterIndex, x);
  }

  @Override public void setLong(int parameterIndex, long x) throws SQLException {
    delegate.setLong(parameterIndex, x);
  }

  @Override public void setFloat(int parameterIndex, float x) throws SQLException {
    delegate.setFloat(parameterIndex, x);
  }

  @Override public void setDouble(int parameterIndex, double x) throws SQLException {
    delegate.setDouble(parameterIndex, x);
  }

  @Override public void setBigDecimal(int parameterIndex, BigDecimal x) throws SQLException {
    delegate.setBigDecimal(parameterIndex, x);
  }

  @Override public void setString(int parameterIndex, String x) throws SQLException {
    delegate.setString(parameterIndex, x);
  }

  @Override public void setBytes(int parameterIndex, byte[] x) throws SQLException {
    delegate.setBytes(parameterIndex, x);
  }

  @Override public void setDate(int parameterIndex, java.sql.Date x) throws SQLException {
    delegate.setDate(parameterIndex, x);
  }

  @Override public void setTime(int parameterIndex, java.sql.Time x) throws SQLException {
    delegate.setTime(parameterIndex, x);
  }

  @Override public void setTimestamp(int parameterIndex, java.sql.Timestamp x) throws SQLException {
    delegate.setTimestamp(parameterIndex, x);
  }

  @Override public void setAsciiStream(int parameterIndex, java.io.InputStream x, int length) throws SQLException {
    delegate.setAsciiStream(parameterIndex, x, length);
  }

  @Deprecated
  @Override public void setUnicodeStream(int parameterIndex, java.io.InputStream x, int length) throws SQLException {
    delegate.setUnicodeStream(parameterIndex, x, length);
  }

  @Override public void setBinaryStream(int parameterIndex, java.io.InputStream x, int length) throws SQLException {
    delegate.setBinaryStream(parameterIndex, x, length);
  }

  @Override public void clearParameters() throws SQLException {
    delegate.clearParameters();
  }

  @Override public void setObject(int parameterIndex, Object x, int targetSqlType) throws SQLException {
    delegate.setObject(parameterIndex, x, targetSqlType);
  }

  @Override public void setObject(int parameterIndex, Object x) throws SQLException {
    delegate.setObject(parameterIndex, x);
  }

  @Override public void setCharacterStream(int parameterIndex, java.io.Reader reader, int length) throws SQLException {
    delegate.setCharacterStream(parameterIndex, reader, length);
  }

  @Override public void setRef(int parameterIndex, Ref x) throws SQLException {
    delegate.setRef(parameterIndex, x);
  }

  @Override public void setBlob(int parameterIndex, Blob x) throws SQLException {
    delegate.setBlob(parameterIndex, x);
  }

  @Override public void setClob(int parameterIndex, Clob x) throws SQLException {
    delegate.setClob(parameterIndex, x);
  }

  @Override public void setArray(int parameterIndex, Array x) throws SQLException {
    delegate.setArray(parameterIndex, x);
  }

  @Override public ResultSetMetaData getMetaData() throws SQLException {
    return delegate.getMetaData();
  }

  @Override public void setDate(int parameterIndex, java.sql.Date x, Calendar cal) throws SQLException {
    delegate.setDate(parameterIndex, x, cal);
  }

  @Override public void setTime(int parameterIndex, java.sql.Time x, Calendar cal) throws SQLException {
    delegate.setTime(parameterIndex, x, cal);
  }

  @Override public void setTimestamp(int parameterIndex, java.sql.Timestamp x, Calendar cal) throws SQLException {
    delegate.setTimestamp(parameterIndex, x, cal);
  }

  @Override public void setNull(int parameterIndex, int sqlType, String typeName) throws SQLException {
    delegate.setNull(parameterIndex, sqlType, typeName);
  }

  @Override public void setURL(int parameterIndex, java.net.URL x) throws SQLException {
    delegate.setURL(parameterIndex, x);
  }

  @Override public ParameterMetaData getParameterMetaData() throws SQLException {
    return delegate.getParameterMetaData();
  }

  @Override public void setRowId(int parameterIndex, RowId x) throws SQLException {
    delegate.setRowId(parameterIndex, x);
  }

  @Override public void setNString(int parameterIndex, String value) throws SQLException {
    delegate.setNString(parameterIndex, value);
  }

  @Override public void setNCharacterStream(int parameterIndex, Reader value, long length) throws SQLException {
    delegate.setNCharacterStream(parameterIndex, value, length);
  }

  @Override public void setNClob(int parameterIndex, NClob value) throws SQLException {
    delegate.setNClob(parameterIndex, value);
  }

  @Override public void setClob(int parameterIndex, Reader reader, long length) throws SQLException {
    delegate.setClob(parameterIndex, reader, length);
  }

  @Override public void setBlob(int parameterIndex, InputStream inputStream, long length) throws SQLException {
    delegate.setBlob(parameterIndex, inputStream, length);
  }

  @Override public void setNClob(int parameterIndex, Reader reader, long length) throws SQLException {
    delegate.setNClob(parameterIndex, reader, length);
  }

  @Override public void setSQLXML(int parameterIndex, SQLXML xmlObject) throws SQLException {
    delegate.setSQLXML(parameterIndex, xmlObject);
  }

  @Override public void setObject(int parameterIndex, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
    delegate.setObject(parameterIndex, x, targetSqlType, scaleOrLength);
  }

  @Override public void setAsciiStream(int parameterIndex, java.io.InputStream x, long length) throws SQLException {
    delegate.setAsciiStream(parameterIndex, x, length);
  }

  @Override public void setBinaryStream(int parameterIndex, java.io.InputStream x, long length) throws SQLException {
    delegate.setBinaryStream(parameterIndex, x, length);
  }

  @Override public void setCharacterStream(int parameterIndex, java.io.Reader reader, long length) throws SQLException {
    delegate.setCharacterStream(parameterIndex, reader, length);
  }

  @Override public void setAsciiStream(int parameterIndex, java.io.InputStream x) throws SQLException {
    delegate.setAsciiStream(parameterIndex, x);
  }

  @Override public void setBinaryStream(int parameterIndex, java.io.InputStream x) throws SQLException {
    delegate.setBinaryStream(parameterIndex, x);
  }

  @Override public void setCharacterStream(int parameterIndex, java.io.Reader reader) throws SQLException {
    delegate.setCharacterStream(parameterIndex, reader);
  }

  @Override public void setNCharacterStream(int parameterIndex, Reader value) throws SQLException {
    delegate.setNCharacterStream(parameterIndex, value);
  }

  @Override public void setClob(int parameterIndex, Reader reader) throws SQLException {
    delegate.setClob(parameterIndex, reader);
  }

  @Override public void setBlob(int parameterIndex, InputStream inputStream) throws SQLException {
    delegate.setBlob(parameterIndex, inputStream);
  }

  @Override public void setNClob(int parameterIndex, Reader reader) throws SQLException {
    delegate.setNClob(parameterIndex, reader);
  }

  @Override public void setObject(int parameterIndex, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
    delegate.setObject(parameterIndex, x, targetSqlType, scaleOrLength);
  }

  @Override public void setObject(int parameterIndex, Object x, SQLType targetSqlType) throws SQLException {
    delegate.setObject(parameterIndex, x, targetSqlType);
  }
}
