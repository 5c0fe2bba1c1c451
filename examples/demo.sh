#!/usr/bin/env bash
# The Tracelet demo: builds what it needs, starts a Kafka broker and a Zipkin server on 127.0.0.1,
# runs four traced services (web, inventory, orders, shipping), makes purchases through them and
# prints each one's trace ID and Zipkin link. See examples/README.md.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: examples/demo.sh [--requests N] [--sample RATE] [--exit]

  --requests N   how many purchases to make (default 10)
  --sample RATE  head sampling probability, 0 to 1 (default 1); below 1 every service keeps the
                 parts of unsampled traces that failed or were slow, and the demo checks that
                 the other traces are not in Zipkin and says why each kept one was kept
  --exit         stop everything and exit once every trace that should be is in Zipkin; without
                 it, Zipkin stays up for browsing until Ctrl-C

Environment:
  ZIPKIN_URL     report every service over HTTP to this Zipkin (e.g. http://127.0.0.1:9411)
                 instead of starting one
  ZIPKIN_PORT    the port for the Zipkin this script starts (default 9411; if it is taken,
                 a free one is used and the script says so)
  PROMETHEUS_PORT  the port for the Prometheus this script starts when the program prometheus is
                 on the PATH (default 9090, else a free one); it scrapes every service's /metrics
                 with Tracelet's alerting rules (Debian, Ubuntu: apt-get install prometheus)
EOF
}

requests=10
sample=1
exit_when_done=false
while (($#)); do
  case "$1" in
    --requests)
      [[ $# -ge 2 && $2 =~ ^[1-9][0-9]{0,5}$ ]] || { echo "demo.sh: --requests needs a positive number" >&2; exit 2; }
      requests=$2
      shift 2
      ;;
    --sample)
      [[ $# -ge 2 && $2 =~ ^(0|1)?(\.[0-9]+)?$ && $2 =~ [0-9] ]] && awk -v r="$2" 'BEGIN { exit !(r <= 1) }' ||
        { echo "demo.sh: --sample needs a number from 0 to 1" >&2; exit 2; }
      sample=$2
      shift 2
      ;;
    --exit) exit_when_done=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "demo.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

for tool in java mvn; do
  command -v "$tool" >/dev/null || { echo "demo.sh: needs '$tool' (JDK 17+ and Maven 3.8+) on the PATH" >&2; exit 1; }
done

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/tracelet-demo.XXXXXX")"
pids=() # what this script started, in order

# Stops one process: SIGTERM, then SIGKILL if it is still there after 30 s.
stop() {
  local pid=$1 waited=0
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= 150)); then
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if ((${#pids[@]})); then
    echo "Stopping what the demo started ..."
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do stop "${pids[i]}"; done
  fi
  if ((status == 0 || status == 130 || status == 143)); then # done, or stopped on request
    rm -rf "$work"
  else
    echo "demo.sh: logs are kept in $work" >&2
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Says what failed and why, with the end of its log; the EXIT trap cleans up.
fail() {
  echo "demo.sh: $1" >&2
  if [[ -n ${2:-} && -s $2 ]]; then
    echo "The last lines of $2:" >&2
    tail -n 30 "$2" >&2
  fi
  exit 1
}

# Waits until the process $1 has written a line containing $3 to the log $2, for at most $4 seconds.
await_line() {
  local pid=$1 log=$2 text=$3 timeout=$4 what=$5
  local deadline=$((SECONDS + timeout))
  until grep -q -- "$text" "$log" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || fail "$what exited before it was ready" "$log"
    ((SECONDS < deadline)) || fail "$what was not ready within $timeout s" "$log"
    sleep 0.2
  done
}

echo "Building Tracelet and the demo (Maven, quiet; the first run downloads dependencies) ..."
mvn -B -q -ntp ${MAVEN_ARGS:-} -f "$root/pom.xml" -pl testing/servers,examples -am package -Dmaven.test.skip=true \
  -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
  >"$work/build.log" 2>&1 || fail "the build failed" "$work/build.log"

# Where testing/servers listed the classpaths of the Zipkin server and the Kafka broker.
# shellcheck source=/dev/null
source "$root/examples/target/demo/servers.env"
for file in "$zipkin_server_classpath_file" "$kafka_broker_classpath_file"; do
  [[ -s $file ]] || fail "the build did not write $file"
done
demo_classpath="$root/examples/target/classes:$(cat "$root/examples/target/runtime-classpath.txt")"

wanted_port="${ZIPKIN_PORT:-9411}"
[[ $wanted_port =~ ^[0-9]{1,5}$ ]] || fail "ZIPKIN_PORT must be a port number: $wanted_port"
server_args=(--zipkin-port "$wanted_port")
if [[ -n ${ZIPKIN_URL:-} ]]; then
  server_args=(--no-zipkin --zipkin-url "${ZIPKIN_URL%/}")
  echo "Starting Kafka on 127.0.0.1 ..."
else
  echo "Starting Kafka and Zipkin on 127.0.0.1, Zipkin collecting HTTP and Kafka ..."
fi
# With Prometheus's program on the PATH, the same launchers start a Prometheus too, which scrapes the services'
# /metrics with Tracelet's alerting rules.
if command -v prometheus >/dev/null; then
  prometheus_port="${PROMETHEUS_PORT:-9090}"
  [[ $prometheus_port =~ ^[0-9]{1,5}$ ]] || fail "PROMETHEUS_PORT must be a port number: $prometheus_port"
  server_args+=(--prometheus-port "$prometheus_port")
  echo "Prometheus is on the PATH: it will scrape every service's /metrics and run Tracelet's alerting rules."
else
  echo "No prometheus on the PATH: the services serve /metrics, but no Prometheus scrapes them" \
       "(Debian, Ubuntu: apt-get install prometheus)."
fi
# The launchers the tests use (tracelet-testing) start both, bound to 127.0.0.1 on free ports, and
# stop them when this JVM stops; they end by themselves too if it is killed.
java -Dtracelet.zipkin-server.classpath="$zipkin_server_classpath_file" \
  -Dtracelet.kafka-broker.classpath="$kafka_broker_classpath_file" \
  -cp "$demo_classpath" io.tracelet.examples.demo.DemoServers "${server_args[@]}" >"$work/servers.log" 2>&1 &
servers_pid=$!
pids+=("$servers_pid")
await_line "$servers_pid" "$work/servers.log" "^ready$" 300 "Kafka and Zipkin"
kafka_address="$(sed -n 's/^kafka=//p' "$work/servers.log")"
echo "Kafka is on $kafka_address"

demo_args=(--requests "$requests" --sample "$sample" --kafka "$kafka_address")
prometheus_url="$(sed -n 's/^prometheus=//p' "$work/servers.log")"
if [[ -n $prometheus_url ]]; then
  echo "Prometheus is on $prometheus_url (alerts: $prometheus_url/classic/alerts)"
  demo_args+=(--prometheus "$prometheus_url" --metrics-ports "$(sed -n 's/^metrics_ports=//p' "$work/servers.log")")
fi
if [[ -n ${ZIPKIN_URL:-} ]]; then
  zipkin_url="${ZIPKIN_URL%/}"
  echo "Using the Zipkin at $zipkin_url: every service reports to it over HTTP."
  demo_args+=(--zipkin "$zipkin_url" --all-http)
else
  zipkin_url="$(sed -n 's/^zipkin=//p' "$work/servers.log")"
  if [[ $zipkin_url != *":$wanted_port" ]]; then
    echo "Port $wanted_port is taken: Zipkin's UI is on $zipkin_url instead."
  fi
  demo_args+=(--zipkin "$zipkin_url" --zipkin-pid "$servers_pid")
fi

java -cp "$demo_classpath" io.tracelet.examples.demo.Demo "${demo_args[@]}" ||
  fail "the demo failed (above)" "$work/servers.log"

if $exit_when_done; then
  exit 0
fi
if [[ -n ${ZIPKIN_URL:-} ]]; then
  echo "The traces are in $zipkin_url/zipkin/ (that Zipkin keeps running; this script is done)."
  exit 0
fi
echo
if [[ -n $prometheus_url ]]; then
  echo "Prometheus: $prometheus_url/classic/alerts (its alerts resolve a few minutes after the services stopped)."
fi
echo "Zipkin's UI: $zipkin_url/zipkin/ . Press Ctrl-C to stop Zipkin and Kafka."
wait "$servers_pid" || true
fail "Zipkin and Kafka stopped by themselves" "$work/servers.log"
