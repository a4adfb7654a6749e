#!/usr/bin/env bash
# Build benchmark (issue 8): a full `carnet build` as a whole process over generated French
# corpora (gen_corpus.py --layout plain --mojibake 0.1: ~6.5 KB per guide, code blocks,
# cross-links, one folder, 10 % damaged guides). Prints, per size: median wall time of the runs,
# CPU time, peak memory, pages per second, output size, and the stages of the last run.
# Usage: benches/build.sh [SIZES…]   (default: 100 1000 10000); RUNS=3 by default.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$repo/target}
carnet=$target/release/carnet
gen=${GEN_CORPUS:-$repo/../shared/bench/gen_corpus.py}
work=${BENCH_DIR:-/tmp/carnet-build-bench}
runs=${RUNS:-3}
[ -f "$gen" ] || { echo "gen_corpus.py not found (set GEN_CORPUS)" >&2; exit 1; }
(cd "$repo" && cargo build --release --locked -q)
mkdir -p "$work"
printf '%-7s %9s %9s %10s %10s %9s  %s\n' guides "wall s" "cpu s" "peak MiB" "pages/s" "out MB" "stages (last run)"
for n in "${@:-100 1000 10000}"; do
  for size in $n; do
    root=$work/n$size
    if [ ! -d "$root/content" ]; then
      python3 "$gen" --n "$size" --out "$root/content" --layout plain --mojibake 0.1 >/dev/null 2>&1
    fi
    walls=()
    for _ in $(seq "$runs"); do
      /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$carnet" -v build --root "$root" --output "$root/public" \
        2> "$work/log" >/dev/null || { tail -5 "$work/log"; exit 1; }
      read -r wall user sys rss < "$work/time"
      walls+=("$wall")
    done
    median=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
    pages=$(grep -o 'Built [0-9]* pages' "$work/log" | grep -o '[0-9]*')
    out=$(du -sm "$root/public" | cut -f1)
    stages=$(grep -o 'stages: .*' "$work/log" | cut -d' ' -f2-)
    printf '%-7s %9s %9.2f %10d %10.0f %9s  %s\n' "$size" "$median" "$(echo "$user + $sys" | bc)" \
      "$((rss / 1024))" "$(echo "$pages / $median" | bc -l)" "$out" "$stages"
  done
done
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
