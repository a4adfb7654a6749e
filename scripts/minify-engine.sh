#!/usr/bin/env bash
# Minifies the default theme's search engine ahead of the build with terser (pinned below) into
# themes/default/minified/: the two classic scripts pages load (engine, part on demand), each
# naming on its first line the SHA-256 of the search-engine.mjs it was made from. carnet uses
# them for that source only (src/search/engine.rs) and squeezes any other engine itself; a unit
# test fails until this script has been run after an edit of search-engine.mjs.
# Usage: scripts/minify-engine.sh   (needs cargo, and npx to fetch terser from npm)
set -euo pipefail

terser="terser@5.51.4"
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo run --quiet --example engine_scripts -- "$work"
digest="$(sha256sum themes/default/static/assets/search-engine.mjs | cut -d' ' -f1)"
mkdir -p themes/default/minified
for name in search-engine search-on-demand; do
    {
        echo "/* carnet: $name.js minified by $terser from search-engine.mjs sha256:$digest */"
        npx --yes "$terser" "$work/$name.js" --compress --mangle --comments false
    } >"themes/default/minified/$name.js"
    echo "themes/default/minified/$name.js: $(wc -c <"$work/$name.js") -> $(wc -c <"themes/default/minified/$name.js") bytes"
done
