package io.tracelet.apache.httpclient5;

import io.tracelet.Scope;
import io.tracelet.Span;
import java.io.IOException;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.async.AsyncExecChainHandler;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncDataConsumer;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;

/**
 * The first element of the exec chain, classic and async: starts the call's span from the request as it
 * enters the chain, keeps it current while the rest of the chain runs on this thread (redirects,
 * retries, the client's request interceptors), and notes the final response's head. Above the redirect
 * and retry elements, it sees one request per {@code execute}. Stateless: the call it serves is in the
 * request's context; without one (a request the traced client did not start), it only passes on.
 */
final class SpanExec implements ExecChainHandler, AsyncExecChainHandler {
  static final String NAME = "tracelet-span";
  static final SpanExec INSTANCE = new SpanExec();

  private SpanExec() {
  }

  @SuppressWarnings("try") // the scope is held for its effect, never read
  @Override public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
      throws IOException, HttpException {
    Call call = Call.of(scope.clientContext);
    Span span = call == null ? null : call.start(request);
    if (span == null) return chain.proceed(request, scope);
    ClassicHttpResponse response;
    try (Scope ignored = span.makeCurrent()) {
      response = chain.proceed(request, scope);
    }
    call.received(response);
    return response; // failures, and the finish, are the traced client's: it sees what the caller sees
  }

  @SuppressWarnings("try") // the scope is held for its effect, never read
  @Override public void execute(HttpRequest request, AsyncEntityProducer entityProducer, AsyncExecChain.Scope scope,
      AsyncExecChain chain, AsyncExecCallback callback) throws HttpException, IOException {
    Call call = Call.of(scope.clientContext);
    Span span = call == null ? null : call.start(request);
    if (span == null) {
      chain.proceed(request, entityProducer, scope, callback);
      return;
    }
    try (Scope ignored = span.makeCurrent()) {
      chain.proceed(request, entityProducer, scope, new Receiving(call, callback));
    }
  }

  /** Notes the final response's head on its way to the response consumer; passes the rest on as it is. */
  private static final class Receiving implements AsyncExecCallback {
    private final Call call;
    private final AsyncExecCallback delegate;

    Receiving(Call call, AsyncExecCallback delegate) {
      this.call = call;
      this.delegate = delegate;
    }

    @Override public AsyncDataConsumer handleResponse(HttpResponse response, EntityDetails entityDetails)
        throws HttpException, IOException {
      call.received(response);
      return delegate.handleResponse(response, entityDetails);
    }

    @Override public void handleInformationResponse(HttpResponse response) throws HttpException, IOException {
      delegate.handleInformationResponse(response);
    }

    @Override public void completed() {
      delegate.completed();
    }

    @Override public void failed(Exception cause) {
      delegate.failed(cause);
    }
  }
}
