#!/usr/bin/env bash
# Sets up and runs hukz on its embedded defaults: embedded PostgreSQL (data/postgres/) and a local
# nats-server (data/nats/). Installs nats-server from Debian's packages when it is missing.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/ensure-nats-server.sh
# Build when the sources differ from those of the last build: a file changed, added or deleted (a deleted class or
# migration must not stay in target/, hence clean).
sources="$(find src pom.xml -type f -printf '%p %T@ %s\n' | sort | md5sum)"
if [ ! -f target/hukz.jar ] || [ "$(cat target/.sources 2>/dev/null)" != "$sources" ]; then
  mvn -q -B clean package -DskipTests
  echo "$sources" > target/.sources
fi
# Class data sharing: target/hukz.jsa holds the classes a start loads, parsed and verified (scripts/cds-archive.sh
# records it from one start of this jar, stopped once ready, on embedded servers of its own in a temporary directory).
# Start-to-ready 3.8 -> 2.0 s on two busy cores. An archive that does not match the jar is ignored by the JVM.
if [ ! -f target/hukz.jsa ] || [ target/hukz.jar -nt target/hukz.jsa ]; then
  echo "run.sh: recording target/hukz.jsa (class data sharing, for faster starts) from one start of hukz" >&2
  scripts/cds-archive.sh || echo "run.sh: no class data sharing archive; hukz starts without one" >&2
fi
cds=""
if [ -f target/hukz.jsa ]; then cds="-XX:SharedArchiveFile=target/hukz.jsa"; fi
# Lean by default on a small machine; override with JAVA_OPTS. TieredStopAtLevel=1 keeps to the JIT's quick
# compiler: on two cores C2 spent more than half of hukz's CPU compiling Camel's deep call paths, for minutes,
# and cost more than its faster code won back (README, Performance). On many cores, drop it.
# SerialGC: on two cores with a heap of a few hundred MiB (what the JVM picks by itself on one CPU) it costs hukz the
# least CPU per delivery and the least memory. Measured in the bench against G1 (MaxGCPauseMillis=50,
# GCTimeRatio=4): CPU per delivery s1 0.20 -> 0.17 ms, s2 0.15 -> 0.14; peak RSS ~300-335 -> 158-297 MiB;
# s3 p99 3.8-7.5 ms (README, Performance).
# MetaspaceSize=96m: hukz's classes take ~42 MiB of metaspace; the default first threshold (21 MiB) cost two full
# collections during start (~0.2 s to ready). -Xmx stays at 384m so that a full ingest buffer (100,000 messages of
# ~1 KB: ~180 MiB on the heap) still fits during a database outage.
# -Xms160m: a burst parks thousands of leased deliveries in their webhooks' lines in memory, and 10,000 attempts can be
# in flight at once (s5); from a 64 MiB heap that cost one or two full collections per burst and young ones every
# ~100 ms. In the bench, hukz alone, GC pauses per run: s1 307-427 -> 196-240 ms, s5 551-627 -> 285-333 ms, no full
# collection; peak RSS s1 +15-20 MiB, s5 none (pages are only touched as the heap fills).
exec java ${JAVA_OPTS:--Xms160m -Xmx384m -XX:+UseSerialGC -XX:MetaspaceSize=96m -XX:TieredStopAtLevel=1} $cds -jar target/hukz.jar
