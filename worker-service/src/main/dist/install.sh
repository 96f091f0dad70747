#!/usr/bin/env bash
# Installs the Message Export worker service and the scheduled run on this server (systemd):
#   the user and group message-export, the jar under /opt/message-export, the Node package of the local ASL engine
#   (for the scheduled run), the units under /etc/systemd/system, and /etc/message-export/message-export.env from the
#   example when there is none (an existing one is never overwritten). Then enables the worker and the timer.
# Run it as root from the directory that holds it (worker-service/target/dist after `mvn package`):
#   sudo ./install.sh --node-dir ../../../statemachine/src/main/node     # worker + daily scheduled run
#   sudo ./install.sh --worker-only                                       # the worker alone (a fleet instance)
# --root DIR lays everything out under DIR and touches neither users nor systemd (packaging, tests).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
jar="$here/worker-service.jar"
node_dir=""
root=""
worker_only=false
start=true
user=message-export

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; echo "options: --jar FILE --node-dir DIR --worker-only --no-start --root DIR"; }
fail() { echo "install.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar=${2:?--jar needs a file}; shift 2 ;;
    --node-dir) node_dir=${2:?--node-dir needs a directory}; shift 2 ;;
    --worker-only) worker_only=true; shift ;;
    --no-start) start=false; shift ;;
    --root) root=${2:?--root needs a directory}; start=false; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) fail "unknown option '$1' (see --help)" ;;
  esac
done

[ -f "$jar" ] || fail "no jar at $jar: build it with mvn -B -pl worker-service -am package -DskipTests, or give --jar"
if ! $worker_only; then
  [ -n "$node_dir" ] || fail "the scheduled run needs the Node package of the local ASL engine: --node-dir statemachine/src/main/node (after npm ci), or --worker-only"
  [ -f "$node_dir/run-state-machine.mjs" ] && [ -d "$node_dir/node_modules/aws-local-stepfunctions" ] \
    || fail "$node_dir is not the statemachine module's Node package with its node_modules (run npm ci there)"
fi
if [ -z "$root" ]; then
  [ "$(id -u)" -eq 0 ] || fail "run it as root (or with --root DIR)"
fi

prefix="$root/opt/message-export"
config="$root/etc/message-export"
units="$root/etc/systemd/system"

if [ -z "$root" ] && ! id -u "$user" >/dev/null 2>&1; then
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
fi
group_of_config=$([ -z "$root" ] && echo "$user" || id -gn)

install -d -m 0755 "$prefix" "$units"
install -m 0644 "$jar" "$prefix/worker-service.jar"
install -m 0644 "$here/message-export.env.example" "$prefix/message-export.env.example"
install -m 0644 "$here/systemd/message-export-worker.service" "$units/"
if ! $worker_only; then
  rm -rf "$prefix/node"
  mkdir -p "$prefix/node"
  cp -R "$node_dir/." "$prefix/node/"
  chmod -R u=rwX,go=rX "$prefix/node"
  install -m 0644 "$here/systemd/message-export-schedule.service" "$here/systemd/message-export-schedule.timer" "$units/"
fi
install -d -m 0750 "$config"
if [ ! -f "$config/message-export.env" ]; then
  install -m 0640 "$here/message-export.env.example" "$config/message-export.env"
  echo "install.sh: wrote $config/message-export.env from the example: edit it before the worker can start"
fi
if [ -z "$root" ]; then
  chgrp "$group_of_config" "$config" "$config/message-export.env"
fi

if [ -z "$root" ]; then
  systemctl daemon-reload
  if $start; then
    systemctl enable --now message-export-worker.service
    $worker_only || systemctl enable --now message-export-schedule.timer
  fi
fi
echo "install.sh: installed under ${root:-/} (worker$($worker_only || echo ', scheduled run'))"
