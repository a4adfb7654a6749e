#!/usr/bin/env bash
# Runs each fuzz target of carnet for a fixed time and reports what it found.
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 60 s; repair markdown links frontmatter)
#
# Needs a nightly toolchain (`rustup toolchain install nightly`) and cargo-fuzz (installed from
# crates.io when missing). Each target starts from its seeds (the repository's guides and
# fixtures, fuzz/seeds/<target>/, the stored crashes of tests/fixtures/fuzz/<target>/) plus the
# corpus kept from earlier runs in fuzz/corpus/<target>/ (not committed). A crash, a timeout or
# an out-of-memory lands in fuzz/artifacts/<target>/: reproduce it with
#   cargo +nightly fuzz run <target> fuzz/artifacts/<target>/<file>
# then fix carnet and copy the file to tests/fixtures/fuzz/<target>/<what-broke>, where
# `cargo test` replays it (tests/fuzz_regressions.rs). Exit code 1 when any target failed.
set -uo pipefail

cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(repair markdown links frontmatter)

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    echo "fuzz/run.sh: cargo fuzz needs a nightly toolchain: rustup toolchain install nightly" >&2
    exit 2
fi
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked || exit 2

seeds() {
    case "$1" in
        repair) echo tests/fixtures/repair content ;;
        markdown) echo content tests/fixtures/markdown tests/fixtures/browser/content tests/fixtures/search/content ;;
        links) echo fuzz/seeds/links ;;
        frontmatter) echo fuzz/seeds/frontmatter content ;;
    esac
}

echo "--- building ${targets[*]} (release, debug assertions, AddressSanitizer)"
cargo +nightly fuzz build --debug-assertions || exit 2

failed=0
summary=()
for target in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$target" "fuzz/artifacts/$target" fuzz/logs
    log="fuzz/logs/$target.log"
    echo "--- $target: ${seconds} s"
    # shellcheck disable=SC2046
    cargo +nightly fuzz run --debug-assertions "$target" "fuzz/corpus/$target" $(seeds "$target") \
        $(ls -d "tests/fixtures/fuzz/$target" 2>/dev/null) -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
        -dict=fuzz/markdown.dict -print_final_stats=1 >"$log" 2>&1
    code=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
    corpus=$(find "fuzz/corpus/$target" -type f | wc -l)
    if [ $code -eq 0 ]; then
        verdict="ok"
    else
        failed=1
        artifact=$(grep -oE "fuzz/artifacts/$target/[a-z-]+[0-9a-f]+" "$log" | tail -1)
        verdict="FAILED (exit $code) ${artifact:-see $log}"
        grep -m1 -E "panicked at|ERROR: libFuzzer|SUMMARY" "$log" || true
    fi
    summary+=("$(printf '%-12s %10s execs in %4s s  coverage %6s  corpus %5s  %s' \
        "$target" "${runs:-?}" "$seconds" "${cov:-?}" "$corpus" "$verdict")")
done

echo "--- summary"
printf '%s\n' "${summary[@]}"
exit $failed
