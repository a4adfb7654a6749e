// carnet's search and Pagefind on the same built site and the same French queries: the share of
// queries whose expected section is in the first three shown, per kind of query (issue 18).
//
//   npm install --prefix /tmp/pf pagefind      # once; not a dependency of carnet or of its CI
//   node benches/compare_pagefind.mjs <built site> <queries.tsv>... [--generate] [--verbose]
//
// Pagefind (`PAGEFIND_BIN`, default: `npx pagefind` from the current folder) indexes a copy of the
// built site, `<main>` of each page only (`--root-selector main`: not the sidebar, as carnet);
// its queries run in headless Chromium (`CHROMIUM`, default /usr/bin/chromium) through its own
// `pagefind.js`, served over HTTP by this script. carnet's queries run its engine in Node over the
// same site (tests/search/eval.mjs, the engine the pages load gives the same answers). A
// Pagefind result lists its page's sections (`sub_results`); as for carnet, the shown order is
// each page's sections in turn, three at most per page (what Pagefind's UI shows; the entry of the
// page itself left out when there are sections: it is the result's title), and a query hits
// when the expected section is among the first three (a page URL expected: any of its sections).

import { cpSync, mkdtempSync, writeFileSync, readFileSync, existsSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { execFileSync, execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { join, extname } from "node:path";

import { createEngine } from "../themes/default/static/assets/search-engine.mjs";
import { siteLoader, readQueries, generated, hits, shownSections } from "../tests/search/eval.mjs";

const args = process.argv.slice(2);
const verbose = args.includes("--verbose");
const [site, ...files] = args.filter((a) => !a.startsWith("--"));
const queries = files.flatMap(readQueries);
if (args.includes("--generate")) queries.push(...generated(siteLoader(site).load));

// carnet
const engine = createEngine(siteLoader(site).load);
const carnet = [];
for (const q of queries) carnet.push(shownSections(await engine.search(q.query)));

// Pagefind: index a copy, serve it, run the queries in Chromium.
const copy = join(mkdtempSync(join(tmpdir(), "carnet-pagefind-")), "site");
cpSync(site, copy, { recursive: true });
const bin = process.env.PAGEFIND_BIN;
const indexArgs = ["--site", copy, "--root-selector", "main", "--silent"];
if (bin) execFileSync(bin, indexArgs, { stdio: "inherit" });
else execFileSync("npx", ["pagefind", ...indexArgs], { stdio: "inherit" });
writeFileSync(join(copy, "compare-pagefind.html"), `<!doctype html><meta charset="utf-8"><body><pre id="out">…</pre>
<script type="module">
const pagefind = await import("/pagefind/pagefind.js");
await pagefind.options({ excerptLength: 10 });
const queries = ${JSON.stringify(queries.map((q) => q.query)).replace(/</g, "\\u003c")};
const out = [];
for (const q of queries) {
  let search;
  try { search = await pagefind.search(q); } catch (e) { out.push(["error: " + e]); continue; }
  const pages = await Promise.all(search.results.slice(0, 6).map((r) => r.data()));
  // A page's own entry among its sections is its title link: left out when it has sections.
  out.push(pages.flatMap((p) => {
    const sections = (p.sub_results || []).filter((s) => s.url !== p.url);
    return (sections.length ? sections : [{ url: p.url }]).slice(0, 3).map((s) => s.url);
  }));
}
document.getElementById("out").textContent = "RESULTS" + JSON.stringify(out);
</script>`);
const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".wasm": "application/wasm" };
const server = createServer((req, res) => {
  let path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  if (path.endsWith("/")) path += "index.html";
  const file = join(copy, path);
  if (!file.startsWith(copy) || !existsSync(file)) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { "Content-Type": types[extname(file)] || "application/octet-stream" });
  res.end(readFileSync(file));
}).listen(0, "127.0.0.1");
await new Promise((r) => server.on("listening", r));
const url = `http://127.0.0.1:${server.address().port}/compare-pagefind.html`;
const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
// `--dump-dom` may print the page before the queries end on a busy machine: try again.
const run = () => new Promise((resolve, reject) => execFile(chromium,
  ["--headless", "--disable-gpu", "--no-sandbox", "--virtual-time-budget=120000", "--dump-dom", url],
  { maxBuffer: 64 << 20, timeout: 600_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))));
let dom = "";
for (let attempt = 0; attempt < 3 && !dom.includes("RESULTS"); attempt++) dom = await run();
server.close();
rmSync(copy, { recursive: true, force: true });
const found = /RESULTS(\[.*?\])<\/pre>/s.exec(dom.replace(/&quot;/g, '"').replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">"));
if (!found) throw new Error("Pagefind's queries did not finish in Chromium:\n" + dom.slice(0, 2000));
const pagefind = JSON.parse(found[1]).map((urls) => urls.map((u) => u.replace(/^\//, "").replace(/index\.html(#|$)/, "$1")));

// Both, per kind.
const byKind = new Map();
queries.forEach((q, i) => {
  const k = byKind.get(q.kind) || { n: 0, carnet: 0, pagefind: 0 };
  const asAnswer = (urls) => ({ results: [{ sections: urls.map((url) => ({ url })) }] });
  const c = hits(asAnswer(carnet[i]), q.expected), p = hits(asAnswer(pagefind[i]), q.expected);
  k.n++; k.carnet += c; k.pagefind += p;
  byKind.set(q.kind, k);
  if (verbose && c !== p) {
    console.log(`${c ? "carnet only " : "pagefind only"} [${q.kind}] ${JSON.stringify(q.query.slice(0, 70))} → ${q.expected}; pagefind: ${pagefind[i].slice(0, 3).join(" | ")}`);
  }
});
const pct = (a, n) => `${(100 * a / n).toFixed(1).padStart(5)} %`;
console.log(`${"kind".padEnd(16)} ${"queries".padStart(7)}   carnet     pagefind`);
let n = 0, c = 0, p = 0;
for (const [kind, k] of [...byKind].sort()) {
  console.log(`${kind.padEnd(16)} ${String(k.n).padStart(7)}   ${pct(k.carnet, k.n)}    ${pct(k.pagefind, k.n)}`);
  n += k.n; c += k.carnet; p += k.pagefind;
}
console.log(`${"all".padEnd(16)} ${String(n).padStart(7)}   ${pct(c, n)}    ${pct(p, n)}`);
