package io.tracelet.jdk.httpclient;

import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.Tracing;
import io.tracelet.http.HttpClientAdapter;
import io.tracelet.http.HttpClientHandler;
import io.tracelet.propagation.ServerTiming;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * An {@link HttpClient} that records one {@link io.tracelet.SpanKind#CLIENT} span per
 * {@link #send send} and {@link #sendAsync sendAsync} of the client it wraps, and sends the span's
 * context in the request headers, in the format of {@link Tracing#propagator()}.
 *
 * <pre>{@code
 * HttpClient http = TracingHttpClient.create(tracing, HttpClient.newHttpClient());
 * HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
 * }</pre>
 *
 * <p>The span's parent is the span current when {@code send} or {@code sendAsync} is called (none:
 * a new trace, decided by the handler's {@link io.tracelet.http.HttpRequestSampler} rules, else the
 * tracing's sampler). It is named after the method; tags {@code http.method}, {@code http.path},
 * {@code http.status_code}, and {@code error} with the status code for a 5xx or the failure's
 * message (see {@link HttpClientHandler}). The remote endpoint is the IP and port of the request's
 * URI, or of the URI that answered after the client's own redirects (a host name is never
 * resolved). Those redirects stay in the one span, and every hop carries its context. The span is current while {@code send} runs, and finishes when the
 * response, its body handled, is returned or the call fails; a failure is rethrown unchanged.
 *
 * <p>The request is copied, without any trace header it had, and the span's context added; a
 * header value the client refuses is left out. When the response's {@code server-timing} metric
 * says the server kept the trace, an unsampled span is kept too (a keep policy's downstream keep).
 *
 * <p>What {@code sendAsync} carries: the returned future is completed, and so the stages attached
 * to it before completion (such as {@code thenApply}, {@code whenComplete}) run, with the caller's
 * span current; stages attached after completion run on the attaching thread as they would anyway.
 * The {@code *Async} variants of those stages run on whatever executor they are given, which
 * Tracelet does not wrap: wrap it with {@code tracing.currentContext().wrap(executor)}. Cancelling
 * the returned future cancels the client's, and the span records the {@link CancellationException}.
 * Push promises are passed to the given handler untraced.
 *
 * <p>Every other method, including {@code newWebSocketBuilder}, and on JDK 21 and later
 * {@code shutdown}, {@code shutdownNow}, {@code awaitTermination}, {@code isTerminated} and
 * {@code close}, goes to the wrapped client untraced.
 *
 * <p>Thread-safe and immutable. Per call it allocates the span, a copy of the request and its
 * builder, the header values and, for {@code sendAsync}, the returned future and two completion
 * actions.
 */
public final class TracingHttpClient extends HttpClient {
  /** The request as it goes out: the original (read) and its copy (written). */
  private record Outgoing(HttpRequest request, HttpRequest.Builder copy) {
  }

  private static final HttpClientAdapter<Outgoing> ADAPTER = new HttpClientAdapter<>() {
    @Override public String method(Outgoing outgoing) {
      return outgoing.request().method();
    }

    @Override public String path(Outgoing outgoing) {
      return outgoing.request().uri().getRawPath();
    }

    @Override public String host(Outgoing outgoing) {
      return outgoing.request().uri().getHost();
    }

    @Override public int port(Outgoing outgoing) {
      return portOf(outgoing.request().uri());
    }

    @Override public void setHeader(Outgoing outgoing, String name, String value) {
      try {
        outgoing.copy().setHeader(name, value);
      } catch (IllegalArgumentException e) { // a value or name the client refuses: left out, never fails the call
      }
    }
  };

  /** The URI's port, or its scheme's default. */
  private static int portOf(URI uri) {
    int port = uri.getPort();
    return port != -1 ? port : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  private final HttpClient delegate;
  private final HttpClientHandler handler;
  private final List<String> headerNames;

  private TracingHttpClient(HttpClientHandler handler, HttpClient delegate) {
    this.delegate = delegate;
    this.handler = handler;
    this.headerNames = handler.headerNames();
  }

  /**
   * {@code client}, traced by {@code tracing}.
   *
   * @throws NullPointerException when an argument is null
   */
  public static TracingHttpClient create(Tracing tracing, HttpClient client) {
    return create(HttpClientHandler.create(Objects.requireNonNull(tracing, "tracing == null")), client);
  }

  /**
   * {@code client}, traced by {@code handler} (for request sampling rules:
   * {@code HttpClientHandler.create(tracing, rules)}).
   *
   * @throws NullPointerException when an argument is null
   */
  public static TracingHttpClient create(HttpClientHandler handler, HttpClient client) {
    Objects.requireNonNull(handler, "handler == null");
    Objects.requireNonNull(client, "client == null");
    return new TracingHttpClient(handler, client);
  }

  private Outgoing outgoing(HttpRequest request) {
    Objects.requireNonNull(request, "request == null"); // as the JDK's client does, before any span
    // Trace headers the request already had are dropped: the server gets exactly one context.
    return new Outgoing(request, HttpRequest.newBuilder(request,
        (name, value) -> !headerNames.contains(name.toLowerCase(Locale.ROOT))));
  }

  @SuppressWarnings("try") // the scope is held for its effect, never read
  @Override public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> responseBodyHandler)
      throws IOException, InterruptedException {
    Outgoing outgoing = outgoing(request);
    Span span = handler.handleSend(ADAPTER, outgoing);
    HttpResponse<T> response;
    try (Scope ignored = span.makeCurrent()) {
      response = delegate.send(outgoing.copy().build(), responseBodyHandler);
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      handler.handleReceive(span, 0, null, e);
      throw e;
    }
    received(span, request, response);
    return response;
  }

  @Override public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
      HttpResponse.BodyHandler<T> responseBodyHandler) {
    return sendAsync(request, responseBodyHandler, null);
  }

  @SuppressWarnings("try") // the scope is held for its effect, never read
  @Override public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
      HttpResponse.BodyHandler<T> responseBodyHandler, HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    Outgoing outgoing = outgoing(request);
    Span caller = handler.currentSpan();
    Span span = handler.handleSend(ADAPTER, outgoing, caller);
    CompletableFuture<HttpResponse<T>> sent;
    try (Scope ignored = span.makeCurrent()) {
      sent = delegate.sendAsync(outgoing.copy().build(), responseBodyHandler, pushPromiseHandler);
    } catch (RuntimeException | Error e) {
      handler.handleReceive(span, 0, null, e);
      throw e;
    }
    CompletableFuture<HttpResponse<T>> result = new CompletableFuture<>();
    sent.whenComplete((response, failure) -> {
      if (failure != null) {
        handler.handleReceive(span, 0, null, unwrap(failure));
      } else {
        received(span, request, response);
      }
      try (Scope ignored = handler.makeCurrent(caller)) { // stages attached before completion run here
        if (failure != null) {
          result.completeExceptionally(failure);
        } else {
          result.complete(response);
        }
      }
    });
    result.whenComplete((response, failure) -> {
      if (result.isCancelled()) sent.cancel(true);
    });
    return result;
  }

  /** The response's status and {@code server-timing}, and where it came from when the client was redirected. */
  private void received(Span span, HttpRequest request, HttpResponse<?> response) {
    URI asked = request.uri();
    URI answered = response.uri();
    if (!Objects.equals(asked.getHost(), answered.getHost()) || portOf(asked) != portOf(answered)) {
      handler.redirected(span, answered.getHost(), portOf(answered));
    }
    List<String> values = response.headers().allValues(ServerTiming.HEADER);
    handler.handleReceive(span, response.statusCode(), values.isEmpty() ? null : String.join(",", values), null);
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }

  @Override public Optional<CookieHandler> cookieHandler() {
    return delegate.cookieHandler();
  }

  @Override public Optional<Duration> connectTimeout() {
    return delegate.connectTimeout();
  }

  @Override public Redirect followRedirects() {
    return delegate.followRedirects();
  }

  @Override public Optional<ProxySelector> proxy() {
    return delegate.proxy();
  }

  @Override public SSLContext sslContext() {
    return delegate.sslContext();
  }

  @Override public SSLParameters sslParameters() {
    return delegate.sslParameters();
  }

  @Override public Optional<Authenticator> authenticator() {
    return delegate.authenticator();
  }

  @Override public Version version() {
    return delegate.version();
  }

  @Override public Optional<Executor> executor() {
    return delegate.executor();
  }

  @Override public WebSocket.Builder newWebSocketBuilder() {
    return delegate.newWebSocketBuilder();
  }

  // JDK 21 added these to HttpClient; compiled for 17, they are reached through method handles and
  // override the JDK's own when running on 21 and later.

  /** Shuts the wrapped client down (JDK 21 and later; nothing before). */
  public void shutdown() {
    Jdk21.callUninterruptibly(Jdk21.SHUTDOWN, null, delegate);
  }

  /** Shuts the wrapped client down now (JDK 21 and later; nothing before). */
  public void shutdownNow() {
    Jdk21.callUninterruptibly(Jdk21.SHUTDOWN_NOW, null, delegate);
  }

  /**
   * Waits for the wrapped client to terminate (JDK 21 and later; before, true at once).
   *
   * @throws InterruptedException when interrupted while waiting
   */
  public boolean awaitTermination(Duration duration) throws InterruptedException {
    return (boolean) Jdk21.call(Jdk21.AWAIT_TERMINATION, true, delegate, duration);
  }

  /** Whether the wrapped client terminated (JDK 21 and later; false before). */
  public boolean isTerminated() {
    return (boolean) Jdk21.callUninterruptibly(Jdk21.IS_TERMINATED, false, delegate);
  }

  /** Closes the wrapped client (JDK 21 and later; nothing before). */
  public void close() {
    Jdk21.callUninterruptibly(Jdk21.CLOSE, null, delegate);
  }

  @Override public String toString() {
    return "TracingHttpClient{" + delegate + "}";
  }

  private static final class Jdk21 {
    static final MethodHandle SHUTDOWN = find("shutdown", MethodType.methodType(void.class));
    static final MethodHandle SHUTDOWN_NOW = find("shutdownNow", MethodType.methodType(void.class));
    static final MethodHandle CLOSE = find("close", MethodType.methodType(void.class));
    static final MethodHandle IS_TERMINATED = find("isTerminated", MethodType.methodType(boolean.class));
    static final MethodHandle AWAIT_TERMINATION =
        find("awaitTermination", MethodType.methodType(boolean.class, Duration.class));

    private static MethodHandle find(String name, MethodType type) {
      try {
        return MethodHandles.publicLookup().findVirtual(HttpClient.class, name, type);
      } catch (NoSuchMethodException | IllegalAccessException e) {
        return null; // JDK 17 to 20
      }
    }

    /** {@code method} on {@code args}, or {@code absent} before JDK 21; its exceptions unchanged. */
    static Object call(MethodHandle method, Object absent, Object... args) throws InterruptedException {
      if (method == null) return absent;
      try {
        return method.invokeWithArguments(args);
      } catch (InterruptedException | RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    }

    /** {@link #call} of a method that never throws {@link InterruptedException}. */
    static Object callUninterruptibly(MethodHandle method, Object absent, Object... args) {
      try {
        return call(method, absent, args);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
