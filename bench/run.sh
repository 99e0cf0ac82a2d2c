#!/usr/bin/env bash
# Runs the hukz benchmark: builds target/hukz.jar and the harness, then runs the harness, which starts
# PostgreSQL, nats-server, the receiver, hukz and the baseline pipeline as processes of its own.
#   bench/run.sh --quick                 smoke check, all scenarios, both systems
#   bench/run.sh --reps 3                the real thing: medians of 3
#   bench/run.sh --help                  every option
# Set BENCH_SKIP_BUILD=1 to reuse the jars already built.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/ensure-nats-server.sh
if [[ "${BENCH_SKIP_BUILD:-}" != 1 ]]; then
  echo "bench: building target/hukz.jar and bench/target/hukz-bench.jar"
  # clean: a file deleted from src/ (a migration, a route) would otherwise stay in target/ and in the jar measured
  mvn -q -B clean package -DskipTests
  mvn -q -B -f bench/pom.xml clean package
  # hukz starts with its class data sharing archive, as run.sh starts it (HukzSystem)
  scripts/cds-archive.sh || echo "bench: no class data sharing archive; hukz starts without one" >&2
fi
exec java -jar bench/target/hukz-bench.jar --root "$root" "$@"
