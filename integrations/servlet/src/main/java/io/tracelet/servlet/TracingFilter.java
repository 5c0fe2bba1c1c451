package io.tracelet.servlet;

import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.Tracing;
import io.tracelet.http.HttpServerHandler;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Jakarta Servlet {@link Filter} that records one {@link io.tracelet.SpanKind#SERVER} span per
 * HTTP request, continuing the trace whose context the request headers carry, in the format of
 * {@link Tracing#propagator()}. Map it to every request, first among the filters, for the
 * {@code REQUEST} and {@code ASYNC} dispatcher types (and {@code ERROR}, {@code FORWARD},
 * {@code INCLUDE} if those should see the span), with async supported.
 *
 * <p>The span (see {@link HttpServerHandler} for its parent rule and sampling) is named
 * {@code METHOD pattern} when the container matched an exact, path or extension servlet mapping
 * ({@code GET /users/*}), else after the method. Tags: {@code http.method}, {@code http.path} (the
 * request URI, context path included, without the query string), {@code http.route} (the mapping's
 * pattern, prefixed by the context path), {@code http.status_code}; {@code error} with the status
 * code for a 5xx, or the exception's message when the chain throws (the exception is recorded on the
 * span and rethrown unchanged; the status is then not tagged unless the response was committed, as
 * the container answers after the filter). The remote endpoint is the client's IP and port. Missing
 * or malformed trace headers start a new trace and never fail the request.
 *
 * <p>The span is current while the rest of the chain runs, and in every later dispatch of the same
 * request through this filter (an {@code AsyncContext.dispatch()}, a forward, an error page), where
 * no second span starts. It finishes when the chain returns or throws, or, when the request went
 * asynchronous ({@code startAsync}), when the asynchronous work completes, fails or times out (an
 * {@link AsyncListener}; a timeout or failure is recorded as the span's error). Work the application
 * runs on its own threads during an asynchronous request does not see the span unless it carries it
 * ({@code tracing.currentContext().wrap(...)}).
 *
 * <p>The response carries the W3C {@code server-timing} trace metric, set for the final status where
 * the headers get committed: the chain sees a wrapper of the response that sets it at
 * {@code sendError}, {@code sendRedirect}, {@code flushBuffer}, when the body's stream or writer is
 * first asked for, and when the dispatch ends uncommitted; it is set without a status when the
 * request starts, so a commit the wrapper does not see still carries one. A status set after the body
 * was asked for is tagged on the span but not counted in the metric. The chain also sees a wrapper
 * of the request, whose no-argument {@code startAsync()} starts the cycle with both wrappers, so
 * asynchronous work that answers through {@code AsyncContext.getResponse()} answers through the
 * response wrapper too ({@code AsyncContext.hasOriginalRequestAndResponse()} is then false).
 *
 * <p>Thread-safe and immutable: one instance serves every request. Per request it allocates the span,
 * its extracted context, a request and a response wrapper per dispatch, the metric's value per
 * status change, a scope per dispatch and, for an asynchronous request, one listener.
 */
public final class TracingFilter implements Filter {
  /** The request attribute holding the request's span, for later dispatches. */
  private static final String SPAN = TracingFilter.class.getName() + ".span";

  private final HttpServerHandler handler;

  private TracingFilter(HttpServerHandler handler) {
    this.handler = handler;
  }

  /**
   * A filter recording to {@code tracing}'s tracer, extracting with its propagator.
   *
   * @throws NullPointerException when {@code tracing} is null
   */
  public static TracingFilter create(Tracing tracing) {
    return new TracingFilter(HttpServerHandler.create(Objects.requireNonNull(tracing, "tracing == null")));
  }

  /**
   * A filter recording through {@code handler} (for request sampling rules:
   * {@code HttpServerHandler.create(tracing, rules)}).
   *
   * @throws NullPointerException when {@code handler} is null
   */
  public static TracingFilter create(HttpServerHandler handler) {
    return new TracingFilter(Objects.requireNonNull(handler, "handler == null"));
  }

  @SuppressWarnings("try") // the scope is held for its effect, never read
  @Override public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest) || !(res instanceof HttpServletResponse)) {
      chain.doFilter(req, res);
      return;
    }
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;
    Object existing = request.getAttribute(SPAN);
    if (existing instanceof Exchange) { // a later dispatch of a request this filter already traces
      ((Exchange) existing).dispatch(request, response, chain);
      return;
    }
    Span span = handler.handleReceive(ServletAdapter.INSTANCE, request);
    Exchange exchange = new Exchange(request, response, span);
    request.setAttribute(SPAN, exchange);
    exchange.dispatch(request, response, chain);
  }

  /** One request's span, across its dispatches, finished once. */
  private final class Exchange implements AsyncListener {
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final Span span;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile Throwable error;
    private boolean listening; // only touched by dispatches, which the container runs one at a time

    Exchange(HttpServletRequest request, HttpServletResponse response, Span span) {
      this.request = request;
      this.response = response;
      this.span = span;
    }

    @SuppressWarnings("try") // the scope is held for its effect, never read
    void dispatch(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws IOException, ServletException {
      // An ASYNC dispatch of a cycle this filter started gets the wrappers of the earlier dispatch: unwrapped.
      if (request instanceof TracingRequest) request = (HttpServletRequest) ((TracingRequest) request).getRequest();
      if (response instanceof TracingResponse) response = (HttpServletResponse) ((TracingResponse) response).getResponse();
      TracingResponse answering = new TracingResponse(response, handler, span);
      try (Scope ignored = span.makeCurrent()) {
        chain.doFilter(new TracingRequest(request, answering), answering);
      } catch (IOException | ServletException | RuntimeException | Error e) {
        error = e;
        throw e;
      } finally {
        if (error == null && !request.isAsyncStarted()) answering.answer(); // the container commits next
        if (request.isAsyncStarted()) {
          if (!listening) {
            listening = true;
            request.getAsyncContext().addListener(this);
          }
        } else {
          finish();
        }
      }
    }

    void finish() {
      if (!finished.compareAndSet(false, true)) return;
      Throwable failure = error;
      // After a throw the container answers (500) once the filter returns: no status is known yet.
      int status = failure == null || response.isCommitted() ? response.getStatus() : 0;
      handler.handleSend(ServletAdapter.INSTANCE, request, span, status, failure);
    }

    @Override public void onComplete(AsyncEvent event) {
      finish();
    }

    @Override public void onTimeout(AsyncEvent event) {
      if (error == null) error = new java.util.concurrent.TimeoutException("asynchronous request timed out");
    }

    @Override public void onError(AsyncEvent event) {
      if (event.getThrowable() != null) error = event.getThrowable();
    }

    @Override public void onStartAsync(AsyncEvent event) {
      event.getAsyncContext().addListener(this); // a restarted request forgets its listeners
    }
  }
}
