package io.tracelet.httpserver;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import io.tracelet.Span;
import io.tracelet.propagation.ServerTiming;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * The exchange the handler sees: the server's own, but for {@link #sendResponseHeaders}, which
 * first tags the status on the span and adds the W3C {@code server-timing} trace metric, whose
 * sampled flag says whether this server keeps the request (head-sampled, or kept by a keep policy
 * because it failed or is slow by now). The JDK server writes headers there and nowhere else, so
 * this is the one place a filter can add a header that depends on the status.
 */
final class AnsweringExchange extends HttpExchange {
  private final HttpExchange exchange;
  private final Span span;

  AnsweringExchange(HttpExchange exchange, Span span) {
    this.exchange = exchange;
    this.span = span;
  }

  @Override public void sendResponseHeaders(int rCode, long responseLength) throws IOException {
    TracingFilter.tagStatus(span, rCode);
    exchange.getResponseHeaders().add(ServerTiming.HEADER, ServerTiming.format(span.context(), span.isKept()));
    exchange.sendResponseHeaders(rCode, responseLength);
  }

  @Override public Headers getRequestHeaders() {
    return exchange.getRequestHeaders();
  }

  @Override public Headers getResponseHeaders() {
    return exchange.getResponseHeaders();
  }

  @Override public URI getRequestURI() {
    return exchange.getRequestURI();
  }

  @Override public String getRequestMethod() {
    return exchange.getRequestMethod();
  }

  @Override public HttpContext getHttpContext() {
    return exchange.getHttpContext();
  }

  @Override public void close() {
    exchange.close();
  }

  @Override public InputStream getRequestBody() {
    return exchange.getRequestBody();
  }

  @Override public OutputStream getResponseBody() {
    return exchange.getResponseBody();
  }

  @Override public InetSocketAddress getRemoteAddress() {
    return exchange.getRemoteAddress();
  }

  @Override public int getResponseCode() {
    return exchange.getResponseCode();
  }

  @Override public InetSocketAddress getLocalAddress() {
    return exchange.getLocalAddress();
  }

  @Override public String getProtocol() {
    return exchange.getProtocol();
  }

  @Override public Object getAttribute(String name) {
    return exchange.getAttribute(name);
  }

  @Override public void setAttribute(String name, Object value) {
    exchange.setAttribute(name, value);
  }

  @Override public void setStreams(InputStream i, OutputStream o) {
    exchange.setStreams(i, o);
  }

  @Override public HttpPrincipal getPrincipal() {
    return exchange.getPrincipal();
  }
}
