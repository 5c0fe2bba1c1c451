package io.tracelet.http;

/**
 * Reads what {@link HttpServerHandler} needs from a server framework's request type {@code Q}. An
 * adapter is stateless: one instance, usually a constant, serves every request, so adapting costs no
 * allocation.
 *
 * <p>Implementations never throw: a value the framework cannot give is null.
 *
 * @param <Q> the framework's request type
 */
public interface HttpServerAdapter<Q> {

  /** The request method, such as {@code GET}; never null. */
  String method(Q request);

  /** The raw request path, without the query string; null when unknown. */
  String path(Q request);

  /**
   * A request header's value, matched case-insensitively, repeated values joined with {@code ","}
   * as HTTP says; null when absent.
   */
  String header(Q request, String name);

  /**
   * The route template the framework matched before the handler ran, such as {@code /users/{id}};
   * null when unknown (the default). A route learned later is given to
   * {@link HttpServerHandler#handleSend}.
   */
  default String route(Q request) {
    return null;
  }

  /** The client's IP literal (never a host name); null when unknown (the default). */
  default String remoteIp(Q request) {
    return null;
  }

  /** The client's port; 0 when unknown (the default). */
  default int remotePort(Q request) {
    return 0;
  }
}
