package io.tracelet.testing.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The command line {@link ZipkinServer.Builder} gives Zipkin, without starting it. */
class ZipkinServerBuilderTest {
  private static final String OVERRIDES = "--zipkin.collector.kafka.overrides.";

  @Test void bindsLoopbackAndCollectsKafkaFromTheEarliestOffsetWithAShortSessionTimeoutLoggingRefusedBatches() {
    assertThat(ZipkinServer.newBuilder().kafka("127.0.0.1:9092").arguments(9411)).containsExactly(
        "--armeria.ports[0].ip=127.0.0.1", "--armeria.ports[0].port=9411", "--armeria.ports[0].protocols[0]=http",
        "--logging.level.zipkin2.collector.kafka.KafkaCollector=DEBUG",
        OVERRIDES + "auto.offset.reset=earliest", OVERRIDES + "session.timeout.ms=10000");
    assertThat(ZipkinServer.newBuilder().arguments(9411)).noneMatch(arg -> arg.startsWith(OVERRIDES))
        .noneMatch(arg -> arg.startsWith("--logging."));
  }

  @Test void kafkaOverridesAreAddedOrReplaceTheLaunchersOwnOnce() {
    ZipkinServer.Builder builder = ZipkinServer.newBuilder().kafka("127.0.0.1:9092")
        .kafkaOverride("auto.commit.interval.ms", "5000")
        .kafkaOverride("session.timeout.ms", "6000")
        .kafkaOverride("auto.commit.interval.ms", "1000");

    // Spring would join the values of an argument given twice ("10000,6000"): each key once, last value.
    assertThat(builder.arguments(9411)).filteredOn(arg -> arg.startsWith(OVERRIDES)).containsExactly(
        OVERRIDES + "auto.offset.reset=earliest", OVERRIDES + "session.timeout.ms=6000",
        OVERRIDES + "auto.commit.interval.ms=1000");
  }

  @Test void refusesWhatIsNotAKafkaProperty() {
    ZipkinServer.Builder builder = ZipkinServer.newBuilder();
    assertThatThrownBy(() -> builder.kafkaOverride("auto.commit.interval.ms=1", "2"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a Kafka property name");
    assertThatThrownBy(() -> builder.kafkaOverride("Auto.Commit", "2")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.kafkaOverride("a..b", "2")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.kafkaOverride("max.poll.records", " "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty value");
    assertThatThrownBy(() -> builder.kafkaOverride(null, "1")).isInstanceOf(NullPointerException.class)
        .hasMessage("key == null");
  }
}
