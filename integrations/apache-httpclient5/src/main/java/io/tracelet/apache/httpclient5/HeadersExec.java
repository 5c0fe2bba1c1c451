package io.tracelet.apache.httpclient5;

import java.io.IOException;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.async.AsyncExecChainHandler;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;

/**
 * The last element before the transport, classic and async: every message the client sends for a call
 * (the first, each redirect, each retry) gets the span's context in its headers, in place of any trace
 * header the caller's request had. Redirects and retries are built anew from the caller's request, so
 * the headers are set here, per message, not once at the top. Stateless, like {@link SpanExec}.
 */
final class HeadersExec implements ExecChainHandler, AsyncExecChainHandler {
  static final String NAME = "tracelet-headers";
  static final HeadersExec INSTANCE = new HeadersExec();

  private HeadersExec() {
  }

  @Override public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
      throws IOException, HttpException {
    Call call = Call.of(scope.clientContext);
    if (call != null) call.hop(request);
    return chain.proceed(request, scope);
  }

  @Override public void execute(HttpRequest request, AsyncEntityProducer entityProducer, AsyncExecChain.Scope scope,
      AsyncExecChain chain, AsyncExecCallback callback) throws HttpException, IOException {
    Call call = Call.of(scope.clientContext);
    if (call != null) call.hop(request);
    chain.proceed(request, entityProducer, scope, callback);
  }
}
