#!/usr/bin/env bash
# Sets up and runs hukz on its embedded defaults: embedded PostgreSQL (data/postgres/) and a local
# nats-server (data/nats/). Installs nats-server from Debian's packages when it is missing.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/ensure-nats-server.sh
if [ ! -f target/hukz.jar ] || [ -n "$(find src routes pom.xml -newer target/hukz.jar -print -quit)" ]; then
  mvn -q -B package -DskipTests
fi
# Lean by default on a small machine; override with JAVA_OPTS. TieredStopAtLevel=1 keeps to the JIT's quick
# compiler: on two cores C2 spent more than half of hukz's CPU compiling Camel's deep call paths, for minutes,
# and cost more than its faster code won back (README, Performance). On many cores, drop it.
exec java ${JAVA_OPTS:--Xms64m -Xmx384m -XX:+UseG1GC -XX:MaxGCPauseMillis=50 -XX:TieredStopAtLevel=1} -jar target/hukz.jar
