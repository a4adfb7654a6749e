#!/usr/bin/env bash
# The Render build command (render.yaml: `bash scripts/render-build.sh`): gets carnet, then builds
# the site with `carnet build` (arguments of this script are passed on to it).
#
# Two paths, and it prints which one it took:
# 1. prebuilt: when a release is pinned (the three values below, or the environment variables of
#    the same names, which win), the static Linux x86_64 binary is downloaded, its SHA-256 checked
#    against the pinned one, and only then made executable and run. Seconds.
# 2. compiled: when no release is pinned, the download fails (missing release, no network) or the
#    checksum does not match (the downloaded file is deleted, never run): carnet is compiled with
#    the `deploy` profile, without the optional features (`serve`, `external-links`). In carnet's
#    own repository from its sources; elsewhere with `cargo install` from CARNET_GIT. A build image
#    without cargo gets a minimal toolchain from rustup first (CARNET_NO_RUSTUP=1 forbids that).
#
# Pinning a release published by .github/workflows/release.yml (tag vX.Y.Z):
#   CARNET_RELEASE_URL=https://github.com/OWNER/carnet/releases/download/vX.Y.Z/carnet-x86_64-unknown-linux-musl
#   CARNET_RELEASE_SHA256=<the 64 hex digits of carnet-x86_64-unknown-linux-musl.sha256>
set -euo pipefail

CARNET_RELEASE_VERSION="${CARNET_RELEASE_VERSION-}"
CARNET_RELEASE_URL="${CARNET_RELEASE_URL-}"
CARNET_RELEASE_SHA256="${CARNET_RELEASE_SHA256-}"

# Where the verified binary (or the one `cargo install` builds) is kept: ignored by git.
tools=".carnet"

say() { echo "render-build: $*" >&2; }

# Downloads the pinned release into $tools/bin/carnet and checks its SHA-256; succeeds only when
# the file there is the pinned one. The download lands in a temporary file that is never made
# executable unless its checksum matches.
fetch_release() {
    if [ -z "$CARNET_RELEASE_URL" ] || [ -z "$CARNET_RELEASE_SHA256" ]; then
        say "no release pinned (CARNET_RELEASE_URL and CARNET_RELEASE_SHA256)"
        return 1
    fi
    if ! [[ "$CARNET_RELEASE_SHA256" =~ ^[0-9a-fA-F]{64}$ ]]; then
        say "CARNET_RELEASE_SHA256 is not a SHA-256 (64 hex digits)"
        return 1
    fi
    mkdir -p "$tools/bin"
    local download="$tools/bin/carnet.download"
    rm -f "$download"
    say "downloading carnet ${CARNET_RELEASE_VERSION:-release} from $CARNET_RELEASE_URL"
    if ! curl --fail --location --silent --show-error --connect-timeout 10 --max-time 120 \
        --retry 2 --output "$download" "$CARNET_RELEASE_URL"; then
        rm -f "$download"
        say "download failed"
        return 1
    fi
    local actual
    actual="$(sha256sum "$download" | cut -d' ' -f1)"
    if [ "$actual" != "$(echo "$CARNET_RELEASE_SHA256" | tr 'A-F' 'a-f')" ]; then
        rm -f "$download"
        say "checksum mismatch: expected $CARNET_RELEASE_SHA256, got $actual; the download is deleted, not run"
        return 1
    fi
    chmod +x "$download"
    mv -f "$download" "$tools/bin/carnet"
    return 0
}

# cargo on the PATH, or a minimal toolchain from rustup.
ensure_cargo() {
    if command -v cargo >/dev/null 2>&1; then
        return 0
    fi
    if [ "${CARNET_NO_RUSTUP:-}" = 1 ]; then
        say "cargo is missing and CARNET_NO_RUSTUP=1: cannot install the Rust toolchain"
        exit 1
    fi
    say "cargo is missing: installing the Rust toolchain (rustup, minimal profile)"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal >&2
    # shellcheck disable=SC1091
    . "$HOME/.cargo/env"
}

# Compiles carnet; prints the path of the binary.
compile() {
    ensure_cargo
    if [ -f Cargo.toml ] && grep -q '^name = "carnet"' Cargo.toml; then
        say "compiling carnet from this repository: cargo build --profile deploy --locked --no-default-features"
        cargo build --profile deploy --locked --no-default-features >&2
        echo "${CARGO_TARGET_DIR:-target}/deploy/carnet"
    else
        if [ -z "${CARNET_GIT:-}" ]; then
            say "CARNET_GIT is not set: the repository to compile carnet from"
            exit 1
        fi
        say "compiling carnet from $CARNET_GIT: cargo install --profile deploy --locked --no-default-features"
        cargo install --profile deploy --locked --no-default-features --root "$tools" \
            --git "$CARNET_GIT" carnet >&2
        echo "$tools/bin/carnet"
    fi
}

start=$SECONDS
if fetch_release; then
    say "path: prebuilt carnet ${CARNET_RELEASE_VERSION:-release} (SHA-256 verified)"
    carnet="$tools/bin/carnet"
else
    say "path: compiling carnet (no usable prebuilt release)"
    carnet="$(compile)"
fi
say "carnet ready in $((SECONDS - start)) s: $carnet build $*"
exec "$carnet" build "$@"
