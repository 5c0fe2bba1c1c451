package io.tracelet.spring.boot;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Tracelet's own settings, under the prefix {@code tracelet}: what Spring Boot's
 * {@code management.tracing.*} properties have no word for (the keep policy, the queue between the
 * application and the reporter, the Zipkin sender, JDBC tracing). Sampling, propagation, baggage
 * and the Zipkin endpoint stay Boot's properties, read as Boot reads them.
 *
 * <pre>{@code
 * # keep failed and slow requests that head sampling dropped
 * tracelet.keep.errors=true
 * tracelet.keep.slower-than=500ms
 * tracelet.queue.capacity=8192
 * # report through Kafka instead of HTTP
 * tracelet.zipkin.sender=kafka
 * tracelet.zipkin.kafka-overrides[acks]=1
 * }</pre>
 *
 * <p>A mutable bean for Spring's binder; the auto-configuration reads it once, when it builds the
 * {@code Tracing}. Not thread-safe.
 */
@ConfigurationProperties("tracelet")
public final class TraceletProperties {
  /**
   * Whether Tracelet traces the application. False leaves Micrometer Tracing to another tracer
   * (Brave or OpenTelemetry, when their auto-configuration is present) or to Boot's no-op tracer.
   */
  private boolean enabled = true;

  /** Whether new traces get 64-bit trace IDs instead of 128-bit ones, for old Zipkin peers. */
  private boolean shortTraceIds;

  /** How long closing the application context waits for queued spans to be delivered. */
  private Duration closeTimeout = Duration.ofSeconds(5);

  private final Keep keep = new Keep();
  private final Queue queue = new Queue();
  private final Zipkin zipkin = new Zipkin();
  private final Jdbc jdbc = new Jdbc();

  /** For Spring's binder. */
  public TraceletProperties() {
  }

  /** @return whether Tracelet traces the application */
  public boolean isEnabled() {
    return enabled;
  }

  /** @param enabled whether Tracelet traces the application */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** @return whether new traces get 64-bit IDs */
  public boolean isShortTraceIds() {
    return shortTraceIds;
  }

  /** @param shortTraceIds whether new traces get 64-bit IDs */
  public void setShortTraceIds(boolean shortTraceIds) {
    this.shortTraceIds = shortTraceIds;
  }

  /** @return how long closing waits for queued spans */
  public Duration getCloseTimeout() {
    return closeTimeout;
  }

  /** @param closeTimeout how long closing waits for queued spans */
  public void setCloseTimeout(Duration closeTimeout) {
    this.closeTimeout = closeTimeout;
  }

  /** @return the keep policy's settings */
  public Keep getKeep() {
    return keep;
  }

  /** @return the settings of the queue between the application and the reporter */
  public Queue getQueue() {
    return queue;
  }

  /** @return the Zipkin reporter's settings beside Boot's {@code management.tracing.export.zipkin.*} */
  public Zipkin getZipkin() {
    return zipkin;
  }

  /** @return the JDBC tracing settings */
  public Jdbc getJdbc() {
    return jdbc;
  }

  /**
   * The keep policy ({@code io.tracelet.KeepPolicy}): requests that head sampling did not pick
   * ({@code management.tracing.sampling.probability}) are still reported when they failed, were
   * slow, or a service they called kept them. In effect when {@code errors} or
   * {@code slower-than} is set.
   */
  public static final class Keep {
    /** Whether to keep a request in which any span recorded an error. */
    private boolean errors;

    /** Keep a request whose local root span lasted longer than this; none when unset. */
    private Duration slowerThan;

    /** Whether a downstream service's word that it kept the trace keeps this request too. */
    private boolean downstream = true;

    /** The most finished spans one request holds while its local root runs. */
    private int maxSpansPerLocalTrace = 1000;

    /** The most finished spans all undecided requests of the process hold. */
    private int maxPendingSpans = 100_000;

    /** For Spring's binder. */
    public Keep() {
    }

    /** @return whether failed requests are kept */
    public boolean isErrors() {
      return errors;
    }

    /** @param errors whether failed requests are kept */
    public void setErrors(boolean errors) {
      this.errors = errors;
    }

    /** @return the local root's duration past which a request is kept, or null */
    public Duration getSlowerThan() {
      return slowerThan;
    }

    /** @param slowerThan the local root's duration past which a request is kept, or null */
    public void setSlowerThan(Duration slowerThan) {
      this.slowerThan = slowerThan;
    }

    /** @return whether a downstream keep keeps this request */
    public boolean isDownstream() {
      return downstream;
    }

    /** @param downstream whether a downstream keep keeps this request */
    public void setDownstream(boolean downstream) {
      this.downstream = downstream;
    }

    /** @return the most spans one request holds */
    public int getMaxSpansPerLocalTrace() {
      return maxSpansPerLocalTrace;
    }

    /** @param maxSpansPerLocalTrace the most spans one request holds */
    public void setMaxSpansPerLocalTrace(int maxSpansPerLocalTrace) {
      this.maxSpansPerLocalTrace = maxSpansPerLocalTrace;
    }

    /** @return the most spans all undecided requests hold */
    public int getMaxPendingSpans() {
      return maxPendingSpans;
    }

    /** @param maxPendingSpans the most spans all undecided requests hold */
    public void setMaxPendingSpans(int maxPendingSpans) {
      this.maxPendingSpans = maxPendingSpans;
    }

    boolean isActive() {
      return errors || slowerThan != null;
    }
  }

  /**
   * The bounded queue of finished spans between the application's threads and the reporter's
   * thread. A full queue drops spans and counts them; it never blocks a request.
   */
  public static final class Queue {
    /** How many finished spans may wait for the reporter (rounded up to a power of two). */
    private int capacity = 8192;

    /** The most spans handed to the reporter in one batch. */
    private int maxBatchSpans = 512;

    /** The longest a finished span waits for its batch to fill. */
    private Duration maxBatchDelay = Duration.ofSeconds(1);

    /** For Spring's binder. */
    public Queue() {
    }

    /** @return how many finished spans may wait */
    public int getCapacity() {
      return capacity;
    }

    /** @param capacity how many finished spans may wait */
    public void setCapacity(int capacity) {
      this.capacity = capacity;
    }

    /** @return the most spans in one batch */
    public int getMaxBatchSpans() {
      return maxBatchSpans;
    }

    /** @param maxBatchSpans the most spans in one batch */
    public void setMaxBatchSpans(int maxBatchSpans) {
      this.maxBatchSpans = maxBatchSpans;
    }

    /** @return the longest a span waits for its batch */
    public Duration getMaxBatchDelay() {
      return maxBatchDelay;
    }

    /** @param maxBatchDelay the longest a span waits for its batch */
    public void setMaxBatchDelay(Duration maxBatchDelay) {
      this.maxBatchDelay = maxBatchDelay;
    }
  }

  /**
   * How spans reach Zipkin. The endpoint, encoding and timeouts of the HTTP sender are Boot's
   * {@code management.tracing.export.zipkin.*} properties.
   */
  public static final class Zipkin {
    /** The transport to Zipkin: HTTP (the endpoint) or Kafka (the topic "zipkin", JSON). */
    private Sender sender = Sender.HTTP;

    /**
     * The Kafka bootstrap servers when the sender is Kafka; {@code spring.kafka.bootstrap-servers}
     * when unset. Needs io.zipkin.reporter2:zipkin-sender-kafka on the class path.
     */
    private String kafkaBootstrapServers;

    /** The Kafka topic when the sender is Kafka: the one Zipkin's collector reads (its KAFKA_TOPIC). */
    private String kafkaTopic = "zipkin";

    /**
     * Kafka producer properties for the Kafka sender, on top of Tracelet's (5 s for metadata and for
     * a message, acks=0), for example {@code tracelet.zipkin.kafka-overrides[acks]=1}.
     */
    private final Map<String, String> kafkaOverrides = new LinkedHashMap<>();

    /** For Spring's binder. */
    public Zipkin() {
    }

    /** @return the transport to Zipkin */
    public Sender getSender() {
      return sender;
    }

    /** @param sender the transport to Zipkin */
    public void setSender(Sender sender) {
      this.sender = sender;
    }

    /** @return the Kafka bootstrap servers, or null for Spring Kafka's */
    public String getKafkaBootstrapServers() {
      return kafkaBootstrapServers;
    }

    /** @param kafkaBootstrapServers the Kafka bootstrap servers */
    public void setKafkaBootstrapServers(String kafkaBootstrapServers) {
      this.kafkaBootstrapServers = kafkaBootstrapServers;
    }

    /** @return the Kafka topic */
    public String getKafkaTopic() {
      return kafkaTopic;
    }

    /** @param kafkaTopic the Kafka topic */
    public void setKafkaTopic(String kafkaTopic) {
      this.kafkaTopic = kafkaTopic;
    }

    /** @return the Kafka producer properties, which Spring's binder fills */
    public Map<String, String> getKafkaOverrides() {
      return kafkaOverrides;
    }

    /** The transports to Zipkin. */
    public enum Sender {
      /** Zipkin's HTTP collector, with the JDK's HTTP client. */
      HTTP,
      /** Zipkin's Kafka collector. */
      KAFKA
    }
  }

  /** Tracing of the application's {@code DataSource} beans, when tracelet-jdbc is on the class path. */
  public static final class Jdbc {
    /** Whether DataSource beans are wrapped so that each statement records a CLIENT span. */
    private boolean enabled = true;

    /** Whether statements are recorded with their literals; false replaces them with '?'. */
    private boolean keepLiterals;

    /** For Spring's binder. */
    public Jdbc() {
    }

    /** @return whether DataSource beans are traced */
    public boolean isEnabled() {
      return enabled;
    }

    /** @param enabled whether DataSource beans are traced */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** @return whether literals are kept */
    public boolean isKeepLiterals() {
      return keepLiterals;
    }

    /** @param keepLiterals whether literals are kept */
    public void setKeepLiterals(boolean keepLiterals) {
      this.keepLiterals = keepLiterals;
    }
  }
}
