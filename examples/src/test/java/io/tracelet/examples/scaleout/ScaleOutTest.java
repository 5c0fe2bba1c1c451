package io.tracelet.examples.scaleout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnJre;
import org.junit.jupiter.api.condition.JRE;

/**
 * The scale-out pipeline of {@code examples/scale-out.sh} at small scale, with the real parts: a
 * Kafka broker (4 partitions), a Cassandra node, two Zipkin collectors in one consumer group
 * (committing consumed offsets every second) and a Zipkin for queries. Three services report 15
 * spans/s each through Kafka for at least 24 s (longer when the restarts take long). A third of
 * the way in, collector 0 is stopped gracefully (SIGTERM) and started again; once it is back,
 * collector 1 is killed (SIGKILL) and started again.
 *
 * <p>What a user of this architecture relies on: no span the services sent is lost when a
 * collector stops or dies, and nothing is stored twice when it stops gracefully. After a kill,
 * Zipkin's Kafka collector is at least once: what the dead collector consumed since its last
 * offset commit is consumed again by the next owner of its partitions and stored twice; the test
 * bounds those copies by what the dead collector received in its last commit interval. About 3
 * minutes on two cores, most of it starting the servers (once for this test) and starting the two
 * collectors again.
 */
@EnabledOnJre(value = JRE.JAVA_17,
    disabledReason = "Cassandra 5.0 runs on JDK 11 and 17 only, and the launcher starts it on the test JVM's JDK")
class ScaleOutTest {
  @Test void everySpanSentIsQueryableAfterAStopAndAKill_onceAfterTheStop() throws Exception {
    ScaleOut.Options options = ScaleOut.Options.parse("--services", "3", "--rate", "15", "--duration", "24",
        "--partitions", "4", "--collectors", "2", "--events", "term,kill", "--commit-interval", "1000", "--exit");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
    ScaleOut.Report report;
    try (Pipeline pipeline = Pipeline.start(options.partitions(), options.collectors(), options.commitInterval(),
        out)) {
      report = ScaleOut.run(pipeline, options, out);
    }
    String figures = report.format();
    System.out.print(log.toString(StandardCharsets.UTF_8));
    System.out.print(figures); // kept in the surefire output

    // The services kept their rate (45 spans/s) for as long as the load lasted (24 s or more).
    assertThat(report.seconds()).as(figures).isGreaterThanOrEqualTo(24);
    assertThat(report.offered()).as(figures).isGreaterThanOrEqualTo((long) (0.9 * 45 * report.seconds()));
    assertThat(report.droppedByRecorders() + report.droppedByReporters() + report.undelivered()).as(figures).isZero();
    assertThat(report.sent()).as(figures).isEqualTo(report.offered());
    // Nothing lost: every span the services sent is queryable, every trace whole.
    assertThat(report.stored().spans()).as(figures).isEqualTo(report.sent());
    assertThat(report.stored().incompleteTraces()).as(figures).isZero();
    assertThat(report.everySpanQueryable()).as(figures).isTrue();

    List<ScaleOut.Event> events = report.events();
    assertThat(events).as(figures).extracting(ScaleOut.Event::collector, ScaleOut.Event::signal)
        .containsExactly(tuple(0, ScaleOut.Signal.TERM), tuple(1, ScaleOut.Signal.KILL));
    // No copy and no loss before the first event: the group's first rebalances cost nothing.
    assertThat(report.duplicatesBeforeEvents()).as(figures).isZero();
    assertThat(report.lostBeforeEvents()).as(figures).isZero();
    // A graceful stop is exactly once: the consumers commit what they consumed as they close, and
    // the storage finishes its writes before the JVM exits.
    ScaleOut.Event stop = events.get(0);
    assertThat(stop.exitedByItself()).as(figures).isTrue();
    assertThat(stop.duplicates()).as(figures).isZero();
    assertThat(stop.lost()).as(figures).isZero();
    // A kill is at least once: copies of what the dead collector consumed since its last commit,
    // never more than it received in its last commit interval (and a batch of each service).
    ScaleOut.Event kill = events.get(1);
    assertThat(kill.lost()).as(figures).isZero();
    assertThat(kill.duplicates()).as(figures).isLessThanOrEqualTo(kill.duplicateBound());

    List<ScaleOut.Collector> collectors = report.collectors();
    assertThat(collectors).hasSize(2);
    // Both collected and both came back: the group spread the partitions, and moved them as
    // collectors left and joined.
    assertThat(collectors).allSatisfy(c -> {
      assertThat(c.spansReceived()).as(figures).isPositive();
      assertThat(c.restarts()).as(figures).isEqualTo(1);
    });
    assertThat(report.delaysSeconds()).as(figures).isNotEmpty();
    assertThat(report.bytesOnDisk()).as(figures).isPositive();
  }
}
