// Top-3 rate of the query engine over a built site, per kind of query (not a test: a measure).
//
//   node tests/search/eval.mjs <built site> <queries.tsv>... [--generate] [--built] [--verbose]
//
// A queries file has lines `kind<TAB>query<TAB>expected`, where expected is a page URL
// (`guide/`) or a section URL (`guide/#anchor`); `\n` in a query stands for a line break (pasted
// logs). A query hits when the expected section is among the first three sections shown (pages
// in order, each page's sections in order; a page URL matches any section of that page).
// `--generate` adds queries made from the site's own headings (see `generated`): accentless,
// abbreviated and misspelt forms of the words of each heading that tells its section apart.
// `--titles` adds queries made from page titles, without their numbers (the generated corpus
// names many guides alike, `Accès refusé sur la version de Python (cas n° 10)`): accentless,
// abbreviated and misspelt; a query hits when a page of the same title words is in the top 3.
// `--built` runs the engine the build wrote for the pages (classic script, minified) instead of
// the module.

import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import vm from "node:vm";

import { createEngine, analyze, fold } from "../../themes/default/static/assets/search-engine.mjs";

const WRAPPED = /^CARNET_SEARCH_SHARD\(("[^"]*"),([\s\S]*)\);\s*$/;

export function siteLoader(site, counter = { bytes: 0, files: [] }) {
  const manifest = JSON.parse(WRAPPED.exec(readFileSync(join(site, "assets/search-manifest.js"), "utf8"))[2]);
  const load = (name) => {
    const file = name === "manifest" ? "assets/search-manifest.js" : join(manifest.d, name + ".js");
    const text = readFileSync(join(site, file), "utf8");
    counter.bytes += Buffer.byteLength(text);
    counter.files.push(name);
    return JSON.parse(WRAPPED.exec(text)[2]);
  };
  return { load, manifest, counter };
}

/** Section URLs in the order the results show them. */
export function shownSections(answer) {
  return answer.results.flatMap((page) => page.sections.map((s) => s.url));
}

export function hits(answer, expected, top = 3) {
  if (expected.includes(" ")) return expected.split(" ").some((one) => hits(answer, one, top));
  const shown = shownSections(answer).slice(0, top);
  if (expected.includes("#")) return shown.includes(expected);
  return shown.some((url) => url === expected || url.startsWith(expected + "#"));
}

export function readQueries(file) {
  return readFileSync(file, "utf8").split("\n")
    .filter((l) => l.trim() && !l.startsWith("#"))
    .map((l) => {
      const [kind, query, expected] = l.split("\t");
      return { kind, query: query.replace(/\\n/g, "\n"), expected };
    });
}

/** A deterministic typo in the longest word: swap, drop or double a letter inside it. */
function typo(word, n) {
  const i = 1 + (n % Math.max(1, word.length - 3));
  switch (n % 3) {
    case 0: return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
    case 1: return word.slice(0, i) + word.slice(i + 1);
    default: return word.slice(0, i) + word[i] + word.slice(i);
  }
}

/** Queries from the headings of the site: each heading whose words tell its section apart. */
export function generated(load) {
  const manifest = load("manifest");
  const pages = [];
  for (let b = 0; ; b++) {
    let bundle;
    try { bundle = load("b/" + b); } catch { break; }
    pages.push(...JSON.parse(inflateSync(Buffer.from(bundle, "base64")).toString("utf8")));
  }
  const headingCount = new Map();
  const words = (text) => analyze(text).filter((t) => !t.part && !t.code && /^\p{L}+$/u.test(t.word) && t.word.length >= 4);
  for (const page of pages) {
    for (const [heading] of page.r) {
      if (!heading) continue;
      const key = words(heading).map((t) => t.stem).sort().join(" ");
      headingCount.set(key, (headingCount.get(key) || 0) + 1);
    }
  }
  const out = [];
  let n = 0;
  for (const page of pages) {
    for (const [heading, anchor] of page.r) {
      if (!heading || !manifest) continue;
      const terms = words(heading);
      const key = terms.map((t) => t.stem).sort().join(" ");
      if (terms.length < 2 || headingCount.get(key) > 1) continue;
      const chosen = terms.slice(0, 3);
      const expected = page.u + "#" + anchor;
      out.push({ kind: "accentless-gen", query: chosen.map((t) => t.word).join(" "), expected });
      const long = chosen.reduce((a, b) => (b.word.length > a.word.length ? b : a));
      if (long.word.length >= 7) {
        out.push({ kind: "abbreviated-gen", query: chosen.map((t) => (t === long ? t.word.slice(0, 5) : t.word)).join(" "), expected });
      }
      if (long.word.length >= 5) {
        out.push({ kind: "misspelt-gen", query: chosen.map((t) => (t === long ? typo(fold(t.surface), n++) : t.word)).join(" "), expected });
      }
    }
  }
  return out;
}

/** Queries from page titles (see `--titles`); `expected` lists the pages of the same words. */
export function fromTitles(load) {
  const pages = [];
  for (let b = 0; ; b++) {
    let bundle;
    try { bundle = load("b/" + b); } catch { break; }
    pages.push(...JSON.parse(inflateSync(Buffer.from(bundle, "base64")).toString("utf8")));
  }
  const words = (text) => analyze(text).filter((t) => !t.part && !t.code && /^\p{L}+$/u.test(t.word) && t.word.length >= 4);
  const byKey = new Map();
  for (const page of pages) {
    const key = words(page.t).map((t) => t.word).join(" ");
    if (key.split(" ").length >= 2) byKey.set(key, [...(byKey.get(key) || []), page.u]);
  }
  const out = [];
  let n = 0;
  for (const [key, urls] of byKey) {
    const terms = words(pages.find((p) => p.u === urls[0]).t);
    const long = terms.reduce((a, b) => (b.word.length > a.word.length ? b : a));
    const expected = urls.join(" ");
    out.push({ kind: "accentless-title", query: key, expected });
    if (long.word.length >= 7) {
      out.push({ kind: "abbreviated-title", query: terms.map((t) => (t === long ? t.word.slice(0, 5) : t.word)).join(" "), expected });
    }
    if (long.word.length >= 5) {
      out.push({ kind: "misspelt-title", query: terms.map((t) => (t === long ? typo(fold(t.surface), n++) : t.word)).join(" "), expected });
    }
  }
  return out;
}

/** The engine the build wrote for the pages (classic script, minified), as a browser runs it. */
export function builtEngine(site) {
  const home = readFileSync(join(site, "index.html"), "utf8");
  const file = /data-search-engine="([^"]+)"/.exec(home)[1];
  // What a browser gives the engine: page bundles are inflated with DecompressionStream.
  const context = { window: {}, atob, Blob, Response, DecompressionStream };
  vm.runInNewContext(readFileSync(join(site, file), "utf8"), context);
  // The script on demand a query loads when it needs it (no document here to load it with).
  const dir = join(site, file, "..");
  const onDemand = readdirSync(dir).find((f) => /^search-on-demand\.[0-9a-f]{8}\.js$/.test(f));
  vm.runInNewContext(readFileSync(join(dir, onDemand), "utf8"), context);
  context.CarnetSearchOnDemand = context.window.CarnetSearchOnDemand;
  return context.window.CarnetSearch;
}

async function main() {
  const args = process.argv.slice(2);
  const verbose = args.includes("--verbose");
  const [site, ...files] = args.filter((a) => !a.startsWith("--"));
  const { load } = siteLoader(site);
  const queries = files.flatMap(readQueries);
  if (args.includes("--generate")) queries.push(...generated(load));
  if (args.includes("--titles")) queries.push(...fromTitles(load));
  const engine = args.includes("--built") ? builtEngine(site).createEngine(load) : createEngine(load);
  const byKind = new Map();
  let slowest = 0;
  for (const q of queries) {
    const started = performance.now();
    const answer = await engine.search(q.query);
    slowest = Math.max(slowest, performance.now() - started);
    const ok = hits(answer, q.expected);
    const k = byKind.get(q.kind) || { n: 0, ok: 0 };
    k.n++;
    if (ok) k.ok++;
    byKind.set(q.kind, k);
    if (!ok && verbose) {
      console.log(`MISS [${q.kind}] ${JSON.stringify(q.query.slice(0, 80))} → want ${q.expected}; got ${shownSections(answer).slice(0, 3).join(" | ")}`);
    }
  }
  let n = 0, ok = 0;
  for (const [kind, k] of [...byKind].sort()) {
    console.log(`${kind.padEnd(18)} ${String(k.ok).padStart(4)}/${String(k.n).padEnd(4)} ${(100 * k.ok / k.n).toFixed(1)} %`);
    n += k.n;
    ok += k.ok;
  }
  console.log(`${"all".padEnd(18)} ${String(ok).padStart(4)}/${String(n).padEnd(4)} ${(100 * ok / n).toFixed(1)} %  (slowest query ${slowest.toFixed(0)} ms, warm cache)`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
