/**
 * Reporting finished spans to Zipkin: {@link io.tracelet.reporter.zipkin.ZipkinReporter} sends them over
 * HTTP or Kafka through a zipkin-reporter sender, and {@link io.tracelet.reporter.zipkin.SpanEncoder}
 * writes Zipkin's v2 JSON and proto3 for other uses.
 */
package io.tracelet.reporter.zipkin;
