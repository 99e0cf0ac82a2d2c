#!/usr/bin/env bash
# Runs the whole test suite against real PostgreSQL (embedded), a real nats-server and real HTTP
# receivers. Installs nats-server from Debian's packages when it is missing.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/ensure-nats-server.sh
mvn -B -ntp test "$@"
