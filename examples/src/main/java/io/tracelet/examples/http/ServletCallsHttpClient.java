package io.tracelet.examples.http;

import com.sun.net.httpserver.HttpServer;
import io.tracelet.Sampler;
import io.tracelet.SpanReporter;
import io.tracelet.Tracing;
import io.tracelet.http.HttpRequestSampler;
import io.tracelet.http.HttpServerHandler;
import io.tracelet.httpserver.TracingFilter;
import io.tracelet.jdk.httpclient.TracingHttpClient;
import io.tracelet.propagation.Propagators;
import io.tracelet.reporter.slf4j.Slf4jReporter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * Two services over HTTP on 127.0.0.1: {@code catalog}, a servlet in an embedded Tomcat traced by
 * {@code tracelet-servlet}, answers {@code GET /products/{id}} by asking {@code prices}, a JDK HTTP
 * server traced by {@code tracelet-httpserver}, with the JDK's {@code HttpClient} wrapped by
 * {@code tracelet-jdk-httpclient}, asynchronously. One trace: catalog's SERVER span
 * ({@code GET /products/*}), its CLIENT span, prices' SERVER span. {@code GET /health} is never traced
 * (an {@link HttpRequestSampler} rule). Run it to see the spans logged.
 */
public final class ServletCallsHttpClient implements AutoCloseable {
  private final Tracing catalogTracing;
  private final Tracing pricesTracing;
  private final HttpServer prices;
  private final Tomcat catalog;
  private final int catalogPort;

  /** Starts both services, each reporting its spans to {@code reporter}. */
  public ServletCallsHttpClient(SpanReporter reporter) throws Exception {
    pricesTracing = Tracing.newBuilder().serviceName("prices").propagator(Propagators.w3cThenB3())
        .reporter(reporter).build();
    prices = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    prices.createContext("/prices", exchange -> {
      byte[] body = "12.50".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }).getFilters().add(TracingFilter.create(pricesTracing));
    prices.start();

    catalogTracing = Tracing.newBuilder().serviceName("catalog").propagator(Propagators.w3cThenB3())
        .sampler(Sampler.always()).reporter(reporter).build();
    HttpRequestSampler rules = HttpRequestSampler.newBuilder().rule("GET", "/health", Sampler.never()).build();
    HttpClient http = TracingHttpClient.create(catalogTracing, HttpClient.newHttpClient());
    URI pricesUri = URI.create("http://127.0.0.1:" + prices.getAddress().getPort() + "/prices");

    catalog = new Tomcat();
    Path baseDir = Files.createTempDirectory("catalog");
    catalog.setBaseDir(baseDir.toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    catalog.setConnector(connector);
    Context context = catalog.addContext("", baseDir.toString());
    Tomcat.addServlet(context, "products", new HttpServlet() {
      @Override protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String price = http.sendAsync(HttpRequest.newBuilder(pricesUri).build(), HttpResponse.BodyHandlers.ofString())
            .thenApply(HttpResponse::body)
            .join();
        response.getWriter().write(request.getPathInfo().substring(1) + " costs " + price);
      }
    }).addMapping("/products/*");
    Tomcat.addServlet(context, "health", new HttpServlet() {
      @Override protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.getWriter().write("up");
      }
    }).addMapping("/health");
    FilterDef tracing = new FilterDef();
    tracing.setFilterName("tracing");
    tracing.setFilter(io.tracelet.servlet.TracingFilter.create(HttpServerHandler.create(catalogTracing, rules)));
    tracing.setAsyncSupported("true");
    context.addFilterDef(tracing);
    FilterMap everything = new FilterMap();
    everything.setFilterName("tracing");
    everything.addURLPattern("/*");
    context.addFilterMap(everything);
    catalog.start();
    catalogPort = connector.getLocalPort();
  }

  /** The catalog's base URI. */
  public URI catalog() {
    return URI.create("http://127.0.0.1:" + catalogPort + "/");
  }

  /** Delivers every span finished so far. */
  public void flush() {
    catalogTracing.flush();
    pricesTracing.flush();
  }

  @Override public void close() throws LifecycleException {
    catalog.stop();
    catalog.destroy();
    prices.stop(0);
    catalogTracing.close();
    pricesTracing.close();
  }

  public static void main(String[] args) throws Exception {
    try (ServletCallsHttpClient services = new ServletCallsHttpClient(Slf4jReporter.create())) {
      HttpClient customer = HttpClient.newHttpClient();
      for (String path : new String[] {"products/piano", "health"}) {
        HttpResponse<String> response = customer.send(HttpRequest.newBuilder(services.catalog().resolve(path)).build(),
            HttpResponse.BodyHandlers.ofString());
        System.out.println("GET /" + path + ": " + response.body());
      }
      services.flush();
    }
  }
}
