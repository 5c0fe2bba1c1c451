package io.tracelet.http;

/**
 * Reads and writes what {@link HttpClientHandler} needs on a client library's request (or request
 * builder) type {@code Q}. An adapter is stateless: one instance, usually a constant, serves every
 * request.
 *
 * @param <Q> the client's request or request builder type
 */
public interface HttpClientAdapter<Q> {

  /** The request method, such as {@code GET}; never null. */
  String method(Q request);

  /** The raw request path, without the query string; null when unknown. */
  String path(Q request);

  /** The host the request goes to, a name or an IP literal; null when unknown. */
  String host(Q request);

  /** The port the request goes to; 0 when unknown. */
  int port(Q request);

  /**
   * Sets a header, replacing any value it had. A value the library refuses is left out without
   * throwing: tracing never fails the call.
   */
  void setHeader(Q request, String name, String value);
}
