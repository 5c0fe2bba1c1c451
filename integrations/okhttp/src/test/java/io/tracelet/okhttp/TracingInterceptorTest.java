package io.tracelet.okhttp;

import static io.tracelet.okhttp.TracingCallFactoryTest.assertReceivedContextOf;
import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.FinishedSpan;
import io.tracelet.Propagator;
import io.tracelet.Sampler;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.TraceContext;
import io.tracelet.Tracing;
import io.tracelet.propagation.Propagators;
import io.tracelet.testing.InMemoryReporter;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link TracingInterceptor} added by hand to a client, against a real HTTP server. */
class TracingInterceptorTest {
  final InMemoryReporter reporter = new InMemoryReporter();
  final MockWebServer server = new MockWebServer();
  final OkHttpClient plain = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10)).build();
  Tracing tracing;

  @BeforeEach void start() throws IOException {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach void stop() {
    server.close();
    plain.dispatcher().executorService().shutdown();
    plain.connectionPool().evictAll();
    if (tracing != null) tracing.close();
  }

  private OkHttpClient tracedClient(Propagator propagator, Sampler sampler) {
    tracing = Tracing.newBuilder().serviceName("shop").propagator(propagator).sampler(sampler)
        .reporter(reporter).strictScopes(true).build();
    return plain.newBuilder().addInterceptor(TracingInterceptor.create(tracing)).build();
  }

  private Request get(String path) {
    return new Request.Builder().url("http://127.0.0.1:" + server.getPort() + path).build();
  }

  @Test void tracesASyncCallAsAChildOfTheCurrentSpan() throws Exception {
    OkHttpClient client = tracedClient(Propagators.w3cThenB3(), Sampler.always());
    server.enqueue(new MockResponse.Builder().build());
    Span caller = tracing.tracer().spanBuilder("caller").start();

    try (Scope ignored = caller.makeCurrent(); Response response = client.newCall(get("/a")).execute()) {
      assertThat(response.code()).isEqualTo(200);
    }

    tracing.flush();
    FinishedSpan span = reporter.spans().get(0);
    assertThat(span).hasKind(SpanKind.CLIENT).hasParent(caller.context()).hasTag("http.path", "/a");
    assertReceivedContextOf(server.takeRequest(), span);
  }

  @Test void onItsOwnItCannotSeeTheCallerOfAnAsyncCall() throws Exception {
    // Why TracingCallFactory exists: enqueue() runs the interceptor on a dispatcher thread.
    OkHttpClient client = tracedClient(Propagators.w3cThenB3(), Sampler.always());
    server.enqueue(new MockResponse.Builder().build());
    Span caller = tracing.tracer().spanBuilder("caller").start();
    CompletableFuture<Integer> code = new CompletableFuture<>();

    try (Scope ignored = caller.makeCurrent()) {
      client.newCall(get("/a")).enqueue(new Callback() {
        @Override public void onFailure(Call call, IOException e) {
          code.completeExceptionally(e);
        }

        @Override public void onResponse(Call call, Response response) {
          response.close();
          code.complete(response.code());
        }
      });
    }

    assertThat(code.get(10, TimeUnit.SECONDS)).isEqualTo(200);
    tracing.flush();
    assertThat(reporter.spans()).singleElement().isRoot();
  }

  @Test void anUnsampledTraceIsPropagatedButNotRecorded() throws Exception {
    OkHttpClient client = tracedClient(Propagators.w3c(), Sampler.never());
    server.enqueue(new MockResponse.Builder().build());

    try (Response ignored = client.newCall(get("/")).execute()) {
      // nothing to record
    }

    tracing.flush();
    assertThat(reporter.spans()).isEmpty();
    TraceContext received = Propagators.w3c().extract(server.takeRequest().getHeaders(), (h, k) -> h.get(k));
    assertThat(received).isNotNull();
    assertThat(received.hasSamplingDecision()).isTrue();
    assertThat(received.isSampled()).isFalse();
  }

  @Test void aHeaderValueOkHttpRefusesIsLeftOutAndTheCallGoesOn() throws Exception {
    Propagator hostile = new Propagator() {
      @Override public List<String> keys() {
        return List.of("traceparent", "x-note");
      }

      @Override public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
        Propagators.w3c().inject(context, carrier, setter);
        setter.set(carrier, "x-note", "caf\u00e9\n"); // OkHttp refuses non-ASCII and line breaks
      }

      @Override public <C> TraceContext extract(C carrier, Getter<C> getter) {
        return null;
      }
    };
    OkHttpClient client = tracedClient(hostile, Sampler.always());
    server.enqueue(new MockResponse.Builder().build());

    try (Response response = client.newCall(get("/")).execute()) {
      assertThat(response.code()).isEqualTo(200);
    }

    RecordedRequest received = server.takeRequest();
    assertThat(received.getHeaders().get("x-note")).isNull();
    assertThat(received.getHeaders().get("traceparent")).isNotNull();
    tracing.flush();
    assertThat(reporter.spans()).singleElement().hasNoError();
  }
}
