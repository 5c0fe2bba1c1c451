package io.tracelet.testing;

import io.tracelet.FinishedSpan;
import java.util.List;

/** How spans read in failure messages: name, kind and IDs in the lowercase hex Zipkin shows. */
final class SpanText {
  private SpanText() {
  }

  /** 32 hex characters for a 128-bit trace ID, 16 for a 64-bit one. */
  static String traceId(FinishedSpan span) {
    return span.traceIdHigh() != 0L ? hex(span.traceIdHigh()) + hex(span.traceId()) : hex(span.traceId());
  }

  static String hex(long id) {
    String digits = Long.toHexString(id);
    return "0".repeat(16 - digits.length()) + digits;
  }

  /** For example {@code "GET /cart" SERVER 4bf92f3577b34da6a3ce929d0e0e4736/00f067aa0ba902b7<53995c3f42cd8ad8}. */
  static String describe(FinishedSpan span) {
    return '"' + span.name() + "\" " + span.kind() + ' ' + traceId(span) + '/' + hex(span.spanId())
        + (span.parentId() != 0L ? "<" + hex(span.parentId()) : "");
  }

  /** One span a line, for messages about a list of spans. */
  static String describe(List<? extends FinishedSpan> spans) {
    StringBuilder text = new StringBuilder();
    for (FinishedSpan span : spans) text.append("\n  ").append(describe(span));
    return spans.isEmpty() ? "no spans" : text.toString();
  }
}
