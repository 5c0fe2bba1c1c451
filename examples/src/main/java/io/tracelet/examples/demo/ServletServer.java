package io.tracelet.examples.demo;

import io.tracelet.Tracing;
import io.tracelet.servlet.TracingFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;

/**
 * An embedded Tomcat 11 on a free loopback port serving one servlet, every request traced by
 * {@code tracelet-servlet}'s {@link TracingFilter}, registered the way its README says (a
 * {@code ServletContainerInitializer} adds the filter for every path, async supported).
 */
final class ServletServer implements AutoCloseable {
  /**
   * Tomcat's own chatter (java.util.logging): warnings and errors only, and not the warning that seeding
   * the session IDs' random generator was slow (the demo has no sessions). Held, or they are forgotten.
   */
  private static final java.util.logging.Logger TOMCAT_LOG = java.util.logging.Logger.getLogger("org.apache");
  private static final java.util.logging.Logger SESSION_ID_LOG =
      java.util.logging.Logger.getLogger("org.apache.catalina.util.SessionIdGeneratorBase");

  static {
    TOMCAT_LOG.setLevel(Level.WARNING);
    SESSION_ID_LOG.setLevel(Level.SEVERE);
  }

  private final Tomcat tomcat = new Tomcat();
  private final Connector connector = new Connector();
  private final Path baseDir;

  private ServletServer(Path baseDir) {
    this.baseDir = baseDir;
  }

  /**
   * Starts Tomcat serving {@code servlet} at {@code mapping}, traced by {@code tracing}, with at most
   * {@code threads} request threads.
   */
  static ServletServer start(Tracing tracing, String mapping, HttpServlet servlet, int threads) throws Exception {
    ServletServer server = new ServletServer(Files.createTempDirectory("tracelet-demo-tomcat"));
    try {
      server.startTomcat(tracing, mapping, servlet, threads);
      return server;
    } catch (Exception | Error e) {
      try {
        server.close();
      } catch (Exception closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  private void startTomcat(Tracing tracing, String mapping, HttpServlet servlet, int threads)
      throws LifecycleException {
    tomcat.setBaseDir(baseDir.toString());
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    connector.setProperty("maxThreads", Integer.toString(threads));
    connector.setProperty("minSpareThreads", "1");
    tomcat.setConnector(connector);
    StandardContext context = (StandardContext) tomcat.addContext("", baseDir.toString());
    // A web application's leak hunt on stop, for redeploys: the demo has one application, stopped with the JVM's
    // services, and the hunt only warns that it needs --add-opens.
    context.setClearReferencesThreadLocals(false);
    context.setClearReferencesRmiTargets(false);
    context.addServletContainerInitializer((classes, servletContext) -> {
      FilterRegistration.Dynamic tracingFilter = servletContext.addFilter("tracing", TracingFilter.create(tracing));
      tracingFilter.setAsyncSupported(true);
      tracingFilter.addMappingForUrlPatterns(
          EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR), false, "/*");
      servletContext.addServlet("service", servlet).addMapping(mapping);
    }, null);
    tomcat.start();
  }

  /** The port Tomcat listens on. */
  int port() {
    return connector.getLocalPort();
  }

  /** Stops Tomcat at once (a request in progress is cut short) and deletes its working folder. */
  @Override public void close() throws LifecycleException {
    try {
      tomcat.stop();
      tomcat.destroy();
    } finally {
      deleteRecursively(baseDir);
    }
  }

  private static void deleteRecursively(Path folder) {
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete Tomcat's folder " + folder, e);
    }
  }
}
