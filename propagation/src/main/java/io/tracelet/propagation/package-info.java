/**
 * Wire formats for {@link io.tracelet.Propagator}: B3, W3C Trace Context and W3C Baggage, each
 * parsed by hand to its specification. Start at {@link io.tracelet.propagation.Propagators}.
 */
package io.tracelet.propagation;
