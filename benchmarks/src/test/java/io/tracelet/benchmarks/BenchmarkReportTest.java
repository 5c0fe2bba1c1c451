package io.tracelet.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A new report's table replaces the old one's; the sections written by hand below it stay. */
class BenchmarkReportTest {
  @Test void theSectionsBelowTheTableAreKeptAndTheTableIsNot() {
    String old = "# Benchmark results\n\nRun on 2026-12-01.\n\n| measure | Tracelet |\n|---|---|\n| scope | 9 ns |\n"
        + "\n## A comparison\n\nA table and its reading.\n\n## Another\n\nMore.\n";

    assertThat(BenchmarkReport.handWrittenSections(old))
        .isEqualTo("\n## A comparison\n\nA table and its reading.\n\n## Another\n\nMore.\n");
  }

  @Test void aReportWithOnlyItsTableKeepsNothing() {
    assertThat(BenchmarkReport.handWrittenSections("# Benchmark results\n\n| measure |\n|---|\n| scope |\n")).isEmpty();
  }
}
