/**
 * Tracing for Apache HttpClient 5, classic and async: {@link io.tracelet.apache.httpclient5.HttpClient5Tracing}
 * builds clients that record a CLIENT span per request, on the shared HTTP layer of {@code tracelet-http}.
 */
package io.tracelet.apache.httpclient5;
