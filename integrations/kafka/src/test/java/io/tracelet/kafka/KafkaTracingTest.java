package io.tracelet.kafka;

import static io.tracelet.testing.TraceletAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracelet.FinishedSpan;
import io.tracelet.KeepPolicy;
import io.tracelet.Sampler;
import io.tracelet.Scope;
import io.tracelet.Span;
import io.tracelet.SpanKind;
import io.tracelet.TraceContext;
import io.tracelet.Tracing;
import io.tracelet.propagation.Propagators;
import io.tracelet.testing.InMemoryReporter;
import io.tracelet.testing.servers.KafkaBroker;
import io.tracelet.testing.servers.KafkaBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Wrapped producers and consumers against a real Kafka broker (one KRaft node, see tracelet-testing). */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaTracingTest {
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static String bootstrapServers;

  final InMemoryReporter reporter = new InMemoryReporter();
  final Tracing tracing = Tracing.newBuilder()
      .serviceName("orders")
      .propagator(Propagators.w3cThenB3())
      .reporter(reporter)
      .strictScopes(true)
      .maxBatchSpans(512).maxBatchDelay(Duration.ofMillis(5))
      .build();
  final KafkaTracing kafkaTracing = KafkaTracing.create(tracing);
  final String topic = "orders-" + UUID.randomUUID();
  final List<AutoCloseable> clients = new ArrayList<>();

  @BeforeAll static void broker(KafkaBroker kafka) {
    bootstrapServers = kafka.bootstrapServers();
  }

  @AfterEach void close() throws Exception {
    for (AutoCloseable client : clients) client.close();
    tracing.close();
  }

  Producer<String, String> plainProducer(Map<String, Object> extra) {
    Map<String, Object> config = new java.util.HashMap<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000,
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
        ProducerConfig.LINGER_MS_CONFIG, 0));
    config.putAll(extra);
    KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    clients.add(producer);
    return producer;
  }

  Consumer<String, String> plainConsumer() {
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer());
    consumer.assign(List.of(new TopicPartition(topic, 0)));
    clients.add(consumer);
    return consumer;
  }

  /** Polls until {@code count} records arrived, or fails at the deadline. */
  List<ConsumerRecord<String, String>> receive(Consumer<String, String> consumer, int count) {
    List<ConsumerRecord<String, String>> received = new ArrayList<>();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (received.size() < count && System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(200)).forEach(received::add);
    }
    assertThat(received).as("records received from %s", topic).hasSize(count);
    return received;
  }

  static FinishedSpan named(List<FinishedSpan> spans, String name) {
    List<FinishedSpan> found = spans.stream().filter(s -> s.name().equals(name)).toList();
    assertThat(found).as("spans named %s", name).hasSize(1);
    return found.get(0);
  }

  static String header(Headers headers, String key) {
    Header header = headers.lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Test void produceConsumeAndProcessAreOneTrace() throws Exception {
    Producer<String, String> producer = kafkaTracing.producer(plainProducer(Map.of()));
    Consumer<String, String> consumer = kafkaTracing.consumer(plainConsumer());
    Span checkout = tracing.tracer().spanBuilder("checkout").start();
    CompletableFuture<Span> currentInCallback = new CompletableFuture<>();

    try (Scope ignored = checkout.makeCurrent()) {
      producer.send(new ProducerRecord<>(topic, "order-42", "2 books"),
          (metadata, exception) -> currentInCallback.complete(tracing.tracer().currentSpan()))
          .get(30, TimeUnit.SECONDS);
    }
    checkout.finish();
    ConsumerRecord<String, String> record = receive(consumer, 1).get(0);
    Span process = kafkaTracing.processingSpan(record);
    try (Scope ignored = process.makeCurrent()) {
      assertThat(record.value()).isEqualTo("2 books");
    } finally {
      process.finish();
    }

    List<FinishedSpan> spans = reporter.awaitSpans(4, TIMEOUT);
    assertThat(spans).hasSize(4).isCompleteTrace().rootSpan().hasName("checkout");
    FinishedSpan send = named(spans, "send");
    FinishedSpan poll = named(spans, "poll");
    assertThat(send).hasKind(SpanKind.PRODUCER).hasParent(checkout.context()).hasRemoteServiceName("kafka")
        .hasTag("kafka.topic", topic).hasTag("kafka.key", "order-42").hasNoError();
    assertThat(poll).hasKind(SpanKind.CONSUMER).hasParent(send).hasRemoteServiceName("kafka")
        .hasTag("kafka.topic", topic).hasTag("kafka.key", "order-42");
    assertThat(named(spans, "process")).hasKind(SpanKind.INTERNAL).hasParent(poll).hasTag("kafka.topic", topic);
    // The user's callback ran with the producer span current.
    assertThat(currentInCallback.get(1, TimeUnit.SECONDS).context().spanId()).isEqualTo(send.spanId());
  }

  /**
   * Head sampling at 0 on both sides, a keep policy on both: a record whose processing fails keeps
   * the consumer's processing part (Kafka has no response, so the producer's side is not told, and
   * the CONSUMER span, finished at poll before the failure, is decided on its own).
   */
  @Test void atSampleZeroAFailingConsumerKeepsItsProcessingPartAndTheProducerNothing() throws Exception {
    KeepPolicy policy = KeepPolicy.newBuilder().keepErrors().build();
    InMemoryReporter producerSide = new InMemoryReporter();
    InMemoryReporter consumerSide = new InMemoryReporter();
    try (Tracing orders = Tracing.newBuilder().serviceName("orders").propagator(Propagators.w3cThenB3())
             .sampler(Sampler.never()).keepPolicy(policy).reporter(producerSide).build();
         Tracing shipping = Tracing.newBuilder().serviceName("shipping").propagator(Propagators.w3cThenB3())
             .sampler(Sampler.never()).keepPolicy(policy).reporter(consumerSide).build()) {
      KafkaTracing producing = KafkaTracing.create(orders);
      KafkaTracing consuming = KafkaTracing.create(shipping);
      Producer<String, String> producer = producing.producer(plainProducer(Map.of()));
      Consumer<String, String> consumer = consuming.consumer(plainConsumer());
      producer.send(new ProducerRecord<>(topic, "order-7", "a piano")).get(30, TimeUnit.SECONDS);
      ConsumerRecord<String, String> record = receive(consumer, 1).get(0);
      Span process = consuming.processingSpan(record);
      assertThat(process.isRecording()).as("provisional").isTrue();
      process.error(new IllegalStateException("no truck for a piano"));
      process.finish();
      assertThat(orders.flush()).isTrue();
      assertThat(shipping.flush()).isTrue();

      assertThat(producerSide.spans()).isEmpty();
      assertThat(consumerSide.spans()).singleElement().satisfies(span -> {
        assertThat(span).hasName("process").hasTag(KeepPolicy.TAG, KeepPolicy.ERROR);
        assertThat(span.traceId()).isEqualTo(process.context().traceId());
      });
      assertThat(shipping.counters().localTracesKept()).containsEntry(KeepPolicy.ERROR, 1L);
      assertThat(orders.counters().localTracesKept().values()).allMatch(n -> n == 0);
    }
  }

  @Test void theBrokerStoresExactlyTheProducerSpansContextAndTheCallersRecordIsLeftAlone() throws Exception {
    Producer<String, String> producer = kafkaTracing.producer(plainProducer(Map.of()));
    Headers userHeaders = new RecordHeaders()
        .add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".getBytes(StandardCharsets.UTF_8))
        .add("X-B3-TraceId", "0af7651916cd43dd8448eb211c80319c".getBytes(StandardCharsets.UTF_8))
        .add("x-b3-parentspanid", "00f067aa0ba902b7".getBytes(StandardCharsets.UTF_8))
        .add("app", "kept".getBytes(StandardCharsets.UTF_8));
    ProducerRecord<String, String> record = new ProducerRecord<>(topic, null, "k", "v", userHeaders);

    producer.send(record).get(30, TimeUnit.SECONDS);
    producer.send(record).get(30, TimeUnit.SECONDS); // the same record again: Kafka makes sent headers read-only

    List<ConsumerRecord<String, String>> stored = receive(plainConsumer(), 2);
    List<FinishedSpan> sends = reporter.awaitSpans(2, TIMEOUT);
    for (int i = 0; i < 2; i++) {
      Headers headers = stored.get(i).headers();
      FinishedSpan send = sends.get(i);
      TraceContext context = Propagators.w3c().extract(headers, (h, k) -> header(h, k));
      assertThat(context.spanId()).isEqualTo(send.spanId());
      assertThat(context.traceId()).isEqualTo(send.traceId());
      assertThat(headers.headers("traceparent")).hasSize(1);
      assertThat(headers.headers("x-b3-traceid")).hasSize(1);
      assertThat(headers.headers("X-B3-TraceId")).isEmpty();
      assertThat(headers.headers("x-b3-parentspanid")).isEmpty(); // the send span is a root
      assertThat(header(headers, "x-b3-spanid")).isEqualTo(context.spanIdHex());
      assertThat(header(headers, "app")).isEqualTo("kept");
    }
    assertThat(sends.get(0).spanId()).isNotEqualTo(sends.get(1).spanId());
    assertThat(record.headers().toArray()).hasSize(4);
    assertThat(header(record.headers(), "traceparent")).startsWith("00-0af7651916cd43dd8448eb211c80319c");
  }

  @Test void aSendTheBrokerRefusesIsRecordedAndTheCallersCallbackStillRuns() throws Exception {
    // The broker takes messages of about 1 MB; the producer is allowed to send more.
    Producer<String, String> producer = kafkaTracing.producer(plainProducer(
        Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4_000_000)));
    CompletableFuture<Exception> callbackGot = new CompletableFuture<>();

    var future = producer.send(new ProducerRecord<>(topic, "big", "x".repeat(2_000_000)),
        (metadata, exception) -> callbackGot.complete(exception));

    assertThat(callbackGot.get(30, TimeUnit.SECONDS)).isInstanceOf(RecordTooLargeException.class);
    assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(RecordTooLargeException.class);
    assertThat(reporter.awaitSpans(1, TIMEOUT)).singleElement().hasName("send")
        .hasError(RecordTooLargeException.class);
  }

  @Test void aSendRefusedBeforeKafkaTookItIsRecordedAndRethrownUnchanged() {
    Producer<String, String> producer = kafkaTracing.producer(plainProducer(Map.of()));
    producer.close(Duration.ofSeconds(10));

    assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "late")))
        .isInstanceOf(IllegalStateException.class);

    assertThat(reporter.awaitSpans(1, TIMEOUT)).singleElement().hasName("send")
        .hasError(IllegalStateException.class);
  }

  @Test void recordsWithMalformedTraceHeadersAreConsumedAndStartNewTraces() {
    Producer<String, String> untraced = plainProducer(Map.of());
    Headers hostile = new RecordHeaders()
        .add("traceparent", "00-xyz-01".getBytes(StandardCharsets.UTF_8))
        .add("traceparent", "ff-".repeat(500).getBytes(StandardCharsets.UTF_8))
        .add("x-b3-traceid", new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1})
        .add("x-b3-spanid", null)
        .add("b3", "-".getBytes(StandardCharsets.UTF_8));
    untraced.send(new ProducerRecord<>(topic, (Integer) null, (String) null, "v", hostile));
    untraced.flush();
    Consumer<String, String> consumer = kafkaTracing.consumer(plainConsumer());

    ConsumerRecord<String, String> record = receive(consumer, 1).get(0);
    kafkaTracing.processingSpan(record).finish();

    List<FinishedSpan> spans = reporter.awaitSpans(2, TIMEOUT);
    assertThat(spans).isCompleteTrace();
    assertThat(named(spans, "poll")).isRoot().hasNoTag("kafka.key");
    assertThat(named(spans, "process")).hasParent(named(spans, "poll"));
  }

  @Test void theWrappersForwardEverythingElse() throws Exception {
    Producer<String, String> plain = plainProducer(Map.of());
    Producer<String, String> producer = kafkaTracing.producer(plain);
    RecordMetadata sent = producer.send(new ProducerRecord<>(topic, "v")).get(30, TimeUnit.SECONDS);
    Consumer<String, String> consumer = kafkaTracing.consumer(plainConsumer());

    assertThat(producer.partitionsFor(topic)).hasSize(1);
    assertThat(producer.metrics()).isNotEmpty();
    assertThat(consumer.assignment()).containsExactly(new TopicPartition(topic, 0));
    assertThat(consumer.endOffsets(List.of(new TopicPartition(topic, 0))))
        .containsEntry(new TopicPartition(topic, 0), sent.offset() + 1);
    assertThat(producer).isEqualTo(producer).isNotEqualTo(plain).hasToString("Tracing" + plain);
  }
}
