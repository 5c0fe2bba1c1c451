package io.tracelet.servlet;

import io.tracelet.Tracing;
import io.tracelet.http.HttpRequestSampler;
import io.tracelet.http.HttpServerHandler;
import io.tracelet.http.HttpServerSuite;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** {@link TracingFilter} passes the shared server suite in an embedded Jetty 12 (ee10, Servlet 6). */
class JettyTracingFilterTest extends HttpServerSuite {
  private Server server;
  private SuiteServlets servlets;

  @Override protected URI startServer(Tracing tracing, HttpRequestSampler sampler) throws Exception {
    servlets = new SuiteServlets(this);
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    ServletHolder main = new ServletHolder(servlets.main);
    main.setAsyncSupported(true);
    context.addServlet(main, "/");
    ServletHolder status = new ServletHolder(servlets.status);
    status.setAsyncSupported(true);
    context.addServlet(status, "/status/*");
    FilterHolder tracingFilter = new FilterHolder(TracingFilter.create(HttpServerHandler.create(tracing, sampler)));
    tracingFilter.setAsyncSupported(true);
    context.addFilter(tracingFilter, "/*",
        EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR));
    server.setHandler(context);
    server.start();
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
  }

  @Override protected void stopServer() throws Exception {
    server.stop();
    servlets.close();
  }

  @Override protected boolean supportsAsync() {
    return true;
  }

  @Override protected String expectedRoute(String path) {
    return SuiteServlets.route(path);
  }
}
