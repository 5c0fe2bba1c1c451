/**
 * Micrometer Tracing's API over Tracelet: {@link io.tracelet.micrometer.tracing.TraceletTracer} is a
 * Micrometer {@code Tracer} whose spans are Tracelet spans, and
 * {@link io.tracelet.micrometer.tracing.TraceletPropagator} a Micrometer {@code Propagator} over the
 * propagator set on {@code Tracing}. Every other type here is package-private: users see only
 * Micrometer's interfaces.
 */
package io.tracelet.micrometer.tracing;
