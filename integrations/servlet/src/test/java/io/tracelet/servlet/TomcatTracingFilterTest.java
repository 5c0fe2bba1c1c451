package io.tracelet.servlet;

import io.tracelet.Tracing;
import io.tracelet.http.HttpRequestSampler;
import io.tracelet.http.HttpServerHandler;
import io.tracelet.http.HttpServerSuite;
import java.net.URI;

/** {@link TracingFilter} passes the shared server suite in an embedded Tomcat 11. */
class TomcatTracingFilterTest extends HttpServerSuite {
  private EmbeddedTomcat tomcat;
  private SuiteServlets servlets;

  @Override protected URI startServer(Tracing tracing, HttpRequestSampler sampler) throws Exception {
    servlets = new SuiteServlets(this);
    tomcat = new EmbeddedTomcat()
        .servlet("main", servlets.main, "/")
        .servlet("status", servlets.status, "/status/*")
        .filter(TracingFilter.create(HttpServerHandler.create(tracing, sampler)));
    return tomcat.start();
  }

  @Override protected void stopServer() throws Exception {
    tomcat.close();
    servlets.close();
  }

  @Override protected boolean supportsAsync() {
    return true;
  }

  @Override protected String expectedRoute(String path) {
    return SuiteServlets.route(path);
  }
}
