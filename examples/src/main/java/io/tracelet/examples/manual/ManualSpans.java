package io.tracelet.examples.manual;

import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.Tracer;
import io.tracelet.Tracing;
import io.tracelet.reporter.slf4j.Slf4jReporter;

/**
 * Spans by hand: start one, make it current so that the spans started meanwhile are its children,
 * tag it, add an event, record an error, finish it; and {@link Tracer#inSpan}, which does all of
 * that around one piece of code. Run it to see the spans logged as Zipkin JSON.
 */
public final class ManualSpans {
  /** The card a payment provider refuses in this example. */
  public static final String EXPIRED_CARD = "expired";

  private ManualSpans() {
  }

  public static void main(String[] args) {
    try (Tracing tracing = Tracing.newBuilder().serviceName("checkout").reporter(Slf4jReporter.create()).build()) {
      System.out.println(checkout(tracing.tracer(), "visa", 1250));
      try {
        checkout(tracing.tracer(), EXPIRED_CARD, 800);
      } catch (IllegalStateException e) {
        System.out.println("failed, and recorded on the spans: " + e.getMessage());
      }
    }
  }

  /**
   * A checkout in a SERVER span with two children: {@code reserve stock}, then {@code charge}.
   * Returns the receipt.
   *
   * @throws IllegalStateException when the card is {@link #EXPIRED_CARD}; both {@code charge} and
   *     {@code checkout} record it
   */
  @SuppressWarnings("try") // the scope is held for its effect, never read
  public static String checkout(Tracer tracer, String card, long cents) {
    Span span = tracer.spanBuilder("checkout").kind(SpanKind.SERVER).tag("card", card).start();
    try (Scope ignored = span.makeCurrent()) {
      // inSpan: a child of the current span, current while the code runs, error recorded, finished.
      tracer.inSpan("reserve stock", () -> tracer.currentSpan().tag("items", 1));
      String receipt = tracer.inSpan("charge", () -> charge(card, cents));
      span.event("paid");
      return receipt;
    } catch (RuntimeException e) {
      span.error(e); // marks the span failed; Zipkin shows the message as the "error" tag
      throw e;
    } finally {
      span.finish(); // always: an unfinished span is never reported
    }
  }

  private static String charge(String card, long cents) {
    if (EXPIRED_CARD.equals(card)) throw new IllegalStateException("card expired");
    return "receipt: " + cents + " cents charged to " + card;
  }
}
