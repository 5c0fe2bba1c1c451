package io.tracelet.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** The span name and the literal-free {@code db.statement} read from SQL text. */
class SqlTextTest {
  @Test void theOperationIsTheFirstKeyword() {
    operation("SELECT 1", "SELECT");
    operation("  select * from t", "SELECT");
    operation("insert into t values (1)", "INSERT");
    operation("/* hint */ -- line\n UPDATE t SET a = 1", "UPDATE");
    operation("(SELECT 1) UNION (SELECT 2)", "SELECT");
    operation("{call proc(?)}", "CALL");
    operation("{? = call upper(?)}", "CALL");
    operation("WITH x AS (SELECT 1) SELECT * FROM x", "WITH");
    operation("merge into t using s on (1=1)", "MERGE");
    operation("frobnicate the database", "FROBNICATE");
    operation("create table t (id int)", "CREATE");
  }

  @Test void knownOperationsAreConstantsAndOddTextHasNone() {
    assertThat(SqlText.operation("select 1")).isSameAs(SqlText.operation("SELECT 2"));
    assertThat(SqlText.operation(null)).isNull();
    assertThat(SqlText.operation("")).isNull();
    assertThat(SqlText.operation("   ")).isNull();
    assertThat(SqlText.operation("-- only a comment")).isNull();
    assertThat(SqlText.operation("42")).isNull();
    assertThat(SqlText.operation("x".repeat(100))).hasSize(32);
  }

  @Test void literalsAndCommentsAreLeftOut() {
    sanitized("SELECT * FROM t WHERE a = 'secret'", "SELECT * FROM t WHERE a = ?");
    sanitized("SELECT * FROM t WHERE a = 'it''s' AND b = ''", "SELECT * FROM t WHERE a = ? AND b = ?");
    sanitized("SELECT * FROM t WHERE id = 42 AND x = -3.5e10 AND y = .5", "SELECT * FROM t WHERE id = ? AND x = -? AND y = ?");
    sanitized("SELECT * FROM t2 WHERE col_1 = 7", "SELECT * FROM t2 WHERE col_1 = ?");
    sanitized("SELECT 0x1F, X'CAFE', N'名前', E'a''b', _utf8'x'", "SELECT ?, ?, ?, ?, ?");
    sanitized("SELECT a FROM t -- card 4111\nWHERE b = 1", "SELECT a FROM t WHERE b = ?");
    sanitized("SELECT /* user alice */ a FROM t", "SELECT a FROM t");
    sanitized("SELECT a/*x*/FROM t", "SELECT a FROM t");
    sanitized("SELECT \"Name\", `other` FROM \"Table\"", "SELECT \"Name\", `other` FROM \"Table\"");
    sanitized("SELECT $$secret$$, $tag$it's $$ here$tag$ FROM t", "SELECT ?, ? FROM t");
    sanitized("SELECT * FROM t WHERE a = $1 AND b = ? AND c = :name", "SELECT * FROM t WHERE a = $1 AND b = ? AND c = :name");
    sanitized("SELECT v$session.id FROM v$session", "SELECT v$session.id FROM v$session");
    sanitized("INSERT INTO t VALUES ('unterminated", "INSERT INTO t VALUES (?");
    sanitized("SELECT 1 /* unterminated", "SELECT ? ");
  }

  @Test void mysqlQuotesAndCommentsFollowMysql() {
    mysqlSanitized("SELECT * FROM t WHERE a = \"secret\" AND `b` = 1", "SELECT * FROM t WHERE a = ? AND `b` = ?");
    mysqlSanitized("SELECT 'it\\'s \\\\' # comment", "SELECT ? ");
    mysqlSanitized("SELECT 'a\\'' FROM t", "SELECT ? FROM t");
  }

  @Test void noTextBreaksItNorMakesItLonger() {
    assertThat(SqlText.sanitize(null, false)).isNull();
    assertThat(SqlText.sanitize("", false)).isEmpty();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String alphabet = "'\"`$-/*#\\0123456789xXeE.+ aZ_\n(){}?:;";
    for (int i = 0; i < 100_000; i++) {
      StringBuilder sql = new StringBuilder();
      for (int j = random.nextInt(24); j > 0; j--) sql.append(alphabet.charAt(random.nextInt(alphabet.length())));
      String text = sql.toString();
      String sanitized = SqlText.sanitize(text, random.nextBoolean());
      assertThat(sanitized.length()).as(text).isLessThanOrEqualTo(text.length()); // never grows
      SqlText.operation(text); // never throws
    }
  }

  static void operation(String sql, String expected) {
    assertThat(SqlText.operation(sql)).as(sql).isEqualTo(expected);
  }

  static void sanitized(String sql, String expected) {
    assertThat(SqlText.sanitize(sql, false)).as(sql).isEqualTo(expected);
  }

  static void mysqlSanitized(String sql, String expected) {
    assertThat(SqlText.sanitize(sql, true)).as(sql).isEqualTo(expected);
  }
}
