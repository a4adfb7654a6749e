import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createEngine } from "../themes/default/static/assets/search-engine.mjs";
const [site, ...queries] = process.argv.slice(2);
const file = (rel) => readFileSync(join(site, rel));
const manifestText = file("assets/search-manifest.js").toString("utf8");
const shards = JSON.parse(manifestText.slice(manifestText.indexOf(",") + 1, manifestText.lastIndexOf(");"))).d;
const sizes = {};
for (const G of [1, 4, 8, 16, 32]) sizes[G] = [];
for (const query of queries) {
  const pages = [];
  const engine = createEngine((name) => {
    const bytes = name === "manifest" ? file("assets/search-manifest.js") : file(`${shards}${name}.js`);
    if (name.startsWith("p/")) pages.push(+name.slice(2));
    const text = bytes.toString("utf8");
    return JSON.parse(text.slice(text.indexOf(",") + 1, text.lastIndexOf(");")));
  });
  await engine.search(query);
  const line = [query.slice(0, 30).padEnd(30), pages.join(",")];
  for (const G of [4, 8, 16, 32]) line.push(`G${G}:${new Set(pages.map((p) => Math.floor(p / G))).size}`);
  console.log(line.join(" "));
}
