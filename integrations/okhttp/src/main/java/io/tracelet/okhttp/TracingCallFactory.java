package io.tracelet.okhttp;

import io.tracelet.Span;
import io.tracelet.Tracing;
import io.tracelet.http.HttpClientHandler;
import java.util.Objects;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * A {@link Call.Factory} that traces every call of an {@link OkHttpClient}: use it where the code
 * would call {@code client.newCall(request)}.
 *
 * <pre>{@code
 * Call.Factory http = TracingCallFactory.create(tracing, new OkHttpClient());
 * try (Response response = http.newCall(request).execute()) { ... }
 * }</pre>
 *
 * <p>It captures the caller's current span when a call is created, so the call's CLIENT span (see
 * {@link TracingInterceptor} for its name and tags) is that span's child even when
 * {@code enqueue()} runs it later on a dispatcher thread, however long the call waits in the
 * dispatcher's queue. The {@link okhttp3.Callback} of an enqueued call runs with that same span
 * current, so the caller's trace goes on in it.
 *
 * <p>The client is used as given when a {@link TracingInterceptor} is among its interceptors (it
 * then records through its own handler); otherwise one is appended to a derived client, which
 * shares the original's connection pool and dispatcher. The returned calls work with OkHttp 4.12 and
 * 5.x alike. Cancelling one cancels OkHttp's call: the caller sees what OkHttp reports (an
 * {@code IOException}), and the span records it.
 *
 * <p>Thread-safe and immutable. Per call it allocates the tagged request, a small wrapper of the
 * call and, for {@code enqueue()}, one of the callback.
 */
public final class TracingCallFactory implements Call.Factory {
  private final HttpClientHandler handler;
  private final OkHttpClient client;

  private TracingCallFactory(HttpClientHandler handler, OkHttpClient client) {
    this.handler = handler;
    this.client = client;
  }

  /**
   * A factory of {@code client}'s calls, traced by {@code tracing}.
   *
   * @throws NullPointerException when an argument is null
   */
  public static TracingCallFactory create(Tracing tracing, OkHttpClient client) {
    Objects.requireNonNull(tracing, "tracing == null");
    return create(HttpClientHandler.create(tracing), client);
  }

  /**
   * A factory of {@code client}'s calls, traced by {@code handler} (for request sampling rules:
   * {@code HttpClientHandler.create(tracing, rules)}).
   *
   * @throws NullPointerException when an argument is null
   */
  public static TracingCallFactory create(HttpClientHandler handler, OkHttpClient client) {
    Objects.requireNonNull(handler, "handler == null");
    Objects.requireNonNull(client, "client == null");
    TracingInterceptor installed = (TracingInterceptor) client.interceptors().stream()
        .filter(i -> i instanceof TracingInterceptor).findFirst().orElse(null);
    if (installed != null) return new TracingCallFactory(installed.handler(), client);
    return new TracingCallFactory(handler,
        client.newBuilder().addInterceptor(TracingInterceptor.create(handler)).build());
  }

  @Override public Call newCall(Request request) {
    Span parent = handler.currentSpan();
    Request tagged = request.newBuilder()
        .tag(TracingInterceptor.CallParent.class, new TracingInterceptor.CallParent(parent))
        .build();
    return ContextCall.wrap(client.newCall(tagged), handler, parent);
  }

  @Override public String toString() {
    return "TracingCallFactory{" + client + "}";
  }
}
