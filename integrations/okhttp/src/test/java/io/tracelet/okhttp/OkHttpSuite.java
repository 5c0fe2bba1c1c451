package io.tracelet.okhttp;

import io.tracelet.Tracing;
import io.tracelet.http.HttpClientHandler;
import io.tracelet.http.HttpClientSuite;
import io.tracelet.http.HttpRequestSampler;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The shared client suite for {@link TracingCallFactory}, on whichever OkHttp the run has (4.12 or
 * 5.x: see the pom). Free of mockwebserver3, which needs OkHttp 5.
 */
abstract class OkHttpSuite extends HttpClientSuite<OkHttpSuite.Client> {

  /** The plain client, closed after the test, and the traced factory of its calls. */
  record Client(OkHttpClient plain, Call.Factory traced) {
  }

  @Override protected final Client newClient(Tracing tracing, HttpRequestSampler sampler) {
    OkHttpClient plain = new OkHttpClient.Builder().callTimeout(TIMEOUT).build();
    return new Client(plain, TracingCallFactory.create(HttpClientHandler.create(tracing, sampler), plain));
  }

  @Override protected final void closeClient(Client client) {
    client.plain().dispatcher().executorService().shutdown();
    client.plain().connectionPool().evictAll();
  }

  private static Request request(URI uri, Map<String, String> headers) {
    Request.Builder builder = new Request.Builder().url(uri.toString());
    headers.forEach(builder::header);
    return builder.build();
  }

  @Override protected final int get(Client client, URI uri, Map<String, String> headers) throws IOException {
    try (Response response = client.traced().newCall(request(uri, headers)).execute()) {
      return response.code();
    }
  }

  @Override protected final Runnable getAsync(Client client, URI uri, Callback callback) {
    Call call = client.traced().newCall(request(uri, Map.of()));
    call.enqueue(new okhttp3.Callback() {
      @Override public void onFailure(Call failed, IOException e) {
        callback.onComplete(-1, e);
      }

      @Override public void onResponse(Call answered, Response response) {
        try (response) {
          callback.onComplete(response.code(), null);
        }
      }
    });
    return call::cancel;
  }
}
