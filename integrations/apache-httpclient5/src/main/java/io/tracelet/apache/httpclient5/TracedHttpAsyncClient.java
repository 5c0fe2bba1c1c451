package io.tracelet.apache.httpclient5;

import io.tracelet.Scope;
import io.tracelet.http.HttpClientHandler;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Future;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.function.Supplier;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.nio.AsyncPushConsumer;
import org.apache.hc.core5.http.nio.AsyncRequestProducer;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.HandlerFactory;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorStatus;
import org.apache.hc.core5.util.TimeValue;

/**
 * The async client {@link HttpClient5Tracing} builds: the client built with Tracelet's exec-chain
 * elements, and around it what the chain cannot see: the caller (whose span is the parent, and whose
 * trace the callback runs in) and the end of the call. The returned future completes, fails or is
 * cancelled exactly once, and calls its callback then; the span ends there, so it ends on completion
 * (the response consumer has built the result), on failure (the consumer's own included) and on
 * cancellation ({@link CancellationException} recorded), and the caller's callback then runs with the
 * caller's span current.
 */
final class TracedHttpAsyncClient extends CloseableHttpAsyncClient {
  private final CloseableHttpAsyncClient delegate;
  private final HttpClientHandler handler;

  TracedHttpAsyncClient(CloseableHttpAsyncClient delegate, HttpClientHandler handler) {
    this.delegate = delegate;
    this.handler = handler;
  }

  @Override protected <T> Future<T> doExecute(HttpHost target, AsyncRequestProducer requestProducer,
      AsyncResponseConsumer<T> responseConsumer, HandlerFactory<AsyncPushConsumer> pushHandlerFactory,
      HttpContext context, FutureCallback<T> callback) {
    Call call = Call.begin(handler, context);
    try {
      return delegate.execute(target, requestProducer, responseConsumer, pushHandlerFactory, call.context(),
          new Completion<>(call, callback));
    } catch (RuntimeException | Error e) { // thrown before the future existed: the caller gets it, as without us
      call.finish(e);
      throw e;
    }
  }

  /** Ends the call, then hands the outcome to the caller's callback (if any) in the caller's trace. */
  private static final class Completion<T> implements FutureCallback<T> {
    private final Call call;
    private final FutureCallback<T> delegate;

    Completion(Call call, FutureCallback<T> delegate) {
      this.call = call;
      this.delegate = delegate;
    }

    @SuppressWarnings("try") // the scope is held for its effect, never read
    @Override public void completed(T result) {
      call.finish(null);
      try (Scope ignored = callersTrace()) {
        if (delegate != null) delegate.completed(result);
      }
    }

    @SuppressWarnings("try") // the scope is held for its effect, never read
    @Override public void failed(Exception failure) {
      call.finish(failure);
      try (Scope ignored = callersTrace()) {
        if (delegate != null) delegate.failed(failure);
      }
    }

    @SuppressWarnings("try") // the scope is held for its effect, never read
    @Override public void cancelled() {
      call.finish(new CancellationException("the caller cancelled the request"));
      try (Scope ignored = callersTrace()) {
        if (delegate != null) delegate.cancelled();
      }
    }

    private Scope callersTrace() {
      return call.handler.makeCurrent(call.parent);
    }
  }

  @Override public void start() {
    delegate.start();
  }

  @Override public IOReactorStatus getStatus() {
    return delegate.getStatus();
  }

  @Override public void awaitShutdown(TimeValue waitTime) throws InterruptedException {
    delegate.awaitShutdown(waitTime);
  }

  @Override public void initiateShutdown() {
    delegate.initiateShutdown();
  }

  /** Registers a push consumer on the built client; pushed responses are not traced. */
  @Deprecated
  @SuppressWarnings("deprecation") // the library's own method, kept working as it is
  @Override public void register(String hostname, String uriPattern, Supplier<AsyncPushConsumer> supplier) {
    delegate.register(hostname, uriPattern, supplier);
  }

  @Override public void close(CloseMode closeMode) {
    delegate.close(closeMode);
  }

  @Override public void close() throws IOException {
    delegate.close();
  }

  @Override public String toString() {
    return "TracedHttpAsyncClient{" + delegate + "}";
  }
}
