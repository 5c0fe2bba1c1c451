package io.tracelet.kafka;

import io.tracelet.Propagator;
import io.tracelet.TraceContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Reads and writes a trace context in Kafka record headers. Kafka matches header keys exactly;
 * these match the propagator's keys ignoring case, so that {@code X-B3-TraceId} written by another
 * tracer is found, and replaced rather than duplicated.
 */
final class TraceHeaders {
  private static final Propagator.Getter<Headers> GETTER = (headers, key) -> {
    String joined = null; // a repeated key is joined with commas, like a repeated HTTP header
    for (Header header : headers) {
      if (header.value() == null || !header.key().equalsIgnoreCase(key)) continue;
      String value = new String(header.value(), StandardCharsets.UTF_8);
      joined = joined == null ? value : joined + "," + value;
    }
    return joined;
  };
  private static final Propagator.Setter<Headers> SETTER = (headers, key, value) -> {
    headers.remove(key);
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  };

  private final Propagator propagator;
  private final List<String> keys;

  TraceHeaders(Propagator propagator) {
    this.propagator = propagator;
    this.keys = propagator.keys();
  }

  /** The context in {@code headers}, or null when there is none or it is malformed. */
  TraceContext extract(Headers headers) {
    return propagator.extract(headers, GETTER);
  }

  /**
   * Removes every trace header, whatever its case, and writes {@code context}. Does nothing to
   * read-only headers, such as those of a record already sent.
   */
  void replace(Headers headers, TraceContext context) {
    try {
      List<String> stale = null;
      for (Header header : headers) {
        if (!isTraceKey(header.key())) continue;
        if (stale == null) stale = new ArrayList<>(keys.size());
        stale.add(header.key());
      }
      if (stale != null) for (String key : stale) headers.remove(key);
      propagator.inject(context, headers, SETTER);
    } catch (IllegalStateException e) { // read-only headers: leave them as they are
    }
  }

  private boolean isTraceKey(String key) {
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i).equalsIgnoreCase(key)) return true;
    }
    return false;
  }
}
