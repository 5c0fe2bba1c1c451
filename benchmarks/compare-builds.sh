#!/usr/bin/env bash
# Compares two or more builds of the benchmarks in one run, fork by fork: each round runs one fork of
# every benchmark matching REGEX (2 warm-up and 3 measured 1 s iterations) for each build in turn, so
# that the host's slow drifts fall on every build alike. Prints each fork's score as it ends, then per
# benchmark and build the median and mean over all forks, the ratio of medians to the first build and,
# when SciPy is installed, the Mann-Whitney p-value against the first build.
#
#   benchmarks/compare-builds.sh REGEX ROUNDS NAME=CHECKOUT [NAME=CHECKOUT ...]
#
# A CHECKOUT is a directory whose benchmarks were built with benchmarks/run.sh's two mvn commands (they
# leave benchmarks/target/classes and benchmarks/target/benchmarks.classpath); build an older commit
# in its own worktree with its own -Dmaven.repo.local, so that its jars do not replace this one's.
# METRIC names a secondary metric to compare instead of the primary score (the recorder rows:
# METRIC=delivered). On a 2-core machine a fork's thread placement can move a score by half: compare
# distributions of many forks, never two single runs.
set -euo pipefail
if [ $# -lt 3 ]; then
  sed -n '2,16p' "$0" >&2
  exit 2
fi
regex=$1 rounds=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for round in $(seq 1 "$rounds"); do
  for build in "$@"; do
    name=${build%%=*} dir=${build#*=}
    cp="$dir/benchmarks/target/classes:$(cat "$dir/benchmarks/target/benchmarks.classpath")"
    out="$work/$name-$round.json"
    java -cp "$cp" org.openjdk.jmh.Main "$regex" -f 1 -wi 2 -i 3 -w 1s -r 1s -rf json -rff "$out" \
      > "$work/$name-$round.log" 2>&1 || { echo "$name round $round failed:" >&2; tail -20 "$work/$name-$round.log" >&2; exit 1; }
    python3 - "$out" "$name" "$round" "${METRIC:-}" <<'PY'
import json, sys
path, name, round_, metric = sys.argv[1:]
for b in json.load(open(path)):
    m = b['secondaryMetrics'][metric] if metric else b['primaryMetric']
    scores = m['rawData'][0]
    print('%s\tround %s\t%s\t%.2f %s' % (name, round_, b['benchmark'].rsplit('.', 1)[-1], sum(scores) / len(scores), m['scoreUnit']))
PY
  done
done | tee "$work/forks.tsv"
python3 - "$work/forks.tsv" <<'PY'
import statistics, sys
try:
    from scipy.stats import mannwhitneyu
except ImportError:
    mannwhitneyu = None
scores, builds = {}, []
for line in open(sys.argv[1]):
    name, _, bench, score = line.rstrip('\n').split('\t')
    if name not in builds:
        builds.append(name)
    scores.setdefault(bench, {}).setdefault(name, []).append(float(score.split()[0]))
print('\nbenchmark\tbuild\tforks\tmedian\tmean\tvs %s (medians)\tp' % builds[0])
for bench, by_build in sorted(scores.items()):
    first = by_build.get(builds[0])
    for name in builds:
        s = by_build.get(name)
        if not s:
            continue
        ratio = p = ''
        if first and name != builds[0]:
            ratio = '%.2fx' % (statistics.median(s) / statistics.median(first))
            if mannwhitneyu:
                p = '%.3f' % mannwhitneyu(first, s).pvalue
        print('%s\t%s\t%d\t%.2f\t%.2f\t%s\t%s' % (bench, name, len(s), statistics.median(s), statistics.mean(s), ratio, p))
PY
