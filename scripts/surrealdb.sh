#!/usr/bin/env bash
# Builds SurrealDB's server (tools/surrealdb-server: the surrealdb-server crate at the
# SDK's version, memory and SurrealKV engines only) once, into target/surrealdb-server,
# and prints the binary's path. Start it the way SurrealDB documents:
#
#   "$(scripts/surrealdb.sh)" start --bind 127.0.0.1:8000 --user root --pass secret surrealkv://data
#
#   scripts/surrealdb.sh                   # debug build, for the tests
#   PROFILE=release scripts/surrealdb.sh   # optimised, for load tests and operators
#
# Its own target directory: sharing the main one saves little (the server needs other
# features of SurrealDB's crates) and lets each build make the other's artifacts look
# stale, and the tests may run this while `cargo test` holds the main one.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
profile=${PROFILE:-dev}
target_dir=$root/target/surrealdb-server
case "$profile" in
  dev) out="$target_dir/debug/surreal" ;;
  *) out="$target_dir/$profile/surreal" ;;
esac
# Cargo decides whether anything changed; a no-op build takes about a second.
env -u CARGO_TARGET_DIR cargo build --target-dir "$target_dir" --locked --quiet --profile "$profile" \
  --manifest-path "$root/tools/surrealdb-server/Cargo.toml" >&2
echo "$out"
