package io.tracelet.kafka;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/** A proxy of a {@link Consumer} whose {@code poll} gives each record a CONSUMER span; forwards the rest. */
final class TracingConsumer implements InvocationHandler {
  private final KafkaTracing tracing;
  private final Consumer<?, ?> delegate;

  private TracingConsumer(KafkaTracing tracing, Consumer<?, ?> delegate) {
    this.tracing = tracing;
    this.delegate = delegate;
  }

  @SuppressWarnings("unchecked") // the proxy implements Consumer, whose type parameters are erased
  static <K, V> Consumer<K, V> wrap(KafkaTracing tracing, Consumer<K, V> delegate) {
    return (Consumer<K, V>) Proxy.newProxyInstance(Consumer.class.getClassLoader(),
        new Class<?>[] {Consumer.class}, new TracingConsumer(tracing, delegate));
  }

  @Override public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    Object result = Forwarding.invoke(delegate, proxy, method, args);
    if (result instanceof ConsumerRecords && method.getName().equals("poll")) {
      tracing.received((ConsumerRecords<?, ?>) result);
    }
    return result;
  }
}
