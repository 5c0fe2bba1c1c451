package io.tracelet.servlet;

import io.tracelet.Span;
import io.tracelet.http.HttpServerHandler;
import io.tracelet.propagation.ServerTiming;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;

/**
 * The response the chain sees: the container's, but keeping the W3C {@code server-timing} trace
 * metric up to date with the status while the response is not committed. The metric is set when the
 * request starts (so a commit this wrapper never sees still carries one), and set again whenever the
 * status changes through {@link #setStatus}, {@link #sendError} or {@link #sendRedirect}, and after
 * {@link #reset}: the headers are committed with the status, so the metric committed with them
 * reflects it (a 5xx counts for a keep policy).
 */
final class TracingResponse extends HttpServletResponseWrapper {
  private final HttpServerHandler handler;
  private final Span span;

  TracingResponse(HttpServletResponse response, HttpServerHandler handler, Span span) {
    super(response);
    this.handler = handler;
    this.span = span;
    answer(0); // the status is not known yet: no status tag
  }

  /** Sets the metric for {@code status} (below 100: none known), unless the headers are committed. */
  void answer(int status) {
    HttpServletResponse response = (HttpServletResponse) getResponse();
    if (!response.isCommitted()) response.setHeader(ServerTiming.HEADER, handler.serverTiming(span, status));
  }

  @Override public void setStatus(int sc) {
    super.setStatus(sc);
    answer(sc);
  }

  @Override public void sendError(int sc) throws IOException {
    answer(sc);
    super.sendError(sc);
  }

  @Override public void sendError(int sc, String msg) throws IOException {
    answer(sc);
    super.sendError(sc, msg);
  }

  @Override public void sendRedirect(String location) throws IOException {
    answer(SC_FOUND);
    super.sendRedirect(location);
  }

  @Override public void reset() {
    super.reset();
    answer(0);
  }
}
