package io.tracelet.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * The request the chain sees: the container's, but for {@link #startAsync()}, which starts the
 * asynchronous cycle with this request and the {@link TracingResponse}, so that asynchronous work
 * that answers through {@code AsyncContext.getResponse()} answers through the wrapper, which sets the
 * {@code server-timing} metric for its status. (The container's own no-argument {@code startAsync()}
 * would hand that work the container's response, past the wrapper.)
 *
 * <p>The one difference the application can see: {@code AsyncContext.hasOriginalRequestAndResponse()}
 * is false, as after any {@code startAsync(request, response)}; a later {@code dispatch()} goes to
 * this request's URI, which is the one the container dispatched.
 */
final class TracingRequest extends HttpServletRequestWrapper {
  private final TracingResponse response;

  TracingRequest(HttpServletRequest request, TracingResponse response) {
    super(request);
    this.response = response;
  }

  @Override public AsyncContext startAsync() {
    return getRequest().startAsync(this, response);
  }
}
