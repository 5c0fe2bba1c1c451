package io.tracelet.reporter.zipkin;

import io.tracelet.FinishedSpan;
import io.tracelet.ReportException;
import io.tracelet.SpanReporter;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import zipkin2.reporter.BytesMessageSender;
import zipkin2.reporter.Encoding;
import zipkin2.reporter.kafka.KafkaSender;

/**
 * Reports finished spans to Zipkin, or anything that reads Zipkin's v2 formats: each batch is
 * encoded straight to bytes, in the sender's encoding (JSON or proto3), split into messages no
 * larger than the sender's limit, and handed to a zipkin-reporter {@link BytesMessageSender}: HTTP
 * ({@link #http(String)} with the JDK's client, or OkHttp), Kafka ({@link #kafka(String)}), or any
 * other.
 *
 * <p>Nothing a backend does reaches the application: a failed message is counted (see
 * {@link #counters()}), logged once per streak of failures through {@link System.Logger}, and the
 * next batch is tried as usual, so spans flow again as soon as the backend is back. A span larger
 * than a whole message is dropped and counted. When any span of a batch was not delivered,
 * {@link #report} ends with a {@link ReportException} that counts them, so that {@code
 * Tracing.counters()} shows them too (the recorder catches it; nothing reaches the application).
 * The reporter keeps no spans of its own; its memory is one reused buffer of about one message.
 *
 * <p>Thread safety: {@link #report} is meant for one thread at a time, as Tracing calls it;
 * {@link #counters()} and {@link #close()} may be called from any thread. Closing the reporter
 * closes its sender.
 */
public final class ZipkinReporter implements SpanReporter {
  static final System.Logger LOG = System.getLogger(ZipkinReporter.class.getName());
  /** The cause under which spans too large for any message are counted. */
  public static final String SPAN_TOO_LARGE = "SpanTooLarge";
  /** The cause under which spans reported after {@link #close()} are counted. */
  public static final String CLOSED = "Closed";
  /** The Kafka topic Zipkin's Kafka collector reads unless told otherwise. */
  public static final String KAFKA_TOPIC = "zipkin";
  private static final int INITIAL_BUFFER = 8 * 1024;
  // Tracelet's producer settings for kafka(...): see there.
  private static final Map<String, String> KAFKA_SETTINGS =
      Map.of("max.block.ms", "5000", "request.timeout.ms", "3000", "delivery.timeout.ms", "5000");

  private final BytesMessageSender sender;
  private final SpanWriter writer;
  private final int messageMaxBytes;
  private final Counters counters = new Counters();
  private Buffer buffer = new Buffer(INITIAL_BUFFER);
  private long failuresInStreak; // messages; 0 when the last send worked
  private int lostInBatch; // spans of the batch being reported that will not arrive
  private String lostCause;
  private boolean warnedTooLarge;
  private volatile boolean closed;

  ZipkinReporter(Builder builder) {
    this.sender = builder.sender;
    // JSON in ASCII: the Zipkin server's decoder garbles raw UTF-8 across 8 KiB boundaries
    this.writer = builder.sender.encoding() == Encoding.JSON ? new JsonSpanWriter(true) : new Proto3SpanWriter();
    this.messageMaxBytes = builder.messageMaxBytes;
  }

  /**
   * Reports to a Zipkin server over HTTP with the JDK's {@link java.net.http.HttpClient} (a
   * {@link JdkHttpSender}): JSON, gzip, messages of up to 500 kB. {@code spansUrl} is the POST
   * endpoint, such as {@code http://127.0.0.1:9411/api/v2/spans}. A post under way is abandoned
   * when the recorder is interrupted, so {@code Tracing.close} returns on time even from a backend
   * that never answers. For PROTO3 or timeouts, build a {@link JdkHttpSender} and pass it to
   * {@link #newBuilder}.
   *
   * @throws IllegalArgumentException when the URL is malformed
   */
  public static ZipkinReporter http(String spansUrl) {
    return newBuilder(JdkHttpSender.create(spansUrl)).build();
  }

  /**
   * Reports to the Kafka topic {@code zipkin} that Zipkin's Kafka collector reads, as JSON. Needs
   * {@code io.zipkin.reporter2:zipkin-sender-kafka} on the class path. The same as
   * {@link #kafka(String, String, Map)} with that topic and no overrides.
   *
   * @throws IllegalStateException when that artifact is missing
   */
  public static ZipkinReporter kafka(String bootstrapServers) {
    return kafka(bootstrapServers, KAFKA_TOPIC, Map.of());
  }

  /**
   * Reports to a Kafka topic, as JSON, with producer settings on top of Tracelet's. Needs
   * {@code io.zipkin.reporter2:zipkin-sender-kafka} on the class path.
   *
   * <p>A broker that is down costs the recorder seconds per message, never minutes, and closing
   * returns within seconds: a send waits at most 5 s for the topic's metadata
   * ({@code max.block.ms}; Kafka's default is 60 s), and a message at most 5 s in the producer
   * ({@code delivery.timeout.ms}, with {@code request.timeout.ms} 3 s; Kafka's default is 120 s)
   * before it fails and its spans are counted dropped. 5 s is Tracing's default close timeout, and
   * leaves a new cluster time to create the topic on first use (over a second on a busy machine).
   * A broker that comes back is used again within about a second. Records are not acknowledged
   * ({@code acks=0}, zipkin-reporter's default). {@code overrides} (Kafka producer properties, such
   * as {@code acks} or {@code max.block.ms}) replace those settings or add others; an invalid one
   * fails the first send, which counts its spans dropped under Kafka's {@code ConfigException}.
   * For the encoding or a producer of your own, build a {@code KafkaSender} and pass it to
   * {@link #newBuilder}.
   *
   * @param topic the topic Zipkin's collector reads ({@code zipkin} unless its {@code KAFKA_TOPIC}
   *     says otherwise)
   * @throws IllegalStateException when that artifact is missing
   */
  public static ZipkinReporter kafka(String bootstrapServers, String topic, Map<String, String> overrides) {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers == null");
    Objects.requireNonNull(topic, "topic == null");
    Map<String, String> settings = new LinkedHashMap<>(KAFKA_SETTINGS);
    settings.putAll(Objects.requireNonNull(overrides, "overrides == null"));
    BytesMessageSender sender;
    try { // the optional jar loads here, on first use
      sender = KafkaSender.newBuilder().bootstrapServers(bootstrapServers).topic(topic).overrides(settings).build();
    } catch (NoClassDefFoundError e) {
      throw new IllegalStateException("ZipkinReporter.kafka needs io.zipkin.reporter2:zipkin-sender-kafka"
          + " and its kafka-clients on the class path", e);
    }
    return newBuilder(sender).build();
  }

  /**
   * A builder for a reporter that sends through {@code sender}: the sender decides the encoding
   * (JSON or PROTO3), compression, timeouts, headers, TLS and the largest message.
   */
  public static Builder newBuilder(BytesMessageSender sender) {
    return new Builder(sender);
  }

  /**
   * Encodes the batch and sends it in as few messages as the message size allows, never an empty
   * one. Every message is tried, whatever happened to the one before.
   *
   * @throws ReportException after trying them all, when any span of the batch was not delivered:
   *     how many, and the cause of the last loss
   */
  @Override public void report(List<FinishedSpan> batch) {
    if (closed) {
      counters.dropSpans(CLOSED, batch.size());
      throw new ReportException(batch.size(), CLOSED);
    }
    lostInBatch = 0;
    lostCause = null;
    Buffer out = buffer;
    out.size = 0;
    int spansInMessage = 0;
    for (int i = 0, size = batch.size(); i < size; i++) {
      int mark = out.size;
      if (spansInMessage > 0) writer.writeListSeparator(out);
      int spanStart = out.size;
      try {
        writer.write(batch.get(i), out);
      } catch (RuntimeException e) { // a broken FinishedSpan must not cost the rest of the batch
        out.size = mark;
        lose(causeOf(e), 1);
        continue;
      }
      int spanBytes = out.size - spanStart;
      if (sender.messageSizeInBytes(spanBytes) > messageMaxBytes) {
        out.size = mark;
        dropTooLarge(spanBytes);
      } else if (sender.messageSizeInBytes(out.size) <= messageMaxBytes) {
        spansInMessage++;
      } else { // this span starts the next message
        send(out, mark, spansInMessage);
        System.arraycopy(out.array, spanStart, out.array, 0, spanBytes);
        out.size = spanBytes;
        spansInMessage = 1;
      }
    }
    if (spansInMessage > 0) send(out, out.size, spansInMessage);
    // One huge span must not pin a huge buffer. Otherwise it holds a message and a span at most,
    // which doubling growth can round up to twice that, plus a string chunk's reservation.
    if (out.array.length > 4L * messageMaxBytes + 64 * 1024) buffer = new Buffer(INITIAL_BUFFER);
    if (lostInBatch > 0) throw new ReportException(lostInBatch, lostCause);
  }

  private void lose(String cause, int spans) {
    counters.dropSpans(cause, spans);
    lostInBatch += spans;
    lostCause = cause;
  }

  private void send(Buffer out, int length, int spanCount) {
    // All spans go as one element, already joined: JSON's brackets are the sender's to add, and
    // proto3 lists are plain concatenations; one exact array per message is the sender's contract.
    byte[] message = Arrays.copyOf(out.array, length);
    try {
      sender.send(Collections.singletonList(message));
    } catch (Exception e) {
      onFailure(e, spanCount);
      return;
    }
    counters.sent(spanCount, sender.messageSizeInBytes(length));
    if (failuresInStreak > 0) {
      LOG.log(Level.INFO, "Zipkin reporter: " + sender + " accepts spans again, after "
          + failuresInStreak + " failed message(s)");
      failuresInStreak = 0;
    }
  }

  private void onFailure(Exception e, int spanCount) {
    String cause = causeOf(e);
    counters.dropMessage(cause);
    lose(cause, spanCount);
    if (failuresInStreak++ == 0) {
      LOG.log(Level.WARNING, "Zipkin reporter: could not send " + spanCount + " span(s) to " + sender
          + ": " + cause + ": " + e.getMessage() + ". Dropping them, counting drops, and logging "
          + "again when sending works.");
    }
  }

  private void dropTooLarge(int spanBytes) {
    lose(SPAN_TOO_LARGE, 1);
    if (!warnedTooLarge) {
      warnedTooLarge = true;
      LOG.log(Level.WARNING, "Zipkin reporter: dropped a span of " + spanBytes + " bytes, over the "
          + "message limit of " + messageMaxBytes + " bytes; later ones are only counted as " + SPAN_TOO_LARGE);
    }
  }

  private static String causeOf(Throwable e) {
    String name = e.getClass().getSimpleName();
    return name.isEmpty() ? e.getClass().getName() : name; // an anonymous class has no simple name
  }

  /** What this reporter has sent and dropped; a live view, readable from any thread. */
  public Counters counters() {
    return counters;
  }

  /** The reused buffer's size in bytes: what the reporter holds between batches. */
  int bufferCapacity() {
    return buffer.array.length;
  }

  /**
   * Closes the sender; spans reported afterwards are dropped and counted as {@link #CLOSED}.
   * Idempotent; a sender that fails to close is logged, not thrown.
   */
  @Override public void close() {
    if (closed) return;
    closed = true;
    try {
      sender.close();
    } catch (Exception e) {
      LOG.log(Level.WARNING, "Zipkin reporter: closing " + sender + " failed", e);
    }
  }

  @Override public String toString() {
    return "ZipkinReporter{" + sender + "}";
  }

  /**
   * Configures a {@link ZipkinReporter} around a sender. Not thread-safe: build on one thread.
   */
  public static final class Builder {
    final BytesMessageSender sender;
    int messageMaxBytes;

    Builder(BytesMessageSender sender) {
      Objects.requireNonNull(sender, "sender == null");
      Encoding encoding = sender.encoding();
      if (encoding != Encoding.JSON && encoding != Encoding.PROTO3) {
        throw new IllegalArgumentException("Zipkin reporter encodes JSON or PROTO3, not " + encoding);
      }
      this.sender = sender;
      this.messageMaxBytes = sender.messageMaxBytes();
    }

    /**
     * The largest message to send, encoding overhead included; at most, and by default, the
     * sender's {@code messageMaxBytes()}. A span that cannot fit is dropped.
     *
     * @throws IllegalArgumentException when not in 1 .. the sender's limit
     */
    public Builder messageMaxBytes(int messageMaxBytes) {
      if (messageMaxBytes <= 0 || messageMaxBytes > sender.messageMaxBytes()) {
        throw new IllegalArgumentException("messageMaxBytes must be in 1.." + sender.messageMaxBytes()
            + " (the sender's limit), not " + messageMaxBytes);
      }
      this.messageMaxBytes = messageMaxBytes;
      return this;
    }

    /** A new reporter; it owns the sender from now on and closes it when closed. */
    public ZipkinReporter build() {
      return new ZipkinReporter(this);
    }
  }

  /**
   * The reporter's counters, kept since it was built. Thread-safe; the by-cause maps are
   * snapshots, allocated on each call. A span or message counts as sent when the sender returned
   * without error (for Kafka with its default {@code acks=0}: handed to the client).
   */
  public static final class Counters {
    private final AtomicLong spansSent = new AtomicLong();
    private final AtomicLong messagesSent = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong spansDropped = new AtomicLong();
    private final AtomicLong messagesDropped = new AtomicLong();
    private final Map<String, AtomicLong> spansDroppedByCause = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> messagesDroppedByCause = new ConcurrentHashMap<>();

    Counters() {
    }

    /** Spans in messages the sender accepted. */
    public long spansSent() {
      return spansSent.get();
    }

    /** Messages the sender accepted. */
    public long messagesSent() {
      return messagesSent.get();
    }

    /** Bytes of the messages the sender accepted, as encoded (before any compression). */
    public long bytesSent() {
      return bytesSent.get();
    }

    /** Spans that will never arrive: in failed messages, too large, or reported after close. */
    public long spansDropped() {
      return spansDropped.get();
    }

    /** Messages whose send failed. */
    public long messagesDropped() {
      return messagesDropped.get();
    }

    /**
     * Dropped spans by cause: the simple class name of the exception a send threw (such as
     * {@code ConnectException}), {@link #SPAN_TOO_LARGE} or {@link #CLOSED}.
     */
    public Map<String, Long> spansDroppedByCause() {
      return snapshot(spansDroppedByCause);
    }

    /** Failed messages by the simple class name of the exception the send threw. */
    public Map<String, Long> messagesDroppedByCause() {
      return snapshot(messagesDroppedByCause);
    }

    void sent(int spans, int bytes) {
      spansSent.addAndGet(spans);
      messagesSent.incrementAndGet();
      bytesSent.addAndGet(bytes);
    }

    void dropSpans(String cause, int spans) {
      spansDropped.addAndGet(spans);
      spansDroppedByCause.computeIfAbsent(cause, c -> new AtomicLong()).addAndGet(spans);
    }

    void dropMessage(String cause) {
      messagesDropped.incrementAndGet();
      messagesDroppedByCause.computeIfAbsent(cause, c -> new AtomicLong()).incrementAndGet();
    }

    private static Map<String, Long> snapshot(Map<String, AtomicLong> counts) {
      Map<String, Long> copy = new TreeMap<>();
      counts.forEach((cause, count) -> copy.put(cause, count.get()));
      return Collections.unmodifiableMap(copy);
    }

    @Override public String toString() {
      return "Counters{spansSent=" + spansSent() + ", messagesSent=" + messagesSent()
          + ", bytesSent=" + bytesSent() + ", spansDropped=" + spansDroppedByCause()
          + ", messagesDropped=" + messagesDroppedByCause() + "}";
    }
  }
}
