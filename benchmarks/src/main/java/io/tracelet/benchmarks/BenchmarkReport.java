package io.tracelet.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark (two forks, each with warmup and four measured iterations, with {@code -prof gc}) and
 * writes a Markdown table: each measure, each library's score and bytes allocated per operation,
 * Tracelet's ratio to each peer, and whether the project's target for that measure is met.
 *
 * <p>Benchmark methods are named {@code measure_library}, library one of tracelet, brave, otel, or
 * {@code floor}: the least work the measure needs, done by hand with no library, where a row has one.
 */
public final class BenchmarkReport {
  static final String[] LIBRARIES = {"tracelet", "brave", "otel", "floor"};
  /**
   * Two JVMs per benchmark: on this 2-core VM a fork's thread placement can move a score by half,
   * and with two forks that shows in the error instead of deciding the row.
   */
  static final int FORKS = 2;

  public static void main(String[] args) throws IOException, RunnerException {
    Path out = Path.of(args.length > 0 ? args[0] : "benchmarks/RESULTS.md");
    String include = args.length > 1 ? args[1] : "io\\.tracelet\\..*Benchmarks";
    ChainedOptionsBuilder options = new OptionsBuilder().include(include)
        .forks(FORKS).warmupIterations(3).warmupTime(TimeValue.seconds(1))
        .measurementIterations(4).measurementTime(TimeValue.seconds(1))
        .addProfiler(GCProfiler.class).shouldFailOnError(true);
    Collection<RunResult> results = new Runner(options.build()).run();
    String kept = Files.exists(out) ? handWrittenSections(Files.readString(out)) : "";
    Files.writeString(out, markdown(results) + kept);
    System.out.println("wrote " + out.toAbsolutePath());
  }

  /**
   * The sections below an earlier report's table, from its first {@code ## } heading on: same-run
   * comparisons and what they showed, written by hand. A new run replaces the table and keeps them.
   * Empty when there are none.
   */
  static String handWrittenSections(String report) {
    int at = report.indexOf("\n## ");
    return at < 0 ? "" : report.substring(at);
  }

  /** One row per measure, in the order the measures were run. */
  static String markdown(Collection<RunResult> results) {
    Map<String, Map<String, RunResult>> byMeasure = new LinkedHashMap<>();
    for (RunResult result : results) {
      String method = result.getParams().getBenchmark();
      method = method.substring(method.lastIndexOf('.') + 1);
      int split = method.lastIndexOf('_');
      byMeasure.computeIfAbsent(method.substring(0, split), k -> new LinkedHashMap<>())
          .put(method.substring(split + 1), result);
    }
    StringBuilder md = new StringBuilder();
    md.append("# Benchmark results\n\n")
        .append("Run on ").append(LocalDate.now()).append(", ")
        .append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
        .append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
        .append(", ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch"))
        .append(".\nJMH 1.37, ").append(FORKS).append(" forks, each 3×1 s warmup and 4×1 s measurement, `-prof gc`. ")
        .append("Scores are mean ± 99.9% error; B/op is `gc.alloc.rate.norm`. ")
        .append("Ratios compare Tracelet with each peer in the same run: for times, Tracelet's time ÷ the peer's ")
        .append("(below 1 is faster); for throughputs, Tracelet's ÷ the peer's (above 1 is faster). ")
        .append("The recorder rows compare spans delivered to the sink per µs; offers a full queue drops are not counted. ")
        .append("The floor is the least work a measure needs, done by hand with no library (see benchmarks/README.md).\n\n")
        .append("| measure | Tracelet | Brave | OpenTelemetry | floor | vs Brave | vs OTel | target | met |\n")
        .append("|---|---|---|---|---|---|---|---|---|\n");
    for (Map.Entry<String, Map<String, RunResult>> row : byMeasure.entrySet()) {
      Map<String, RunResult> libs = row.getValue();
      md.append("| ").append(row.getKey());
      for (String library : LIBRARIES) md.append(" | ").append(cell(libs.get(library)));
      RunResult tracelet = libs.get("tracelet");
      md.append(" | ").append(ratio(tracelet, libs.get("brave")));
      md.append(" | ").append(ratio(tracelet, libs.get("otel")));
      Target target = Target.forMeasure(row.getKey());
      md.append(" | ").append(target == null ? "" : target.description);
      md.append(" | ").append(target == null || tracelet == null ? "" : target.check(libs) ? "yes" : "**no**");
      md.append(" |\n");
    }
    return md.toString();
  }

  static String cell(RunResult result) {
    if (result == null) return "–";
    Result<?> scored = scored(result);
    String score = String.format(Locale.ROOT, "%.1f ± %.1f %s", scored.getScore(), scored.getScoreError(),
        scored.getScoreUnit());
    if (result.getSecondaryResults().containsKey("delivered")) {
      score = "delivered " + score + String.format(Locale.ROOT, " (%.1f offered)", result.getPrimaryResult().getScore());
    }
    double bytes = bytesPerOp(result);
    return Double.isNaN(bytes) ? score : score + String.format(Locale.ROOT, ", %.0f B/op", bytes);
  }

  static double bytesPerOp(RunResult result) {
    Result<?> alloc = result.getSecondaryResults().get("gc.alloc.rate.norm");
    return alloc == null ? Double.NaN : alloc.getScore();
  }

  /** Whole bytes per operation: {@code -prof gc} adds a few thousandths of a byte of JMH's own. */
  static long wholeBytesPerOp(RunResult result) {
    return Math.round(bytesPerOp(result));
  }

  /**
   * What a row compares: the {@code delivered} counter where a benchmark has one (the pipeline
   * benchmarks, whose offers a full queue drops), else the primary score.
   */
  static Result<?> scored(RunResult result) {
    Result<?> delivered = result.getSecondaryResults().get("delivered");
    return delivered != null ? delivered : result.getPrimaryResult();
  }

  static double score(RunResult result) {
    return scored(result).getScore();
  }

  static boolean isTime(RunResult result) {
    return !scored(result).getScoreUnit().startsWith("ops/");
  }

  static String ratio(RunResult tracelet, RunResult peer) {
    if (tracelet == null || peer == null) return "–";
    return String.format(Locale.ROOT, "%.2f×", score(tracelet) / score(peer));
  }

  /** Tracelet's time as a fraction of a peer's (for throughputs, the peer's throughput ÷ Tracelet's). */
  static double timeFraction(RunResult tracelet, RunResult peer) {
    double r = score(tracelet) / score(peer);
    return isTime(tracelet) ? r : 1.0 / r;
  }

  /** The project's performance targets, checked against the numbers of this run. */
  enum Target {
    SAMPLED("sampledSpan", "≤ 1/3 the faster peer's time, ≤ 160 B/op") {
      @Override boolean check(Map<String, RunResult> libs) {
        return fasterPeerFraction(libs) <= 1.0 / 3 && wholeBytesPerOp(libs.get("tracelet")) <= 160;
      }
    },
    UNSAMPLED("unsampledSpan", "no slower than Brave, ≤ 48 B/op") {
      @Override boolean check(Map<String, RunResult> libs) {
        return timeFraction(libs.get("tracelet"), libs.get("brave")) <= 1.0
            && wholeBytesPerOp(libs.get("tracelet")) <= 48;
      }
    },
    INJECT("inject", "≤ 1/2 the faster peer's time") {
      @Override boolean check(Map<String, RunResult> libs) {
        return fasterPeerFraction(libs) <= 0.5;
      }
    },
    EXTRACT_TRACESTATE("extractW3cTracestate", "≤ 1/4 of OpenTelemetry's time") {
      @Override boolean check(Map<String, RunResult> libs) {
        return timeFraction(libs.get("tracelet"), libs.get("otel")) <= 0.25;
      }
    },
    ENCODE("encode", "≥ 3× Brave's throughput, ~0 B/op") {
      @Override boolean check(Map<String, RunResult> libs) {
        return timeFraction(libs.get("tracelet"), libs.get("brave")) <= 1.0 / 3
            && wholeBytesPerOp(libs.get("tracelet")) == 0;
      }
    },
    RECORDER("recorder", "≥ 3× both peers' delivered throughput") {
      @Override boolean check(Map<String, RunResult> libs) {
        return timeFraction(libs.get("tracelet"), libs.get("brave")) <= 1.0 / 3
            && timeFraction(libs.get("tracelet"), libs.get("otel")) <= 1.0 / 3;
      }
    };

    final String prefix;
    final String description;

    Target(String prefix, String description) {
      this.prefix = prefix;
      this.description = description;
    }

    abstract boolean check(Map<String, RunResult> libs);

    static Target forMeasure(String measure) {
      for (Target target : values()) if (measure.startsWith(target.prefix)) return target;
      return null;
    }

    static double fasterPeerFraction(Map<String, RunResult> libs) {
      List<Double> fractions = new ArrayList<>();
      for (String peer : new String[] {"brave", "otel"}) {
        if (libs.containsKey(peer)) fractions.add(timeFraction(libs.get("tracelet"), libs.get(peer)));
      }
      return fractions.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
  }

  private BenchmarkReport() {
  }
}
