#!/usr/bin/env bash
# Prints the path of the Chromium the browser tests drive (tests/browser), installing
# Debian's `chromium` package with apt-get when none is found (through sudo when not
# root). CHROMIUM, when set, names the browser to use instead.
#
#   CHROMIUM="$(scripts/chromium.sh)"
#
# Everything but the path goes to standard error.
set -euo pipefail

find_chromium() {
  if [ -n "${CHROMIUM:-}" ]; then
    [ -x "$CHROMIUM" ] && echo "$CHROMIUM" && return 0
    echo "scripts/chromium.sh: CHROMIUM=$CHROMIUM is not an executable file" >&2
    exit 1
  fi
  local name
  for name in chromium chromium-browser google-chrome-stable google-chrome; do
    if command -v "$name" >/dev/null 2>&1; then
      command -v "$name"
      return 0
    fi
  done
  return 1
}

if find_chromium; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "scripts/chromium.sh: no Chromium found and no apt-get to install one: install Chromium (or Chrome) and/or set CHROMIUM=/path/to/chromium" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "scripts/chromium.sh: no Chromium found, and installing it needs root: run 'apt-get install chromium' as root, or set CHROMIUM=/path/to/chromium" >&2
  exit 1
fi
echo "scripts/chromium.sh: installing Debian's chromium package with apt-get" >&2
if ! { "${as_root[@]}" apt-get update -qq && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } >&2; then
  echo "scripts/chromium.sh: installing chromium with apt-get failed (see above); install it by hand or set CHROMIUM=/path/to/chromium" >&2
  exit 1
fi
if ! find_chromium; then
  echo "scripts/chromium.sh: apt-get installed chromium, but no chromium command is on the PATH" >&2
  exit 1
fi
