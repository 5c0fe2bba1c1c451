/**
 * Wire formats for {@link io.tracelet.Propagator}: B3, W3C Trace Context and W3C Baggage, each
 * parsed by hand to its specification. Start at {@link io.tracelet.propagation.Propagators}. The
 * response side of W3C Trace Context, the {@code server-timing} trace metric, is
 * {@link io.tracelet.propagation.ServerTiming}.
 */
package io.tracelet.propagation;
