/**
 * The demo: a small shop of four services, each with its own {@link io.tracelet.Tracing}, talking
 * over real loopback sockets. {@code web} (JDK HTTP server) asks {@code inventory} over gRPC, then
 * {@code orders} (a servlet in an embedded Tomcat) over HTTP with the JDK's {@code HttpClient};
 * {@code orders} publishes to Kafka, and {@code shipping}
 * consumes. {@link io.tracelet.examples.demo.Demo} drives traffic through it and prints each
 * request's trace link; {@code examples/demo.sh} starts Kafka and Zipkin around it.
 */
package io.tracelet.examples.demo;
