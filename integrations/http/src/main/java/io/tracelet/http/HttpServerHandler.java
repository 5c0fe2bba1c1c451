package io.tracelet.http;

import io.tracelet.Endpoint;
import io.tracelet.Propagator;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.TraceContext;
import io.tracelet.Tracer;
import io.tracelet.Tracing;
import io.tracelet.propagation.ServerTiming;
import java.util.Objects;

/**
 * Starts, tags and finishes the {@link SpanKind#SERVER} span of one HTTP request, for a server
 * integration: {@link #handleReceive} when the request arrives, {@link #serverTiming} when the
 * response headers are about to be committed, {@link #handleSend} when the exchange is over.
 *
 * <p>The span's parent is the context the request headers carry, read by {@link Tracing#propagator()};
 * missing or malformed headers start a new trace and never throw. A new trace is decided by the
 * {@link HttpRequestSampler} when one of its rules matches, else by the tracing's sampler. The span
 * is named {@code METHOD /route} when the adapter knows the route, else after the method. Tags:
 * {@code http.method}, {@code http.path}, {@code http.route} (when known), {@code http.status_code}
 * (when a status was sent); {@code error} with the status code for a 5xx, or the exception's message
 * when the exchange failed with one (the exception is recorded on the span). The remote endpoint is
 * the client's IP and port.
 *
 * <p>The span is started, not made current: the integration makes it current where its handler
 * runs. Thread-safe and immutable: one instance serves every request. Per request it allocates the
 * span, its extracted context, and the {@code server-timing} value.
 */
public final class HttpServerHandler {
  private final Tracer tracer;
  private final Propagator propagator;
  private final HttpRequestSampler sampler;

  private HttpServerHandler(Tracing tracing, HttpRequestSampler sampler) {
    this.tracer = tracing.tracer();
    this.propagator = tracing.propagator();
    this.sampler = sampler;
  }

  /**
   * A handler recording to {@code tracing}'s tracer, extracting with its propagator, sampling new
   * traces with its sampler.
   *
   * @throws NullPointerException when {@code tracing} is null
   */
  public static HttpServerHandler create(Tracing tracing) {
    return create(tracing, HttpRequestSampler.none());
  }

  /**
   * A handler that applies {@code sampler}'s rules to requests that start a new trace.
   *
   * @throws NullPointerException when an argument is null
   */
  public static HttpServerHandler create(Tracing tracing, HttpRequestSampler sampler) {
    Objects.requireNonNull(tracing, "tracing == null");
    Objects.requireNonNull(sampler, "sampler == null");
    return new HttpServerHandler(tracing, sampler);
  }

  /** Starts the request's span (not current). Never throws because of the request's content. */
  public <Q> Span handleReceive(HttpServerAdapter<Q> adapter, Q request) {
    String method = adapter.method(request);
    String path = adapter.path(request);
    String route = adapter.route(request);
    TraceContext parent = sampler.parentFor(extract(adapter, request), method, path, SpanKind.SERVER);
    String clientIp = adapter.remoteIp(request);
    int clientPort = adapter.remotePort(request);
    Span span = tracer.spanBuilder(HttpTags.spanName(method, route))
        .kind(SpanKind.SERVER)
        .parent(parent) // null: a new trace
        .remoteEndpoint(clientIp == null && clientPort <= 0 ? null : Endpoint.of(null, clientIp, clientPort))
        .tag(HttpTags.METHOD, method)
        .tag(HttpTags.PATH, path)
        .start();
    if (route != null && !route.isEmpty()) span.tag(HttpTags.ROUTE, route);
    return span;
  }

  private <Q> TraceContext extract(HttpServerAdapter<Q> adapter, Q request) {
    try {
      return propagator.extract(request, adapter::header);
    } catch (RuntimeException e) { // a propagator never should; a hostile header never fails the request
      return null;
    }
  }

  /**
   * Tags {@code statusCode} on the span, then returns the value of the W3C {@code server-timing}
   * header ({@link ServerTiming#HEADER}) to add to the response: its sampled flag says whether this
   * server keeps the request, head-sampled or kept by a keep policy (a 5xx counts, as it is tagged
   * first). Call it just before the response headers are committed, once the status is final: the
   * status and a 5xx's {@code error} tag stay on the span (a status below 100 tags nothing).
   */
  public String serverTiming(Span span, int statusCode) {
    HttpTags.status(span, statusCode);
    return ServerTiming.format(span.context(), span.isKept());
  }

  /**
   * Tags the route (renaming the span {@code METHOD /route}) when the adapter knows it now, the
   * status (below 100: none was sent) and the error (null: none), then finishes the span.
   */
  public <Q> void handleSend(HttpServerAdapter<Q> adapter, Q request, Span span, int statusCode, Throwable error) {
    if (span.isRecording()) {
      HttpTags.route(span, adapter.method(request), adapter.route(request));
      HttpTags.status(span, statusCode);
      if (error != null) span.error(error);
    }
    span.finish();
  }

  @Override public String toString() {
    return "HttpServerHandler{" + propagator + ", " + sampler + "}";
  }
}
