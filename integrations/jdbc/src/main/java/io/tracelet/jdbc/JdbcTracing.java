package io.tracelet.jdbc;

import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.Tracer;
import io.tracelet.Tracing;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Traces JDBC: wraps a {@link DataSource} so that every statement execution through the
 * connections it hands out records one {@link SpanKind#CLIENT} span.
 *
 * <pre>{@code
 * DataSource dataSource = JdbcTracing.create(tracing).dataSource(hikariDataSource);
 * }</pre>
 *
 * <p>The span of each {@code execute}, {@code executeQuery}, {@code executeUpdate},
 * {@code executeLargeUpdate}, {@code executeBatch} and {@code executeLargeBatch} of a
 * {@code Statement}, {@code PreparedStatement} or {@code CallableStatement}:
 * <ul>
 *   <li><b>name</b>: the statement's first keyword in upper case ({@code SELECT}, {@code INSERT},
 *       {@code CALL}...); for a batch, {@code BATCH} followed by the keyword its statements share
 *       ({@code BATCH INSERT}), or {@code BATCH} alone; the {@code db.system} when the text starts
 *       with no keyword.
 *   <li><b>parent</b>: the span current on the calling thread. With none, a new trace starts, as
 *       OpenTelemetry's JDBC instrumentation does, unless {@link Builder#requireParent(boolean)}.
 *   <li><b>tags</b>: {@code db.system} ({@code h2}, {@code postgresql}, {@code mysql},
 *       {@code mssql}, {@code oracle}..., from the JDBC URL; {@code other_sql} when unknown),
 *       {@code db.name} when the URL names the database, {@code db.statement} (the SQL with every
 *       literal replaced by {@code ?} and comments removed, unless {@link Builder#keepLiterals};
 *       a batch of different statements lists each distinct text once, separated by
 *       {@code "; "}), and {@code db.operation.batch.size} for batches.
 *   <li><b>remote endpoint</b>: service name {@code <db.system>-<db.name>} (such as
 *       {@code postgresql-orders}), or the {@code db.system} alone, or the name given to
 *       {@link Builder#remoteServiceName}; the host's IP and port when the URL has an IP literal.
 *   <li><b>errors</b>: what the driver throws ({@code SQLException}, {@code BatchUpdateException},
 *       or anything unchecked) reaches the caller unchanged, the same instance, and is recorded as
 *       the span's error. Its {@code error} tag is the exception's class name with the SQL state
 *       and vendor code, such as {@code SQLSyntaxErrorException (SQLState 42S22, vendor code
 *       42122)}: not the message, in which drivers quote the statement's values; with
 *       {@link Builder#keepLiterals} it is the message.
 *   <li><b>timing</b>: the span covers the call to the driver, not the reading of a
 *       {@code ResultSet} afterwards. It is not made current: the driver's own work is its only
 *       content.
 * </ul>
 *
 * <p>The URL is read once per wrapped {@code DataSource}, from the first connection that runs a
 * statement ({@code getMetaData().getURL()}); wrap each target of a routing {@code DataSource}
 * separately. Every other method is passed to the driver's objects unchanged. {@code unwrap} and
 * {@code isWrapperFor} answer for the wrapper where it implements the interface asked for and
 * for the driver's or pool's objects otherwise, so vendor APIs stay reachable. Objects the driver
 * hands out from other places ({@code ResultSet.getStatement()},
 * {@code DatabaseMetaData.getConnection()}) are the driver's own, untraced.
 *
 * <p>This class is immutable and thread-safe; the wrappers are as thread-safe as the objects they
 * wrap. Per execution Tracelet allocates the span (with its tags' array when sampled) and a
 * lambda; a sampled span also tags the sanitized SQL: one pass over the text and a copy of it for
 * a {@code Statement}, nothing for a {@code PreparedStatement} (sanitized once, at its first
 * sampled execution). Each connection, statement and connection builder is wrapped in one small
 * object.
 */
public final class JdbcTracing {
  static final String DB_SYSTEM = "db.system";
  static final String DB_NAME = "db.name";
  static final String DB_STATEMENT = "db.statement";
  static final String DB_BATCH_SIZE = "db.operation.batch.size";

  private final Tracer tracer;
  private final boolean keepLiterals;
  private final boolean requireParent;
  private final String remoteServiceName;

  private JdbcTracing(Builder builder) {
    this.tracer = builder.tracing.tracer();
    this.keepLiterals = builder.keepLiterals;
    this.requireParent = builder.requireParent;
    this.remoteServiceName = builder.remoteServiceName;
  }

  /**
   * JDBC tracing recording to {@code tracing}'s tracer, with the defaults: literals replaced,
   * statements traced with or without a current span, the remote service named from the URL.
   *
   * @throws NullPointerException when {@code tracing} is null
   */
  public static JdbcTracing create(Tracing tracing) {
    return newBuilder(tracing).build();
  }

  /**
   * A builder to change the defaults of {@link #create}.
   *
   * @throws NullPointerException when {@code tracing} is null
   */
  public static Builder newBuilder(Tracing tracing) {
    return new Builder(Objects.requireNonNull(tracing, "tracing"));
  }

  /**
   * {@code dataSource}, traced: every statement run through its connections records a CLIENT
   * span. The wrapper implements {@link AutoCloseable}: closing it closes {@code dataSource} when
   * that is {@code AutoCloseable} too (a connection pool), so frameworks that close a
   * {@code DataSource} bean at shutdown still close the pool. A {@code DataSource} this method
   * returned is returned as it is, never wrapped twice.
   *
   * @throws NullPointerException when {@code dataSource} is null
   */
  public DataSource dataSource(DataSource dataSource) {
    Objects.requireNonNull(dataSource, "dataSource");
    if (dataSource instanceof TracingDataSource) return dataSource;
    return new TracingDataSource(this, dataSource);
  }

  Database database(String url) {
    return Database.parse(url, remoteServiceName);
  }

  /**
   * Starts the CLIENT span of one execution named {@code name} (null: the system's name) on
   * {@code database}; null when no span is current and a parent is required.
   */
  Span start(Database database, String name) {
    Span parent = tracer.currentSpan();
    if (parent == null && requireParent) return null;
    return tracer.spanBuilder(name != null ? name : database.system)
        .kind(SpanKind.CLIENT)
        .parent(parent)
        .remoteEndpoint(database.remote)
        .tag(DB_SYSTEM, database.system)
        .tag(DB_NAME, database.name)
        .start();
  }

  /**
   * Records {@code error} on {@code span}. Unless literals are kept, the {@code error} tag names the
   * exception's class and, for an {@link SQLException}, its SQL state and vendor code, but not its
   * message: drivers quote the values of the statement in their messages.
   */
  void error(Span span, Throwable error) {
    span.error(error);
    if (!keepLiterals && span.isRecording()) span.tag("error", errorSummary(error));
  }

  static String errorSummary(Throwable error) {
    String name = error.getClass().getSimpleName();
    if (name.isEmpty()) name = error.getClass().getName();
    if (!(error instanceof SQLException)) return name;
    SQLException e = (SQLException) error;
    return name + " (SQLState " + e.getSQLState() + ", vendor code " + e.getErrorCode() + ")";
  }

  /** The {@code db.statement} value of {@code sql}. */
  String statementText(String sql, Database database) {
    return keepLiterals ? sql : SqlText.sanitize(sql, database.mysqlSyntax);
  }

  @Override public String toString() {
    return "JdbcTracing{" + tracer + (keepLiterals ? ", keepLiterals" : "") + (requireParent ? ", requireParent" : "")
        + (remoteServiceName != null ? ", " + remoteServiceName : "") + "}";
  }

  /**
   * Changes what {@link JdbcTracing} records. Not thread-safe: configure on one thread, then
   * share what it builds.
   */
  public static final class Builder {
    private final Tracing tracing;
    private boolean keepLiterals;
    private boolean requireParent;
    private String remoteServiceName;

    Builder(Tracing tracing) {
      this.tracing = tracing;
    }

    /**
     * True records {@code db.statement} as the application wrote it, literals included, and the
     * exception's message as the {@code error} tag: only for databases whose statements carry no
     * secrets or personal data. False by default: every literal is replaced by {@code ?}, and the
     * {@code error} tag names the exception's class, SQL state and vendor code.
     */
    public Builder keepLiterals(boolean keepLiterals) {
      this.keepLiterals = keepLiterals;
      return this;
    }

    /**
     * True records a statement only when a span is current on the calling thread, so that work
     * outside any request (pool maintenance, migrations, scheduled jobs) starts no trace of its
     * own. False by default: such statements are the root of a new trace, and the sampler decides.
     */
    public Builder requireParent(boolean requireParent) {
      this.requireParent = requireParent;
      return this;
    }

    /**
     * The remote service name of every span, in place of the one read from the URL; null (the
     * default) reads it from the URL.
     */
    public Builder remoteServiceName(String remoteServiceName) {
      this.remoteServiceName = remoteServiceName == null || remoteServiceName.isEmpty() ? null : remoteServiceName;
      return this;
    }

    /** The JDBC tracing. */
    public JdbcTracing build() {
      return new JdbcTracing(this);
    }
  }
}
