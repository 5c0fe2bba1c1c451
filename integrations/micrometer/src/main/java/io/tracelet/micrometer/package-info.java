/**
 * Tracelet's signals in Micrometer: {@link io.tracelet.micrometer.TraceletMetrics} binds a
 * {@code Tracing}'s span metrics and counters to a {@code MeterRegistry}, under the names the
 * OpenTelemetry Collector's {@code spanmetrics} connector uses; {@link
 * io.tracelet.micrometer.TraceletSpanContext} gives the Prometheus registry the trace of each
 * observation, so that its buckets carry exemplars. The module's resources hold Prometheus alerting
 * rules on those names ({@code io/tracelet/micrometer/tracelet-rules.yml}).
 */
package io.tracelet.micrometer;
