package io.tracelet.examples.scaleout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracelet.examples.scaleout.ScaleOut.Signal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The command line of {@code examples/scale-out.sh}: what it runs when given nothing, and what it refuses. */
class ScaleOutOptionsTest {
  @Test void defaultsStopOneCollectorGracefullyThenKillTheOtherWithZipkinsCommitInterval() {
    ScaleOut.Options options = ScaleOut.Options.parse();

    assertThat(options.services()).isEqualTo(4);
    assertThat(options.spansPerSecondPerService()).isEqualTo(250);
    assertThat(options.duration()).isEqualTo(Duration.ofSeconds(60));
    assertThat(options.partitions()).isEqualTo(4);
    assertThat(options.collectors()).isEqualTo(2);
    assertThat(options.events()).containsExactly(Signal.TERM, Signal.KILL);
    assertThat(options.commitInterval()).isEqualTo(Pipeline.KAFKA_COMMIT_INTERVAL).isEqualTo(Duration.ofSeconds(5));
    assertThat(options.exit()).isFalse();
  }

  @Test void eventsAndCommitIntervalAsGiven() {
    ScaleOut.Options options = ScaleOut.Options.parse("--events", "kill,kill,term", "--commit-interval", "250",
        "--collectors", "3", "--exit");

    assertThat(options.events()).containsExactly(Signal.KILL, Signal.KILL, Signal.TERM);
    assertThat(options.commitInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(options.collectors()).isEqualTo(3);
    assertThat(options.exit()).isTrue();
    assertThat(ScaleOut.Options.parse("--events", "none").events()).isEmpty();
  }

  @Test void refusesWhatItCannotRun() {
    assertThatThrownBy(() -> ScaleOut.Options.parse("--events", "term,stop"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("term,stop");
    assertThatThrownBy(() -> ScaleOut.Options.parse("--events", "kill,"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ScaleOut.Options.parse("--events"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--events");
    assertThatThrownBy(() -> ScaleOut.Options.parse("--collectors", "1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2 collectors");
    assertThatThrownBy(() -> ScaleOut.Options.parse("--commit-interval", "0"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--commit-interval");
    assertThatThrownBy(() -> ScaleOut.Options.parse("--no-kill"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--no-kill");
    // One collector is fine when nothing happens to it.
    assertThat(ScaleOut.Options.parse("--collectors", "1", "--events", "none").collectors()).isEqualTo(1);
  }
}
