#!/usr/bin/env bash
# Times what compliance officers wait for, as docs/performance.md reports it ("The officers'
# tools"): each step N times (default 5), wall-clock seconds, median (min to max).
#
#   scripts/measure-officer-tools.sh                 # the command line and the service, as built
#   scripts/measure-officer-tools.sh --runs 9 --cli-only      # or --service-only
#   KAKUNIN="java -jar /tmp/old/cli-1.0.0-SNAPSHOT.jar" SERVICE_JAR=/tmp/old/service.jar \
#       scripts/measure-officer-tools.sh             # another build, to compare
#
# The command line, each command in a fresh JVM: evaluate of one request with the built-in rules;
# check and test of an exported copy of the built-in rules with the shipped fixtures (test also
# gives the time to its first line); check and evaluate of a copy with one rule file edited (a
# comment added, so nothing compiled before can serve: the whole ruleset is compiled).
#
# The service (java -jar, H2 in memory, serving a symbolic link to a release): POST
# /v1/rulesets/validate of an edited text and of an edited rule file, and a new release published
# by switching the link, from the switch until GET /v1/rulesets/active shows it. Measured once the
# service has been up for 60 s (its background warm-up of the rule compiler is over by then).
#
# Run it on an otherwise idle machine, or run two builds alternately as the figures in
# docs/performance.md were taken: on 2 cores anything else running shows in the figures.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs=5
cli=true
service=true
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --cli-only) service=false; shift ;;
    --service-only) cli=false; shift ;;
    *) echo "usage: scripts/measure-officer-tools.sh [--runs N] [--cli-only | --service-only]" >&2; exit 2 ;;
  esac
done
read -r -a kakunin <<< "${KAKUNIN:-$root/kakunin}"
work="$(mktemp -d)"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
"${kakunin[@]}" export rules --fixtures "$root/test-fixtures/fixtures" > /dev/null
# A rule file edited without changing what it decides: its fixtures still pass.
edit() { cp -r rules "$1"; printf '\n// %s\n' "$1" >> "$1/product/policy.drl"; }
edit edited
request="rules/fixtures/product-security/scenario-smart-lock-from-a-well-run-sme-is-compliant/request.json"

now() { date +%s%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }

# median of the numbers on stdin, then "(min to max)"
summary() {
  sort -g | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.2f s (%.2f to %.2f)", m, v[1], v[NR] }'
}

cli() {
  local label="$1"; shift
  local times=() firsts=() start first end
  for _ in $(seq "$runs"); do
    start=$(now)
    first=""
    while IFS= read -r _line; do
      [ -z "$first" ] && first=$(now)
    done < <("${kakunin[@]}" "$@" 2>&1 || true)
    end=$(now)
    times+=("$(seconds "$start" "$end")")
    firsts+=("$(seconds "$start" "${first:-$end}")")
  done
  printf '%-40s %s' "$label" "$(printf '%s\n' "${times[@]}" | summary)"
  [ "$1" = test ] && printf '   first line after %s' "$(printf '%s\n' "${firsts[@]}" | summary)"
  printf '\n'
}

echo "median of $runs runs, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
$cli && {
cli "kakunin evaluate (built-in rules)" evaluate "$request"
cli "kakunin check (the built-in rules)" check rules
cli "kakunin test (176 shipped fixtures)" test rules
cli "kakunin check (a rule file edited)" check edited
cli "kakunin evaluate --rules (a rule edited)" evaluate --rules edited "$request"
}

$service || exit 0
jar="${SERVICE_JAR:-$(ls "$root"/service/target/service-*.jar | grep -v -- '-sources\|-javadoc' | head -1)}"
port="${PORT:-18089}"
key="kak_measure_rule_admin_0000000000000000000"
base="http://localhost:$port"
mkdir releases && cp -r rules releases/1 && ln -s releases/1 live
java -jar "$jar" --server.port="$port" --kakunin.rules.path=live \
  --spring.datasource.url="jdbc:h2:mem:measure;DB_CLOSE_DELAY=-1" \
  --kakunin.security.provisioned-keys[0].name=measure \
  --kakunin.security.provisioned-keys[0].key="$key" \
  --kakunin.security.provisioned-keys[0].roles=RULE_ADMIN > service.log 2>&1 &
pid=$!
until curl -fs "$base/actuator/health" > /dev/null 2>&1; do
  kill -0 "$pid" 2> /dev/null || { cat service.log >&2; exit 1; }
  sleep 0.2
done
sleep 60

validate() {
  local label="$1" file="$2" path="$3" times=() start
  for _ in $(seq "$runs"); do
    start=$(now)
    curl -fs -H "X-API-Key: $key" -F "files=@$file;filename=$path" "$base/v1/rulesets/validate" > validation.json
    times+=("$(seconds "$start" "$(now)")")
    grep -q '"valid":true' validation.json || { echo "not valid: $(head -c 600 validation.json)" >&2; exit 1; }
  done
  printf '%-40s %s\n' "$label" "$(printf '%s\n' "${times[@]}" | summary)"
}
# The rule file first: each compile warms the compiler for the next, whatever the build.
validate "validate (a rule file edited)" edited/product/policy.drl product/policy.drl
sed 's/^PS-4.2.title=.*/PS-4.2.title=No default password shared by all devices/' rules/messages_en.properties > texts.properties
validate "validate (a text edited)" texts.properties messages_en.properties

active() { curl -fs -H "X-API-Key: $key" "$base/v1/rulesets/active"; }
times=()
for n in $(seq 2 $((runs + 1))); do
  edit "releases/$n"
  before="$(active | grep -o '"revision":"[^"]*"')"
  start=$(now)
  ln -sfn "releases/$n" live
  while [ "$(active | grep -o '"revision":"[^"]*"')" = "$before" ]; do
    active | grep -q '"lastRefusal":{' && { echo "release $n was refused" >&2; exit 1; }
    sleep 0.05
  done
  times+=("$(seconds "$start" "$(now)")")
done
printf '%-40s %s\n' "publish a release (switch the link)" "$(printf '%s\n' "${times[@]}" | summary)"
