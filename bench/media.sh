#!/usr/bin/env bash
# Benchmarks the media library with the release build, on loopback:
#   1. upload of a 4000 x 3000 JPEG (MB/s over several uploads, and the server's peak memory),
#   2. first render of an 800-px WebP variant of it (p50 over RENDERS distinct first renders),
#   3. the stored variant served under wrk at 32 connections,
#   4. the server's peak memory while 32 clients ask for 32 different first renders at once.
#
#   bench/media.sh                   # defaults
#   RENDERS=15 DURATION=10 bench/media.sh
#   BIN=path/to/civitas bench/media.sh
#
# Needs wrk and python3 (a virtualenv with Pillow under target/bench/venv draws the photo).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "bench/media.sh needs wrk (apt-get install wrk)" >&2; exit 2; }
duration=${DURATION:-10}
renders=${RENDERS:-15}
target_dir=${CARGO_TARGET_DIR:-target}
if [ -z "${BIN:-}" ]; then
  cargo build --release --bin civitas >&2
fi
bin=$(realpath "${BIN:-$target_dir/release/civitas}")
token=bench-admin-token-0123456789
work="$target_dir/bench/media"
rm -rf "$work" && mkdir -p "$work"

memory_mib() { awk -v key="$2:" '$1 == key {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

venv="$target_dir/bench/venv"
[ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" -q install pillow; }
photo="$work/photo.jpg"
"$venv/bin/python" - "$photo" <<'PY'
import random, sys
from PIL import Image, ImageDraw, ImageFilter
random.seed(7)
w, h = 4000, 3000
img = Image.new("RGB", (w, h))
px = Image.linear_gradient("L").resize((w, h))
img = Image.merge("RGB", (px, px.rotate(90).resize((w, h)), Image.new("L", (w, h), 90)))
draw = ImageDraw.Draw(img)
for _ in range(4000):
    x, y, r = random.randrange(w), random.randrange(h), random.randrange(4, 120)
    draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(random.randrange(256) for _ in range(3)))
noise = Image.effect_noise((w, h), 40).convert("RGB")
img = Image.blend(img.filter(ImageFilter.GaussianBlur(2)), noise, 0.25)
img.save(sys.argv[1], quality=88)
PY
size=$(stat -c %s "$photo")
photo=$(realpath "$photo")

cd "$work"
CIVITAS_SERVER__BIND=127.0.0.1:8093 CIVITAS_STORAGE__URL=mem:// CIVITAS_AUTH__ADMIN_TOKEN=$token \
  CIVITAS_PLUGINS__DIR="$OLDPWD/$target_dir/plugins" CIVITAS_LOG__LEVEL=warn \
  "$bin" serve >server.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
base=http://127.0.0.1:8093
until curl -sf "$base/api/v1/health" >/dev/null; do sleep 0.1; done
idle=$(memory_mib $pid VmRSS)

echo "photo: 4000 x 3000 JPEG, $((size / 1024)) KiB; server idle: $idle MiB"
echo
echo "| measure | value |"
echo "|---|---|"
times=()
id=
for _ in 1 2 3 4 5; do
  out=$(curl -s -w '\n%{time_total}' -H "authorization: Bearer $token" -F "file=@$photo" "$base/api/v1/admin/media")
  times+=("$(echo "$out" | tail -1)")
  id=$(echo "$out" | head -1 | sed -E 's/.*"id":"([^"]+)".*/\1/')
done
best=$(printf '%s\n' "${times[@]}" | sort -n | head -1)
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
echo "| upload (5 times; median, best) | $(awk -v s="$size" -v t="$median" 'BEGIN {printf "%.1f MB/s (%.0f ms)", s / t / 1e6, t * 1000}'), best $(awk -v s="$size" -v t="$best" 'BEGIN {printf "%.1f MB/s", s / t / 1e6}') |"
echo "| server peak memory after uploads | $(memory_mib $pid VmHWM) MiB |"

url="$base/assets/$id/photo.jpg"
render_ms=()
for i in $(seq 1 "$renders"); do
  t=$(curl -s -o /dev/null -w '%{time_total}' "$url?w=$((800 - i))&fmt=webp")
  render_ms+=("$(awk -v t="$t" 'BEGIN {printf "%.0f", t * 1000}')")
done
sorted=$(printf '%s\n' "${render_ms[@]}" | sort -n)
p50=$(echo "$sorted" | sed -n "$(( (renders + 1) / 2 ))p")
echo "| first render, ~800 px WebP ($renders distinct variants): p50, min, max | $p50 ms, $(echo "$sorted" | head -1) ms, $(echo "$sorted" | tail -1) ms |"

curl -s -o /dev/null "$url?w=800&fmt=webp"
out=$(wrk -t2 -c32 -d"${duration}s" --latency "$url?w=800&fmt=webp")
rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
echo "| stored 800-px variant, wrk 32 connections | $rps req/s, p50 $p50, p99 $p99 |"
out=$(wrk -t2 -c32 -d"${duration}s" --latency "$url")
echo "| original (~$((size / 1024 / 1024)) MiB), wrk 32 connections | $(echo "$out" | awk '/Requests\/sec/ {print $2}') req/s, p50 $(echo "$out" | awk '$1 == "50%" {print $2}') |"

before=$(memory_mib $pid VmHWM)
start=$(date +%s.%N)
clients=()
for i in $(seq 1 32); do
  curl -s -o /dev/null -w '%{http_code}\n' "$url?w=$((600 + i))&h=$((400 + i))&fit=cover&fmt=webp" >>codes.txt &
  clients+=($!)
done
wait "${clients[@]}"
end=$(date +%s.%N)
codes=$(sort codes.txt | uniq -c | awk '{printf "%s x %s ", $1, $2}')
echo "| 32 clients, 32 different first renders at once | $(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f s", b - a}') for all; answers: $codes|"
echo "| server peak memory: before them, after them | $before MiB, $(memory_mib $pid VmHWM) MiB |"
