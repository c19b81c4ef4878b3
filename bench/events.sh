#!/usr/bin/env bash
# Benchmarks the change log with the release build, on loopback (bench/events.py does the
# measuring; this script builds and starts the server):
#   1. creates per second (CONNECTIONS concurrent writers for DURATION seconds) with no
#      webhook, then with WEBHOOKS webhooks to a local receiver (every event type),
#   2. events per second delivered to the receiver, and the lag from commit (the event's
#      timestamp) to delivery and to an SSE client on /api/v1/events (p50, p99).
#
#   bench/events.sh                          # defaults: 10 s, 32 writers, 1 webhook
#   DURATION=20 CONNECTIONS=8 WEBHOOKS=4 bench/events.sh
#   STORAGE=mem:// bench/events.sh           # default: surrealkv in a temporary directory
#   BIN=path/to/civitas bench/events.sh
#   WEBHOOKS=0 BIN=... bench/events.sh       # creates per second only (any version)
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir=${CARGO_TARGET_DIR:-target}
if [ -z "${BIN:-}" ]; then
  cargo build --release --bin civitas >&2
fi
bin=$(realpath "${BIN:-$target_dir/release/civitas}")
work="$target_dir/bench/events"
rm -rf "$work" && mkdir -p "$work"
storage=${STORAGE:-surrealkv://$(realpath "$work")/data}
token=bench-admin-token-0123456789
port=8094

CIVITAS_SERVER__BIND=127.0.0.1:$port CIVITAS_STORAGE__URL=$storage CIVITAS_AUTH__ADMIN_TOKEN=$token \
  CIVITAS_PLUGINS__DIR="$PWD/$target_dir/plugins" CIVITAS_LOG__LEVEL=warn \
  CIVITAS_WEBHOOKS__ALLOWED_NETWORKS='["127.0.0.1/32"]' CIVITAS_API__CACHE_MAX_MIB=0 \
  "$bin" serve >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
until curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null; do sleep 0.1; done
python3 bench/events.py "http://127.0.0.1:$port" "$token" "${DURATION:-10}" "${CONNECTIONS:-32}" "${WEBHOOKS:-1}"
echo "server peak memory: $(awk '$1 == "VmHWM:" {printf "%.0f MiB", $2 / 1024}' /proc/$pid/status)"
