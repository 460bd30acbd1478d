#!/usr/bin/env bash
# The engine benchmarks (JMH; docs/performance.md): evaluation beside the Jackson parse of the
# same body, a 200-object STIX review beside its parse, knowledge-base builds from DRL.
#
#   scripts/bench-engine.sh [JMH include regexp]     # about 4 minutes for everything
#
# Builds what it needs first. Needs only the JDK.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
./mvnw -q -DskipTests package
exec java -cp "benchmarks/target/benchmarks-1.0.0-SNAPSHOT.jar:benchmarks/target/lib/*" io.kakunin.bench.RunEngineBenchmarks "$@"
