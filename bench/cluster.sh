#!/usr/bin/env bash
# The load test of several nodes (not a timed test): a mixed read/write load (wrk with
# bench/mixed.lua: one request in WRITE_EVERY a new post, the rest public reads), on
# loopback, against
#   1. one node on embedded storage (surrealkv),
#   2. one node on a SurrealDB server (scripts/surrealdb.sh builds it),
#   3. two nodes on that server, the connections split between them,
# each reporting req/s, p50/p99 (wrk's, per node), error answers by status (since the
# node started), the database time per request (from each node's /metrics: query time
# over requests), so the cost of the network hop to the database is known, and the
# resident memory of each node and of the SurrealDB server after the run, for sizing.
#
#   bench/cluster.sh                         # release builds; 10 s per run, 32 connections
#   DURATION=20 CONNECTIONS=64 WRITE_EVERY=5 bench/cluster.sh
#   PROFILE=dev bench/cluster.sh             # the debug builds (dependencies at opt-level 1)
#   BIN=path/to/civitas SURREAL_BIN=path/to/surreal bench/cluster.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "bench/cluster.sh needs wrk (apt-get install wrk)" >&2; exit 2; }
profile=${PROFILE:-release}
duration=${DURATION:-10}
connections=${CONNECTIONS:-32}
export WRITE_EVERY=${WRITE_EVERY:-10}
target_dir=${CARGO_TARGET_DIR:-target}
if [ -z "${BIN:-}" ]; then
  cargo build --profile "$profile" --bin civitas >&2
fi
bin=$(realpath "${BIN:-$target_dir/$([ "$profile" = dev ] && echo debug || echo "$profile")/civitas}")
surreal=${SURREAL_BIN:-$(PROFILE=$profile scripts/surrealdb.sh)}
work="$target_dir/bench/cluster"
rm -rf "$work" && mkdir -p "$work"
export CIVITAS_BENCH_TOKEN=bench-admin-token-0123456789
db_port=8201
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# Starts a node; $1 its number, $2 the storage URL; further arguments become its
# environment. Waits until it is ready.
start_node() {
  local n=$1 storage=$2
  shift 2
  env CIVITAS_SERVER__BIND=127.0.0.1:$((8210 + n)) CIVITAS_METRICS__BIND=127.0.0.1:$((8220 + n)) \
    CIVITAS_STORAGE__URL="$storage" CIVITAS_AUTH__ADMIN_TOKEN=$CIVITAS_BENCH_TOKEN \
    CIVITAS_PLUGINS__DIR="$PWD/$target_dir/plugins" CIVITAS_LOG__LEVEL=warn "$@" \
    "$bin" serve --seed >"$work/node-$n.log" 2>&1 &
  pids+=($!)
  until curl -sf "http://127.0.0.1:$((8210 + n))/api/v1/health/ready" >/dev/null; do sleep 0.2; done
}

# The sum of a metric over node $1's series.
metric() {
  curl -s "http://127.0.0.1:$((8220 + $1))/metrics" | awk -v name="$2" '$1 ~ "^"name"({|$)" {sum += $2} END {printf "%.6f", sum}'
}

# Node $1's error answers so far, by status (`409x2 503x1`).
error_statuses() {
  curl -s "http://127.0.0.1:$((8220 + $1))/metrics" | grep '^civitas_http_requests_total' \
    | sed -E 's/.*status="([0-9]+)"\} (.*)/\1 \2/' \
    | awk '$1 >= 400 {count[$1] += $2} END {for (s in count) printf "%sx%d ", s, count[s]}'
}

# Runs wrk against nodes 1..$1 at once (connections split) and prints a table row.
load() {
  local nodes=$1 name=$2 n
  local before_db=() before_requests=() wrks=()
  for n in $(seq 1 "$nodes"); do
    before_db[n]=$(metric "$n" civitas_db_query_duration_seconds_sum)
    before_requests[n]=$(metric "$n" civitas_http_requests_total)
    WRK_SOURCE="node$n" wrk -t1 -c$((connections / nodes)) -d"${duration}s" --latency -s bench/mixed.lua \
      "http://127.0.0.1:$((8210 + n))" >"$work/wrk-$n.txt" &
    wrks+=($!)
  done
  wait "${wrks[@]}"
  local rps=0 p50="" p99="" errors="" db=0 requests=0 memory=""
  for n in $(seq 1 "$nodes"); do
    local out=$work/wrk-$n.txt
    rps=$(awk -v a="$rps" '/Requests\/sec/ {printf "%.0f", a + $2}' "$out")
    p50="$p50 $(awk '$1 == "50%" {print $2}' "$out")"
    p99="$p99 $(awk '$1 == "99%" {print $2}' "$out")"
    errors="$errors$(awk '/Socket errors/ {printf "%s ", $0}' "$out")$(error_statuses "$n")"
    db=$(awk -v a="$db" -v b="$(metric "$n" civitas_db_query_duration_seconds_sum)" -v c="${before_db[n]}" 'BEGIN {printf "%.6f", a + b - c}')
    requests=$(awk -v a="$requests" -v b="$(metric "$n" civitas_http_requests_total)" -v c="${before_requests[n]}" 'BEGIN {printf "%.0f", a + b - c}')
    memory="$memory $(awk -v b="$(metric "$n" civitas_process_resident_memory_bytes)" 'BEGIN {printf "%.0f", b / 1048576}')"
  done
  local server_memory=-
  if [ -n "${server_pid:-}" ]; then
    server_memory=$(awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$server_pid/status")
  fi
  local per_request
  per_request=$(awk -v d="$db" -v r="$requests" 'BEGIN {printf "%.2f ms", r ? d * 1000 / r : 0}')
  echo "| $name | $rps | ${p50# } | ${p99# } | $per_request | ${errors:-none} | ${memory# } | $server_memory |"
}

stop_nodes() {
  local keep=$1
  while [ ${#pids[@]} -gt "$keep" ]; do
    kill "${pids[-1]}" && wait "${pids[-1]}" 2>/dev/null || true
    unset 'pids[-1]'
  done
}

echo "mixed load: ${duration}s, $connections connections, 1 request in $WRITE_EVERY a write; $profile builds"
echo
echo "| setup | req/s | p50 per node | p99 per node | database time per request | errors | MiB per node | MiB SurrealDB |"
echo "|---|---|---|---|---|---|---|---|"
start_node 1 "surrealkv://$(realpath "$work")/embedded"
load 1 "1 node, embedded surrealkv"
stop_nodes 0

"$surreal" start --bind 127.0.0.1:$db_port --user root --pass bench-pass --log warn \
  "surrealkv://$(realpath "$work")/server" >"$work/surreal.log" 2>&1 &
server_pid=$!
pids+=($server_pid)
server_env=(CIVITAS_STORAGE__USERNAME=root CIVITAS_STORAGE__PASSWORD=bench-pass)
start_node 1 "ws://127.0.0.1:$db_port" "${server_env[@]}"
load 1 "1 node, SurrealDB server"
start_node 2 "ws://127.0.0.1:$db_port" "${server_env[@]}"
load 2 "2 nodes, SurrealDB server"
