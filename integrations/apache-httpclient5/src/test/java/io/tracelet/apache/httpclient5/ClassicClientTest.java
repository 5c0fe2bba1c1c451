package io.tracelet.apache.httpclient5;

import io.tracelet.Tracing;
import io.tracelet.http.HttpClientHandler;
import io.tracelet.http.HttpClientSuite;
import io.tracelet.http.HttpRequestSampler;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.FutureRequestExecutionService;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;

/**
 * The classic client passes the shared client suite against a real JDK HTTP server. Its asynchronous
 * calls go through the library's own {@link FutureRequestExecutionService}, on an executor wrapped by
 * {@code tracing.currentContext().wrap}, as the README says to.
 */
class ClassicClientTest extends HttpClientSuite<ClassicClientTest.Client> {

  /** The traced client, and the library's asynchronous service over it. */
  record Client(CloseableHttpClient http, FutureRequestExecutionService async, ExecutorService threads) {
  }

  @Override protected Client newClient(Tracing tracing, HttpRequestSampler sampler) {
    CloseableHttpClient http = HttpClient5Tracing.create(HttpClientHandler.create(tracing, sampler))
        .build(Clients.classicBuilder());
    ExecutorService threads = Executors.newSingleThreadExecutor();
    return new Client(http, new FutureRequestExecutionService(http, tracing.currentContext().wrap(threads)), threads);
  }

  @Override protected void closeClient(Client client) throws Exception {
    client.async().close(); // closes the client too
    client.threads().shutdownNow();
  }

  @Override protected int get(Client client, URI uri, Map<String, String> headers) throws Exception {
    ClassicHttpRequest request = ClassicRequestBuilder.get(uri).build();
    headers.forEach(request::setHeader);
    return client.http().execute(request, response -> {
      EntityUtils.consume(response.getEntity());
      return response.getCode();
    });
  }

  @Override protected Runnable getAsync(Client client, URI uri, Callback callback) {
    // An HttpGet, which the library can abort: cancelling the task cancels the request on the wire.
    Future<Integer> task = client.async().execute(new HttpGet(uri), null, response -> response.getCode(),
        new FutureCallback<Integer>() {
          @Override public void completed(Integer status) {
            callback.onComplete(status, null);
          }

          @Override public void failed(Exception failure) {
            callback.onComplete(-1, failure);
          }

          @Override public void cancelled() {
            callback.onComplete(-1, new java.util.concurrent.CancellationException());
          }
        });
    return () -> task.cancel(true);
  }
}
