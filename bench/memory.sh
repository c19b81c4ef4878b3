#!/usr/bin/env bash
# What the storage engine's memory settings cost and buy (not a timed test). Two runs:
#
#   bench/memory.sh reads N CACHE_MIB MEMTABLE_MIB
#       serves target/bench/data-N (bench/run.sh generates it) with those settings and
#       the full-text index on, waits until the index is built, reads the first page,
#       include=authors and q=water for 6 s each (wrk, 32 connections, response cache
#       off), and prints req/s and the resident memory idle, after the reads and at peak;
#   bench/memory.sh crash MEMTABLE_MIB [SECONDS]
#       runs `civitas generate --posts 50000` into an empty directory, kills it with
#       kill -9 after SECONDS (45), and times the restart to the first answer: the
#       write-ahead log a crash leaves is bounded by the memory table.
#
# BIN=path/to/civitas (default target/release/civitas, built by `cargo build --release`).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "bench/memory.sh needs wrk (apt-get install wrk)" >&2; exit 2; }
bin=${BIN:-target/release/civitas}
port=18121
base=http://127.0.0.1:$port
log=target/bench/memory.log
mkdir -p target/bench
mib() { awk -v key="$2:" '$1 == key {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# Starts `civitas serve` on storage $1 (more settings in the environment); sets $server
# and $ready (seconds from start to the first answer).
serve() {
  local started
  started=$(date +%s.%N)
  CIVITAS_STORAGE__URL="surrealkv://$1" CIVITAS_SERVER__BIND=127.0.0.1:$port CIVITAS_API__CACHE_MAX_MIB=0 \
    CIVITAS_LOG__LEVEL="warn,civitas_store::text_index=info" "$bin" serve 2>"$log" &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  until curl -sf "$base/api/v1/health" >/dev/null; do
    kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.005
  done
  ready=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN {printf "%.2f", e - s}')
}

stop() { kill "$server"; wait "$server" 2>/dev/null || true; }

reads() {
  local n=$1 data=target/bench/data-$1
  [ -d "$data" ] || { echo "no $data: run bench/run.sh $n first" >&2; exit 2; }
  CIVITAS_STORAGE__CACHE_MIB=$2 CIVITAS_STORAGE__MEMTABLE_MIB=$3 serve "$data"
  for _ in $(seq 600); do grep -q "full-text index built" "$log" && break; sleep 0.1; done
  sleep 3
  local idle row="" url
  idle=$(mib "$server" VmRSS)
  for url in "/api/v1/content/post?sort=-published_at" "/api/v1/content/post?include=authors" "/api/v1/content/post?q=water"; do
    row+=" | $(wrk -t2 -c32 -d6s "$base$url" | awk '/Requests\/sec/ {print $2}')"
  done
  echo "| $2 / $3 | $idle MiB | $(mib "$server" VmRSS) MiB | $(mib "$server" VmHWM) MiB$row |"
  stop
}

crash() {
  local data=target/bench/crash generator
  rm -rf "$data"
  CIVITAS_STORAGE__URL="surrealkv://$data" CIVITAS_STORAGE__MEMTABLE_MIB=$1 CIVITAS_LOG__LEVEL=warn \
    "$bin" generate --posts 50000 >/dev/null 2>&1 &
  generator=$!
  sleep "$2"
  kill -9 "$generator"
  wait "$generator" 2>/dev/null || true
  local wal
  wal=$(du -sm "$data/wal" | cut -f1)
  CIVITAS_STORAGE__MEMTABLE_MIB=$1 CIVITAS_STORAGE__TEXT_INDEX=false serve "$data"
  echo "| $1 | $wal MB | $ready s | $(mib "$server" VmRSS) MiB |"
  stop
  rm -rf "$data"
}

case "${1:-}" in
  reads) [ $# -eq 4 ] || { echo "usage: bench/memory.sh reads N CACHE_MIB MEMTABLE_MIB" >&2; exit 2; }
    echo "| cache_mib / memtable_mib | idle, index built | after the reads | peak | first page req/s | include=authors req/s | q=water req/s |"
    reads "$2" "$3" "$4" ;;
  crash) [ $# -ge 2 ] || { echo "usage: bench/memory.sh crash MEMTABLE_MIB [SECONDS]" >&2; exit 2; }
    echo "| memtable_mib | write-ahead log left | first answer after the restart | resident then |"
    crash "$2" "${3:-45}" ;;
  *) echo "usage: bench/memory.sh reads N CACHE_MIB MEMTABLE_MIB | crash MEMTABLE_MIB [SECONDS]" >&2; exit 2 ;;
esac
