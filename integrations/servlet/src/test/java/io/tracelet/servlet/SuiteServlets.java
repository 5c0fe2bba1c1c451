package io.tracelet.servlet;

import io.tracelet.http.HttpServerSuite;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The servlets that serve {@link io.tracelet.http.HttpServerSuite}'s paths, for every container:
 * {@link #main} at {@code /} (the default servlet: no route) and {@link #status} at {@code /status/*}.
 */
final class SuiteServlets implements AutoCloseable {
  private final HttpServerSuite hooks; // handled() and awaitAsyncRelease()
  private final ExecutorService asyncWork = Executors.newSingleThreadExecutor();

  SuiteServlets(HttpServerSuite hooks) {
    this.hooks = hooks;
  }

  /**
   * /throw throws, /async answers from an async dispatch started on another thread, /async-direct
   * answers 503 from another thread through the no-argument {@code startAsync()}'s response, the rest
   * 200 ok.
   */
  final HttpServlet main = new HttpServlet() {
    @Override protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
      String path = request.getRequestURI();
      if (path.equals("/throw")) {
        hooks.handled();
        throw new IllegalStateException("handler failed");
      }
      if (path.equals("/async") && request.getDispatcherType() == DispatcherType.REQUEST) {
        AsyncContext async = request.startAsync();
        asyncWork.execute(() -> {
          try {
            hooks.awaitAsyncRelease();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          async.dispatch(); // the response comes from the ASYNC dispatch
        });
        return;
      }
      if (path.equals("/async-direct")) {
        AsyncContext async = request.startAsync();
        asyncWork.execute(() -> {
          try {
            ok((HttpServletResponse) async.getResponse(), 503);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          } finally {
            async.complete();
          }
        });
        return;
      }
      hooks.handled();
      if (path.equals("/own-timing")) response.addHeader("Server-Timing", "app;dur=1");
      ok(response, 200);
    }
  };

  /** /status/N answers N. */
  final HttpServlet status = new HttpServlet() {
    @Override protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
      hooks.handled();
      ok(response, Integer.parseInt(request.getPathInfo().substring(1)));
    }
  };

  private static void ok(HttpServletResponse response, int status) throws IOException {
    byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  /** The route {@link TracingFilter} should know for {@code path}. */
  static String route(String path) {
    return path.startsWith("/status/") ? "/status/*" : null;
  }

  @Override public void close() {
    asyncWork.shutdownNow();
  }
}
