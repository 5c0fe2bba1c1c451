package io.tracelet.httpserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import io.tracelet.Sampler;
import io.tracelet.Tracing;
import io.tracelet.propagation.Propagators;
import io.tracelet.propagation.ServerTiming;
import io.tracelet.testing.InMemoryReporter;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * {@link TracingFilter} passes the shared server suite over HTTPS ({@link HttpsServer}), the
 * {@code server-timing} metric included, and the handler still sees an {@link HttpsExchange}.
 *
 * <p>{@code localhost.p12} (password {@code tracelet}) holds a self-signed EC certificate for
 * 127.0.0.1, valid for 100 years, made with {@code keytool -genkeypair -alias localhost -keyalg EC
 * -groupname secp256r1 -dname CN=localhost -ext SAN=ip:127.0.0.1,dns:localhost -validity 36500
 * -storetype PKCS12}; the server serves it and the client trusts it.
 */
class HttpsTracingFilterTest extends JdkServerSuite {
  private static final SSLContext TLS = tls();

  @Override HttpServer newServer(InetSocketAddress address) throws IOException {
    HttpsServer server = HttpsServer.create(address, 0);
    server.setHttpsConfigurator(new HttpsConfigurator(TLS));
    return server;
  }

  @Override String scheme() {
    return "https";
  }

  @Override protected HttpClient.Builder clientBuilder() {
    return HttpClient.newBuilder().sslContext(TLS);
  }

  @Test void theHandlerSeesAnHttpsExchangeWithItsSession() throws Exception {
    try (Tracing tracing = Tracing.newBuilder().propagator(Propagators.w3c()).sampler(Sampler.always())
        .reporter(new InMemoryReporter()).build()) {
      HttpsServer server = (HttpsServer) newServer(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      CompletableFuture<String> protocol = new CompletableFuture<>();
      HttpContext context = server.createContext("/", exchange -> {
        protocol.complete(exchange instanceof HttpsExchange
            ? ((HttpsExchange) exchange).getSSLSession().getProtocol() : "not HTTPS");
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
      });
      context.getFilters().add(TracingFilter.create(tracing));
      server.start();
      try {
        HttpResponse<Void> response = clientBuilder().build().send(HttpRequest.newBuilder(
            URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/")).timeout(TIMEOUT).build(),
            HttpResponse.BodyHandlers.discarding());

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(protocol.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).startsWith("TLS");
        assertThat(response.headers().firstValue(ServerTiming.HEADER)).isPresent();
      } finally {
        server.stop(0);
      }
    }
  }

  private static SSLContext tls() {
    try (InputStream in = HttpsTracingFilterTest.class.getResourceAsStream("/localhost.p12")) {
      char[] password = "tracelet".toCharArray();
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the test certificate", e);
    }
  }
}
