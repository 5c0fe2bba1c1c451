/**
 * The HTTP layer every Tracelet HTTP integration is built on: {@link io.tracelet.http.HttpServerHandler}
 * and {@link io.tracelet.http.HttpClientHandler} start, tag and finish the spans, over small stateless
 * adapters ({@link io.tracelet.http.HttpServerAdapter}, {@link io.tracelet.http.HttpClientAdapter}) to a
 * framework's request type, so every HTTP client and server records the same names and tags, answers and
 * reads the W3C {@code server-timing} trace metric the same way, and applies the same
 * {@link io.tracelet.http.HttpRequestSampler request sampling rules}.
 *
 * <p>Span names and tags, everywhere: the name is {@code METHOD /route} when the framework knows the
 * route, else the method; tags {@code http.method}, {@code http.path} (raw path, no query),
 * {@code http.route} (when known), {@code http.status_code} (when a status was sent or received) and
 * {@code error} (the status code for a 5xx, or the exception's message).
 *
 * <p>Arguments are never null unless a parameter says so. The factories check theirs and throw
 * {@link java.lang.NullPointerException} with the message {@code "name == null"}; the per-request
 * methods, on the request path, do not check.
 */
package io.tracelet.http;
