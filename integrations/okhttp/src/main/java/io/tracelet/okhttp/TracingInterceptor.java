package io.tracelet.okhttp;

import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import io.tracelet.http.HttpClientAdapter;
import io.tracelet.http.HttpClientHandler;
import io.tracelet.propagation.ServerTiming;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * An OkHttp application interceptor that records one {@link SpanKind#CLIENT} span per call and
 * sends the span's context in the request headers, in the format of {@link Tracing#propagator()}.
 *
 * <p>Add it with {@code OkHttpClient.Builder.addInterceptor}, not as a network interceptor: a call's
 * redirects and retries then belong to its one span, and every attempt carries that span's context.
 * The span's parent is the span current on the thread that runs the interceptor: the caller's, for
 * {@code execute()}; none, for {@code enqueue()}, which runs on OkHttp's dispatcher threads. To keep
 * the caller's trace for asynchronous calls, use {@link TracingCallFactory}, which installs this
 * interceptor and tells it the parent. With no parent, a new trace starts, decided by the handler's
 * {@link io.tracelet.http.HttpRequestSampler} rules, else the tracing's sampler.
 *
 * <p>The span is the one every Tracelet HTTP client records ({@link HttpClientHandler}): named after
 * the HTTP method, tags {@code http.method}, {@code http.path}, {@code http.status_code};
 * {@code error} with the status code for a 5xx response, or the failure's message for an exception
 * (which is rethrown unchanged). The remote endpoint is the IP and port of the URL that answered
 * (after a redirect, where it ended; a host name is never resolved). It is current while the rest of
 * the chain runs, and finished when the response headers arrive or the call fails. When the
 * response's {@code server-timing} metric says the server kept the trace, an unsampled span is kept
 * too (a keep policy's downstream keep).
 *
 * <p>Trace headers already in the request are replaced; a header value OkHttp refuses is left out
 * rather than failing the call.
 *
 * <p>Thread-safe and immutable: one instance serves every call. Per call it allocates the span, one
 * copy of the request with the headers added, and a scope.
 */
public final class TracingInterceptor implements Interceptor {
  /** The request as it goes out: the original (read) and its copy (written). */
  private record Outgoing(Request request, Request.Builder copy) {
  }

  private static final HttpClientAdapter<Outgoing> ADAPTER = new HttpClientAdapter<>() {
    @Override public String method(Outgoing outgoing) {
      return outgoing.request().method();
    }

    @Override public String path(Outgoing outgoing) {
      return outgoing.request().url().encodedPath();
    }

    @Override public String host(Outgoing outgoing) {
      return outgoing.request().url().host();
    }

    @Override public int port(Outgoing outgoing) {
      return outgoing.request().url().port();
    }

    @Override public void setHeader(Outgoing outgoing, String name, String value) {
      try {
        outgoing.copy().header(name, value);
      } catch (IllegalArgumentException e) { // OkHttp refuses non-ASCII and line breaks: left out, never fails the call
      }
    }
  };

  private final HttpClientHandler handler;
  private final List<String> headerNames;

  private TracingInterceptor(HttpClientHandler handler) {
    this.handler = handler;
    this.headerNames = handler.headerNames();
  }

  /**
   * An interceptor recording to {@code tracing}'s tracer and propagating with its propagator.
   *
   * @throws NullPointerException when {@code tracing} is null
   */
  public static TracingInterceptor create(Tracing tracing) {
    return new TracingInterceptor(HttpClientHandler.create(Objects.requireNonNull(tracing, "tracing == null")));
  }

  /**
   * An interceptor recording through {@code handler} (for request sampling rules:
   * {@code HttpClientHandler.create(tracing, rules)}).
   *
   * @throws NullPointerException when {@code handler} is null
   */
  public static TracingInterceptor create(HttpClientHandler handler) {
    return new TracingInterceptor(Objects.requireNonNull(handler, "handler == null"));
  }

  /** The handler this interceptor records through. */
  HttpClientHandler handler() {
    return handler;
  }

  @SuppressWarnings("try") // the scope is held for its effect, never read
  @Override public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    Request.Builder copy = request.newBuilder();
    for (int i = 0; i < headerNames.size(); i++) copy.removeHeader(headerNames.get(i)); // replaced, never duplicated
    Outgoing outgoing = new Outgoing(request, copy);
    CallParent parent = request.tag(CallParent.class);
    Span span = parent != null
        ? handler.handleSend(ADAPTER, outgoing, parent.span())
        : handler.handleSend(ADAPTER, outgoing);

    Response response;
    try (Scope ignored = span.makeCurrent()) {
      response = chain.proceed(copy.build());
    } catch (IOException | RuntimeException | Error e) {
      handler.handleReceive(span, 0, null, e);
      throw e;
    }
    HttpUrl url = request.url();
    HttpUrl answered = response.request().url();
    if (!answered.host().equals(url.host()) || answered.port() != url.port()) {
      handler.redirected(span, answered.host(), answered.port());
    }
    List<String> timing = response.headers(ServerTiming.HEADER);
    handler.handleReceive(span, response.code(), timing.isEmpty() ? null : String.join(",", timing), null);
    return response;
  }

  @Override public String toString() {
    return "TracingInterceptor{" + handler + "}";
  }

  /** The caller's span, captured by {@link TracingCallFactory} when the call was created; may hold null. */
  record CallParent(Span span) {
  }
}
