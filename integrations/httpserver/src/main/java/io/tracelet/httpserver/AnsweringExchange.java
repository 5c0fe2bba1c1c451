package io.tracelet.httpserver;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * The exchange the handler sees: the server's own, but for {@link #sendResponseHeaders}, which adds
 * the W3C {@code server-timing} trace metric, and {@link #getResponseBody} and {@link #close}, which
 * end the span too when the exchange ends after the handler returned (see {@link ExchangeSpan}).
 */
final class AnsweringExchange extends HttpExchange {
  private final HttpExchange exchange;
  private final ExchangeSpan traced;

  AnsweringExchange(HttpExchange exchange, ExchangeSpan traced) {
    this.exchange = exchange;
    this.traced = traced;
  }

  @Override public void sendResponseHeaders(int rCode, long responseLength) throws IOException {
    traced.sendResponseHeaders(rCode, responseLength);
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
    traced.close();
  }

  @Override public InputStream getRequestBody() {
    return exchange.getRequestBody();
  }

  @Override public OutputStream getResponseBody() {
    return traced.responseBody();
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
