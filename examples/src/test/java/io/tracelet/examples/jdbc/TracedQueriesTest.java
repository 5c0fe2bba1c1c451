package io.tracelet.examples.jdbc;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tracelet.FinishedSpan;
import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import io.tracelet.jdbc.JdbcTracing;
import io.tracelet.testing.InMemoryReporter;
import java.sql.SQLIntegrityConstraintViolationException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TracedQueriesTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final InMemoryReporter reporter = new InMemoryReporter();
  private final Tracing tracing = Tracing.newBuilder().serviceName("orders").reporter(reporter).build();
  private final String database = "orders" + UUID.randomUUID().toString().replace("-", "");
  private HikariDataSource pool;
  private DataSource dataSource;

  @BeforeEach void start() throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:mem:" + database);
    pool = new HikariDataSource(config);
    dataSource = JdbcTracing.create(tracing).dataSource(pool);
    TracedQueries.createSchema(dataSource);
    tracing.flush();
    assertThat(reporter.awaitSpans(1, TIMEOUT)).singleElement().isRoot().hasName("CREATE");
    reporter.clear();
  }

  @AfterEach void close() {
    pool.close();
    tracing.close();
  }

  @Test void theStatementsOfARequestAreItsClientChildren() throws Exception {
    assertThat(TracedQueries.placeOrder(tracing.tracer(), dataSource, "o-1", "book", 2)).isEqualTo("orders: 1");

    tracing.flush();
    List<FinishedSpan> spans = reporter.awaitSpans(3, TIMEOUT);
    assertThat(spans).hasSize(3).isCompleteTrace();
    assertThat(spans).rootSpan().hasName("POST /orders").hasKind(SpanKind.SERVER).hasNoError();
    assertThat(spans).spanNamed("INSERT").hasKind(SpanKind.CLIENT)
        .hasTag("db.system", "h2").hasTag("db.name", database)
        .hasTag("db.statement", "INSERT INTO orders VALUES (?, ?, ?)")
        .hasRemoteServiceName("h2-" + database.toLowerCase());
    assertThat(spans).spanNamed("SELECT").hasTag("db.statement", "SELECT COUNT(*) FROM orders WHERE quantity > ?");
  }

  @Test void aRefusedInsertThrowsTheDriversExceptionAndIsRecorded() throws Exception {
    TracedQueries.placeOrder(tracing.tracer(), dataSource, "o-1", "book", 2);
    tracing.flush();
    reporter.awaitSpans(3, TIMEOUT);
    reporter.clear();

    Throwable thrown = catchThrowable(() -> TracedQueries.placeOrder(tracing.tracer(), dataSource, "o-1", "lamp", 1));

    assertThat(thrown).isInstanceOf(SQLIntegrityConstraintViolationException.class);
    tracing.flush();
    List<FinishedSpan> spans = reporter.awaitSpans(2, TIMEOUT);
    assertThat(spans).hasSize(2).isCompleteTrace();
    assertThat(spans.get(0).error()).isSameAs(thrown);
    assertThat(spans).spanNamed("INSERT").hasError(SQLIntegrityConstraintViolationException.class);
    assertThat(spans).rootSpan().hasError(SQLIntegrityConstraintViolationException.class);
  }
}
