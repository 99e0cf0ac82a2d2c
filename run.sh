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
# The launcher's JVM options, and why, are in jvm.options; JAVA_OPTS replaces them.
exec java ${JAVA_OPTS:-@jvm.options} $cds -jar target/hukz.jar
