#!/usr/bin/env bash
# Lays the packaged service out for fast start-up (docs/performance.md, "Start-up"): the
# jar extracted by Spring Boot's jarmode tools, plus a class-data-sharing archive made by a
# training run that starts the context and exits. Then start it with
#
#   java -XX:SharedArchiveFile=<dir>/kakunin.jsa -jar <dir>/service-<version>.jar
#
#   scripts/package-cds.sh [destination]        # default service/target/cds
#
# The archive belongs to this JDK and this jar: make it again after either changes (the JVM
# says so and starts without it if they differ).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
destination="${1:-$root/service/target/cds}"
jar="$(ls "$root"/service/target/service-*.jar 2>/dev/null | grep -v -- '-sources\|-javadoc' | head -1 || true)"
if [ -z "$jar" ]; then
  echo "no service jar; run ./mvnw -DskipTests package first" >&2
  exit 1
fi
rm -rf "$destination"
java -Djarmode=tools -jar "$jar" extract --destination "$destination" >/dev/null
training="$(mktemp -d)"
trap 'rm -rf "$training"' EXIT
# The training run: a throwaway database, no port, exit as soon as the context is refreshed.
(cd "$training" && java -XX:ArchiveClassesAtExit="$destination/kakunin.jsa" -Dspring.context.exit=onRefresh \
  -jar "$destination/$(basename "$jar")" --server.port=0 --spring.datasource.url="jdbc:h2:mem:cds-training" \
  > "$training/training.log" 2>&1) || { cat "$training/training.log" >&2; exit 1; }
echo "$destination/$(basename "$jar") with $destination/kakunin.jsa"
