package io.tracelet.micrometer.tracing;

import io.micrometer.tracing.TraceContext;

/**
 * Builds a context from hex IDs, as Micrometer's {@code TraceContext.Builder} gives them: a trace ID
 * of 16 or 32 hex characters; span and parent IDs of 16, or 32 of which the last 16 count (as
 * Brave's bridge reads them). Not thread-safe.
 */
final class BridgeContextBuilder implements TraceContext.Builder {
  private String traceId;
  private String parentId;
  private String spanId;
  private Boolean sampled;

  @Override public TraceContext.Builder traceId(String traceId) {
    this.traceId = traceId;
    return this;
  }

  @Override public TraceContext.Builder parentId(String parentId) {
    this.parentId = parentId;
    return this;
  }

  @Override public TraceContext.Builder spanId(String spanId) {
    this.spanId = spanId;
    return this;
  }

  @Override public TraceContext.Builder sampled(Boolean sampled) {
    this.sampled = sampled;
    return this;
  }

  /**
   * The context.
   *
   * @throws IllegalArgumentException when an ID is not hex of a valid length, or only one of trace
   *     and span ID is given
   */
  @Override public TraceContext build() {
    return new BridgeContext(parse(traceId, spanId, parentId, sampled), null);
  }

  static io.tracelet.TraceContext parse(String traceId, String spanId, String parentId, Boolean sampled) {
    io.tracelet.TraceContext.Builder b = io.tracelet.TraceContext.newBuilder().sampled(sampled);
    if (traceId != null && !traceId.isEmpty()) {
      if (traceId.length() != 16 && traceId.length() != 32) {
        throw new IllegalArgumentException("trace ID must have 16 or 32 hex characters: " + traceId);
      }
      long high = traceId.length() == 32 ? hex(traceId.substring(0, 16)) : 0L;
      b.traceId(high, hex(traceId.substring(traceId.length() - 16)));
    }
    b.spanId(id(spanId)).parentId(id(parentId));
    try {
      return b.build();
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static long id(String id) {
    if (id == null || id.isEmpty()) return 0L;
    if (id.length() != 16 && id.length() != 32) {
      throw new IllegalArgumentException("ID must have 16 or 32 hex characters: " + id);
    }
    return hex(id.substring(id.length() - 16));
  }

  private static long hex(String s) {
    try {
      return Long.parseUnsignedLong(s, 16);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not hex: " + s, e);
    }
  }
}
