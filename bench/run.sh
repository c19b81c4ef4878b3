#!/usr/bin/env bash
# Benchmarks the public read API on generated data with wrk (32 connections, loopback).
#
#   bench/run.sh                 # N = 10,000 and 100,000 posts
#   bench/run.sh 50000           # other sizes
#   DURATION=30 bench/run.sh     # longer runs (seconds per scenario, default 10)
#   PROFILE=dev bench/run.sh     # the debug build (default: release)
#   BIN=path/to/civitas bench/run.sh   # an already built binary
#
# Data goes to target/bench/data-N (generated once, reused). Needs wrk (Debian: apt-get
# install wrk). Prints one Markdown table per N: requests/s, p50 and p99 latency.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "bench/run.sh needs wrk (apt-get install wrk)" >&2; exit 2; }
profile=${PROFILE:-release}
duration=${DURATION:-10}
target_dir=${CARGO_TARGET_DIR:-target}
if [ -z "${BIN:-}" ]; then
  cargo build --profile "$profile" --bin civitas >&2
fi
bin=${BIN:-"$target_dir/$([ "$profile" = dev ] && echo debug || echo "$profile")/civitas"}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)

for n in "${sizes[@]}"; do
  data="target/bench/data-$n"
  if [ ! -d "$data" ]; then
    mkdir -p target/bench
    CIVITAS_STORAGE__URL="surrealkv://$data" CIVITAS_LOG__LEVEL=warn "$bin" generate --posts "$n" >&2
  fi
  log="target/bench/server-$n.log"
  CIVITAS_STORAGE__URL="surrealkv://$data" CIVITAS_SERVER__BIND=127.0.0.1:0 \
    CIVITAS_LOG__LEVEL="warn,civitas_api::server=info" "$bin" serve 2>"$log" &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  base=""
  for _ in $(seq 200); do
    base=$(grep -o 'listening on http://[0-9.:]*' "$log" | head -1 | sed 's/listening on //' || true)
    [ -n "$base" ] && break
    sleep 0.1
  done
  [ -n "$base" ] || { echo "server did not start:" >&2; cat "$log" >&2; exit 1; }
  api="$base/api/v1/content/post"
  slug=$(curl -sg "$api?page[size]=1&fields=slug" | sed -E 's/.*"slug":"([^"]+)".*/\1/')
  cursor=""
  for _ in $(seq 499); do
    page=$(curl -sg "$api?sort=-published_at&page[size]=20${cursor:+&page[after]=$cursor}&fields=slug")
    cursor=$(echo "$page" | sed -E 's/.*"next":"([^"]+)".*/\1/')
  done
  names=("first page, sort=-published_at" "one post by slug" "filter tags + sort" "page 500 by cursor"
         "20 posts, include=authors" "full-text q=water")
  urls=("$api?sort=-published_at&page%5Bsize%5D=20"
        "$api/$slug"
        "$api?filter%5Btags%5D%5Bcontains%5D=mobility&sort=-published_at"
        "$api?sort=-published_at&page%5Bsize%5D=20&page%5Bafter%5D=$cursor"
        "$api?page%5Bsize%5D=20&include=authors"
        "$api?q=water")
  echo
  echo "N = $n posts ($profile build, wrk -t2 -c32 -d${duration}s)"
  echo
  echo "| scenario | req/s | p50 | p99 |"
  echo "|---|---|---|---|"
  for i in "${!names[@]}"; do
    url=${urls[$i]}
    status=$(curl -sg -o /dev/null -w '%{http_code}' "$url")
    [ "$status" = 200 ] || { echo "${names[$i]}: $url answered $status" >&2; exit 1; }
    out=$(wrk -t2 -c32 -d"${duration}s" --latency "$url")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
    echo "| ${names[$i]} | $rps | $p50 | $p99 |${errors:+ $errors}"
  done
  kill "$server"; wait "$server" 2>/dev/null || true
  trap - EXIT
done
