package io.tracelet.jdk.httpclient;

import io.tracelet.Tracing;
import io.tracelet.http.HttpClientHandler;
import io.tracelet.http.HttpClientSuite;
import io.tracelet.http.HttpRequestSampler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@link TracingHttpClient} passes the shared client suite against a real JDK HTTP server. */
class TracingHttpClientTest extends HttpClientSuite<HttpClient> {

  @Override protected HttpClient newClient(Tracing tracing, HttpRequestSampler sampler) {
    HttpClient plain = HttpClient.newBuilder()
        .connectTimeout(TIMEOUT)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
    return TracingHttpClient.create(HttpClientHandler.create(tracing, sampler), plain);
  }

  private static HttpRequest request(URI uri, Map<String, String> headers) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(TIMEOUT);
    headers.forEach(builder::header);
    return builder.build();
  }

  @Override protected int get(HttpClient client, URI uri, Map<String, String> headers) throws Exception {
    return client.send(request(uri, headers), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Override protected Runnable getAsync(HttpClient client, URI uri, Callback callback) {
    CompletableFuture<HttpResponse<String>> call = client.sendAsync(request(uri, Map.of()), HttpResponse.BodyHandlers.ofString());
    call.whenComplete((response, failure) -> callback.onComplete(failure == null ? response.statusCode() : -1, failure));
    return () -> call.cancel(true);
  }
}
