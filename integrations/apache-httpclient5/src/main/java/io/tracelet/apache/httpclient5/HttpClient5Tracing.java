package io.tracelet.apache.httpclient5;

import io.tracelet.Tracing;
import io.tracelet.http.HttpClientHandler;
import java.util.Objects;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * Builds Apache HttpClient 5 clients, classic and async, that record one
 * {@link io.tracelet.SpanKind#CLIENT} span per request and send its context in the headers of every
 * message the request causes, in the format of {@link Tracing#propagator()}.
 *
 * <pre>{@code
 * HttpClient5Tracing traced = HttpClient5Tracing.create(tracing);
 * CloseableHttpClient http = traced.build(HttpClients.custom());
 * CloseableHttpAsyncClient async = traced.build(HttpAsyncClients.custom());
 * }</pre>
 *
 * <p>The span's parent is the span current when {@code execute} is called (none: a new trace, decided
 * by the handler's {@link io.tracelet.http.HttpRequestSampler} rules, else the tracing's sampler). It
 * is named after the method; tags {@code http.method}, {@code http.path} (the path the caller asked
 * for, without the query), {@code http.status_code} (the final response's), and {@code error} with the
 * status code for a 5xx or the failure's message (see {@link HttpClientHandler}). The remote endpoint
 * is the IP and port of the request's URI (a host name is never resolved).
 *
 * <p>Redirects and retries stay in the one span: each message sent (the first, each redirect, each
 * retry) carries the span's context, replacing any trace header the caller's request had (a value
 * that is not a plain header value, such as one with a line break, is left out), and each
 * after the first adds an event, {@code redirect} or {@code retry}; a redirect to another host moves
 * the remote endpoint there. When the final response's {@code server-timing} metric says the server
 * kept the trace, an unsampled span is kept too (a keep policy's downstream keep).
 *
 * <p>The span ends when the call does, as the caller sees it, and records what the caller gets,
 * which is unchanged: classic {@code execute} with a response handler, when the handler has run
 * (its exception recorded); classic {@code executeOpen}, when the response head is returned (the body
 * is the caller's); async {@code execute}, when the returned future completes (the response consumer
 * has built the result), fails (the consumer's failure included) or is cancelled (a
 * {@link java.util.concurrent.CancellationException} recorded). The async callback runs with the
 * caller's span current; the future returned has no stages to carry a trace to.
 *
 * <p>It works through the library's own extension point, the exec chain: a handler first in the chain
 * starts the span, one last before the transport writes the headers of each message, and the built
 * client is wrapped to learn where the call ends. The caching builders of {@code httpclient5-cache}
 * are builders of these kinds: a call answered from the cache is a span that sent no message. Pushed
 * responses (HTTP/2) are not traced.
 *
 * <p>Thread-safe and immutable. Per call the classic client allocates the span, the header values, a
 * call record (and a context when the caller passed none); the async client also a callback.
 */
public final class HttpClient5Tracing {
  private final HttpClientHandler handler;

  private HttpClient5Tracing(HttpClientHandler handler) {
    this.handler = handler;
  }

  /**
   * Clients traced by {@code tracing}.
   *
   * @throws NullPointerException when {@code tracing} is null
   */
  public static HttpClient5Tracing create(Tracing tracing) {
    return create(HttpClientHandler.create(Objects.requireNonNull(tracing, "tracing == null")));
  }

  /**
   * Clients traced by {@code handler} (for request sampling rules:
   * {@code HttpClientHandler.create(tracing, rules)}).
   *
   * @throws NullPointerException when {@code handler} is null
   */
  public static HttpClient5Tracing create(HttpClientHandler handler) {
    return new HttpClient5Tracing(Objects.requireNonNull(handler, "handler == null"));
  }

  /**
   * Adds Tracelet's two exec-chain handlers to {@code builder}, builds it, and returns the traced
   * client. Configure the builder fully first, and build each builder once.
   *
   * @throws NullPointerException when {@code builder} is null
   */
  public CloseableHttpClient build(HttpClientBuilder builder) {
    Objects.requireNonNull(builder, "builder == null");
    builder.addExecInterceptorFirst(SpanExec.NAME, SpanExec.INSTANCE);
    builder.addExecInterceptorLast(HeadersExec.NAME, HeadersExec.INSTANCE);
    return new TracedHttpClient(builder.build(), handler);
  }

  /**
   * Adds Tracelet's two exec-chain handlers to {@code builder}, builds it, and returns the traced
   * client, not yet started (call {@code start()} as usual). Configure the builder fully first, and
   * build each builder once.
   *
   * @throws NullPointerException when {@code builder} is null
   */
  public CloseableHttpAsyncClient build(HttpAsyncClientBuilder builder) {
    Objects.requireNonNull(builder, "builder == null");
    builder.addExecInterceptorFirst(SpanExec.NAME, SpanExec.INSTANCE);
    builder.addExecInterceptorLast(HeadersExec.NAME, HeadersExec.INSTANCE);
    return new TracedHttpAsyncClient(builder.build(), handler);
  }

  @Override public String toString() {
    return "HttpClient5Tracing{" + handler + "}";
  }
}
