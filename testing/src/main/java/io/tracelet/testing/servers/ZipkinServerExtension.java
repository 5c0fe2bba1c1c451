package io.tracelet.testing.servers;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands tests a real {@link ZipkinServer} on 127.0.0.1: declare it with
 * {@code @ExtendWith(ZipkinServerExtension.class)} and take a {@code ZipkinServer} parameter in a
 * test, lifecycle method or constructor. The first test that asks starts the server (about
 * 6 seconds); every later test of the JVM gets the same one, running; it stops when the test run
 * ends, or with the JVM however that ends.
 *
 * <p>Where {@link KafkaBrokerExtension} is declared too ({@code @ExtendWith} on the same class, an
 * enclosing or super class, or the method), the test gets another server, also shared, that
 * collects the topic {@code zipkin} of the shared broker as well as HTTP:
 *
 * <pre>{@code
 * @ExtendWith({KafkaBrokerExtension.class, ZipkinServerExtension.class})
 * class KafkaSenderTest {
 *   @Test void spansGoThroughKafka(KafkaBroker kafka, ZipkinServer zipkin) { ... }
 * }
 * }</pre>
 *
 * <p>The server's jar comes from the file named by the system property
 * {@code tracelet.zipkin-server.classpath}; see {@code testing/README.md}. Stateless and
 * thread-safe.
 */
public final class ZipkinServerExtension implements ParameterResolver {

  /** Called by JUnit. */
  public ZipkinServerExtension() {
  }

  @Override public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == ZipkinServer.class;
  }

  @Override public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return SharedServers.zipkinServer(context);
  }
}
