#!/usr/bin/env bash
# The console's routes at a month's scale (2,000,000 webhook_logs and deliveries): builds the jars like
# run.sh, then times each list route, filter and /stats (medians of 5) and prints a table.
#   bench/scale.sh [--rows 2000000] [--reps 5]
# Set BENCH_SKIP_BUILD=1 to reuse the jars already built.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [[ "${BENCH_SKIP_BUILD:-}" != 1 ]]; then
  echo "bench: building target/hukz.jar and bench/target/hukz-bench.jar"
  mvn -q -B package -DskipTests
  mvn -q -B -f bench/pom.xml package
fi
exec java -cp bench/target/hukz-bench.jar hukz.bench.ScaleBench --root "$root" "$@"
