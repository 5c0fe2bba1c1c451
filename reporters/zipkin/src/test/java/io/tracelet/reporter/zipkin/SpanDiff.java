package io.tracelet.reporter.zipkin;

import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import zipkin2.Span;

/**
 * Compares two Zipkin spans and, when they differ, fails naming only the differing properties with
 * short, escaped excerpts: random spans carry huge hostile strings that would drown a plain
 * {@code isEqualTo} message.
 */
final class SpanDiff {
  private static final List<Property> PROPERTIES = List.of(
      new Property("traceId", Span::traceId), new Property("parentId", Span::parentId),
      new Property("id", Span::id), new Property("kind", Span::kind),
      new Property("name", Span::name), new Property("timestamp", Span::timestamp),
      new Property("duration", Span::duration), new Property("localEndpoint", Span::localEndpoint),
      new Property("remoteEndpoint", Span::remoteEndpoint),
      new Property("annotations", Span::annotations), new Property("tags", Span::tags),
      new Property("debug", Span::debug), new Property("shared", Span::shared));

  static void assertSame(Span actual, Span expected, String label) {
    if (Objects.equals(actual, expected)) return;
    List<String> differences = new ArrayList<>();
    for (Property p : PROPERTIES) {
      Object a = p.get.apply(actual);
      Object e = p.get.apply(expected);
      if (!Objects.equals(a, e)) {
        String as = String.valueOf(a);
        String es = String.valueOf(e);
        int at = 0;
        while (at < as.length() && at < es.length() && as.charAt(at) == es.charAt(at)) at++;
        int from = Math.max(0, at - 20);
        differences.add(p.name + " from char " + at + ": got " + excerpt(as.substring(from))
            + " but expected " + excerpt(es.substring(from)));
      }
    }
    fail(label + " differs in " + differences);
  }

  /** The start of a string, escaped, at most 60 code points. */
  private static String excerpt(String s) {
    StringBuilder b = new StringBuilder("\"");
    s.codePoints().limit(60).forEach(cp -> {
      if (cp >= 0x20 && cp < 0x7f) b.append((char) cp);
      else b.append(String.format("\\u{%x}", cp));
    });
    return b.append(s.length() > 60 ? "...\" (" + s.length() + " chars)" : "\"").toString();
  }

  private static final class Property {
    final String name;
    final Function<Span, Object> get;

    Property(String name, Function<Span, Object> get) {
      this.name = name;
      this.get = get;
    }
  }

  private SpanDiff() {
  }
}
