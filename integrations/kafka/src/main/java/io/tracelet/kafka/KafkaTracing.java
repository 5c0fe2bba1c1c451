package io.tracelet.kafka;

import io.tracelet.Endpoint;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.SpanBuilder;
import io.tracelet.SpanKind;
import io.tracelet.TraceContext;
import io.tracelet.Tracer;
import io.tracelet.Tracing;
import java.util.Objects;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Traces Kafka clients: wraps a {@link Producer} so that each send records a
 * {@link SpanKind#PRODUCER} span and carries its context in the record headers, and a
 * {@link Consumer} so that each received record gets a {@link SpanKind#CONSUMER} span continuing
 * the producer's trace. {@link #processingSpan} then puts the code that handles a record in the
 * trace.
 *
 * <pre>{@code
 * KafkaTracing kafkaTracing = KafkaTracing.create(tracing);
 * Producer<String, String> producer = kafkaTracing.producer(new KafkaProducer<>(config));
 * Consumer<String, String> consumer = kafkaTracing.consumer(new KafkaConsumer<>(config));
 * }</pre>
 *
 * <p>Spans, with the tags {@code kafka.topic}, {@code kafka.key} (when the key is a non-empty
 * String) and the remote service {@code kafka}:
 * <ul>
 *   <li>{@code send}, PRODUCER: a child of the span current at {@code send}; finished when Kafka
 *       completes the send (the send's exception recorded as its error), after which the caller's
 *       callback, if any, runs with the span current. Trace headers already in the record are
 *       replaced, never duplicated; the caller's record is not modified (a copy is sent).
 *   <li>{@code poll}, CONSUMER: one per record that {@code poll} returns, started and finished
 *       there, a child of the context in the record's headers (of the span current at {@code
 *       poll} when there is none; malformed headers are ignored). Its context then replaces the
 *       record's trace headers, so that {@link #processingSpan} is its child.
 * </ul>
 *
 * <p>The wrappers are dynamic proxies of the {@code Producer} and {@code Consumer} interfaces that
 * forward every other method unchanged, so they keep working when a newer kafka-clients adds
 * methods. They are as thread-safe as the clients they wrap. This class is immutable and
 * thread-safe. Per send it allocates the span, a copy of the record and its headers, and a
 * callback; per received record, the span and its header values.
 */
public final class KafkaTracing {
  private static final Endpoint KAFKA = Endpoint.of("kafka", null, 0);

  private final Tracer tracer;
  private final TraceHeaders headers;

  private KafkaTracing(Tracing tracing) {
    this.tracer = tracing.tracer();
    this.headers = new TraceHeaders(tracing.propagator());
  }

  /**
   * Tracing for Kafka clients, recording to {@code tracing}'s tracer with its propagator.
   *
   * @throws NullPointerException when {@code tracing} is null
   */
  public static KafkaTracing create(Tracing tracing) {
    return new KafkaTracing(Objects.requireNonNull(tracing, "tracing == null"));
  }

  /**
   * {@code producer}, traced: every {@code send} records a PRODUCER span. Closing the wrapper closes
   * {@code producer}.
   *
   * @throws NullPointerException when {@code producer} is null
   */
  public <K, V> Producer<K, V> producer(Producer<K, V> producer) {
    return TracingProducer.wrap(this, Objects.requireNonNull(producer, "producer == null"));
  }

  /**
   * {@code consumer}, traced: every record {@code poll} returns gets a CONSUMER span. Closing the
   * wrapper closes {@code consumer}.
   *
   * @throws NullPointerException when {@code consumer} is null
   */
  public <K, V> Consumer<K, V> consumer(Consumer<K, V> consumer) {
    return TracingConsumer.wrap(this, Objects.requireNonNull(consumer, "consumer == null"));
  }

  /**
   * Starts a span named {@code process} for handling {@code record}: a child of the record's
   * CONSUMER span when it came from a wrapped consumer, else of the context in its headers, else of
   * the current span. Make it current while handling the record and finish it after:
   *
   * <pre>{@code
   * Span span = kafkaTracing.processingSpan(record);
   * try (Scope scope = span.makeCurrent()) {
   *   handle(record);
   * } catch (RuntimeException e) {
   *   span.error(e);
   *   throw e;
   * } finally {
   *   span.finish();
   * }
   * }</pre>
   *
   * <p>Tagged {@code kafka.topic}. Never throws because of the record's headers.
   *
   * @throws NullPointerException when {@code record} is null
   */
  public Span processingSpan(ConsumerRecord<?, ?> record) {
    SpanBuilder builder = tracer.spanBuilder("process");
    TraceContext parent = headers.extract(record.headers());
    if (parent != null) builder.parent(parent);
    return builder.tag("kafka.topic", record.topic()).start();
  }

  @SuppressWarnings("try") // the scope is held for its effect, never read
  <K, V> Future<RecordMetadata> send(Producer<K, V> producer, ProducerRecord<K, V> record, Callback callback) {
    Span span = messagingSpan("send", SpanKind.PRODUCER, record.topic(), record.key()).start();
    Headers copy = new RecordHeaders(record.headers().toArray());
    headers.replace(copy, span.context());
    ProducerRecord<K, V> traced = new ProducerRecord<>(record.topic(), record.partition(), record.timestamp(),
        record.key(), record.value(), copy);
    try (Scope ignored = span.makeCurrent()) { // the producer's interceptors and serializers run here
      return producer.send(traced, new TracingCallback(span, callback));
    } catch (RuntimeException | Error e) { // refused before Kafka took it: no callback will come
      span.error(e);
      span.finish();
      throw e;
    }
  }

  void received(ConsumerRecords<?, ?> records) {
    for (ConsumerRecord<?, ?> record : records) {
      SpanBuilder builder = messagingSpan("poll", SpanKind.CONSUMER, record.topic(), record.key());
      TraceContext parent = headers.extract(record.headers());
      if (parent != null) builder.parent(parent);
      Span span = builder.start();
      span.finish();
      headers.replace(record.headers(), span.context());
    }
  }

  private SpanBuilder messagingSpan(String name, SpanKind kind, String topic, Object key) {
    SpanBuilder builder = tracer.spanBuilder(name).kind(kind).remoteEndpoint(KAFKA).tag("kafka.topic", topic);
    if (key instanceof String && !((String) key).isEmpty()) builder.tag("kafka.key", (String) key);
    return builder;
  }

  @Override public String toString() {
    return "KafkaTracing{" + tracer + "}";
  }

  /** Finishes the PRODUCER span, then runs the caller's callback with the span current. */
  private static final class TracingCallback implements Callback {
    private final Span span;
    private final Callback delegate; // may be null

    TracingCallback(Span span, Callback delegate) {
      this.span = span;
      this.delegate = delegate;
    }

    @SuppressWarnings("try") // the scope is held for its effect, never read
    @Override public void onCompletion(RecordMetadata metadata, Exception exception) {
      if (exception != null) span.error(exception);
      span.finish();
      if (delegate == null) return;
      try (Scope ignored = span.makeCurrent()) {
        delegate.onCompletion(metadata, exception);
      }
    }
  }
}
