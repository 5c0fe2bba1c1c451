/**
 * Traces the requests a Jakarta Servlet 6 container serves: {@link io.tracelet.servlet.TracingFilter}
 * records a SERVER span per request, asynchronous requests included, through {@code tracelet-http}'s
 * {@link io.tracelet.http.HttpServerHandler}.
 */
package io.tracelet.servlet;
