package io.tracelet.httpserver;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import io.tracelet.Endpoint;
import io.tracelet.Propagator;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.Tracer;
import io.tracelet.Tracing;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * A {@link Filter} for the JDK's built-in HTTP server ({@code com.sun.net.httpserver}) that records
 * one {@link SpanKind#SERVER} span per exchange, continuing the trace whose context the request
 * headers carry in the format of {@link Tracing#propagator()}.
 *
 * <pre>{@code
 * HttpContext context = server.createContext("/", handler);
 * context.getFilters().add(TracingFilter.create(tracing));
 * }</pre>
 *
 * <p>The span is current while the rest of the chain and the handler run on the exchange's
 * thread, and is finished when they return or throw. It is named after the HTTP method. Tags:
 * {@code http.method}, {@code http.path}, {@code http.status_code} (once the handler sent one);
 * {@code error} with the status code for a 5xx response, or the exception's message when the
 * handler throws (the exception is rethrown unchanged). The remote endpoint is the client's IP and
 * port. Malformed or missing trace headers start a new trace; they never fail the request.
 *
 * <p>The response carries the W3C {@code server-timing} trace metric ({@code
 * trace;desc=00-<trace-id>-<span-id>-<flags>}), added when the handler sends the response headers:
 * its sampled flag says whether this server keeps the request (head-sampled, or kept by the
 * tracing's {@link io.tracelet.KeepPolicy} because it failed, or is slow, by then), so that a
 * caller with a keep policy keeps its part too. For that the handler sees a wrapper of the
 * exchange; an HTTPS exchange is passed as it is, without the metric.
 *
 * <p>Thread-safe and immutable: one instance serves every exchange. Per exchange it allocates the
 * span, its context when one is extracted, and a scope.
 */
public final class TracingFilter extends Filter {
  // Headers keeps one list per name, matched case-insensitively; a repeated header is joined, as HTTP says.
  private static final Propagator.Getter<Headers> GETTER = (headers, key) -> {
    List<String> values = headers.get(key);
    if (values == null || values.isEmpty()) return null;
    return values.size() == 1 ? values.get(0) : String.join(",", values);
  };

  private final Tracer tracer;
  private final Propagator propagator;

  private TracingFilter(Tracing tracing) {
    this.tracer = tracing.tracer();
    this.propagator = tracing.propagator();
  }

  /**
   * A filter recording to {@code tracing}'s tracer and extracting with its propagator.
   *
   * @throws NullPointerException when {@code tracing} is null
   */
  public static TracingFilter create(Tracing tracing) {
    return new TracingFilter(Objects.requireNonNull(tracing, "tracing == null"));
  }

  @SuppressWarnings("try") // the scope is held for its effect, never read
  @Override public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    String method = exchange.getRequestMethod();
    InetSocketAddress client = exchange.getRemoteAddress();
    Span span = tracer.spanBuilder(method)
        .kind(SpanKind.SERVER)
        .parent(propagator.extract(exchange.getRequestHeaders(), GETTER)) // null: a new trace
        .remoteEndpoint(client == null ? null : Endpoint.of(null, client))
        .tag("http.method", method)
        .tag("http.path", exchange.getRequestURI().getRawPath())
        .start();
    // HTTPS exchanges go as they are: a wrapper would hide their SSL session from the handler.
    HttpExchange answering = exchange instanceof HttpsExchange ? exchange : new AnsweringExchange(exchange, span);
    try (Scope ignored = span.makeCurrent()) {
      chain.doFilter(answering);
    } catch (IOException | RuntimeException | Error e) {
      span.error(e);
      throw e;
    } finally {
      tagStatus(span, exchange.getResponseCode()); // -1 until the handler sends the response headers
      span.finish();
    }
  }

  /** {@code http.status_code}, and {@code error} for a 5xx; nothing before a status was sent. */
  static void tagStatus(Span span, int code) {
    if (code > 0) {
      span.tag("http.status_code", code);
      if (code >= 500) span.tag("error", Integer.toString(code));
    }
  }

  @Override public String description() {
    return "Tracelet: a SERVER span per exchange";
  }
}
