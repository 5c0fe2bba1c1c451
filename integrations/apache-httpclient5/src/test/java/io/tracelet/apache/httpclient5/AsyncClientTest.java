package io.tracelet.apache.httpclient5;

import io.tracelet.Tracing;
import io.tracelet.http.HttpClientHandler;
import io.tracelet.http.HttpClientSuite;
import io.tracelet.http.HttpRequestSampler;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.io.CloseMode;

/** The async client passes the shared client suite against a real JDK HTTP server. */
class AsyncClientTest extends HttpClientSuite<CloseableHttpAsyncClient> {

  @Override protected CloseableHttpAsyncClient newClient(Tracing tracing, HttpRequestSampler sampler) {
    CloseableHttpAsyncClient client = HttpClient5Tracing.create(HttpClientHandler.create(tracing, sampler))
        .build(Clients.asyncBuilder());
    client.start();
    return client;
  }

  @Override protected void closeClient(CloseableHttpAsyncClient client) {
    client.close(CloseMode.IMMEDIATE);
  }

  @Override protected int get(CloseableHttpAsyncClient client, URI uri, Map<String, String> headers) throws Exception {
    SimpleHttpRequest request = SimpleRequestBuilder.get(uri).build();
    headers.forEach(request::setHeader);
    try {
      return client.execute(request, null).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).getCode();
    } catch (ExecutionException e) { // what the library failed the future with
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  @Override protected Runnable getAsync(CloseableHttpAsyncClient client, URI uri, Callback callback) {
    Future<SimpleHttpResponse> call = client.execute(SimpleRequestBuilder.get(uri).build(), new FutureCallback<SimpleHttpResponse>() {
      @Override public void completed(SimpleHttpResponse response) {
        callback.onComplete(response.getCode(), null);
      }

      @Override public void failed(Exception failure) {
        callback.onComplete(-1, failure);
      }

      @Override public void cancelled() {
        callback.onComplete(-1, new CancellationException());
      }
    });
    return () -> call.cancel(true);
  }
}
