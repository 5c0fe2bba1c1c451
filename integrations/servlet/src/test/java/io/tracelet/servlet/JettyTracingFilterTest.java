package io.tracelet.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.net.URI;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** {@link TracingFilter} passes the shared server suite in an embedded Jetty 12 (ee10, Servlet 6). */
class JettyTracingFilterTest extends ServletServerSuite {
  private Server server;

  @Override URI startContainer(SuiteServlets servlets, Filter filter) throws Exception {
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
    FilterHolder tracingFilter = new FilterHolder(filter);
    tracingFilter.setAsyncSupported(true);
    context.addFilter(tracingFilter, "/*",
        EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR));
    server.setHandler(context);
    server.start();
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
  }

  @Override void stopContainer() throws Exception {
    server.stop();
  }
}
