#!/usr/bin/env bash
# Benchmarks the public read API on generated data with wrk, on loopback.
#
#   bench/run.sh                 # N = 10,000 and 100,000 posts, response cache on
#   bench/run.sh 50000           # other sizes
#   CACHE=off bench/run.sh       # every request goes to the database
#   MODE=mixed bench/run.sh      # 100 list pages read while a writer saves once a second
#   MODE=graphql bench/run.sh    # the same reads through REST and GraphQL (GET)
#   DURATION=30 bench/run.sh     # seconds per scenario (default 10)
#   PROFILE=dev bench/run.sh     # the debug build (default: release)
#   BIN=path/to/civitas bench/run.sh   # an already built binary
#
# Data goes to target/bench/data-N (generated once, reused). Needs wrk (Debian: apt-get
# install wrk). Prints, per N: the time from start to the first answer and the memory
# held idle; one row per scenario with requests/s, p50 and p99 at 32 connections, p50
# with one connection, and the server's CPU time per request; the server's peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "bench/run.sh needs wrk (apt-get install wrk)" >&2; exit 2; }
profile=${PROFILE:-release}
duration=${DURATION:-10}
mode=${MODE:-reads}
cache_mib=$([ "${CACHE:-on}" = off ] && echo 0 || echo 32)
target_dir=${CARGO_TARGET_DIR:-target}
if [ -z "${BIN:-}" ]; then
  cargo build --profile "$profile" --bin civitas >&2
fi
bin=${BIN:-"$target_dir/$([ "$profile" = dev ] && echo debug || echo "$profile")/civitas"}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
token=bench-admin-token-0123456789
ticks=$(getconf CLK_TCK)

# The server's CPU time so far, in clock ticks (user + system).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# A value from /proc/PID/status (VmRSS, VmHWM), in MiB.
memory_mib() { awk -v key="$2:" '$1 == key {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# wrk at 32 connections (plus one connection for the p50), one table row.
measure() {
  local name=$1 url=$2 pid=$3 script=${4:-}
  local before after out rps p50 p99 single cpu
  before=$(cpu_ticks "$pid")
  out=$(wrk -t2 -c32 -d"${duration}s" --latency ${script:+-s "$script"} "$url")
  after=$(cpu_ticks "$pid")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
  cpu=$(awk -v t=$((after - before)) -v n="$requests" -v hz="$ticks" 'BEGIN {printf "%.2f ms", n ? t * 1000 / hz / n : 0}')
  single=$(wrk -t1 -c1 -d"$((duration / 2 + 1))s" --latency ${script:+-s "$script"} "$url" | awk '$1 == "50%" {print $2}')
  echo "| $name | $rps | $p50 | $p99 | $single | $cpu |${errors:+ $errors}"
}

# One write: a PATCH of one text field of the first entry of `type`.
write_once() {
  local base=$1 type=$2 field=$3 id
  id=$(curl -sg "$base/api/v1/content/$type?page%5Bsize%5D=1&fields=slug" | sed -E 's/.*"id":"([^"]+)".*/\1/')
  curl -s -o /dev/null -X PATCH "$base/api/v1/admin/content/$type/$id" \
    -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d "{\"$field\": \"bench write $RANDOM\"}" || true
}

# Writes once a second until killed.
writer() {
  while true; do
    write_once "$@"
    sleep 1
  done
}

# A read right after a post write, which makes every cached answer, total and page start
# of posts stale: p50 and p90 of 20, one connection. With a fourth argument, that URL
# (the list's first page, which counts the total again) is read first, untimed.
after_a_write() {
  local name=$1 url=$2 base=$3 first=${4:-} times
  times=$(for _ in $(seq 20); do
    write_once "$base" post excerpt
    [ -z "$first" ] || curl -sg -o /dev/null "$first"
    curl -sg -o /dev/null -w '%{time_total}\n' "$url"
  done | sort -n)
  echo "$times" | awk -v name="$name" '{t[NR] = $1 * 1000}
    END {printf "| %s | | | | %.2fms (p90 %.2fms) | |\n", name, t[10], t[18]}'
}

for n in "${sizes[@]}"; do
  data="target/bench/data-$n"
  if [ ! -d "$data" ]; then
    mkdir -p target/bench
    CIVITAS_STORAGE__URL="surrealkv://$data" CIVITAS_LOG__LEVEL=warn "$bin" generate --posts "$n" >&2
  fi
  log="target/bench/server-$n.log"
  started=$(date +%s.%N)
  CIVITAS_STORAGE__URL="surrealkv://$data" CIVITAS_SERVER__BIND=127.0.0.1:0 \
    CIVITAS_API__CACHE_MAX_MIB=$cache_mib CIVITAS_AUTH__ADMIN_TOKEN=$token \
    CIVITAS_LOG__LEVEL="warn,civitas_api::server=info,civitas_store::text_index=info" "$bin" serve 2>"$log" &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  base=""
  for _ in $(seq 2000); do
    base=$(grep -o 'listening on http://[0-9.:]*' "$log" | head -1 | sed 's/listening on //' || true)
    [ -n "$base" ] && curl -sf -o /dev/null "$base/api/v1/content/post?page%5Bsize%5D=1" && break
    sleep 0.01
  done
  [ -n "$base" ] || { echo "server did not start:" >&2; cat "$log" >&2; exit 1; }
  ready=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN {printf "%.2f", e - s}')
  # Searches run in the database until the full-text index is built: wait for it.
  indexed=""
  for _ in $(seq 6000); do
    indexed=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -o 'full-text index built.*' | head -1 || true)
    [ -n "$indexed" ] && break
    sleep 0.1
  done
  sleep 1
  idle=$(memory_mib "$server" VmRSS)
  api="$base/api/v1/content/post"
  echo
  echo "N = $n posts ($profile build, cache $([ "$cache_mib" = 0 ] && echo off || echo on), mode $mode):" \
    "first answer ${ready} s after start, ${idle} MiB resident idle;" \
    "${indexed:-full-text index not built (searches in the database)}"
  echo
  if [ "$mode" = mixed ]; then
    script=$(mktemp --suffix .lua)
    cat >"$script" <<'LUA'
-- 100 distinct list pages, newest first, taken in turn by every connection.
local n = 0
request = function()
  n = n % 100 + 1
  return wrk.format("GET", "/api/v1/content/post?sort=-published_at&page%5Bnumber%5D=" .. n)
end
LUA
    echo "| 100 list pages, newest first | req/s | p50 | p99 | p50, 1 connection | CPU per request |"
    echo "|---|---|---|---|---|---|"
    measure "nothing written" "$base" "$server" "$script"
    for written in partner:description post:excerpt; do
      writer "$base" "${written%%:*}" "${written##*:}" & pid_writer=$!
      measure "one ${written%%:*} write a second" "$base" "$server" "$script"
      kill "$pid_writer" 2>/dev/null || true
    done
    rm -f "$script"
  elif [ "$mode" = graphql ]; then
    expert=$(curl -sg "$base/api/v1/content/expert?page%5Bsize%5D=1&fields=slug" | sed -E 's/.*"slug":"([^"]+)".*/\1/')
    posts='{post_list(first:20,sort:[PUBLISHED_AT_DESC]){nodes{id title slug excerpt published_at tags authors{id name slug role}}}}'
    one="{expert(slug:\"$expert\"){id name slug role bio{markdown html} years_of_experience expertise_areas country city}}"
    graphql() { echo "$base/api/v1/graphql?query=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1")"; }
    names=("20 posts with authors, REST" "20 posts with authors, GraphQL"
           "one expert by slug, REST" "one expert by slug, GraphQL")
    urls=("$api?sort=-published_at&page%5Bsize%5D=20&include=authors&fields=title,slug,excerpt,published_at,tags,authors"
          "$(graphql "$posts")"
          "$base/api/v1/content/expert/$expert"
          "$(graphql "$one")")
    echo "| read | req/s | p50 | p99 | p50, 1 connection | CPU per request |"
    echo "|---|---|---|---|---|---|"
    for i in "${!names[@]}"; do
      url=${urls[$i]}
      answer=$(curl -sg -w '\n%{http_code}' "$url")
      if [ "${answer##*$'\n'}" != 200 ] || [[ "$answer" == *'"errors"'* ]]; then
        echo "${names[$i]}: $url answered ${answer:0:300}" >&2; exit 1
      fi
      measure "${names[$i]}" "$url" "$server"
    done
  else
    slug=$(curl -sg "$api?page%5Bsize%5D=1&fields=slug" | sed -E 's/.*"slug":"([^"]+)".*/\1/')
    id=$(curl -sg "$api?page%5Bsize%5D=1&fields=slug" | sed -E 's/.*"id":"([^"]+)".*/\1/')
    cursor=""
    for _ in $(seq 49); do
      page=$(curl -sg "$api?sort=-published_at&page%5Bsize%5D=20${cursor:+&page%5Bafter%5D=$cursor}&fields=slug")
      cursor=$(echo "$page" | sed -E 's/.*"next":"([^"]+)".*/\1/')
    done
    # Slowest last: requests wrk gives up on keep the server busy for a while after.
    names=("first page, sort=-published_at" "page 50 by cursor" "one post by id"
           "one post by slug" "20 posts, include=authors" "filter tags + sort"
           "page 50 by number (its start known)" "full-text q=water" "search all types q=water")
    urls=("$api?sort=-published_at&page%5Bsize%5D=20"
          "$api?sort=-published_at&page%5Bsize%5D=20&page%5Bafter%5D=$cursor"
          "$api/$id"
          "$api/$slug"
          "$api?sort=-published_at&page%5Bsize%5D=20&include=authors"
          "$api?filter%5Btags%5D%5Bcontains%5D=mobility&sort=-published_at"
          "$api?sort=-published_at&page%5Bsize%5D=20&page%5Bnumber%5D=50"
          "$api?q=water"
          "$base/api/v1/search?q=water")
    echo "| scenario | req/s | p50 | p99 | p50, 1 connection | CPU per request |"
    echo "|---|---|---|---|---|---|"
    for i in "${!names[@]}"; do
      url=${urls[$i]}
      status=$(curl -sg -o /dev/null -w '%{http_code}' "$url")
      [ "$status" = 200 ] || { echo "${names[$i]}: $url answered $status" >&2; exit 1; }
      measure "${names[$i]}" "$url" "$server"
    done
    after_a_write "page 50 by number, first read after a post write" "${urls[6]}" "$base"
    after_a_write "page 50 by number after a post write, total known" "${urls[6]}" "$base" "${urls[0]}"
    after_a_write "filter tags + sort, first read after a post write" "${urls[5]}" "$base"
  fi
  peak=$(memory_mib "$server" VmHWM)
  kill "$server"; wait "$server" 2>/dev/null || true
  trap - EXIT
  stats=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -o 'hits=[0-9]* misses=[0-9]*' | tail -1 || true)
  echo
  echo "Peak resident memory ${peak} MiB; response cache ${stats:-off}"
done
