package io.tracelet.examples.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What the scale-out report quotes from the servers' logs when storage refused spans. */
class ScaleOutLogsTest {
  // As Zipkin 3.6.1's Kafka collector writes them at debug level.
  static String refused(String spans, String cause) {
    return "2026-12-02T12:11:17.441Z DEBUG [/] 14539 --- [      Thread-13] z.c.k.KafkaCollector"
        + "                     : Cannot store spans [" + spans + "] due to " + cause;
  }

  @Test void namesEachDistinctCauseOnceInTheOrderTheyCame() {
    String noNode = "CompletionException(com.datastax.oss.driver.api.core.NoNodeAvailableException: No node was"
        + " available to execute the query)";
    String timeout = "CompletionException(com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException:"
        + " Cassandra timeout during SIMPLE write query at consistency LOCAL_ONE)";

    List<String> causes = ScaleOut.storageFailures(List.of(refused("0000000000000102/00000000000000a1", timeout),
        refused("0000000000000103/00000000000000a1, 0000000000000104/00000000000000b2", noNode),
        refused("0000000000000105/00000000000000a1", timeout)));

    assertThat(causes).containsExactly(timeout, noNode);
  }

  @Test void showsAFewCausesCutShort() {
    String longCause = "IllegalStateException(" + "x".repeat(2 * ScaleOut.CAUSE_CHARS) + ")";
    List<String> lines = List.of(refused("1/1", "A()"), refused("1/2", "B()"), refused("1/3", longCause),
        refused("1/4", "C()"));

    List<String> causes = ScaleOut.storageFailures(lines);

    assertThat(causes).hasSize(ScaleOut.CAUSES_SHOWN).startsWith("A()", "B()");
    assertThat(causes.get(2)).hasSize(ScaleOut.CAUSE_CHARS + 3).startsWith("IllegalStateException(xxx").endsWith("...");
  }

  @Test void quotesCassandrasDroppedMessagesWithoutTheirPrefix() {
    String message = "MUTATION_REQ messages were dropped in last 5000 ms: 12 internal and 0 cross node."
        + " Mean internal dropped latency: 2730 ms and Mean cross-node dropped latency: 0 ms";
    String line = "12:01:02.345 INFO  [ScheduledTasks:1] o.a.c.m.MessagingMetrics - " + message;

    assertThat(ScaleOut.afterLoggerName(line)).isEqualTo(message);
  }
}
