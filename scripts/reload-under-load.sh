#!/usr/bin/env bash
# Publishing under load, against the packaged service (the in-build test is
# service/src/test/java/io/kakunin/service/rulesets/ReloadUnderLoadTests.java):
# starts the service on an exported copy of the built-in rules, keeps several clients
# submitting assessments over loopback, saves edits alternating good and broken, and reports
# failed or truncated responses (must be 0) and the revisions responses name.
#
#   ./mvnw -DskipTests package        # once
#   scripts/reload-under-load.sh [--clients 4] [--edits 20] [--fixtures test-fixtures/fixtures]
#
# Needs only the JDK: the driver is a single Java source file run with the CLI's classpath.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cli=""
for candidate in "$root"/cli/target/cli-*.jar; do
  case "$candidate" in *-sources.jar|*-tests.jar) ;; *) [ -f "$candidate" ] && cli="$candidate" ;; esac
done
if [ -z "$cli" ] || ! ls "$root"/service/target/service-*.jar >/dev/null 2>&1; then
  echo "reload-under-load: build first with ./mvnw -DskipTests package" >&2
  exit 2
fi
exec java -cp "$cli:$root/cli/target/lib/*" "$root/scripts/ReloadUnderLoad.java" --root "$root" "$@"
