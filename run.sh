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
# GCTimeRatio=4 lets the collector spend up to a fifth of the time rather than grow the heap at the first burst
# (a fan-out to 1,000 webhooks took RSS to 434 MiB without it, ~300 with it); -Xmx stays at 384m so that a full
# ingest buffer (100,000 messages of ~1 KB: ~180 MiB on the heap) still fits during a database outage.
exec java ${JAVA_OPTS:--Xms64m -Xmx384m -XX:+UseG1GC -XX:MaxGCPauseMillis=50 -XX:GCTimeRatio=4 -XX:TieredStopAtLevel=1} -jar target/hukz.jar
