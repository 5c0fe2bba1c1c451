package io.tracelet.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * CI's check of the benchmarks: every one runs one short iteration without error, and the report
 * renders a row per measure. No timing is asserted: this machine cannot hold one.
 */
class BenchmarksSmokeTest {
  @Test void everyBenchmarkRunsOnceAndTheReportHasARowPerMeasure() throws Exception {
    Collection<RunResult> results = new Runner(new OptionsBuilder()
        .include("io\\.tracelet\\..*Benchmarks")
        .forks(0).warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.milliseconds(50))
        .shouldFailOnError(true).build()).run();

    assertThat(results).isNotEmpty().allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
    String table = BenchmarkReport.markdown(results);
    for (RunResult result : results) {
      String method = result.getParams().getBenchmark();
      String measure = method.substring(method.lastIndexOf('.') + 1, method.lastIndexOf('_'));
      assertThat(table).contains("| " + measure + " |");
    }
    assertThat(table).contains("| sampledSpan |", "| recorder4 |");
  }
}
