#!/usr/bin/env bash
# Runs every benchmark side by side with Brave and OpenTelemetry (2 forks, each 3x1 s warmup and 4x1 s measurement,
# -prof gc) and writes the Markdown table to benchmarks/RESULTS.md (or the file given as $1), keeping the
# hand-written sections (from the first '## ' heading on) that an earlier report had below its table.
# An optional second argument narrows the run to benchmarks matching a JMH regular expression.
# Takes about 15 minutes on 2 cores; run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-benchmarks/RESULTS.md}"
mvn -B -q -ntp -pl benchmarks -am install -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
mvn -B -q -ntp -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/benchmarks.classpath
exec java -cp "benchmarks/target/classes:$(cat benchmarks/target/benchmarks.classpath)" \
  io.tracelet.benchmarks.BenchmarkReport "$out" ${2:+"$2"}
