package io.tracelet.apache.httpclient5;

import io.tracelet.Span;
import io.tracelet.http.HttpClientAdapter;
import io.tracelet.http.HttpClientHandler;
import io.tracelet.propagation.ServerTiming;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.net.URIAuthority;

/**
 * One logical request: what the traced client's {@code execute} knows (the handler, the caller's span,
 * the context it passes down), what the exec-chain handlers add to it (the span, the header values,
 * the final response), and the one finish.
 *
 * <p>The client creates it on the caller's thread and puts it in the request's {@link HttpContext},
 * the library's own per-request carrier, where {@link SpanExec} and {@link HeadersExec} find it. The
 * span is started once, by {@link #start}, and finished once, by {@link #finish}, whichever thread
 * and order they come in: a finish before the start (an asynchronous request producer whose future
 * was cancelled first) leaves the request untraced. The hops of one request run one after another,
 * handed between threads by the library, so the fields they touch need no lock.
 */
final class Call {
  /** The {@link HttpContext} attribute holding the call; a name no one else uses. */
  static final String ATTRIBUTE = Call.class.getName();

  /** Reads the request the call was started with, and keeps the header values the propagator writes. */
  static final HttpClientAdapter<Call> ADAPTER = new HttpClientAdapter<>() {
    @Override public String method(Call call) {
      return call.request.getMethod();
    }

    @Override public String path(Call call) {
      String path = call.request.getPath(); // the request target: path and query
      if (path == null) return null;
      int query = path.indexOf('?');
      return query < 0 ? path : path.substring(0, query);
    }

    @Override public String host(Call call) {
      URIAuthority authority = call.request.getAuthority();
      return authority == null ? null : authority.getHostName();
    }

    @Override public int port(Call call) {
      return portOf(call.request);
    }

    @Override public void setHeader(Call call, String name, String value) {
      call.keepHeader(name, value);
    }
  };

  final HttpClientHandler handler;
  /** The caller's span when {@code execute} was called; null: a new trace. */
  final Span parent;
  private final HttpContext context;
  private final List<String> headerNames;

  /** The request the span is started from, read by {@link #ADAPTER} during {@link #start}. */
  private HttpRequest request;
  /** Name, value, name, value...: what every hop carries. Written before the first hop. */
  private String[] headers;
  private int headerCount;

  private Span span; // guarded by this
  private boolean finished; // guarded by this
  private volatile int status;
  private volatile String serverTiming;

  private int hops;
  private HttpRequest lastHop;
  private URIAuthority lastAuthority;
  private String lastPath;

  private Call(HttpClientHandler handler, Span parent, HttpContext context) {
    this.handler = handler;
    this.parent = parent;
    this.context = context;
    this.headerNames = handler.headerNames();
    this.headers = new String[Math.max(2, 2 * headerNames.size())]; // room for every key the propagator writes
  }

  /**
   * A call whose parent is the caller's current span, put into {@code context} (the caller's, or a new
   * one when it is null, as the client would make); the context to pass down is {@link #context()}.
   */
  static Call begin(HttpClientHandler handler, HttpContext context) {
    HttpContext carrier = context != null ? context : HttpClientContext.create();
    Call call = new Call(handler, handler.currentSpan(), carrier);
    carrier.setAttribute(ATTRIBUTE, call);
    return call;
  }

  /** The call in {@code context}, or null. */
  static Call of(HttpContext context) {
    Object call = context == null ? null : context.getAttribute(ATTRIBUTE);
    return call instanceof Call ? (Call) call : null;
  }

  /** The context that carries this call. */
  HttpContext context() {
    return context;
  }

  /**
   * Starts the span from the request entering the exec chain (scheme and authority resolved by the
   * client), a child of the caller's span. Null when the call was already started or finished: the
   * request then goes on untraced.
   */
  Span start(HttpRequest request) {
    synchronized (this) {
      if (finished || this.request != null) return null;
      this.request = request;
    }
    Span started = handler.handleSend(ADAPTER, this, parent);
    boolean late;
    synchronized (this) {
      late = finished;
      if (!late) span = started;
    }
    if (late) { // finished (cancelled) while starting: the span ends at once
      handler.handleReceive(started, 0, null, new CancellationException("cancelled before it was sent"));
      return null;
    }
    return started;
  }

  private void keepHeader(String name, String value) {
    // HttpCore writes what it is given, turning line breaks into spaces: a value that is not a plain
    // header value (a control character, a line break, a non-ASCII character) is left out here instead.
    if (!isToken(name) || !isFieldValue(value)) return;
    if (headerCount + 2 > headers.length) headers = Arrays.copyOf(headers, headers.length * 2);
    headers[headerCount++] = name;
    headers[headerCount++] = value;
  }

  private static boolean isToken(String name) {
    if (name == null || name.isEmpty()) return false;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c >= 0x7f || c == ':') return false;
    }
    return true;
  }

  private static boolean isFieldValue(String value) {
    if (value == null) return false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < ' ' && c != '\t') || c >= 0x7f) return false;
    }
    return true;
  }

  /**
   * One message about to go on the wire: the caller's trace headers removed and the span's set. From
   * the second on, an event says why it was sent: {@code redirect} when it goes elsewhere than the one
   * before, else {@code retry} (after an I/O error, a retryable status, an authentication challenge);
   * a redirect to another host moves the remote endpoint there.
   */
  void hop(HttpRequest hop) {
    Span current;
    synchronized (this) {
      current = span;
    }
    if (current == null || hop == lastHop) return; // the same message again (a client built twice from one builder)
    lastHop = hop;
    for (int i = 0; i < headerNames.size(); i++) hop.removeHeaders(headerNames.get(i));
    for (int i = 0; i < headerCount; i += 2) hop.addHeader(headers[i], headers[i + 1]);
    URIAuthority authority = hop.getAuthority();
    String path = hop.getPath();
    if (++hops > 1 && current.isRecording()) {
      boolean sameAuthority = Objects.equals(authority, lastAuthority);
      if (sameAuthority && Objects.equals(path, lastPath)) {
        current.event("retry");
      } else {
        current.event("redirect");
        if (!sameAuthority && authority != null) handler.redirected(current, authority.getHostName(), portOf(hop));
      }
    }
    lastAuthority = authority;
    lastPath = path;
  }

  /** The final response's head: its status, and its {@code server-timing} value when it can matter. */
  void received(HttpResponse response) {
    Span current;
    synchronized (this) {
      current = span;
    }
    if (current == null) return;
    status = response.getCode();
    // Only a provisional span (recorded, not head-sampled) reads the signal: keep the others free of it.
    if (current.isRecording() && !current.context().isSampled()) serverTiming = serverTiming(response);
  }

  /**
   * Ends the call: tags the final status and {@code error} (null: none), and finishes the span. Only the
   * first call counts; the context no longer carries the call.
   */
  void finish(Throwable error) {
    Span ended;
    synchronized (this) {
      if (finished) return;
      finished = true;
      ended = span;
    }
    if (context.getAttribute(ATTRIBUTE) == this) context.removeAttribute(ATTRIBUTE);
    if (ended != null) handler.handleReceive(ended, status, serverTiming, error);
  }

  private static String serverTiming(HttpResponse response) {
    int count = response.countHeaders(ServerTiming.HEADER);
    if (count == 0) return null;
    if (count == 1) return response.getFirstHeader(ServerTiming.HEADER).getValue();
    StringBuilder joined = new StringBuilder();
    for (Header header : response.getHeaders(ServerTiming.HEADER)) {
      if (joined.length() > 0) joined.append(',');
      joined.append(header.getValue());
    }
    return joined.toString();
  }

  private static int portOf(HttpRequest request) {
    URIAuthority authority = request.getAuthority();
    if (authority == null) return 0;
    if (authority.getPort() >= 0) return authority.getPort();
    return "https".equalsIgnoreCase(request.getScheme()) ? 443 : 80;
  }
}
