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
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The snippet of README.md, run by a ServletContainerInitializer in an embedded Tomcat. */
class TomcatReadmeTest {

  @Test void registerTheFilter() throws Exception {
    InMemoryReporter reporter = new InMemoryReporter();
    try (Tracing tracing = Tracing.newBuilder().reporter(reporter).build(); EmbeddedTomcat tomcat = new EmbeddedTomcat()) {
      tomcat.servlet("users", new HttpServlet() {
        @Override protected void doGet(HttpServletRequest request, HttpServletResponse response) {
          response.setStatus(204);
        }
      }, "/users/*");
      tomcat.context.addServletContainerInitializer((classes, servletContext) -> register(servletContext, tracing), null);
      URI base = tomcat.start();

      HttpResponse<Void> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(base.resolve("users/7")).build(),
          HttpResponse.BodyHandlers.discarding());

      assertThat(response.statusCode()).isEqualTo(204);
      assertThat(response.headers().firstValue("server-timing")).isPresent();
      tracing.flush();
      assertThat(reporter.spans()).singleElement().satisfies(s -> assertThat(s).hasKind(SpanKind.SERVER)
          .hasName("GET /users/*").hasTag("http.route", "/users/*").hasTag("http.status_code", "204"));
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
