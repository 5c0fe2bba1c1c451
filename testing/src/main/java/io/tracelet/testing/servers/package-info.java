/**
 * JUnit extensions that run a real Zipkin server ({@link io.tracelet.testing.servers.ZipkinServerExtension})
 * and a real Kafka broker ({@link io.tracelet.testing.servers.KafkaBrokerExtension}) in JVMs of
 * their own, and a real Prometheus server ({@link io.tracelet.testing.servers.PrometheusServerExtension}),
 * on 127.0.0.1, once per test JVM, for tests of reporters and integrations; and the launchers behind
 * them, for programs that need servers of their own: {@code KafkaBroker.launch},
 * {@code ZipkinServer.newBuilder()}, {@code PrometheusServer.newBuilder()}, and
 * {@link io.tracelet.testing.servers.CassandraNode#launch()}.
 */
package io.tracelet.testing.servers;
