package io.tracelet.okhttp;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import io.tracelet.propagation.Propagators;
import io.tracelet.testing.InMemoryReporter;
import java.io.IOException;
import java.net.InetAddress;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** The snippets of README.md, compiled and run. */
class ReadmeTest {

  @Test void callFactory() throws Exception {
    InMemoryReporter reporter = new InMemoryReporter();
    try (MockWebServer server = new MockWebServer()) {
      server.start(InetAddress.getByName("127.0.0.1"), 0);
      server.enqueue(new MockResponse.Builder().body("[]").build());
      String url = server.url("/cart").toString();
      OkHttpClient okHttpClient = new OkHttpClient();

      // README: call factory
      Tracing tracing = Tracing.newBuilder()
          .serviceName("checkout")
          .propagator(Propagators.w3cThenB3())
          .reporter(reporter)
          .build();
      Call.Factory http = TracingCallFactory.create(tracing, okHttpClient);

      try (Response response = http.newCall(new Request.Builder().url(url).build()).execute()) {
        System.out.println(response.body().string());
      }
      // README end

      tracing.close();
      assertThat(reporter.spans()).singleElement().hasKind(SpanKind.CLIENT).hasName("GET")
          .hasTag("http.path", "/cart").hasTag("http.status_code", "200");
      assertThat(server.takeRequest().getHeaders().get("traceparent")).isNotNull();
      okHttpClient.dispatcher().executorService().shutdown();
    }
  }

  @Test void interceptor() throws IOException {
    try (Tracing tracing = Tracing.newBuilder().build()) {
      OkHttpClient okHttpClient = new OkHttpClient();

      // README: interceptor
      OkHttpClient client = okHttpClient.newBuilder()
          .addInterceptor(TracingInterceptor.create(tracing))
          .build();
      // README end

      assertThat(client.interceptors()).hasExactlyElementsOfTypes(TracingInterceptor.class);
    }
  }
}
