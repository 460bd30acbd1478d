#!/usr/bin/env bash
# Makes the class-data-sharing archive of the officers' command line (docs/performance.md, "The
# command line"): the classes every command loads (the engine, Drools, the DRL compiler, Jackson)
# are read once from the archive instead of being found, read, verified and parsed from 60 jars on
# every start. ./kakunin runs this itself when the archive is missing or older than the jar, so
# there is nothing to do by hand; run it again after changing the JDK.
#
#   scripts/package-cli-cds.sh            # writes cli/target/cds/kakunin.jsa
#
# The training runs the commands themselves on an exported copy of the built-in rules (export,
# check of a copy with one rule renamed so that the DRL compiler runs, test with a few shipped
# fixtures, evaluate) and lists the classes they load; the JVM then dumps those classes.
# A static archive from a class list, not JDK 17's dynamic one (-XX:ArchiveClassesAtExit): that
# crashes on the lambdas of the signed ECJ jar, which the static dump can leave out.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar=""
for candidate in "$root"/cli/target/cli-*.jar; do
  case "$candidate" in *-sources.jar|*-tests.jar) ;; *) [ -f "$candidate" ] && jar="$candidate" ;; esac
done
if [ -z "$jar" ]; then
  echo "no command-line jar; run ./mvnw -DskipTests package first" >&2
  exit 1
fi
destination="$root/cli/target/cds"
mkdir -p "$destination"
training="$(mktemp -d)"
trap 'rm -rf "$training"' EXIT

run() {
  local list="$1"; shift
  java -XX:DumpLoadedClassList="$training/$list.classlist" -jar "$jar" "$@" > "$training/$list.log" 2>&1 || true
}

cd "$training"
fixtures="$root/test-fixtures/fixtures"
if [ -d "$fixtures" ]; then
  run export export rules --fixtures "$fixtures"
  # A few fixtures of each topic are enough to load every class a fixture run needs.
  mkdir -p few
  for topic in product-security information-sharing; do
    cases=("rules/fixtures/$topic"/*/)
    mkdir -p "few/$topic"
    cp -r "${cases[@]:0:3}" "few/$topic/"
  done
  run test test rules --fixtures few --coverage-min 0
  requests=(rules/fixtures/product-security/*/request.json)
  reviews=(rules/fixtures/information-sharing/*/request.json)
  run evaluate evaluate "${requests[0]}"
  run review evaluate "${reviews[0]}"
else
  run export export rules
fi
cp -r rules edited
rm -rf edited/fixtures
awk '!done && /^rule "/ { sub(/^rule "/, "rule \"Edited: "); done = 1 } { print }' rules/product/policy.drl > edited/product/policy.drl
run check check edited

# JDK 17 crashes while dumping a lambda whose class or interface the archive excludes (those of the
# signed ECJ jar, and Drools' adapter to it): their lambdas are left out, and if the dump still
# fails, all lambdas (the archive then holds the classes only).
cat "$training"/*.classlist | awk '!seen[$0]++' \
  | grep -v -e '^@lambda-proxy.*org/eclipse/jdt/' -e '^@lambda-proxy org/drools/ecj/' > "$training/kakunin.classlist"
dump() {
  # Written beside and moved into place: a ./kakunin starting meanwhile never maps half an archive.
  java -Xshare:dump -XX:SharedClassListFile="$1" -XX:SharedArchiveFile="$training/kakunin.jsa" \
    -jar "$jar" > "$training/dump.log" 2>&1
}
if ! dump "$training/kakunin.classlist"; then
  grep -v '^@lambda-proxy' "$training/kakunin.classlist" > "$training/classes-only.classlist"
  dump "$training/classes-only.classlist" || { tail -20 "$training/dump.log" >&2; exit 1; }
fi
mv -f "$training/kakunin.jsa" "$destination/kakunin.jsa"
echo "$destination/kakunin.jsa"
