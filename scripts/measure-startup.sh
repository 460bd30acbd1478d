#!/usr/bin/env bash
# Start-up of the packaged service, to ready: the time from launching the JVM to the first 200
# of /actuator/health/readiness, for each way of starting it, as the median of N runs (the runs
# of the ways interleave, so that a busy machine weighs on each alike).
#
#   scripts/measure-startup.sh [runs]     # default 5; needs ./mvnw -DskipTests package first
#
# Ways: "jar" is java -jar of the fat jar; "cds" is the layout the build makes in
# service/target/cds (the extracted jar with its class-data-sharing archive), the default way to run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-5}"
jar="$(ls "$root"/service/target/service-*.jar | grep -v -- '-sources\|-javadoc' | head -1)"
cds="$root/service/target/cds"
[ -f "$cds/kakunin.jsa" ] || { echo "no $cds/kakunin.jsa: run ./mvnw -DskipTests package" >&2; exit 1; }
port=18090
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

once() { # way -> seconds to ready
  local start end pid
  start=$(date +%s%N)
  case "$1" in
    jar) (cd "$work" && exec java -jar "$jar" --server.port=$port --spring.datasource.url="jdbc:h2:mem:startup" >"$work/log" 2>&1) & ;;
    cds) (cd "$work" && exec java -XX:SharedArchiveFile="$cds/kakunin.jsa" -jar "$cds/$(basename "$jar")" \
          --server.port=$port --spring.datasource.url="jdbc:h2:mem:startup" >"$work/log" 2>&1) & ;;
  esac
  pid=$!
  until curl -sf "http://localhost:$port/actuator/health/readiness" >/dev/null 2>&1; do
    kill -0 $pid 2>/dev/null || { cat "$work/log" >&2; exit 1; }
    sleep 0.05
  done
  end=$(date +%s%N)
  kill $pid; wait $pid 2>/dev/null || true
  echo "scale=2; ($end - $start) / 1000000000" | bc
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}'; }

declare -A times
for ((i = 1; i <= runs; i++)); do
  for way in jar cds; do
    t=$(once $way)
    times[$way]+="$t "
    echo "run $i $way: $t s" >&2
  done
done
for way in jar cds; do
  echo "$way: median $(echo ${times[$way]} | tr ' ' '\n' | median) s of $runs runs (${times[$way]% })"
done
echo "cores: $(nproc), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
