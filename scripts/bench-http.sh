#!/usr/bin/env bash
# The HTTP benchmark (docs/performance.md): the packaged service in its own JVM, driven over
# loopback by a load generator in another; POST /v1/assessments beside the baseline echo
# endpoint of the benchmark profile (full verdict and Prefer: return=minimal), on H2 and PostgreSQL,
# then the streamed batch. Prints every HTTP target as the median and range of the rounds
# (each ratio taken within one round) and whether it is met.
#
#   scripts/bench-http.sh [--databases h2,postgres] [--connections 8] [--phase-seconds 10] [--rounds 3]
#                         [--xmx 256m] [--batch-products 1000,100000]
#                         [--heaps 256m,128m,96m,64m] [--jfr true] [--batch-runs 3]
#                         [--batch-warmup-products 20000] [--service-jar another/service.jar]
#                         [--service-args "--kakunin.limits.max-batch-body=4GB"]
#
# Builds what it needs first. Needs only the JDK; PostgreSQL comes from Maven Central.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
./mvnw -q -DskipTests package
exec java -cp "benchmarks/target/benchmarks-1.0.0-SNAPSHOT.jar:benchmarks/target/lib/*" io.kakunin.bench.HttpLoad --root "$root" "$@"
