package io.tracelet.httpserver;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.Tracing;
import io.tracelet.http.HttpServerHandler;
import java.io.IOException;
import java.util.Objects;

/**
 * A {@link Filter} for the JDK's built-in HTTP server ({@code com.sun.net.httpserver}, HTTP and
 * HTTPS) that records one {@link SpanKind#SERVER} span per exchange, continuing the trace whose
 * context the request headers carry in the format of {@link Tracing#propagator()}.
 *
 * <pre>{@code
 * HttpContext context = server.createContext("/", handler);
 * context.getFilters().add(TracingFilter.create(tracing));
 * }</pre>
 *
 * <p>The span is the one every Tracelet HTTP server records ({@link HttpServerHandler}: parent,
 * request sampling rules, tags). It is named after the HTTP method: a context's path is a prefix,
 * not a route. Tags: {@code http.method}, {@code http.path}, {@code http.status_code} (once the
 * handler sent one); {@code error} with the status code for a 5xx response, or the exception's
 * message when the handler throws (the exception is rethrown unchanged). The remote endpoint is the
 * client's IP and port. Malformed or missing trace headers start a new trace; they never fail the
 * request.
 *
 * <p>The span is current while the rest of the chain and the handler run on the exchange's
 * thread. It finishes when the handler returns having sent the response headers, or throws; a
 * handler that returns before answering (the response comes from another thread) leaves it open
 * until the exchange ends: its response body or the exchange is closed. Work on other threads sees
 * the span only if it is carried there ({@code tracing.currentContext().wrap(executor)}).
 *
 * <p>The response carries the W3C {@code server-timing} trace metric ({@code
 * trace;desc=00-<trace-id>-<span-id>-<flags>}), added beside any the handler set when the handler
 * sends the response headers: its sampled flag says whether this server keeps the request
 * (head-sampled, or kept by the tracing's {@link io.tracelet.KeepPolicy} because it failed, a 5xx
 * included, or is slow, by then), so that a caller with a keep policy keeps its part too. For that
 * the handler sees a wrapper of the exchange, an {@link HttpsExchange} for HTTPS.
 *
 * <p>Thread-safe and immutable: one instance serves every exchange. Per exchange it allocates the
 * span, its context when one is extracted, the metric's value, the exchange's wrapper, a wrapper of
 * the response body stream when the handler asks for it, and a scope.
 */
public final class TracingFilter extends Filter {
  private final HttpServerHandler handler;

  private TracingFilter(HttpServerHandler handler) {
    this.handler = handler;
  }

  /**
   * A filter recording to {@code tracing}'s tracer and extracting with its propagator.
   *
   * @throws NullPointerException when {@code tracing} is null
   */
  public static TracingFilter create(Tracing tracing) {
    return new TracingFilter(HttpServerHandler.create(Objects.requireNonNull(tracing, "tracing == null")));
  }

  /**
   * A filter recording through {@code handler} (for request sampling rules:
   * {@code HttpServerHandler.create(tracing, rules)}).
   *
   * @throws NullPointerException when {@code handler} is null
   */
  public static TracingFilter create(HttpServerHandler handler) {
    return new TracingFilter(Objects.requireNonNull(handler, "handler == null"));
  }

  @SuppressWarnings("try") // the scope is held for its effect, never read
  @Override public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    Span span = handler.handleReceive(ExchangeAdapter.INSTANCE, exchange);
    ExchangeSpan traced = new ExchangeSpan(handler, exchange, span);
    HttpExchange answering = exchange instanceof HttpsExchange
        ? new AnsweringHttpsExchange((HttpsExchange) exchange, traced)
        : new AnsweringExchange(exchange, traced);
    try (Scope ignored = span.makeCurrent()) {
      chain.doFilter(answering);
    } catch (IOException | RuntimeException | Error e) {
      traced.handlerFailed(e);
      throw e;
    }
    traced.handlerReturned();
  }

  @Override public String description() {
    return "Tracelet: a SERVER span per exchange";
  }
}
