package io.tracelet.examples.scaleout;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the Zipkin collectors' consumer group has come on their topic, read with Kafka's admin
 * client: the offsets the group committed against the partitions' ends. Once the group has
 * committed the end offsets a partition had at some moment, every record sent to it before then
 * was consumed, by whichever collector owned it, and handed to storage; so were the records a
 * collector that died had consumed without committing, consumed again by the next owner. Not
 * thread-safe.
 */
final class ConsumerGroup implements AutoCloseable {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration POLL_PAUSE = Duration.ofMillis(250);

  private final Admin admin;
  private final String group;
  private final String topic;

  ConsumerGroup(String bootstrapServers, String group, String topic) {
    this.group = group;
    this.topic = topic;
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT.toMillis(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT.toMillis()));
  }

  /**
   * Takes each partition's end offset now, and waits until the group has committed at least that
   * much on every partition.
   *
   * @return how long that took
   * @throws IllegalStateException when it has not within {@code timeout}
   */
  Duration awaitCaughtUp(Duration timeout) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    Map<TopicPartition, Long> ends = endOffsets();
    while (true) {
      Map<TopicPartition, Long> behind = behind(ends);
      if (behind.isEmpty()) return Duration.ofNanos(System.nanoTime() - start);
      if (System.nanoTime() - deadline >= 0L) {
        throw new IllegalStateException("the consumer group " + group + " has not caught up with the topic " + topic
            + " within " + timeout + "; records left per partition: " + behind);
      }
      LockSupport.parkNanos(POLL_PAUSE.toNanos()); // between two reads of the committed offsets
      if (Thread.interrupted()) throw new InterruptedException();
    }
  }

  private Map<TopicPartition, Long> endOffsets() throws InterruptedException {
    TopicDescription description = get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    description.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    Map<TopicPartition, Long> ends = new HashMap<>();
    get(admin.listOffsets(latest).all()).forEach((partition, info) -> ends.put(partition, info.offset()));
    return ends;
  }

  // The partitions whose committed offset is short of ends, and by how many records.
  private Map<TopicPartition, Long> behind(Map<TopicPartition, Long> ends) throws InterruptedException {
    Map<TopicPartition, OffsetAndMetadata> committed =
        get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
    Map<TopicPartition, Long> behind = new HashMap<>();
    ends.forEach((partition, end) -> {
      OffsetAndMetadata at = committed.get(partition);
      long offset = at == null ? 0 : at.offset();
      if (offset < end) behind.put(partition, end - offset);
    });
    return behind;
  }

  private static <T> T get(KafkaFuture<T> future) throws InterruptedException {
    try {
      return future.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a request to Kafka failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not answer within " + REQUEST_TIMEOUT, e);
    }
  }

  @Override public void close() {
    admin.close(REQUEST_TIMEOUT);
  }
}
