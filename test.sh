#!/usr/bin/env bash
# Runs the whole test suite against real PostgreSQL (embedded), a real nats-server and real HTTP
# receivers, and the console in headless chromium. Installs nats-server, chromium and chromium-driver from
# Debian's packages when they are missing.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/ensure-nats-server.sh
source scripts/ensure-chromium.sh
mvn -B -ntp test "$@"
