// The query engine (themes/default/static/assets/search-engine.mjs) over the index that the real
// `carnet` binary builds from tests/fixtures/search/. Run by `cargo test` (tests/integration/
// search.rs sets CARNET_SEARCH_SITE to the built site), or by hand: `node --test tests/search/`
// (builds the fixture with target/debug/carnet, or $CARNET_BIN).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, mkdtempSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

import * as engineModule from "../../themes/default/static/assets/search-engine.mjs";

const { createEngine, analyze, describe, stem, fold } = engineModule;
const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function builtSite() {
  if (process.env.CARNET_SEARCH_SITE) return process.env.CARNET_SEARCH_SITE;
  const target = process.env.CARGO_TARGET_DIR || join(repo, "target");
  const bin = process.env.CARNET_BIN || join(target, "debug", "carnet");
  assert.ok(existsSync(bin), `carnet binary not found at ${bin}: run \`cargo build\` or set CARNET_BIN`);
  const out = join(mkdtempSync(join(tmpdir(), "carnet-search-")), "public");
  execFileSync(bin, ["build", "--root", join(repo, "tests/fixtures/search"), "--output", out]);
  return out;
}

const site = builtSite();
const WRAPPED = /^CARNET_SEARCH_SHARD\(("[^"]*"),([\s\S]*)\);\s*$/;
let loaded = [];

/** The manifest sits at a fixed address and names the folder of the other index files. */
const manifestText = readFileSync(join(site, "assets/search-manifest.js"), "utf8");
const shards = JSON.parse(WRAPPED.exec(manifestText)[2]).d;

/** Reads an index file as the browser would run it, and counts the bytes. */
function load(name) {
  const file = name === "manifest" ? "assets/search-manifest.js" : join(shards, name + ".js");
  const text = readFileSync(join(site, file), "utf8");
  const m = WRAPPED.exec(text);
  assert.ok(m, `${name}.js is not a CARNET_SEARCH_SHARD call`);
  assert.equal(JSON.parse(m[1]), name);
  loaded.push([name, Buffer.byteLength(text)]);
  return JSON.parse(m[2]);
}

const engine = createEngine(load);

async function first(query) {
  const { results } = await engine.search(query);
  assert.ok(results.length, `no result for ${JSON.stringify(query)}`);
  return results[0];
}

async function firstSection(query) {
  return (await first(query)).sections[0].url;
}

test("the shared normalisation table: the engine analyses words as the Rust indexer does", () => {
  const table = readFileSync(join(repo, "tests/search/normalisation.tsv"), "utf8");
  const failures = [];
  let checked = 0;
  for (const line of table.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const [input, expected = ""] = line.split("\t");
    const got = describe(analyze(input));
    if (got !== expected) failures.push(`${JSON.stringify(input)}: expected ${expected}, got ${got}`);
    checked++;
  }
  assert.ok(checked > 40, `only ${checked} examples`);
  assert.deepEqual(failures, []);
});

test("every stem of the built index is the engine's stem of the same word (no drift)", () => {
  const manifest = load("manifest");
  let checked = 0;
  for (let k = 0; k < manifest.k.length; k++) {
    for (const [word, entry] of Object.entries(load("v/" + k))) {
      const surface = entry[3] ? entry[3][0] : word;
      const term = analyze(surface)[0];
      assert.equal(term.word, word, `${surface} folds to ${word}`);
      assert.equal(term.stem, entry[0] || word, `stem of ${surface}`);
      checked++;
    }
  }
  assert.ok(checked > 100, `only ${checked} words`);
});

test("the classic engine written by the build is the same engine", () => {
  // What a browser gives the engine: page bundles are inflated with DecompressionStream.
  const context = { window: {}, atob, Blob, Response, DecompressionStream };
  const home = readFileSync(join(site, "index.html"), "utf8");
  const engineFile = /data-search-engine="([^"]+)"/.exec(home)[1];
  assert.match(engineFile, /^assets\/immutable\/search-engine\.[0-9a-f]{8}\.js$/);
  vm.runInNewContext(readFileSync(join(site, engineFile), "utf8"), context);
  const classic = context.window.CarnetSearch;
  // The stemmer and the typo files are a script of its own, loaded by a query that needs them.
  const onDemand = ["stem", "typoFiles"];
  for (const name of Object.keys(engineModule).filter((n) => !onDemand.includes(n))) {
    assert.equal(typeof classic[name], typeof engineModule[name], name);
  }
  assert.equal(classic.stem, undefined);
  const files = readdirSync(join(site, "assets/immutable")).filter((f) => /^search-on-demand\.[0-9a-f]{8}\.js$/.test(f));
  assert.equal(files.length, 1, "one script on demand beside the engine");
  vm.runInNewContext(readFileSync(join(site, "assets/immutable", files[0]), "utf8"), context);
  context.CarnetSearchOnDemand = context.window.CarnetSearchOnDemand;
  assert.deepEqual(Object.keys(context.CarnetSearchOnDemand), onDemand);
  assert.equal(classic.describe(classic.analyze("L'optimisation de core.wsgi:application")),
    describe(analyze("L'optimisation de core.wsgi:application")));
});

test("accentless queries find the accented words", async () => {
  assert.equal((await first("memoire")).url, "memoire-gunicorn/");
  assert.equal(await firstSection("redemarrage"), "redemarrage/#causes-du-redemarrage");
  assert.equal(await firstSection("symptomes"), "memoire-gunicorn/#symptomes");
});

test("inflected queries find other forms of the word", async () => {
  assert.equal(await firstSection("redemarrer"), "redemarrage/#causes-du-redemarrage");
  const pages = (await engine.search("optimiser")).results.map((r) => r.url);
  assert.ok(pages.includes("optimisation-base/") && pages.includes("memoire-gunicorn/"), pages.join(", "));
  assert.equal(stem("optimiser"), stem("optimisé"));
  assert.equal(fold(stem("optimisation")), fold(stem("optimiser")));
});

test("misspelt queries: one edit from 4 letters, two from 8", async () => {
  assert.equal((await first("memore")).url, "memoire-gunicorn/");
  assert.equal((await first("gunicron")).url, "memoire-gunicorn/");
  assert.equal((await first("colectstatic")).url, "fichiers-statiques/");
  assert.equal((await engine.search("mem")).results.length > 0, true, "prefix, not typo, for 3 letters");
});

test("the last word is matched as a prefix while typing", async () => {
  assert.equal(await firstSection("redém"), "redemarrage/#causes-du-redemarrage");
  assert.equal((await first("collects")).url, "fichiers-statiques/");
  assert.equal((await first("gunicorn work")).sections[0].url, "memoire-gunicorn/#optimiser-les-workers");
});

test("code tokens are found as written", async () => {
  assert.equal(await firstSection("collectstatic"), "fichiers-statiques/#lancer-collectstatic");
  assert.equal(await firstSection("--max-requests"), "memoire-gunicorn/#optimiser-les-workers");
  assert.equal(await firstSection("max-requests"), "memoire-gunicorn/#optimiser-les-workers");
  assert.equal(await firstSection("SIGKILL"), "memoire-gunicorn/#symptomes");
  assert.equal(await firstSection("sigkill"), "memoire-gunicorn/#symptomes");
  assert.equal(await firstSection("render.yaml"), "memoire-gunicorn/#render-yaml");
  assert.equal(await firstSection("core.wsgi:application"), "fichiers-statiques/#point-d-entree-wsgi");
});

test("title and heading matches rank above body text; rarer words weigh more", async () => {
  // "memoire" is in a title (memoire-gunicorn) and in the body of optimisation-base.
  const pages = (await engine.search("memoire")).results.map((r) => r.url);
  assert.deepEqual(pages.slice(0, 2), ["memoire-gunicorn/", "optimisation-base/"]);
  assert.equal(await firstSection("workers"), "memoire-gunicorn/#optimiser-les-workers");
});

test("exact accented matches rank above folded ones", async () => {
  assert.equal(await firstSection("tâche"), "taches/#tache-planifiee");
  assert.equal(await firstSection("tache"), "taches/#tache-sur-le-graphique");
});

test("results are grouped by page, with escaped text and matched words in <mark>", async () => {
  const result = await first("memoire gunicorn");
  assert.equal(result.url, "memoire-gunicorn/");
  assert.match(result.titleHtml, /<mark>mémoire<\/mark> de <mark>Gunicorn<\/mark>/);
  const urls = (await engine.search("workers")).results.map((r) => r.url);
  assert.equal(new Set(urls).size, urls.length, "one entry per page");

  const html = await first("balise script");
  const all = html.titleHtml + html.sections.map((s) => s.headingHtml + s.snippetHtml).join("");
  assert.ok(!/<(script|b|img)[\s>]/i.test(all), `raw HTML in results: ${all}`);
  assert.match(html.titleHtml, /&lt;b&gt;gras&lt;\/b&gt; &amp; &lt;<mark>script<\/mark>&gt;/);
  assert.match(all, /&lt;img src=x onerror=alert\(1\)&gt;/);
});

test("nothing found: no results and a suggestion that would find something", async () => {
  const answer = await engine.search("memoiiiire");
  assert.deepEqual(answer.results, []);
  assert.equal(answer.suggestion, "memoire");
  const none = await engine.search("le la les");
  assert.deepEqual(none.results, []);
});

test("a first query downloads only the manifest, a shard or two and the shown pages", async () => {
  loaded = [];
  const fresh = createEngine(load);
  await fresh.search("memoire");
  const names = loaded.map(([n]) => n);
  assert.ok(names.includes("manifest"));
  assert.ok(names.filter((n) => n.startsWith("v/")).length <= 2, names.join(" "));
  const bytes = loaded.reduce((sum, [, b]) => sum + b, 0);
  assert.ok(bytes < 30_000, `${bytes} bytes`);
});

test("a page whose title is the query comes first; an abbreviation finds the whole word anywhere in the query", async () => {
  // « promesse » is in a heading and five times in the text of asynchrone, once in a title here.
  assert.equal((await first("promesse")).url, "promesse/");
  // The page says « administration », « administrateur », never « admin »; comptes says « mot de
  // passe » three times.
  assert.equal((await first("mot de passe admin")).url, "mot-de-passe-admin/");
  assert.equal((await first("admin mot de passe")).url, "mot-de-passe-admin/");
});

test("a typo is always looked for, even when the misspelt word exists somewhere", async () => {
  // fautes/ holds the literal « gunicron » in its text; the Gunicorn guide, which has the word
  // meant in its title, comes too (a typo weighs less than the word itself, a title more than
  // text: here the title wins).
  const urls = (await engine.search("gunicron")).results.map((r) => r.url);
  assert.deepEqual(urls.slice(0, 2).sort(), ["fautes/", "memoire-gunicorn/"]);
});
