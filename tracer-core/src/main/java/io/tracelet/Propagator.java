package io.tracelet;

import java.util.List;

/**
 * Writes a {@link TraceContext} into a carrier (HTTP headers, gRPC {@code Metadata}, Kafka
 * {@code Headers}...) and reads one back, through a {@link Getter} and a {@link Setter} so that no
 * carrier is ever copied.
 *
 * <p>Implementations are immutable and thread-safe. {@link #extract} never throws on malformed
 * input: it returns null ("nothing extracted", so a new trace starts). Formats live in the
 * {@code io.tracelet:tracelet-propagation} module; the core knows none.
 */
public interface Propagator {

  /**
   * The header (field) names this propagator reads and writes, lowercase. Integrations remove
   * them from a reused carrier before injecting, so that values are replaced, never duplicated.
   */
  List<String> keys();

  /** Writes {@code context} into {@code carrier}; writes at most one value per key. */
  <C> void inject(TraceContext context, C carrier, Setter<C> setter);

  /**
   * Reads a context from {@code carrier}, or returns null when the carrier holds none or holds a
   * malformed one. Never throws because of the carrier's content.
   */
  <C> TraceContext extract(C carrier, Getter<C> getter);

  /**
   * Reads one field of a carrier.
   *
   * <p>Implementations match {@code key} case-insensitively where the carrier allows it, and
   * combine a field that occurs more than once into one comma-separated value, as HTTP does.
   */
  @FunctionalInterface
  interface Getter<C> {
    /** The field's value, or null when absent. */
    String get(C carrier, String key);
  }

  /** Writes one field of a carrier, replacing any value it had. */
  @FunctionalInterface
  interface Setter<C> {
    void set(C carrier, String key, String value);
  }

  /** A propagator that neither injects nor extracts anything. */
  static Propagator noop() {
    return NoopPropagator.INSTANCE;
  }
}
