package io.tracelet.testing.servers;

import java.lang.reflect.AnnotatedElement;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The servers of one test JVM, kept in the store of JUnit's root context: each kind is started by
 * the first test that asks for it, shared by all later ones, and stopped when JUnit closes the
 * root context at the end of the run.
 */
final class SharedServers {
  private static final Namespace NAMESPACE = Namespace.create(SharedServers.class);

  private SharedServers() {
  }

  /** What the store keeps: JUnit closes it, which stops the server; the handles themselves don't close. */
  private record Running(Object server, Runnable stop) implements AutoCloseable {
    @Override public void close() {
      stop.run();
    }
  }

  /** The shared broker, started again if a test left it stopped. */
  static KafkaBroker kafkaBroker(ExtensionContext context) {
    Running running = context.getRoot().getStore(NAMESPACE).computeIfAbsent("kafka-broker", key -> {
      KafkaBroker broker = KafkaBroker.launch(1);
      return new Running(broker, broker::close);
    }, Running.class);
    KafkaBroker broker = (KafkaBroker) running.server();
    broker.start(); // a test may have left it stopped
    return broker;
  }

  /**
   * The Zipkin server for the test of {@code context}: wired to the shared Kafka broker when that
   * test also uses {@link KafkaBrokerExtension}, plain otherwise. Started again if a test left it
   * stopped.
   */
  static ZipkinServer zipkinServer(ExtensionContext context) {
    // The broker is started first, so it is in the store before the server that reads from it and
    // is closed after it.
    String kafka = usesKafkaBroker(context) ? kafkaBroker(context).bootstrapServers() : null;
    Running running = context.getRoot().getStore(NAMESPACE)
        .computeIfAbsent(kafka != null ? "zipkin-server-with-kafka" : "zipkin-server", key -> {
          ZipkinServer server = ZipkinServer.newBuilder().kafka(kafka).launch();
          return new Running(server, server::close);
        }, Running.class);
    ZipkinServer server = (ZipkinServer) running.server();
    server.start();
    return server;
  }

  /** The shared Prometheus server. */
  static PrometheusServer prometheusServer(ExtensionContext context) {
    Running running = context.getRoot().getStore(NAMESPACE).computeIfAbsent("prometheus-server", key -> {
      PrometheusServer server = PrometheusServer.newBuilder().launch();
      return new Running(server, server::close);
    }, Running.class);
    return (PrometheusServer) running.server();
  }

  /**
   * True when {@link KafkaBrokerExtension} is declared with {@code @ExtendWith} (directly or in a
   * composed annotation) on the test method, its class, a superclass or an enclosing class.
   */
  static boolean usesKafkaBroker(ExtensionContext context) {
    for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
      Optional<AnnotatedElement> element = c.get().getElement();
      if (element.isPresent() && AnnotationSupport.findRepeatableAnnotations(element.get(), ExtendWith.class)
          .stream().anyMatch(e -> Arrays.asList(e.value()).contains(KafkaBrokerExtension.class))) {
        return true;
      }
    }
    return false;
  }
}
