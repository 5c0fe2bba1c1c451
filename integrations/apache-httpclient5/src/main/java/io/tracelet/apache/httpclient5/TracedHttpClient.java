package io.tracelet.apache.httpclient5;

import io.tracelet.http.HttpClientHandler;
import java.io.IOException;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.HttpClientResponseHandler;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;

/**
 * The classic client {@link HttpClient5Tracing} builds: the client built with Tracelet's exec-chain
 * elements, and around it the one thing the chain cannot see, the end of the call. A call with a
 * response handler ends when the handler has run (its failure recorded); a call that returns the
 * response open ({@code executeOpen}, the deprecated {@code execute} forms) ends when the response
 * head is returned. Either way the span records what the caller gets, thrown unchanged.
 */
final class TracedHttpClient extends CloseableHttpClient {
  private final CloseableHttpClient delegate;
  private final HttpClientHandler handler;

  TracedHttpClient(CloseableHttpClient delegate, HttpClientHandler handler) {
    this.delegate = delegate;
    this.handler = handler;
  }

  @Override protected CloseableHttpResponse doExecute(HttpHost target, ClassicHttpRequest request, HttpContext context)
      throws IOException {
    Call call = Call.begin(handler, context);
    ClassicHttpResponse response;
    try {
      response = delegate.executeOpen(target, request, call.context());
    } catch (IOException | RuntimeException | Error e) {
      call.finish(e);
      throw e;
    }
    call.finish(null);
    return CloseableHttpResponse.adapt(response);
  }

  @Override public <T> T execute(HttpHost target, ClassicHttpRequest request, HttpContext context,
      HttpClientResponseHandler<? extends T> responseHandler) throws IOException {
    Call call = Call.begin(handler, context);
    T result;
    try {
      result = delegate.execute(target, request, call.context(), responseHandler);
    } catch (IOException | RuntimeException | Error e) {
      call.finish(e);
      throw e;
    }
    call.finish(null);
    return result;
  }

  @Override public void close(CloseMode closeMode) {
    delegate.close(closeMode);
  }

  @Override public void close() throws IOException {
    delegate.close();
  }

  @Override public String toString() {
    return "TracedHttpClient{" + delegate + "}";
  }
}
