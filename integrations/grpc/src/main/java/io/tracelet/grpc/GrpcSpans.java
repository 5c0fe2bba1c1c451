package io.tracelet.grpc;

import io.grpc.Metadata;
import io.grpc.Status;
import io.tracelet.CurrentContext;
import io.tracelet.Endpoint;
import io.tracelet.Propagator;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.TraceContext;
import io.tracelet.Tracer;
import io.tracelet.Tracing;
import io.tracelet.propagation.ServerTiming;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;

/** What the client and server interceptors share: propagation through Metadata, and how a span ends. */
final class GrpcSpans {
  /** Where a server answers with the W3C server-timing trace metric: a trailer, as gRPC has no late headers. */
  static final Metadata.Key<String> SERVER_TIMING = Metadata.Key.of(ServerTiming.HEADER, Metadata.ASCII_STRING_MARSHALLER);
  final Tracer tracer;
  final CurrentContext currentContext;
  private final Propagator propagator;
  private final Map<String, Metadata.Key<String>> keys; // the propagator's keys, made once
  private final Propagator.Getter<Metadata> getter = this::get;
  private final Propagator.Setter<Metadata> setter = this::set;

  GrpcSpans(Tracing tracing) {
    this.tracer = tracing.tracer();
    this.currentContext = tracing.currentContext();
    this.propagator = tracing.propagator();
    Map<String, Metadata.Key<String>> keys = new HashMap<>();
    for (String name : propagator.keys()) {
      Metadata.Key<String> key = newKey(name);
      if (key != null) keys.put(name, key);
    }
    this.keys = Map.copyOf(keys);
  }

  /** The context {@code headers} carry, or null (also for malformed ones). */
  TraceContext extract(Metadata headers) {
    return propagator.extract(headers, getter);
  }

  /** Writes {@code context} into {@code headers}, first removing any trace headers they had. */
  void inject(TraceContext context, Metadata headers) {
    for (Metadata.Key<String> key : keys.values()) headers.discardAll(key);
    propagator.inject(context, headers, setter);
  }

  /**
   * Adds the server-timing trace metric to a server's trailers: whether this server kept the
   * call's trace, so that a caller with a keep policy keeps its part too.
   */
  static void answer(Span span, Metadata trailers) {
    trailers.discardAll(SERVER_TIMING);
    trailers.put(SERVER_TIMING, ServerTiming.format(span.context(), span.isKept()));
  }

  /**
   * A provisional client span whose server said, in its trailers, that it kept this trace: the
   * caller's local part is kept too (the signal only ever upgrades a decision, for this trace).
   */
  static void readAnswer(Span span, Metadata trailers) {
    if (!span.isRecording() || span.context().isSampled() || trailers == null) return;
    Iterable<String> values = trailers.getAll(SERVER_TIMING);
    if (values == null) return;
    if (ServerTiming.sampledFor(span.context(), String.join(",", values))) span.markDownstreamKept();
  }

  /** Makes {@code span} current, or clears the current span when it is null. */
  Scope makeCurrent(Span span) {
    return span != null ? span.makeCurrent() : currentContext.clear();
  }

  private String get(Metadata headers, String name) {
    Metadata.Key<String> key = keyFor(name);
    Iterable<String> values = key == null ? null : headers.getAll(key);
    if (values == null) return null;
    String joined = null; // a repeated key is joined with commas, as HTTP/2 headers are
    for (String value : values) joined = joined == null ? value : joined + "," + value;
    return joined;
  }

  private void set(Metadata headers, String name, String value) {
    Metadata.Key<String> key = keyFor(name);
    if (key == null) return;
    headers.discardAll(key);
    headers.put(key, value);
  }

  private Metadata.Key<String> keyFor(String name) {
    Metadata.Key<String> key = keys.get(name);
    return key != null ? key : newKey(name);
  }

  // Null for a name gRPC refuses (such as one ending in "-bin"): that field is neither read nor written.
  private static Metadata.Key<String> newKey(String name) {
    try {
      return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Tags {@code status} and finishes {@code span}: {@code grpc.status_code} always; when it is not
   * OK, the status's cause as the span's error, or else {@code error} with the code's name.
   */
  static void finish(Span span, Status status) {
    if (span.isRecording()) {
      span.tag("grpc.status_code", status.getCode().name());
      if (status.getCause() != null) {
        span.error(status.getCause());
      } else if (!status.isOk()) {
        span.tag("error", status.getCode().name());
      }
    }
    span.finish();
  }

  /** The peer's IP and port; null for a transport without them, such as in-process. */
  static Endpoint endpoint(SocketAddress address) {
    if (!(address instanceof InetSocketAddress)) return null;
    return Endpoint.of(null, (InetSocketAddress) address); // already resolved: no DNS
  }
}
