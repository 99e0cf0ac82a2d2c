#!/usr/bin/env bash
# What Camel's routing costs per delivery on hukz's delivery path, timed alone (bench/path-cost/PathCost.java says
# what each shape is): hukz's routes/deliver.camel.yaml as it is, the least SPEC's route shape allows, one exchange
# per group of deliveries (not SPEC's shape), and the same hand-offs in plain Java — each in a JVM of its own with
# the launcher's options. Prints the CPU microseconds each spends per delivery.
#   bench/path-cost.sh [deliveries per round, default 100000] [most deliveries per refill, default 32: every free slot]
# Set BENCH_SKIP_BUILD=1 to reuse target/hukz.jar.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [[ "${BENCH_SKIP_BUILD:-}" != 1 ]]; then
  echo "bench: building target/hukz.jar"
  mvn -q -B package -DskipTests
fi
opts="@$root/jvm.options"
for shape in routes one-exchange grouped plain-java; do
  # shellcheck disable=SC2086
  java $opts -cp target/hukz.jar bench/path-cost/PathCost.java "$shape" "${1:-100000}" 12 "${2:-32}" 2>&1 \
    | grep -E "^($shape) |Exception|Error" || { echo "bench: $shape failed" >&2; exit 1; }
done
