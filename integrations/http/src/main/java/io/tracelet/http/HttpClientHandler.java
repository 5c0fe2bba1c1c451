package io.tracelet.http;

import io.tracelet.CurrentContext;
import io.tracelet.Endpoint;
import io.tracelet.Propagator;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.SpanBuilder;
import io.tracelet.SpanKind;
import io.tracelet.Tracer;
import io.tracelet.Tracing;
import io.tracelet.propagation.ServerTiming;
import java.util.List;
import java.util.Objects;

/**
 * Starts, tags and finishes the {@link SpanKind#CLIENT} span of one HTTP call, for a client
 * integration: {@link #handleSend} before the request goes out (it writes the span's context into the
 * request's headers), {@link #handleReceive} when the response headers arrive or the call fails.
 *
 * <p>The span's parent is the given span, or the current one; with none, a new trace starts, decided
 * by the {@link HttpRequestSampler} when one of its rules matches, else by the tracing's sampler. A
 * decided parent always wins. The span is named after the method. Tags: {@code http.method},
 * {@code http.path}, {@code http.status_code}; {@code error} with the status code for a 5xx, or the
 * failure's message (the exception is recorded on the span). The remote endpoint is the IP and port
 * of the request's URL, or of where it was redirected to when the integration says so
 * ({@link #redirected}); a host name is never resolved: a name gives the port only.
 *
 * <p>The propagator's headers are set on the request, replacing any it had. When the response carries
 * the W3C {@code server-timing} trace metric saying the server kept this trace, a span that was not
 * head-sampled is marked {@link Span#markDownstreamKept() kept downstream}.
 *
 * <p>The span is started, not made current. Thread-safe and immutable: one instance serves every call.
 * Per call it allocates the span and the header values.
 */
public final class HttpClientHandler {
  private final Tracer tracer;
  private final CurrentContext currentContext;
  private final Propagator propagator;
  private final HttpRequestSampler sampler;

  private HttpClientHandler(Tracing tracing, HttpRequestSampler sampler) {
    this.tracer = tracing.tracer();
    this.currentContext = tracing.currentContext();
    this.propagator = tracing.propagator();
    this.sampler = sampler;
  }

  /**
   * A handler recording to {@code tracing}'s tracer, injecting with its propagator.
   *
   * @throws NullPointerException when {@code tracing} is null
   */
  public static HttpClientHandler create(Tracing tracing) {
    return create(tracing, HttpRequestSampler.none());
  }

  /**
   * A handler that applies {@code sampler}'s rules to calls that start a new trace.
   *
   * @throws NullPointerException when an argument is null
   */
  public static HttpClientHandler create(Tracing tracing, HttpRequestSampler sampler) {
    Objects.requireNonNull(tracing, "tracing == null");
    Objects.requireNonNull(sampler, "sampler == null");
    return new HttpClientHandler(tracing, sampler);
  }

  /**
   * The header names {@link #handleSend} writes, lowercase: a client whose request may already carry
   * some (a reused request) removes them first, so the server gets exactly one context.
   */
  public List<String> headerNames() {
    return propagator.keys();
  }

  /** The span current on this thread, or null: what an asynchronous integration captures as parent. */
  public Span currentSpan() {
    return tracer.currentSpan();
  }

  /**
   * Makes {@code span} current, or no span when it is null, until the scope closes: how an
   * asynchronous integration runs a callback in the trace of the caller it captured.
   */
  public Scope makeCurrent(Span span) {
    return span != null ? span.makeCurrent() : currentContext.clear();
  }

  /** {@link #handleSend(HttpClientAdapter, Object, Span)} with the current span as parent. */
  public <Q> Span handleSend(HttpClientAdapter<Q> adapter, Q request) {
    return handleSend(adapter, request, tracer.currentSpan());
  }

  /**
   * Starts the call's span (not current), a child of {@code parent} (null: a new trace), and sets its
   * context in the request's headers.
   */
  public <Q> Span handleSend(HttpClientAdapter<Q> adapter, Q request, Span parent) {
    String method = adapter.method(request);
    String path = adapter.path(request);
    String host = adapter.host(request);
    int port = adapter.port(request);
    SpanBuilder builder = tracer.spanBuilder(method)
        .kind(SpanKind.CLIENT)
        .remoteEndpoint(host == null && port <= 0 ? null : Endpoint.of(null, host, Math.max(port, 0)))
        .tag(HttpTags.METHOD, method)
        .tag(HttpTags.PATH, path);
    if (parent != null) {
      builder.parent(parent);
    } else {
      builder.parent(sampler.parentFor(null, method, path, SpanKind.CLIENT)); // null: a new trace
    }
    Span span = builder.start();
    propagator.inject(span.context(), request, adapter::setHeader);
    return span;
  }

  /**
   * Sets the span's remote endpoint to {@code host} and {@code port} (0: unknown): for a call that ended
   * at another host or port than it started, after the client followed a redirect. A host name is not
   * resolved (the port only). Call it before {@link #handleReceive}.
   */
  public void redirected(Span span, String host, int port) {
    if (span.isRecording()) span.remoteEndpoint(Endpoint.of(null, host, Math.max(port, 0)));
  }

  /**
   * Tags the status (below 100: none received) and the error (null: none), reads the response's
   * {@code server-timing} value (null: absent), then finishes the span.
   */
  public void handleReceive(Span span, int statusCode, String serverTiming, Throwable error) {
    if (span.isRecording()) {
      HttpTags.status(span, statusCode);
      if (error != null) span.error(error);
      if (serverTiming != null && !span.context().isSampled() && ServerTiming.sampledFor(span.context(), serverTiming)) {
        span.markDownstreamKept();
      }
    }
    span.finish();
  }

  @Override public String toString() {
    return "HttpClientHandler{" + propagator + ", " + sampler + "}";
  }
}
