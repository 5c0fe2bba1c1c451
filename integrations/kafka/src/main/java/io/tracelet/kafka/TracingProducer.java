package io.tracelet.kafka;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** A proxy of a {@link Producer} that traces both {@code send} methods and forwards the others. */
final class TracingProducer<K, V> implements InvocationHandler {
  private final KafkaTracing tracing;
  private final Producer<K, V> delegate;

  private TracingProducer(KafkaTracing tracing, Producer<K, V> delegate) {
    this.tracing = tracing;
    this.delegate = delegate;
  }

  @SuppressWarnings("unchecked") // the proxy implements Producer, whose type parameters are erased
  static <K, V> Producer<K, V> wrap(KafkaTracing tracing, Producer<K, V> delegate) {
    return (Producer<K, V>) Proxy.newProxyInstance(Producer.class.getClassLoader(),
        new Class<?>[] {Producer.class}, new TracingProducer<>(tracing, delegate));
  }

  @SuppressWarnings("unchecked") // send(ProducerRecord<K, V>...) is only ever called with the proxy's K and V
  @Override public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    Class<?>[] types = method.getParameterTypes();
    if (method.getName().equals("send") && types.length >= 1 && types[0] == ProducerRecord.class
        && args[0] != null && (types.length == 1 || types.length == 2 && types[1] == Callback.class)) {
      return tracing.send(delegate, (ProducerRecord<K, V>) args[0], types.length == 2 ? (Callback) args[1] : null);
    }
    return Forwarding.invoke(delegate, proxy, method, args);
  }
}
