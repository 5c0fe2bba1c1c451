package io.tracelet.servlet;

import jakarta.servlet.Filter;
import java.net.URI;

/** {@link TracingFilter} passes the shared server suite in an embedded Tomcat 11. */
class TomcatTracingFilterTest extends ServletServerSuite {
  private EmbeddedTomcat tomcat;

  @Override URI startContainer(SuiteServlets servlets, Filter filter) throws Exception {
    tomcat = new EmbeddedTomcat()
        .servlet("main", servlets.main, "/")
        .servlet("status", servlets.status, "/status/*")
        .filter(filter);
    return tomcat.start();
  }

  @Override void stopContainer() throws Exception {
    tomcat.close();
  }
}
