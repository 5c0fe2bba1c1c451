package io.tracelet.okhttp;

import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.http.HttpClientHandler;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Response;

/**
 * Runs an enqueued call's callback with the caller's span current. A dynamic proxy rather than a
 * class implementing {@link Call}: OkHttp 5 added abstract methods to {@code Call} (tags, event
 * listeners) that a class compiled against OkHttp 4.12 would lack, and the proxy forwards whatever
 * methods the running OkHttp has.
 */
final class ContextCall implements InvocationHandler {
  private final Call delegate;
  private final HttpClientHandler handler;
  private final Span parent; // null: no span was current when the call was created

  private ContextCall(Call delegate, HttpClientHandler handler, Span parent) {
    this.delegate = delegate;
    this.handler = handler;
    this.parent = parent;
  }

  static Call wrap(Call delegate, HttpClientHandler handler, Span parent) {
    return (Call) Proxy.newProxyInstance(Call.class.getClassLoader(), new Class<?>[] {Call.class},
        new ContextCall(delegate, handler, parent));
  }

  @Override public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    int arity = args == null ? 0 : args.length;
    switch (method.getName()) {
      case "enqueue":
        if (arity == 1 && args[0] instanceof Callback) {
          args = new Object[] {new ContextCallback((Call) proxy, (Callback) args[0])};
        }
        break;
      case "clone":
        if (arity == 0) return wrap(delegate.clone(), handler, parent);
        break;
      case "equals":
        if (arity == 1) return proxy == args[0];
        break;
      case "hashCode":
        if (arity == 0) return System.identityHashCode(proxy);
        break;
      case "toString":
        if (arity == 0) return "TracingCall{" + delegate + "}";
        break;
      default:
        break;
    }
    try {
      return method.invoke(delegate, args);
    } catch (InvocationTargetException e) {
      throw e.getCause(); // the call's own exception, unchanged
    }
  }

  private Scope restoreCaller() {
    return handler.makeCurrent(parent);
  }

  /** The user's callback, run in the caller's trace and given the call the user enqueued. */
  private final class ContextCallback implements Callback {
    private final Call call;
    private final Callback delegate;

    ContextCallback(Call call, Callback delegate) {
      this.call = call;
      this.delegate = delegate;
    }

    @SuppressWarnings("try") // the scope is held for its effect, never read
    @Override public void onFailure(Call okHttpsCall, IOException e) {
      try (Scope ignored = restoreCaller()) {
        delegate.onFailure(call, e);
      }
    }

    @SuppressWarnings("try") // the scope is held for its effect, never read
    @Override public void onResponse(Call okHttpsCall, Response response) throws IOException {
      try (Scope ignored = restoreCaller()) {
        delegate.onResponse(call, response);
      }
    }
  }
}
