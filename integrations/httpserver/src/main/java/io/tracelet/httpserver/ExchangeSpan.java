package io.tracelet.httpserver;

import com.sun.net.httpserver.HttpExchange;
import io.tracelet.Span;
import io.tracelet.http.HttpServerHandler;
import io.tracelet.propagation.ServerTiming;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One exchange's span, answered and finished once, whichever thread ends the exchange. The handler
 * sees a wrapper of the exchange ({@link AnsweringExchange}, or {@link AnsweringHttpsExchange} for
 * HTTPS) whose {@code sendResponseHeaders}, {@code getResponseBody} and {@code close} come here.
 *
 * <p>The JDK server writes the response headers in {@code sendResponseHeaders} and nowhere else: the
 * one place to add the {@code server-timing} metric for the status. An exchange ends when its
 * response body is closed, or the exchange itself; the span ends when the handler returns having
 * sent the response headers, when it throws, or else (the response is produced on another thread)
 * when the exchange ends.
 */
final class ExchangeSpan {
  private final HttpServerHandler handler;
  private final HttpExchange exchange;
  final Span span;
  private final AtomicBoolean finished = new AtomicBoolean();
  private volatile boolean closed;
  private OutputStream body;   // the wrapper of the server's body stream, made on first use
  private OutputStream bodyOf; // the server's stream it wraps (a filter may replace it with setStreams)

  ExchangeSpan(HttpServerHandler handler, HttpExchange exchange, Span span) {
    this.handler = handler;
    this.exchange = exchange;
    this.span = span;
  }

  /**
   * Adds the {@code server-timing} metric for {@code code} (beside any the handler set), then sends
   * the headers.
   */
  void sendResponseHeaders(int code, long responseLength) throws IOException {
    String metric = handler.serverTiming(span, code);
    if (metric != null) exchange.getResponseHeaders().add(ServerTiming.HEADER, metric); // null: a span without IDs
    exchange.sendResponseHeaders(code, responseLength);
  }

  /** The server's response body, whose {@code close()} ends the exchange here too. */
  synchronized OutputStream responseBody() {
    OutputStream server = exchange.getResponseBody();
    if (server != bodyOf) {
      bodyOf = server;
      body = new ClosingStream(server);
    }
    return body;
  }

  void close() {
    try {
      exchange.close();
    } finally {
      closed();
    }
  }

  private void closed() {
    closed = true;
    finish(null);
  }

  /** The handler returned: the span ends unless the response is still to come from elsewhere. */
  void handlerReturned() {
    if (closed || exchange.getResponseCode() != -1) finish(null);
  }

  /** The handler threw {@code error}: the span ends with it. */
  void handlerFailed(Throwable error) {
    finish(error);
  }

  private void finish(Throwable error) {
    if (finished.compareAndSet(false, true)) {
      handler.handleSend(ExchangeAdapter.INSTANCE, exchange, span, exchange.getResponseCode(), error);
    }
  }

  /** The server's body stream, every call passed on as it is; closing it ends the exchange. */
  private final class ClosingStream extends OutputStream {
    private final OutputStream out;

    ClosingStream(OutputStream out) {
      this.out = out;
    }

    @Override public void write(int b) throws IOException {
      out.write(b);
    }

    @Override public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override public void flush() throws IOException {
      out.flush();
    }

    @Override public void close() throws IOException {
      try {
        out.close();
      } finally {
        closed();
      }
    }
  }
}
