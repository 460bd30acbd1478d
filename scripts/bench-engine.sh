#!/usr/bin/env bash
# The engine benchmarks (JMH; docs/performance.md): evaluation beside the Jackson parse of the
# same body, STIX reviews of 200 and 5,000 objects and of a 1,000- and 10,000-note containment
# chain beside their parse, knowledge-base builds from DRL. Prints every engine target with the
# median and range of the rounds, whether it is met, and the allocation per operation.
#
#   scripts/bench-engine.sh [--rounds N] [--param name=v1,v2] [JMH include regexp]   # 3 rounds by default, about 8 minutes each
#   scripts/bench-engine.sh --param products=3 'ruleFile|assessment(Parse|Evaluate)'
#       # each product rule file on its own beside the typical evaluation and its parse (~4 min a round)
#
# Builds what it needs first. Needs only the JDK.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
./mvnw -q -DskipTests package
exec java -cp "benchmarks/target/benchmarks-1.0.0-SNAPSHOT.jar:benchmarks/target/lib/*" io.kakunin.bench.RunEngineBenchmarks "$@"
