package io.tracelet.testing.servers;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands tests a real {@link PrometheusServer} on 127.0.0.1: declare it with
 * {@code @ExtendWith(PrometheusServerExtension.class)} and take a {@code PrometheusServer}
 * parameter in a test, lifecycle method or constructor. The first test that asks starts the
 * server (about a second); every later test of the JVM gets the same one; it stops when the test
 * run ends, or with the JVM however that ends.
 *
 * <pre>{@code
 * @ExtendWith(PrometheusServerExtension.class)
 * class AlertsTest {
 *   @Test void errorsAlert(PrometheusServer prometheus) {
 *     prometheus.rules("mine", rulesYaml);
 *     prometheus.scrape("my-service", "127.0.0.1:" + port, "/metrics");
 *     prometheus.awaitAlerts(alerts -> !alerts.isEmpty(), Duration.ofSeconds(30));
 *   }
 * }
 * }</pre>
 *
 * <p>The {@code prometheus} program comes from the PATH; see {@link PrometheusServer#executable}.
 * Stateless and thread-safe.
 */
public final class PrometheusServerExtension implements ParameterResolver {

  /** Called by JUnit. */
  public PrometheusServerExtension() {
  }

  @Override public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == PrometheusServer.class;
  }

  @Override public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return SharedServers.prometheusServer(context);
  }
}
