#!/usr/bin/env bash
# The test command of the README, and of CI (.ci/run): on a fresh Debian machine it installs
# what the tests need besides Rust, then runs every test (`cargo test --locked`, extra
# arguments passed on).
#
# Besides the Rust toolchain the tests need Debian's Chromium (tests/browser/ drives it
# headless; those tests fail, never skip, without it), Node (the search engine's own tests,
# `node --test`, called from cargo test) and the colour emoji font (faithful screenshots).
# Missing ones are installed with apt-get when this runs as root or with password-less sudo;
# otherwise it stops at once and prints the exact command to run.
set -euo pipefail

cd "$(dirname "$0")/.."

chrome="${CHROME:-/usr/bin/chromium}"
missing=()
[ -x "$chrome" ] || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || missing+=(fonts-noto-color-emoji)

if [ ${#missing[@]} -gt 0 ]; then
    install="apt-get update && apt-get install -y ${missing[*]}"
    if [ "$(id -u)" -eq 0 ]; then
        sudo=()
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo=(sudo -n)
    else
        echo "test.sh: the tests need ${missing[*]}, which this machine lacks. Run:" >&2
        echo "    sudo sh -c '$install'" >&2
        echo "then run scripts/test.sh again." >&2
        exit 1
    fi
    echo "--- installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -q </dev/null
    "${sudo[@]}" apt-get install -y -q "${missing[@]}" </dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
    echo "test.sh: cargo is missing. Install the Rust toolchain, then run scripts/test.sh again:" >&2
    echo "    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh" >&2
    exit 1
fi

echo "--- $(cargo --version); $("$chrome" --version 2>/dev/null || echo "$chrome: ?"); node $(node --version)"
echo "--- cargo test --locked $*"
exec cargo test --locked "$@"
