/**
 * Traces the JDK's {@link java.net.http.HttpClient}: {@link io.tracelet.jdk.httpclient.TracingHttpClient}
 * wraps a client and records a CLIENT span per {@code send} and {@code sendAsync}, through
 * {@code tracelet-http}'s {@link io.tracelet.http.HttpClientHandler}.
 */
package io.tracelet.jdk.httpclient;
