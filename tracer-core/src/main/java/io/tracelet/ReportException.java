package io.tracelet;

/**
 * Thrown by a {@link SpanReporter} to say that some spans of a batch were not delivered, and why:
 * the recorder counts {@link #spansFailed()} of the batch as failed under {@link #reason()} and
 * the rest as reported, in {@link TracingCounters}. A reporter that throws any other exception has
 * failed the whole batch, counted under the exception's simple class name.
 *
 * <p>A signal, not an error report: it carries no stack trace, and the recorder does not log it
 * (the reporter logs what it wants users to see).
 */
public final class ReportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int spansFailed;
  private final String reason;

  /**
   * @param spansFailed how many spans of the batch were not delivered (clamped to the batch size)
   * @param reason a short cause, such as {@code ConnectException}; null reads "unknown"
   */
  public ReportException(int spansFailed, String reason) {
    super(spansFailed + " span(s) not delivered: " + reason, null, false, false);
    this.spansFailed = Math.max(0, spansFailed);
    this.reason = reason == null || reason.isEmpty() ? "unknown" : reason;
  }

  /** How many spans of the batch were not delivered. */
  public int spansFailed() {
    return spansFailed;
  }

  /** Why, in a word or two; the key in {@link TracingCounters#spansLostByCause()}. */
  public String reason() {
    return reason;
  }
}
