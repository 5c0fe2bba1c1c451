package io.tracelet.propagation;

import io.tracelet.Baggage;
import io.tracelet.Propagator;
import io.tracelet.TraceContext;

/**
 * A propagator of trace identity (B3, W3C Trace Context). The composite hands the baggage it read
 * from another header straight to {@link #extract(Object, Getter, Baggage)}, so that a context is
 * built once instead of built and then copied to add the baggage.
 */
abstract class TraceFormat implements Propagator {

  @Override public final <C> TraceContext extract(C carrier, Getter<C> getter) {
    return getter == null ? null : extract(carrier, getter, Baggage.empty());
  }

  /** Like {@link #extract(Object, Getter)}, with {@code baggage} (never null) in the result. */
  abstract <C> TraceContext extract(C carrier, Getter<C> getter, Baggage baggage);

  /** HTTP's optional whitespace: space and horizontal tab. */
  static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }

  /** The first index in [begin, end) that is not optional whitespace, or {@code end}. */
  static int skipOws(String s, int begin, int end) {
    while (begin < end && isOws(s.charAt(begin))) begin++;
    return begin;
  }

  /** The end of [begin, end) once trailing optional whitespace is cut off. */
  static int trimEnd(String s, int begin, int end) {
    while (end > begin && isOws(s.charAt(end - 1))) end--;
    return end;
  }
}
