package io.tracelet.httpserver;

import com.sun.net.httpserver.HttpExchange;
import io.tracelet.http.HttpServerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Reads an exchange for the handler; stateless. No route: a context's path is a prefix that also
 * matches paths below it, not a template of the requests it serves.
 */
final class ExchangeAdapter implements HttpServerAdapter<HttpExchange> {
  static final ExchangeAdapter INSTANCE = new ExchangeAdapter();

  private ExchangeAdapter() {
  }

  @Override public String method(HttpExchange exchange) {
    return exchange.getRequestMethod();
  }

  @Override public String path(HttpExchange exchange) {
    return exchange.getRequestURI().getRawPath();
  }

  /** {@code Headers} keeps one list per name, matched case-insensitively; repeated values are joined. */
  @Override public String header(HttpExchange exchange, String name) {
    List<String> values = exchange.getRequestHeaders().get(name);
    if (values == null || values.isEmpty()) return null;
    return values.size() == 1 ? values.get(0) : String.join(",", values);
  }

  @Override public String remoteIp(HttpExchange exchange) {
    InetSocketAddress client = exchange.getRemoteAddress();
    InetAddress ip = client == null ? null : client.getAddress();
    return ip == null ? null : ip.getHostAddress();
  }

  @Override public int remotePort(HttpExchange exchange) {
    InetSocketAddress client = exchange.getRemoteAddress();
    return client == null ? 0 : client.getPort();
  }
}
