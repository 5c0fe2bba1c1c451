package io.tracelet.http;

import io.tracelet.Span;

/** The names and tags every HTTP span shares, in one place. */
final class HttpTags {
  static final String METHOD = "http.method";
  static final String PATH = "http.path";
  static final String ROUTE = "http.route";
  static final String STATUS_CODE = "http.status_code";
  static final String ERROR = "error";

  private HttpTags() {
  }

  /** {@code METHOD /route} when the route is known (and not empty), else the method. */
  static String spanName(String method, String route) {
    return route == null || route.isEmpty() ? method : method + " " + route;
  }

  /** {@code http.status_code}, and {@code error} for a 5xx; nothing for a code below 100 (none sent). */
  static void status(Span span, int code) {
    if (code < 100) return;
    span.tag(STATUS_CODE, code);
    if (code >= 500) span.tag(ERROR, Integer.toString(code));
  }

  /** Renames to {@code METHOD /route} and tags {@code http.route}, when a route is known. */
  static void route(Span span, String method, String route) {
    if (route == null || route.isEmpty()) return;
    span.name(spanName(method, route));
    span.tag(ROUTE, route);
  }
}
