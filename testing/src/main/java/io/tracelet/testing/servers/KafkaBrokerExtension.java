package io.tracelet.testing.servers;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands tests a real {@link KafkaBroker} on 127.0.0.1: declare it with
 * {@code @ExtendWith(KafkaBrokerExtension.class)} and take a {@code KafkaBroker} parameter in a
 * test, lifecycle method or constructor. The first test that asks starts the broker (about
 * 3 seconds); every later test of the JVM gets the same one; it stops when the test run ends, or
 * with the JVM however that ends.
 *
 * <p>Declared together with {@link ZipkinServerExtension}, it makes the Zipkin server of those
 * tests collect this broker's topic {@code zipkin}.
 *
 * <p>The broker's jars come from the file named by the system property
 * {@code tracelet.kafka-broker.classpath}; see {@code testing/README.md}. Stateless and
 * thread-safe.
 */
public final class KafkaBrokerExtension implements ParameterResolver {

  /** Called by JUnit. */
  public KafkaBrokerExtension() {
  }

  @Override public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == KafkaBroker.class;
  }

  @Override public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return SharedServers.kafkaBroker(context);
  }
}
