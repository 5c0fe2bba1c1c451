package io.tracelet.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/** An embedded Tomcat on 127.0.0.1, a free port, the root context, for the tests. */
final class EmbeddedTomcat implements AutoCloseable {
  private final Tomcat tomcat = new Tomcat();
  private final Connector connector = new Connector();
  final Context context;

  EmbeddedTomcat() throws Exception {
    Path baseDir = Files.createTempDirectory("tomcat");
    tomcat.setBaseDir(baseDir.toString());
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    context = tomcat.addContext("", baseDir.toString());
  }

  /** Adds {@code servlet}, async supported, at {@code mapping}. */
  EmbeddedTomcat servlet(String name, HttpServlet servlet, String mapping) {
    Wrapper wrapper = Tomcat.addServlet(context, name, servlet);
    wrapper.setAsyncSupported(true);
    wrapper.addMapping(mapping);
    return this;
  }

  /** Maps {@code filter}, async supported, to every path for the REQUEST, ASYNC and ERROR dispatches. */
  EmbeddedTomcat filter(Filter filter) {
    FilterDef def = new FilterDef();
    def.setFilterName("tracing");
    def.setFilter(filter);
    def.setAsyncSupported("true");
    context.addFilterDef(def);
    FilterMap everything = new FilterMap();
    everything.setFilterName("tracing");
    everything.addURLPattern("/*");
    everything.setDispatcher("REQUEST");
    everything.setDispatcher("ASYNC");
    everything.setDispatcher("ERROR");
    context.addFilterMap(everything);
    return this;
  }

  /** Starts Tomcat; returns its base URI. */
  URI start() throws LifecycleException {
    tomcat.start();
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
  }

  @Override public void close() throws LifecycleException {
    tomcat.stop();
    tomcat.destroy();
  }
}
