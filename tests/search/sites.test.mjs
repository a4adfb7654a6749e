// The query sets of tests/search/queries/ over three built sites: the bundled site (content/ of
// the repository), the pasted-log fixture (tests/fixtures/search-logs/) and real public French
// documentation (tests/fixtures/real/thorium-doc/). Each kind of query must put the expected
// section in the first three for at least 95 % of its queries; the promises of the bundled guide
// « Prise en main » (section « Rechercher dans le site ») must hold.
//
// Run by `cargo test` (tests/integration/search.rs builds the sites and names them in
// CARNET_BUNDLED_SITE, CARNET_LOGS_SITE, CARNET_THORIUM_SITE), or by hand with those set.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

import { createEngine } from "../../themes/default/static/assets/search-engine.mjs";
import { siteLoader, readQueries, generated, hits, shownSections, builtEngine } from "./eval.mjs";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const queriesDir = join(repo, "tests/search/queries");
const sites = {
  bundled: [process.env.CARNET_BUNDLED_SITE, "bundled.tsv"],
  logs: [process.env.CARNET_LOGS_SITE, "logs.tsv"],
  thorium: [process.env.CARNET_THORIUM_SITE, "thorium.tsv"],
};

/** Top-3 rate per kind of query: `{kind: [hits, queries, misses]}`. */
async function rates(site, file, engineOf = createEngine) {
  const { load } = siteLoader(site);
  const engine = engineOf(load);
  const queries = [...readQueries(join(queriesDir, file)), ...generated(load)];
  const byKind = {};
  for (const q of queries) {
    const answer = await engine.search(q.query);
    const k = (byKind[q.kind] ||= [0, 0, []]);
    k[1]++;
    if (hits(answer, q.expected)) k[0]++;
    else k[2].push(`${JSON.stringify(q.query.slice(0, 60))} → ${shownSections(answer).slice(0, 3).join(" | ")} (want ${q.expected})`);
  }
  return byKind;
}

for (const [name, [site, file]] of Object.entries(sites)) {
  test(`${name}: every kind of query puts the expected section in the top 3 for 95 % of its queries`, { skip: !site && "site not built" }, async () => {
    const byKind = await rates(site, file);
    const failing = Object.entries(byKind).filter(([, [ok, n]]) => ok / n < 0.95);
    assert.deepEqual(failing, [], JSON.stringify(byKind, null, 1));
    assert.ok(Object.values(byKind).reduce((n, [, q]) => n + q, 0) >= 40, "at least 40 queries");
  });
}

test("the engine the pages load (minified, its part on demand apart) answers as the module does", { skip: !sites.bundled[0] && "site not built" }, async () => {
  const site = sites.bundled[0];
  const built = builtEngine(site);
  const { load } = siteLoader(site);
  const module = createEngine(load), classic = built.createEngine(load);
  for (const q of readQueries(join(queriesDir, "bundled.tsv"))) {
    const a = shownSections(await module.search(q.query)), b = shownSections(await classic.search(q.query));
    assert.equal(JSON.stringify(b), JSON.stringify(a), q.query);
  }
});

test("every pasted log query is lines of the real logs, verbatim", () => {
  const logs = readdirSync(join(repo, "tests/fixtures/real/logs")).filter((f) => f.endsWith(".log"))
    .map((f) => readFileSync(join(repo, "tests/fixtures/real/logs", f), "utf8")).join("\n");
  const queries = ["logs.tsv", "bundled.tsv"].flatMap((f) => readQueries(join(queriesDir, f))).filter((q) => q.kind === "log");
  assert.ok(queries.length >= 40, `${queries.length} log queries`);
  for (const q of queries) assert.ok(logs.includes(q.query), `not in tests/fixtures/real/logs: ${q.query}`);
});

test("« Prise en main » tells the truth about search", { skip: !sites.bundled[0] && "site not built" }, async () => {
  const { load } = siteLoader(sites.bundled[0]);
  const engine = createEngine(load);
  const guide = readFileSync(join(repo, "content/carnet/prise-en-main.md"), "utf8");
  const top3 = async (q) => shownSections(await engine.search(q)).slice(0, 3);
  const words = async (q) => {
    const { results } = await engine.search(q);
    return results.flatMap((r) => [r.titleHtml, ...r.sections.map((s) => s.headingHtml + s.snippetHtml)])
      .join(" ").match(/<mark>[^<]*<\/mark>/g).map((m) => m.slice(6, -7).toLowerCase());
  };
  const oom = "resolution-erreur-oom-render/";
  assert.ok(guide.includes("`memoire` trouve « mémoire »") && (await words("memoire")).includes("mémoire"));
  const optimiser = await words("optimiser");
  assert.ok(optimiser.includes("optimisée") || optimiser.includes("optimisé"), optimiser.join(" "));
  assert.ok(optimiser.includes("optimisation") || optimiser.includes("optimisations"), optimiser.join(" "));
  assert.ok(guide.includes("`config` trouve « configuration »"));
  assert.ok((await words("config")).includes("configuration"));
  assert.ok(guide.includes("`optim` trouve « optimiser »"));
  assert.ok((await words("optim")).includes("optimiser"));
  // The misspelt word is in the guide itself, and the Gunicorn guide still comes.
  assert.ok(guide.includes("`gunicron`"));
  const gunicron = await top3("gunicron");
  assert.ok(gunicron.some((u) => u.startsWith("carnet/prise-en-main/")), gunicron.join(" "));
  assert.ok(gunicron.some((u) => u.startsWith(oom)), gunicron.join(" "));
  for (const code of ["--max-requests", "render.yaml", "core.wsgi:application"]) {
    assert.ok(guide.includes("`" + code + "`"));
    assert.ok((await top3(code)).some((u) => u.startsWith(oom)), code);
  }
  const line = "[2020-09-12 05:37:52 +0000] [18] [ERROR] Worker (pid:21) was sent SIGKILL! Perhaps out of memory?";
  assert.ok(guide.includes("`" + line + "`"));
  assert.ok((await top3(line))[0].startsWith(oom), (await top3(line)).join(" "));
});
