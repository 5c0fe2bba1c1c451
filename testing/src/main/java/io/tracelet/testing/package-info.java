/**
 * For tests of code that uses Tracelet: {@link io.tracelet.testing.InMemoryReporter} keeps finished
 * spans and waits for them, and {@link io.tracelet.testing.TraceletAssertions} asserts on them in
 * AssertJ's style. The JUnit extensions that run a real Zipkin server and Kafka broker are in
 * {@link io.tracelet.testing.servers}.
 */
package io.tracelet.testing;
