package io.tracelet.servlet;

import io.tracelet.Span;
import io.tracelet.http.HttpServerHandler;
import io.tracelet.propagation.ServerTiming;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The response the chain sees: the container's, but setting the W3C {@code server-timing} trace
 * metric for the status at the points where the headers get committed. The metric is set, without a
 * status, when the request starts (so a commit this wrapper never sees still carries one); then for
 * the final status at {@link #sendError}, {@link #sendRedirect}, {@link #flushBuffer}, when the body
 * is first asked for ({@link #getOutputStream}, {@link #getWriter}: the headers are committed with
 * its first full buffer), and when the dispatch ends uncommitted ({@link #answer()}, called by the
 * filter; the container commits after it). {@link #setStatus} only remembers the status: a status
 * replaced before the commit is never answered, so a 500 replaced by a redirect does not count as a
 * failure. Each time, the metric set before is replaced, and {@code server-timing} metrics the
 * application set are kept beside it.
 */
final class TracingResponse extends HttpServletResponseWrapper {
  private final HttpServerHandler handler;
  private final Span span;
  private String answered; // the metric set last, or null

  TracingResponse(HttpServletResponse response, HttpServerHandler handler, Span span) {
    super(response);
    this.handler = handler;
    this.span = span;
    answer(0); // no status known yet: nothing tagged
  }

  /** Sets the metric for the status as it stands, unless the headers are committed. */
  void answer() {
    answer(getStatus());
  }

  /**
   * Sets the metric for {@code status} (below 100: none) in place of the one set before, unless the
   * headers are committed.
   */
  private void answer(int status) {
    HttpServletResponse response = (HttpServletResponse) getResponse();
    if (response.isCommitted()) return;
    String metric = handler.serverTiming(span, status);
    if (metric == null) return; // a span without IDs: nothing to answer
    Collection<String> present = response.getHeaders(ServerTiming.HEADER);
    if (present == null || present.isEmpty() || (present.size() == 1 && present.contains(answered))) {
      response.setHeader(ServerTiming.HEADER, metric); // the usual case: no metric of the application's
    } else {
      List<String> others = new ArrayList<>(present);
      others.remove(answered);
      response.setHeader(ServerTiming.HEADER, others.get(0));
      for (int i = 1; i < others.size(); i++) response.addHeader(ServerTiming.HEADER, others.get(i));
      response.addHeader(ServerTiming.HEADER, metric);
    }
    answered = metric;
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

  @Override public void flushBuffer() throws IOException {
    answer();
    super.flushBuffer();
  }

  @Override public ServletOutputStream getOutputStream() throws IOException {
    answer();
    return super.getOutputStream();
  }

  @Override public PrintWriter getWriter() throws IOException {
    answer();
    return super.getWriter();
  }

  @Override public void reset() {
    super.reset(); // clears the headers
    answer(0);
  }
}
