package io.tracelet.servlet;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.KeepPolicy;
import io.tracelet.Sampler;
import io.tracelet.Tracing;
import io.tracelet.http.HttpRequestSampler;
import io.tracelet.http.HttpServerHandler;
import io.tracelet.http.HttpServerSuite;
import io.tracelet.propagation.ServerTiming;
import jakarta.servlet.Filter;
import java.net.URI;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The shared server suite for a servlet container: the container serves {@link SuiteServlets}
 * ({@code main} at {@code /}, {@code status} at {@code /status/*}) behind {@code filter}, mapped for
 * the REQUEST, ASYNC and ERROR dispatches, async supported everywhere; and what is particular to
 * servlets, for every container.
 */
abstract class ServletServerSuite extends HttpServerSuite {
  private SuiteServlets servlets;

  /** Starts the container with {@code servlets} behind {@code filter}; returns its base URI. */
  abstract URI startContainer(SuiteServlets servlets, Filter filter) throws Exception;

  /** Stops the container started last. */
  abstract void stopContainer() throws Exception;

  @Override protected final URI startServer(Tracing tracing, HttpRequestSampler sampler) throws Exception {
    servlets = new SuiteServlets(this);
    return startContainer(servlets, TracingFilter.create(HttpServerHandler.create(tracing, sampler)));
  }

  @Override protected final void stopServer() throws Exception {
    stopContainer();
    servlets.close();
  }

  @Override protected final String expectedRoute(String path) {
    return SuiteServlets.route(path);
  }

  @Test void anAsyncAnswerThroughTheNoArgumentStartAsyncCarriesItsStatusInServerTiming() throws Exception {
    start(Sampler.never(), KeepPolicy.newBuilder().keepErrors().build(), HttpRequestSampler.none());

    HttpResponse<String> response = send(request("/async-direct"));

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().allValues(ServerTiming.HEADER)).hasSize(1);
    assertThat(ServerTiming.parse(response.headers().firstValue(ServerTiming.HEADER).orElseThrow()).sampled())
        .as("the metric counts the 503: kept").isTrue();
    assertThat(serverSpan()).hasTag("http.status_code", "503").hasTag(KeepPolicy.TAG, KeepPolicy.ERROR);
  }

  @Test void aThrowingServletIsAnsweredAsWithoutTracelet() throws Exception {
    // The same servlets behind a filter that only passes the request on: what the container answers there...
    URI plain = startContainer(new SuiteServlets(this), (request, response, chain) -> chain.doFilter(request, response));
    int untraced;
    try {
      untraced = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(plain.resolve("/throw"))
          .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } finally {
      stopContainer();
    }
    start();

    // ...is what it answers with the tracing filter, which rethrows the servlet's exception unchanged.
    assertThat(send(request("/throw")).statusCode()).isEqualTo(untraced).isEqualTo(500);
    assertThat(serverSpan()).hasError(IllegalStateException.class);
  }
}
