package io.tracelet.okhttp;

import io.tracelet.Endpoint;
import io.tracelet.Propagator;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.SpanBuilder;
import io.tracelet.SpanKind;
import io.tracelet.Tracer;
import io.tracelet.Tracing;
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
 * interceptor and tells it the parent.
 *
 * <p>The span is named after the HTTP method, current while the rest of the chain runs, and
 * finished when the response headers arrive or the call fails. Tags: {@code http.method},
 * {@code http.path}, {@code http.status_code}; {@code error} with the status code for a 5xx
 * response, or the failure's message for an exception (which is rethrown unchanged). The remote
 * endpoint is the IP and port of the URL that answered (a host name is never resolved for it).
 * Trace headers already in the request are replaced; a header value OkHttp refuses is left out
 * rather than failing the call.
 *
 * <p>Thread-safe and immutable: one instance serves every call. Per call it allocates the span,
 * one copy of the request with the headers added, and a scope.
 */
public final class TracingInterceptor implements Interceptor {
  private static final Propagator.Setter<Request.Builder> SETTER = (builder, key, value) -> {
    try {
      builder.header(key, value);
    } catch (IllegalArgumentException e) { // OkHttp refuses non-ASCII values: skip, never fail the call
    }
  };

  private final Tracer tracer;
  private final Propagator propagator;

  private TracingInterceptor(Tracing tracing) {
    this.tracer = tracing.tracer();
    this.propagator = tracing.propagator();
  }

  /**
   * An interceptor recording to {@code tracing}'s tracer and propagating with its propagator.
   *
   * @throws NullPointerException when {@code tracing} is null
   */
  public static TracingInterceptor create(Tracing tracing) {
    return new TracingInterceptor(Objects.requireNonNull(tracing, "tracing == null"));
  }

  @SuppressWarnings("try") // the scope is held for its effect, never read
  @Override public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    HttpUrl url = request.url();
    SpanBuilder builder = tracer.spanBuilder(request.method())
        .kind(SpanKind.CLIENT)
        .remoteEndpoint(endpoint(url))
        .tag("http.method", request.method())
        .tag("http.path", url.encodedPath());
    CallParent parent = request.tag(CallParent.class);
    if (parent != null) builder.parent(parent.span());
    Span span = builder.start();

    Response response;
    try (Scope ignored = span.makeCurrent()) {
      response = chain.proceed(withContext(request, span));
    } catch (IOException | RuntimeException | Error e) {
      span.error(e);
      span.finish();
      throw e;
    }
    if (span.isRecording()) {
      int code = response.code();
      span.tag("http.status_code", code);
      if (code >= 500) span.tag("error", Integer.toString(code));
      HttpUrl answered = response.request().url();
      if (!answered.equals(url)) span.remoteEndpoint(endpoint(answered)); // redirected
      if (!span.context().isSampled()) readAnswer(span, response);
    }
    span.finish();
    return response;
  }

  // A provisional span whose server said, with the W3C server-timing trace metric, that it kept this
  // trace: the caller's local part is kept too. The signal only ever upgrades, for this trace alone.
  private static void readAnswer(Span span, Response response) {
    List<String> values = response.headers(ServerTiming.HEADER);
    if (!values.isEmpty() && ServerTiming.sampledFor(span.context(), String.join(",", values))) {
      span.markDownstreamKept();
    }
  }

  private Request withContext(Request request, Span span) {
    Request.Builder builder = request.newBuilder();
    List<String> keys = propagator.keys();
    for (int i = 0; i < keys.size(); i++) builder.removeHeader(keys.get(i)); // replace, never duplicate
    propagator.inject(span.context(), builder, SETTER);
    return builder.build();
  }

  private static Endpoint endpoint(HttpUrl url) {
    return Endpoint.of(null, url.host(), url.port()); // Endpoint keeps IP literals only: no DNS
  }

  @Override public String toString() {
    return "TracingInterceptor{" + propagator + "}";
  }

  /** The caller's span, captured by {@link TracingCallFactory} when the call was created; may hold null. */
  record CallParent(Span span) {
  }
}
