package io.tracelet.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracelet.FinishedSpan;
import io.tracelet.SpanKind;
import java.util.List;

/** Finds the spans a test looks at. Free of mockwebserver3, which the OkHttp 4 run lacks. */
final class ClientSpans {
  private ClientSpans() {
  }

  /** The one CLIENT span among {@code spans} whose {@code http.path} is {@code path}. */
  static FinishedSpan withPath(List<FinishedSpan> spans, String path) {
    List<FinishedSpan> found = spans.stream()
        .filter(s -> s.kind() == SpanKind.CLIENT && path.equals(tag(s, "http.path"))).toList();
    assertThat(found).as("CLIENT spans for %s", path).hasSize(1);
    return found.get(0);
  }

  /** The value of the tag {@code key}, or null. */
  static String tag(FinishedSpan span, String key) {
    for (int i = 0; i < span.tagCount(); i++) {
      if (span.tagKey(i).equals(key)) return span.tagValue(i);
    }
    return null;
  }
}
