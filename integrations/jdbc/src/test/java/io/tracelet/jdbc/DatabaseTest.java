package io.tracelet.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the JDBC URLs of common drivers say about their database. */
class DatabaseTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // url | db.system | db.name | remote service | ip | port
      "jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1|h2|orders|h2-orders|-|0",
      "jdbc:h2:mem:|h2|-|h2|-|0",
      "jdbc:h2:tcp://127.0.0.1:9092/~/data/orders;AUTO_SERVER=TRUE|h2|orders|h2-orders|127.0.0.1|9092",
      "jdbc:h2:file:/var/lib/shop/orders|h2|orders|h2-orders|-|0",
      "jdbc:h2:C:\\data\\orders|h2|orders|h2-orders|-|0",
      "jdbc:postgresql://10.0.0.5:5432/orders?ssl=true|postgresql|orders|postgresql-orders|10.0.0.5|5432",
      "jdbc:postgresql://db.example.com/orders|postgresql|orders|postgresql-orders|-|0",
      "jdbc:postgresql://[::1]:5433/orders|postgresql|orders|postgresql-orders|::1|5433",
      "jdbc:mysql://10.0.0.6:3306,10.0.0.7:3306/shop?useSSL=false|mysql|shop|mysql-shop|10.0.0.6|3306",
      "jdbc:mariadb://127.0.0.1/shop|mariadb|shop|mariadb-shop|127.0.0.1|0",
      "jdbc:sqlserver://10.1.2.3:1433;databaseName=Sales;encrypt=true|mssql|Sales|mssql-sales|10.1.2.3|1433",
      "jdbc:oracle:thin:@10.0.0.8:1521:ORCL|oracle|ORCL|oracle-orcl|10.0.0.8|1521",
      "jdbc:oracle:thin:@//10.0.0.8:1521/sales.example.com|oracle|sales.example.com|oracle-sales.example.com|10.0.0.8|1521",
      "jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(HOST=x)))|oracle|-|oracle|-|0",
      "jdbc:derby:memory:shop;create=true|derby|shop|derby-shop|-|0",
      "jdbc:hsqldb:hsql://127.0.0.1:9001/shop|hsqldb|shop|hsqldb-shop|127.0.0.1|9001",
      "jdbc:sqlite:/tmp/shop.db|sqlite|shop.db|sqlite-shop.db|-|0",
      "jdbc:p6spy:mysql://127.0.0.1:3306/shop|mysql|shop|mysql-shop|127.0.0.1|3306",
      "jdbc:tc:postgresql:16:///orders|postgresql|orders|postgresql-orders|-|0",
      "jdbc:db2://10.0.0.9:50000/SAMPLE|db2|SAMPLE|db2-sample|10.0.0.9|50000",
      "jdbc:weird-driver:x|other_sql|x|other_sql-x|-|0",
      "not a jdbc url|other_sql|-|other_sql|-|0"})
  void urlsOfCommonDrivers(String url, String system, String name, String service, String ip, int port) {
    Database database = Database.parse(url, null);

    assertThat(database.system).isEqualTo(system);
    assertThat(database.name).isEqualTo(name);
    assertThat(database.remote.serviceName()).isEqualTo(service);
    assertThat(database.remote.ipv4() != null ? database.remote.ipv4() : database.remote.ipv6())
        .isEqualTo(ip == null ? null : ip.equals("::1") ? "0:0:0:0:0:0:0:1" : ip);
    assertThat(database.remote.port()).isEqualTo(port);
  }

  @org.junit.jupiter.api.Test void noUrlBreaksIt() {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    String alphabet = "jdbc:/@[](),;?=&.\\:oracle:thinh2memtcp0123456789";
    for (int i = 0; i < 100_000; i++) {
      StringBuilder url = new StringBuilder(random.nextBoolean() ? "jdbc:" : "");
      for (int j = random.nextInt(30); j > 0; j--) url.append(alphabet.charAt(random.nextInt(alphabet.length())));
      Database database = Database.parse(url.toString(), null);
      assertThat(database.system).as(url.toString()).isNotEmpty();
      assertThat(database.remote).as(url.toString()).isNotNull();
    }
  }

  @org.junit.jupiter.api.Test void anUnknownUrlIsAnUnknownDatabaseAndAGivenServiceNameWins() {
    Database unknown = Database.parse(null, null);
    assertThat(unknown.system).isEqualTo("other_sql");
    assertThat(unknown.name).isNull();
    assertThat(Database.parse("jdbc:mysql://127.0.0.1/shop", "Shop-DB").remote.serviceName()).isEqualTo("shop-db");
    assertThat(Database.parse("jdbc:mysql://127.0.0.1/shop", null).mysqlSyntax).isTrue();
    assertThat(Database.parse("jdbc:postgresql://127.0.0.1/shop", null).mysqlSyntax).isFalse();
    assertThat(Database.parse("jdbc:postgresql://127.0.0.1:notaport/shop", null).remote.port()).isZero();
  }
}
