#!/usr/bin/env bash
# Writes a class data sharing archive of hukz's classes (default target/hukz.jsa) from one start of hukz, stopped
# as soon as it is ready. run.sh and the bench start hukz with -XX:SharedArchiveFile=target/hukz.jsa: the JVM then
# maps the ~9,000 classes a start loads, already parsed and verified, instead of reading them from the jar again —
# start-to-ready on external PostgreSQL and NATS 3.8 -> 2.0 s on two busy cores (README, Performance).
#
# The start it records runs on the embedded defaults in a temporary directory (its own PostgreSQL and nats-server
# there, a free port, none of the caller's HUKZ_ variables: it never touches the caller's database or NATS), from a
# copy of routes/ and application.properties. Java 17 dumps the archive when that JVM exits (SIGTERM, below).
# Best effort: on any failure no archive is written and hukz starts without one, only slower.
#
# usage: scripts/cds-archive.sh [ARCHIVE [JAVA-ARGS...]]   (default: target/hukz.jsa -jar target/hukz.jar)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
archive="$(realpath -m "${1:-$root/target/hukz.jsa}")"
shift || true
if [ $# -eq 0 ]; then
  set -- -jar "$root/target/hukz.jar"
fi

work="$(mktemp -d -t hukz-cds.XXXXXX)"
pid=""
finish() {
  # hukz stops the servers it started on SIGTERM; if it had to be killed, end them too (their data is in $work)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid" 2>/dev/null || true
  fi
  pkill -9 -f -- "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap finish EXIT

# answers 0 when hukz on port $1 says it is ready (bash's /dev/tcp: no curl needed)
ready() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1"
    printf 'GET /health/ready HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    IFS= read -r status <&3
    [[ "$status" == *" 200"* ]]
  ) 2>/dev/null
}

port=""
for _ in $(seq 50); do
  candidate=$((20000 + RANDOM % 20000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
    port=$candidate
    break
  fi
done
[ -n "$port" ] || { echo "cds-archive: no free port found" >&2; exit 1; }

cp -r "$root/routes" "$root/application.properties" "$work/"
cd "$work"
env -i PATH="$PATH" HOME="${HOME:-$work}" ${JAVA_HOME:+JAVA_HOME="$JAVA_HOME"} HUKZ_SERVER_PORT="$port" \
  java "@$root/jvm.options" -XX:ArchiveClassesAtExit="$work/hukz.jsa" "$@" \
  >"$work/start.log" 2>&1 &
pid=$!

# ready within 3 minutes (a first start unpacks PostgreSQL and runs initdb), polled 5 times a second
for _ in $(seq 900); do
  if ready "$port" || ! kill -0 "$pid" 2>/dev/null; then
    break
  fi
  sleep 0.2
done
if ! ready "$port"; then
  echo "cds-archive: hukz did not become ready; no archive. Its output ends with:" >&2
  grep -v '^\[' "$work/start.log" | tail -n 15 >&2 || true
  exit 1
fi

# SIGTERM: hukz stops, then the JVM writes the archive as it exits (a few seconds); at most 2 minutes
kill -TERM "$pid"
for _ in $(seq 600); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.2
done
if kill -0 "$pid" 2>/dev/null || [ ! -s "$work/hukz.jsa" ]; then
  echo "cds-archive: hukz did not stop and write the archive; no archive" >&2
  exit 1
fi
pid=""
mkdir -p "$(dirname "$archive")"
cp "$work/hukz.jsa" "$archive.tmp"
mv -f "$archive.tmp" "$archive"
echo "cds-archive: wrote $archive"
