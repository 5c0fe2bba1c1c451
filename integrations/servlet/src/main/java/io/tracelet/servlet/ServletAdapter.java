package io.tracelet.servlet;

import io.tracelet.http.HttpServerAdapter;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.MappingMatch;
import java.util.Enumeration;

/** Reads a servlet request for the handler; stateless. */
final class ServletAdapter implements HttpServerAdapter<HttpServletRequest> {
  static final ServletAdapter INSTANCE = new ServletAdapter();

  private ServletAdapter() {
  }

  @Override public String method(HttpServletRequest request) {
    return request.getMethod();
  }

  @Override public String path(HttpServletRequest request) {
    return request.getRequestURI(); // raw, without the query string
  }

  @Override public String header(HttpServletRequest request, String name) {
    Enumeration<String> values = request.getHeaders(name);
    if (values == null || !values.hasMoreElements()) return null;
    String first = values.nextElement();
    if (!values.hasMoreElements()) return first;
    StringBuilder joined = new StringBuilder(first);
    while (values.hasMoreElements()) joined.append(',').append(values.nextElement());
    return joined.toString();
  }

  /**
   * The servlet mapping's pattern, such as {@code /users/*} or {@code *.jsp}, when the container
   * matched an exact, path or extension mapping; none for the default servlet ({@code /}) or the
   * context root, whose pattern says nothing about the request.
   */
  @Override public String route(HttpServletRequest request) {
    HttpServletMapping mapping;
    try {
      mapping = request.getHttpServletMapping();
    } catch (RuntimeException e) { // a container or wrapper that does not support it
      return null;
    }
    if (mapping == null) return null;
    MappingMatch match = mapping.getMappingMatch();
    if (match != MappingMatch.EXACT && match != MappingMatch.PATH && match != MappingMatch.EXTENSION) return null;
    String pattern = mapping.getPattern();
    return pattern == null || pattern.isEmpty() ? null : request.getContextPath() + pattern;
  }

  @Override public String remoteIp(HttpServletRequest request) {
    return request.getRemoteAddr();
  }

  @Override public int remotePort(HttpServletRequest request) {
    return request.getRemotePort();
  }
}
