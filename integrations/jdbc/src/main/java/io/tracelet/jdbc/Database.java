package io.tracelet.jdbc;

import io.tracelet.Endpoint;
import java.util.Locale;
import java.util.Map;

/**
 * What a JDBC URL says about the database behind it: the {@code db.system} value, the database's
 * name, and the remote endpoint of its spans. Immutable; parsing never throws and never resolves
 * a host name (only IP literals become an address).
 */
final class Database {
  /** {@code db.system} for a URL that names no system we know. */
  static final String OTHER = "other_sql";

  /** JDBC sub-protocols whose {@code db.system} (the OpenTelemetry value) is another word. */
  private static final Map<String, String> SYSTEMS = Map.ofEntries(
      Map.entry("pgsql", "postgresql"), Map.entry("jtds", "mssql"), Map.entry("sqlserver", "mssql"),
      Map.entry("as400", "db2"), Map.entry("firebirdsql", "firebird"), Map.entry("hive2", "hive"),
      Map.entry("informix-sqli", "informix"), Map.entry("sap", "hanadb"));
  /** Wrapping drivers, whose URL continues with the real one: {@code jdbc:p6spy:mysql://...}. */
  private static final String[] WRAPPERS = {"p6spy:", "tc:", "otel:", "log4jdbc:"};

  final String system;
  final String name; // null when the URL names no database
  final Endpoint remote;
  /** True for MySQL and MariaDB: backslash escapes, {@code #} comments, double-quoted strings. */
  final boolean mysqlSyntax;

  private Database(String system, String name, Endpoint remote) {
    this.system = system;
    this.name = name;
    this.remote = remote;
    this.mysqlSyntax = system.equals("mysql") || system.equals("mariadb");
  }

  /**
   * The database of {@code url} (null: unknown). The remote service is {@code remoteServiceName}
   * when not null, else the system and the database name, as in {@code postgresql-orders}, or the
   * system alone.
   */
  static Database parse(String url, String remoteServiceName) {
    String system = OTHER;
    String name = null;
    String host = null;
    int port = 0;
    if (url != null && url.regionMatches(true, 0, "jdbc:", 0, 5)) {
      String rest = url.substring(5);
      for (String wrapper : WRAPPERS) {
        if (rest.regionMatches(true, 0, wrapper, 0, wrapper.length())) rest = rest.substring(wrapper.length());
      }
      int colon = rest.indexOf(':');
      String protocol = (colon < 0 ? rest : rest.substring(0, colon)).toLowerCase(Locale.ROOT);
      system = systemOf(protocol);
      String body = colon < 0 ? "" : rest.substring(colon + 1);
      int at = body.indexOf('@'); // Oracle: thin:@host:port:SID, thin:@//host:port/service
      if (system.equals("oracle") && at >= 0) {
        body = body.substring(at + 1);
        if (body.startsWith("(")) {
          body = ""; // a TNS descriptor: nothing we read
        } else if (!body.startsWith("//")) {
          body = "//" + body.replaceFirst(":([^:/]*)$", "/$1"); // host:port:SID as host:port/SID
        }
      } else {
        body = withoutSchemes(body); // mem:, tcp:, file:, memory:, thin:...
      }
      String path = body;
      if (body.startsWith("//")) {
        int end = indexOfAny(body, 2, "/?;");
        String authority = body.substring(2, end);
        int comma = authority.indexOf(',');
        if (comma >= 0) authority = authority.substring(0, comma); // several hosts: the first
        int portStart = authority.startsWith("[") ? authority.indexOf("]:") + 1 : authority.lastIndexOf(':');
        if (portStart > 0) {
          port = parsePort(authority.substring(portStart + 1));
          authority = authority.substring(0, portStart);
        }
        host = authority;
        path = body.substring(end);
      }
      name = databaseName(path);
    }
    String service = remoteServiceName != null ? remoteServiceName : name != null ? system + "-" + name : system;
    return new Database(system, name, Endpoint.of(service, host, port));
  }

  private static String systemOf(String protocol) {
    String mapped = SYSTEMS.get(protocol);
    if (mapped != null) return mapped;
    if (protocol.isEmpty()) return OTHER;
    for (int i = 0; i < protocol.length(); i++) {
      char c = protocol.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9')) return OTHER;
    }
    return protocol;
  }

  /** {@code body} without leading {@code word:} parts, such as {@code mem:} or {@code tcp:}. */
  private static String withoutSchemes(String body) {
    int i = 0;
    while (true) {
      int j = i;
      while (j < body.length() && Character.isLetter(body.charAt(j))) j++;
      if (j == i || j >= body.length() || body.charAt(j) != ':') return body.substring(i);
      i = j + 1;
    }
  }

  /**
   * The database named by what follows the host: the last segment of a path, up to its
   * properties ({@code ;} or {@code ?}); or SQL Server's {@code databaseName} property.
   */
  private static String databaseName(String path) {
    int end = indexOfAny(path, 0, "?;");
    String properties = path.substring(end);
    String file = path.substring(0, end);
    int slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
    String name = file.substring(slash + 1);
    if (name.isEmpty()) {
      for (String property : properties.split("[;?&]")) {
        int equals = property.indexOf('=');
        if (equals < 0) continue;
        String key = property.substring(0, equals);
        if (key.equalsIgnoreCase("databaseName") || key.equalsIgnoreCase("database")) {
          name = property.substring(equals + 1);
        }
      }
    }
    return name.isEmpty() ? null : name;
  }

  private static int indexOfAny(String s, int from, String chars) {
    for (int i = from; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) return i;
    }
    return s.length();
  }

  private static int parsePort(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override public String toString() {
    return "Database{" + system + ", " + name + ", " + remote + "}";
  }
}
