package io.tracelet.http;

import io.tracelet.Span;

/** The names and tags every HTTP span shares, in one place. */
final class HttpTags {
  static final String METHOD = "http.method";
  static final String PATH = "http.path";
  static final String ROUTE = "http.route";
  static final String STATUS_CODE = "http.status_code";
  static final String ERROR = "error";
  /** The decimal form of codes 100 to 599, made on first use; racing threads store equal strings. */
  private static final String[] STATUS_TEXT = new String[500];

  private HttpTags() {
  }

  /** {@code METHOD /route} when the route is known (and not empty), else the method. */
  static String spanName(String method, String route) {
    return route == null || route.isEmpty() ? method : method + " " + route;
  }

  /** {@code http.status_code}, and {@code error} for a 5xx; nothing for a code below 100 (none sent). */
  static void status(Span span, int code) {
    if (code < 100) return;
    String text = statusText(code);
    span.tag(STATUS_CODE, text);
    if (code >= 500) span.tag(ERROR, text);
  }

  /** The decimal form of {@code code}, the same string each time for a code from 100 to 599. */
  static String statusText(int code) {
    if (code < 100 || code >= 600) return Integer.toString(code);
    String text = STATUS_TEXT[code - 100];
    if (text == null) STATUS_TEXT[code - 100] = text = Integer.toString(code);
    return text;
  }

  /** Renames to {@code METHOD /route} and tags {@code http.route}, when a route is known. */
  static void route(Span span, String method, String route) {
    if (route == null || route.isEmpty()) return;
    span.name(spanName(method, route));
    span.tag(ROUTE, route);
  }
}
