package io.tracelet.kafka;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/** What the producer and consumer proxies share: forwarding a call to the client they wrap. */
final class Forwarding {
  private Forwarding() {
  }

  /**
   * Calls {@code method} on {@code delegate} and returns its result or throws its exception,
   * unchanged. {@code equals}, {@code hashCode} and {@code toString} are the proxy's own.
   */
  static Object invoke(Object delegate, Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      switch (method.getName()) {
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        default:
          return "Tracing" + delegate;
      }
    }
    try {
      return method.invoke(delegate, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
