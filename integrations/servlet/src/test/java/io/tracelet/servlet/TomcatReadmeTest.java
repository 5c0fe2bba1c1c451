package io.tracelet.servlet;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import io.tracelet.testing.InMemoryReporter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;

/** The snippet of README.md, run by a ServletContainerInitializer in an embedded Tomcat. */
class TomcatReadmeTest {

  @Test void registerTheFilter() throws Exception {
    InMemoryReporter reporter = new InMemoryReporter();
    Tomcat tomcat = new Tomcat();
    try (Tracing tracing = Tracing.newBuilder().reporter(reporter).build()) {
      Path baseDir = Files.createTempDirectory("tomcat");
      tomcat.setBaseDir(baseDir.toString());
      Connector connector = new Connector();
      connector.setPort(0);
      connector.setProperty("address", "127.0.0.1");
      tomcat.setConnector(connector);
      Context context = tomcat.addContext("", baseDir.toString());
      Tomcat.addServlet(context, "users", new HttpServlet() {
        @Override protected void doGet(HttpServletRequest request, HttpServletResponse response) {
          response.setStatus(204);
        }
      });
      context.addServletMappingDecoded("/users/*", "users");
      context.addServletContainerInitializer((classes, servletContext) -> register(servletContext, tracing), null);
      tomcat.start();

      HttpResponse<Void> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/users/7")).build(),
          HttpResponse.BodyHandlers.discarding());

      assertThat(response.statusCode()).isEqualTo(204);
      assertThat(response.headers().firstValue("server-timing")).isPresent();
      tracing.flush();
      assertThat(reporter.spans()).singleElement().satisfies(s -> assertThat(s).hasKind(SpanKind.SERVER)
          .hasName("GET /users/*").hasTag("http.route", "/users/*").hasTag("http.status_code", "204"));
    } finally {
      tomcat.stop();
      tomcat.destroy();
    }
  }

  private static void register(ServletContext servletContext, Tracing tracing) {
    // README: use
    FilterRegistration.Dynamic tracingFilter = servletContext.addFilter("tracing", TracingFilter.create(tracing));
    tracingFilter.setAsyncSupported(true);
    tracingFilter.addMappingForUrlPatterns(
        EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR), false, "/*");
    // README end
  }
}
