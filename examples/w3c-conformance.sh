#!/usr/bin/env bash
# Runs the official W3C trace-context conformance suite against W3CTestService and fails unless
# every test passes at STRICT_LEVEL=2 / SPEC_LEVEL=2. The suite is not shipped with Tracelet: pass
# the test/ folder of a checkout of https://github.com/w3c/trace-context. See propagation/README.md.
#
#   examples/w3c-conformance.sh SUITE_TEST_DIR [SERVICE_PORT] [HARNESS_PORT]
#
# Needs python3 with aiohttp (Debian: apt-get install python3-aiohttp; PYTHON=/usr/bin/python3
# picks the interpreter that has it). EXPECTED_TESTS (default 41, the suite at commit acab820)
# is how many tests the run must report.
set -euo pipefail
suite="${1:?usage: $0 SUITE_TEST_DIR [SERVICE_PORT] [HARNESS_PORT]}"
port="${2:-5731}"
harness_port="${3:-7791}"
python="${PYTHON:-python3}"
expected="${EXPECTED_TESTS:-41}"
root="$(cd "$(dirname "$0")/.." && pwd)"
[ -f "$suite/test.py" ] || { echo "no test.py in $suite" >&2; exit 2; }
"$python" -c 'import aiohttp' 2>/dev/null || { echo "$python has no aiohttp (apt-get install python3-aiohttp; PYTHON=...)" >&2; exit 2; }

log="$(mktemp)"
"$root/examples/w3c-test-service.sh" "$port" > "$log" 2>&1 &
service=$!
trap 'kill "$service" 2>/dev/null || true; rm -f "$log"' EXIT
deadline=$((SECONDS + 300))
until grep -q "listening on" "$log"; do
  kill -0 "$service" 2>/dev/null || { cat "$log" >&2; exit 1; }
  [ "$SECONDS" -lt "$deadline" ] || { echo "the service did not start" >&2; exit 1; }
  sleep 0.2
done

out="$(cd "$suite" && HARNESS_PORT="$harness_port" STRICT_LEVEL=2 SPEC_LEVEL=2 \
  "$python" test.py "http://127.0.0.1:$port/test" 2>&1)" || true
echo "$out"
if grep -q "^Ran $expected tests" <<<"$out" && grep -q "^OK$" <<<"$out"; then
  echo "w3c-conformance: all $expected tests passed (STRICT_LEVEL=2, SPEC_LEVEL=2)"
else
  echo "w3c-conformance: FAILED (expected $expected tests, all passing)" >&2
  exit 1
fi
