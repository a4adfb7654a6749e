#!/usr/bin/env bash
# Search benchmark: index build time and size for generated sites of 1,000 and 10,000 guides,
# and the bytes a first query downloads (bundled site and 10,000 guides).
# Usage: benches/search.sh [SIZES…]   (default: 1000 10000); needs node and a release build. The
# corpora come from the project's generator (benches/corpus, through `cargo bench --bench build`),
# or from gen_corpus.py when GEN_CORPUS names it.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$repo/target}
carnet=$target/release/carnet
gen=${GEN_CORPUS:-}
work=${BENCH_DIR:-/tmp/carnet-search-bench}
(cd "$repo" && cargo build --release --locked -q)
mkdir -p "$work"

report() { # name site_root
  local name=$1 root=$2 out=$2/public
  rm -rf "$out"
  /usr/bin/time -f "%M" -o "$work/rss" "$carnet" build -v --root "$root" --output "$out" 2> "$work/log" >/dev/null || {
    tail -5 "$work/log"; exit 1; }
  local stage=$(grep -o 'search [0-9.]* ms' "$work/log" | head -1)
  local index=$(echo "$out"/assets/immutable/search-index.*)
  local bytes=$(du -sb "$index" | cut -f1)
  local files=$(find "$index" -type f | wc -l)
  local pages=$(find "$index/p" -type f | wc -l)
  printf '%-14s %s | index %s MB in %s files (%s page files) | whole build peak RSS %s MB | load %s\n' \
    "$name" "$stage" "$((bytes / 1000000))" "$files" "$pages" "$(( $(cat "$work/rss") / 1024 ))" "$(cut -d' ' -f1 /proc/loadavg)"
}

echo "== bundled site (content/ of the repository)"
rm -rf "$work/bundled" && mkdir -p "$work/bundled" && cp -r "$repo/content" "$repo/carnet.toml" "$work/bundled/"
report bundled "$work/bundled"
node "$repo/benches/first_query.mjs" "$work/bundled/public"

for n in "${@:-1000 10000}"; do
  for size in $n; do
    site=$work/g$size
    if [ ! -d "$site/content" ]; then
      mkdir -p "$site"
      if [ -n "$gen" ]; then
        python3 "$gen" --n "$size" --out "$site/content" --layout plain --mojibake 0.1 >/dev/null
      else
        (cd "$repo" && CARNET_BENCH_DIR="$work/corpus" RUNS=1 cargo bench -q --locked --bench build -- "$size" >/dev/null)
        cp -r "$work/corpus/$size/content" "$site/content"
      fi
      # The generator links to anchors of mojibake guides that carnet reports as broken.
      sed -i -E 's/\]\(([^)#]*\.md)#[^)]*\)/](\1)/g' "$site"/content/*.md
      printf 'title = "Banc d essai"\n' > "$site/carnet.toml"
    fi
    echo "== $size generated guides"
    report "$size guides" "$site"
    [ "$size" -ge 10000 ] && node "$repo/benches/first_query.mjs" "$site/public"
  done
done
