package io.tracelet.servlet;

import io.tracelet.Tracing;
import io.tracelet.http.HttpRequestSampler;
import io.tracelet.http.HttpServerHandler;
import io.tracelet.http.HttpServerSuite;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/** {@link TracingFilter} passes the shared server suite in an embedded Tomcat 11. */
class TomcatTracingFilterTest extends HttpServerSuite {
  private Tomcat tomcat;
  private SuiteServlets servlets;

  @Override protected URI startServer(Tracing tracing, HttpRequestSampler sampler) throws Exception {
    servlets = new SuiteServlets(new SuiteServlets.Hooks() {
      @Override public void handled() {
        TomcatTracingFilterTest.this.handled();
      }

      @Override public void awaitAsyncRelease() throws InterruptedException {
        TomcatTracingFilterTest.this.awaitAsyncRelease();
      }
    });
    tomcat = new Tomcat();
    Path baseDir = Files.createTempDirectory("tomcat");
    tomcat.setBaseDir(baseDir.toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", baseDir.toString());
    Tomcat.addServlet(context, "main", servlets.main).setAsyncSupported(true);
    context.addServletMappingDecoded("/", "main");
    Tomcat.addServlet(context, "status", servlets.status).setAsyncSupported(true);
    context.addServletMappingDecoded("/status/*", "status");

    FilterDef tracingFilter = new FilterDef();
    tracingFilter.setFilterName("tracing");
    tracingFilter.setFilter(TracingFilter.create(HttpServerHandler.create(tracing, sampler)));
    tracingFilter.setAsyncSupported("true");
    context.addFilterDef(tracingFilter);
    FilterMap everything = new FilterMap();
    everything.setFilterName("tracing");
    everything.addURLPattern("/*");
    everything.setDispatcher("REQUEST");
    everything.setDispatcher("ASYNC");
    everything.setDispatcher("ERROR");
    context.addFilterMap(everything);

    tomcat.start();
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
  }

  @Override protected void stopServer() throws Exception {
    tomcat.stop();
    tomcat.destroy();
    servlets.close();
  }

  @Override protected boolean supportsAsync() {
    return true;
  }

  @Override protected String expectedRoute(String path) {
    return SuiteServlets.route(path);
  }
}
