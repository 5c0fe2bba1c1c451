package io.tracelet.servlet;

import io.tracelet.Tracing;
import io.tracelet.http.HttpRequestSampler;
import io.tracelet.http.HttpServerHandler;
import io.tracelet.http.HttpServerSuite;
import jakarta.servlet.Filter;
import java.net.URI;

/**
 * The shared server suite for a servlet container: the container serves {@link SuiteServlets}
 * ({@code main} at {@code /}, {@code status} at {@code /status/*}) behind {@code filter}, mapped for
 * the REQUEST, ASYNC and ERROR dispatches, async supported everywhere.
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
}
