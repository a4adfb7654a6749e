// Bytes a browser downloads for a first query on a built site: the search box's script, the
// engine, and every index file the query loads (manifest, shards, postings, result pages).
// Usage: node benches/first_query.mjs SITE_OUTPUT_DIR [query …]
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { createEngine } from "../themes/default/static/assets/search-engine.mjs";

const [site, ...given] = process.argv.slice(2);
const queries = given.length ? given : ["memoire", "redemarrer", "gunicron", "collectstatic", "--max-requests",
  "SIGKILL", "timeout worker", "base de donnees lente", "optimiser", "render.yaml"];
const file = (rel) => readFileSync(join(site, rel));
// The page names the (fingerprinted) scripts; the manifest names the folder of the shards.
const home = file("index.html").toString("utf8");
const searchScript = /<script src="([^"]+)" data-search-engine="([^"]+)"/.exec(home);
const fixed = [searchScript[1], searchScript[2]].map((rel) => file(rel));
const manifestText = file("assets/search-manifest.js").toString("utf8");
const shards = JSON.parse(manifestText.slice(manifestText.indexOf(",") + 1, manifestText.lastIndexOf(");"))).d;
const fixedRaw = fixed.reduce((n, b) => n + b.length, 0);
const fixedGz = fixed.reduce((n, b) => n + gzipSync(b).length, 0);
console.log(`client code: search.js + engine.js = ${fixedRaw} bytes (${fixedGz} gzipped)`);
for (const query of queries) {
  let raw = fixedRaw, gz = fixedGz, files = 2;
  const engine = createEngine((name) => {
    const bytes = name === "manifest" ? file("assets/search-manifest.js") : file(`${shards}${name}.js`);
    raw += bytes.length; gz += gzipSync(bytes).length; files++;
    const text = bytes.toString("utf8");
    return JSON.parse(text.slice(text.indexOf(",") + 1, text.lastIndexOf(");")));
  });
  const t = performance.now();
  const { results } = await engine.search(query);
  const ms = performance.now() - t;
  const top = results[0] ? results[0].sections[0].url : "(aucun résultat)";
  console.log(`${JSON.stringify(query).padEnd(26)} ${String(raw).padStart(7)} B (${String(gz).padStart(6)} B gz) in ${files} files, ${ms.toFixed(0).padStart(4)} ms (Node) → ${top}`);
}
