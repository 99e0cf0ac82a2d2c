# Sourced by run.sh and test.sh: makes sure the nats-server binary is there (Debian package nats-server).
if ! command -v nats-server >/dev/null 2>&1 && [ ! -x /usr/sbin/nats-server ]; then
  echo "nats-server not found: installing the Debian package nats-server" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nats-server >/dev/null
  # The package enables a system service on port 4222 where systemd runs; hukz starts its own.
fi
