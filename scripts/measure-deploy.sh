#!/usr/bin/env bash
# Times scripts/render-build.sh (render.yaml's build command) on both its paths, as Render runs
# it: in a fresh clone of HEAD with an empty target folder (crates already downloaded, toolchain
# present), the whole command, site build included.
# 1. compiled: no release pinned, so carnet is compiled (profile `deploy`, lean features);
# 2. prebuilt: the binary of 1, served by `python3 -m http.server` on 127.0.0.1 with its SHA-256
#    pinned, as a release would be (the download is local: a real one adds its network time).
# Usage: scripts/measure-deploy.sh [WORKDIR]; on a shared machine hold the cargo lock:
#   flock /tmp/cargo.lock scripts/measure-deploy.sh
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d)}"
rm -rf "$work/clone" "$work/target" "$work/served"
mkdir -p "$work/target" "$work/served"
git clone --quiet "$repo" "$work/clone"
cd "$work/clone"
export CARGO_TARGET_DIR="$work/target"
unset CARNET_RELEASE_URL CARNET_RELEASE_SHA256 CARNET_RELEASE_VERSION

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

start=$(date +%s.%N)
bash scripts/render-build.sh >"$work/compiled.log" 2>&1
compiled=$(elapsed "$start" "$(date +%s.%N)")
grep -E "render-build: path|Finished" "$work/compiled.log"
echo "compiled path, cold (fresh clone, empty target): $compiled s"

cp "$CARGO_TARGET_DIR/deploy/carnet" "$work/served/carnet"
port=$((20000 + RANDOM % 20000))
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/served" >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null' EXIT
for _ in $(seq 50); do
    curl --silent --output /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.1
done
rm -rf .carnet public
start=$(date +%s.%N)
CARNET_RELEASE_URL="http://127.0.0.1:$port/carnet" \
    CARNET_RELEASE_SHA256="$(sha256sum "$work/served/carnet" | cut -d' ' -f1)" \
    bash scripts/render-build.sh >"$work/prebuilt.log" 2>&1
prebuilt=$(elapsed "$start" "$(date +%s.%N)")
grep "render-build: path" "$work/prebuilt.log"
echo "prebuilt path (local download, SHA-256 check, site build): $prebuilt s"
