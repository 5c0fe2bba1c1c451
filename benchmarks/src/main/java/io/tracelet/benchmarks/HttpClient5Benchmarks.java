package io.tracelet.benchmarks;

import io.tracelet.Tracing;
import io.tracelet.apache.httpclient5.HttpClient5Tracing;
import io.tracelet.propagation.Propagators;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.io.HttpClientResponseHandler;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A GET through Apache HttpClient 5's classic client, its response read by a handler, over a
 * connection that answers in memory ({@link InMemoryConnections}): through {@code
 * tracelet-apache-httpclient5} (a sampled CLIENT span, B3 headers, into the real recorder), through
 * Brave's {@code brave-instrumentation-httpclient5} (the same, into a no-op handler), and, as the
 * {@code floor}, the same client untraced. Both write the same B3 multi headers. With no round trip,
 * the ratio to the floor is what tracing adds to the client's own work, the least favourable case.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HttpClient5Benchmarks {
  static final HttpClientResponseHandler<Integer> READ = response -> {
    EntityUtils.consume(response.getEntity());
    return response.getCode();
  };

  Tracing tracing;
  brave.Tracing braveTracing;
  CloseableHttpClient plainClient;
  CloseableHttpClient traceletClient;
  CloseableHttpClient braveClient;
  ClassicHttpRequest request;

  static HttpClientBuilder builder() {
    return HttpClients.custom().setConnectionManager(new InMemoryConnections());
  }

  @Setup public void setup() {
    tracing = Tracing.newBuilder().serviceName("bench").propagator(Propagators.b3()).build();
    braveTracing = brave.Tracing.newBuilder().localServiceName("bench").addSpanHandler(Peers.BRAVE_NOOP_HANDLER).build();
    plainClient = builder().build();
    traceletClient = HttpClient5Tracing.create(tracing).build(builder());
    braveClient = brave.httpclient5.HttpClient5Tracing.newBuilder(braveTracing).build(builder());
    request = ClassicRequestBuilder.get("http://127.0.0.1:8080/items?page=2").build();
  }

  @TearDown public void tearDown() throws IOException {
    System.out.println("\ntracelet httpclient5 pipeline: " + tracing.counters());
    plainClient.close();
    traceletClient.close();
    braveClient.close();
    tracing.close();
    braveTracing.close();
  }

  @Benchmark public int httpClient5Classic_tracelet() throws IOException {
    return traceletClient.execute(request, READ);
  }

  @Benchmark public int httpClient5Classic_brave() throws IOException {
    return braveClient.execute(request, READ);
  }

  @Benchmark public int httpClient5Classic_floor() throws IOException {
    return plainClient.execute(request, READ);
  }
}
