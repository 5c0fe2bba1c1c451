#!/usr/bin/env bash
# Runs, in the foreground, the service the W3C trace-context test harness drives:
# POST /test on 127.0.0.1:PORT. Builds what it needs first. See propagation/README.md.
set -euo pipefail
port="${1:?usage: $0 PORT}"
root="$(cd "$(dirname "$0")/.." && pwd)"
mvn -B -q -Dstyle.color=never -f "$root/pom.xml" -pl examples -am package -DskipTests \
  -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
exec java -cp "$root/examples/target/classes:$(cat "$root/examples/target/runtime-classpath.txt")" \
  io.tracelet.examples.W3CTestService "$port"
