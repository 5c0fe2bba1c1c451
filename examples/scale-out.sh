#!/usr/bin/env bash
# The scale-out pipeline, run and measured on this machine: traced services report through a
# partitioned Kafka topic, two Zipkin collectors (one consumer group) store into Cassandra, a third
# Zipkin serves queries and the UI. Mid-run one collector is stopped gracefully (SIGTERM) and the
# other killed (SIGKILL), each started again. Prints ingest figures, and per event the spans stored
# twice and lost; checks that every span sent is queryable. See examples/README.md and docs/scaling.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: examples/scale-out.sh [--services N] [--rate SPANS_PER_S] [--duration S] [--partitions P]
                             [--collectors C] [--events LIST] [--commit-interval MS] [--exit]

  --services N          traced services, each with its own Tracing and Kafka reporter (default 4)
  --rate R              spans per second each service makes, as traces of 3 spans (default 250)
  --duration S          seconds of load (default 60; longer when restarts delay the events)
  --partitions P        partitions of the topic zipkin (default 4)
  --collectors C        Zipkin collectors in the consumer group (default 2)
  --events LIST         what happens to the collectors mid-run, in order, to collector 0, 1, ... in
                        turn: term (SIGTERM, a graceful stop) or kill (SIGKILL, a crash), comma-
                        separated; each is started again at once, and the next event waits until it
                        is back (default term,kill; none for no event)
  --commit-interval MS  how often the collectors commit consumed offsets (Kafka's
                        auto.commit.interval.ms, set through Zipkin's
                        zipkin.collector.kafka.overrides; default 5000, Zipkin's)
  --exit                stop everything once the figures are printed; without it, Zipkin's UI stays
                        up until Ctrl-C
USAGE
}

for arg in "$@"; do
  if [[ $arg == -h || $arg == --help ]]; then usage; exit 0; fi
done
for tool in java mvn; do
  command -v "$tool" >/dev/null || { echo "scale-out.sh: needs '$tool' (JDK 17+ and Maven 3.8+) on the PATH" >&2; exit 1; }
done

root="$(cd "$(dirname "$0")/.." && pwd)"
log="$(mktemp "${TMPDIR:-/tmp}/tracelet-scale-out-build.XXXXXX")"
echo "Building Tracelet and the examples (Maven, quiet; the first run downloads Kafka, Zipkin and Cassandra) ..."
if ! mvn -B -q -ntp ${MAVEN_ARGS:-} -f "$root/pom.xml" -pl testing/servers,testing/cassandra,examples -am package \
  -Dmaven.test.skip=true >"$log" 2>&1; then
  echo "scale-out.sh: the build failed; the end of its log ($log):" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
rm -f "$log"

# Where testing/servers and testing/cassandra listed the servers' classpaths.
# shellcheck source=/dev/null
source "$root/examples/target/demo/servers.env"
for file in "$zipkin_server_classpath_file" "$kafka_broker_classpath_file" "$cassandra_classpath_file"; do
  [[ -s $file ]] || { echo "scale-out.sh: the build did not write $file" >&2; exit 1; }
done

# The program starts every server (bound to 127.0.0.1, ports from the OS) and stops them when it
# ends, on Ctrl-C too; the servers also end by themselves if it is killed.
exec java -Xmx512m \
  -Dtracelet.zipkin-server.classpath="$zipkin_server_classpath_file" \
  -Dtracelet.kafka-broker.classpath="$kafka_broker_classpath_file" \
  -Dtracelet.cassandra.classpath="$cassandra_classpath_file" \
  -cp "$root/examples/target/classes:$(cat "$root/examples/target/runtime-classpath.txt")" \
  io.tracelet.examples.scaleout.ScaleOut "$@"
