/* carnet search engine: French analysis + queries over the index of assets/search/.
   A plain ES module (Node tests import it); `carnet build` also writes it as a classic script,
   assets/search/engine.js, exposing the exported names as window.CarnetSearch.
   The analysis mirrors src/search/analyze.rs; both are checked against
   tests/search/normalisation.tsv. */

/* ---- French analysis (same steps as analyze.rs) ---- */

const LIGATURES = { "œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l", "ı": "i" };

/** Lower case without accents: "Résolution Œuvre" → "resolution oeuvre" (slug::fold). */
export function fold(text) {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase()
    .replace(/[œæßøđłı]/g, (c) => LIGATURES[c]);
}

const STOP_WORDS = new Set(("a ai aie aient aies ait as au aura aurai auraient aurais aurait auras aurez auriez " +
  "aurions aurons auront aux avaient avais avait avec avez aviez avions avons ayant ayez ayons c ce ceci cela " +
  "celle ces cet cette d dans de des du elle elles en es est et etaient etais etait etant ete etee etees etes " +
  "etiez etions etre eu eue eues eurent eus eusse eut eux fut il ils j je jusqu l la le les leur leurs lorsqu " +
  "lui m ma mais me meme mes moi mon n ne nos notre nous on ont ou par pas pour puisqu qu que quel quelle qui " +
  "quoiqu s sa sans se sera serai seraient serait ses soit son sont sur t ta te tes toi ton tu un une vos " +
  "votre vous y").split(" "));

const CHUNK = /[\p{Alphabetic}\p{N}.:_\-\/@+]+/gu;
const CONNECTOR = /[.:_\-\/@+]/;
const NON_ALPHA = /[^\p{Alphabetic}]/u;

/** Calls out(word, surface, code, part, offset) for each word of text, like analyze::words. */
export function words(text, out) {
  for (const m of text.matchAll(CHUNK)) {
    let token = m[0].replace(/[.:_\-\/@+]+$/, "");
    const lead = token.length;
    token = token.replace(/^[.:\/@+]+/, "");
    const at = m.index + lead - token.length;
    if (!token) continue;
    if (!CONNECTOR.test(token)) { emit(token, NON_ALPHA.test(token), false, at, out); continue; }
    const chars = [...token], digits = chars.filter((c) => /\p{N}/u.test(c)).length;
    if (chars.length <= 60 && digits * 2 <= chars.length) emit(token, true, false, at, out);
    const re = /[^.:_\-\/@+]+/g;
    for (const p of token.matchAll(re)) emit(p[0], NON_ALPHA.test(p[0]), true, at + p.index, out);
  }
}

function emit(surface, code, part, offset, out) {
  const word = fold(surface);
  if ([...word].length < 2 || (!code && STOP_WORDS.has(word))) return;
  out(word, surface, code, part, offset);
}

/** Terms of a text: {word, stem, surface, code, part, offset}. */
export function analyze(text) {
  const terms = [];
  words(text, (word, surface, code, part, offset) => {
    terms.push({ word, stem: code ? word : stemOf(surface), surface: surface.toLowerCase(),
      code, part, offset, length: surface.length });
  });
  return terms;
}

/** The shared table's notation (analyze::describe). */
export function describe(terms) {
  return terms.map((t) => (t.part ? "+" : "") + (t.stem === t.word ? t.word : t.word + ">" + t.stem)).join(" ");
}

/* ---- on demand: begin ---- (the build moves this part to a script of its own, which a query
   loads only when one of its words is not in the index: the stemmer and the typo files) */
/* ---- Snowball French stemmer, written for carnet from the published algorithm
   (snowballstem.org/algorithms/french); agrees with the Rust crate rust-stemmers. ---- */

const VOWELS = "aeiouyâàëéêèïîôûù";
const isV = (c) => c !== undefined && c !== "" && VOWELS.includes(c);

const STANDARD = {
  ance: 1, iqUe: 1, isme: 1, able: 1, iste: 1, eux: 1, ances: 1, iqUes: 1, ismes: 1, ables: 1, istes: 1,
  atrice: 2, ateur: 2, ation: 2, atrices: 2, ateurs: 2, ations: 2, logie: 3, logies: 3,
  usion: 4, ution: 4, usions: 4, utions: 4, ence: 5, ences: 5, ement: 6, ements: 6, "ité": 7, "ités": 7,
  if: 8, ive: 8, ifs: 8, ives: 8, eaux: 9, aux: 10, euse: 11, euses: 11, issement: 12, issements: 12,
  amment: 13, emment: 14, ment: 15, ments: 15,
};
const I_VERB = ("îmes ît îtes i ie ies ir ira irai iraIent irais irait iras irent irez iriez irions irons " +
  "iront is issaIent issais issait issant issante issantes issants isse issent isses issez issiez issions " +
  "issons it").split(" ");
const VERB = {
  ions: 1, "é": 2, "ée": 2, "ées": 2, "és": 2, "èrent": 2, er: 2, era: 2, erai: 2, eraIent: 2, erais: 2,
  erait: 2, eras: 2, erez: 2, eriez: 2, erions: 2, erons: 2, eront: 2, ez: 2, iez: 2,
  "âmes": 3, "ât": 3, "âtes": 3, a: 3, ai: 3, aIent: 3, ais: 3, ait: 3, ant: 3, ante: 3, antes: 3, ants: 3,
  as: 3, asse: 3, assent: 3, asses: 3, assiez: 3, assions: 3,
};
const RESIDUAL = { ion: 1, ier: 2, "ière": 2, Ier: 2, "Ière": 2, e: 3, "ë": 4 };

/** The longest of `list` ending `s` and starting at or after `limit`. */
function suffix(s, list, limit) {
  let best = "";
  for (const x of list) {
    if (x.length > best.length && s.endsWith(x) && s.length - x.length >= limit) best = x;
  }
  return best;
}

export function stem(word) {
  const a = [...word];
  // Prelude: u, i between vowels, y next to a vowel and u after q are consonants (upper case).
  for (let c = 0; c < a.length;) {
    let hit = -1;
    for (let p = c; p < a.length && hit < 0; p++) {
      if (isV(a[p]) && a[p + 1] === "u" && isV(a[p + 2])) a[hit = p + 1] = "U";
      else if (isV(a[p]) && a[p + 1] === "i" && isV(a[p + 2])) a[hit = p + 1] = "I";
      else if (isV(a[p]) && a[p + 1] === "y") a[hit = p + 1] = "Y";
      else if (a[p] === "y" && isV(a[p + 1])) { a[p] = "Y"; hit = p + 1; }
      else if (a[p] === "q" && a[p + 1] === "u") a[hit = p + 1] = "U";
      if (hit >= 0) c = p; // goto leaves the cursor where the match started
    }
    if (hit < 0) break;
  }
  let s = a.join("");
  const n = s.length;
  // Regions RV (from pV), R1 (p1), R2 (p2).
  let pV = n, p1 = n, p2 = n;
  if (n >= 3 && isV(s[0]) && isV(s[1])) pV = 3;
  else if (/^(par|col|tap)/.test(s)) pV = 3;
  else { for (let i = 1; i < n; i++) if (isV(s[i])) { pV = i + 1; break; } }
  const past = (from) => {
    let i = from;
    while (i < n && !isV(s[i])) i++;
    while (i < n && isV(s[i])) i++;
    return i < n ? i + 1 : n;
  };
  p1 = past(0);
  p2 = p1 < n ? past(p1) : n;
  const cut = (k) => { s = s.slice(0, s.length - k); };
  const put = (k, t) => { s = s.slice(0, s.length - k) + t; };
  const at = (x) => s.length - x.length; // start of a suffix x of s

  function standard() {
    const x = suffix(s, Object.keys(STANDARD), 0);
    if (!x) return false;
    const st = at(x);
    switch (STANDARD[x]) {
      case 1: if (st < p2) return false; cut(x.length); return true;
      case 2:
        if (st < p2) return false;
        cut(x.length);
        if (s.endsWith("ic")) { if (at("ic") >= p2) cut(2); else put(2, "iqU"); }
        return true;
      case 3: if (st < p2) return false; put(x.length, "log"); return true;
      case 4: if (st < p2) return false; put(x.length, "u"); return true;
      case 5: if (st < p2) return false; put(x.length, "ent"); return true;
      case 6: {
        if (st < pV) return false;
        cut(x.length);
        const y = suffix(s, ["iqU", "abl", "Ièr", "ièr", "eus", "iv"], 0);
        const sy = at(y);
        if (y === "iv") {
          if (sy >= p2) { cut(2); if (s.endsWith("at") && at("at") >= p2) cut(2); }
        } else if (y === "eus") {
          if (sy >= p2) cut(3); else if (sy >= p1) put(3, "eux");
        } else if (y === "abl" || y === "iqU") {
          if (sy >= p2) cut(3);
        } else if (y && sy >= pV) put(3, "i");
        return true;
      }
      case 7: {
        if (st < p2) return false;
        cut(x.length);
        const y = suffix(s, ["ic", "abil", "iv"], 0);
        const sy = at(y);
        if (y === "abil") { if (sy >= p2) cut(4); else put(4, "abl"); }
        else if (y === "ic") { if (sy >= p2) cut(2); else put(2, "iqU"); }
        else if (y === "iv" && sy >= p2) cut(2);
        return true;
      }
      case 8:
        if (st < p2) return false;
        cut(x.length);
        if (s.endsWith("at") && at("at") >= p2) {
          cut(2);
          if (s.endsWith("ic")) { if (at("ic") >= p2) cut(2); else put(2, "iqU"); }
        }
        return true;
      case 9: put(x.length, "eau"); return true;
      case 10: if (st < p1) return false; put(x.length, "al"); return true;
      case 11:
        if (st >= p2) cut(x.length); else if (st >= p1) put(x.length, "eux"); else return false;
        return true;
      case 12: if (st < p1 || st < 1 || isV(s[st - 1])) return false; cut(x.length); return true;
      case 13: if (st >= pV) put(x.length, "ant"); return false;
      case 14: if (st >= pV) put(x.length, "ent"); return false;
      case 15: if (st >= 1 && isV(s[st - 1]) && st - 1 >= pV) cut(x.length); return false;
    }
    return false;
  }
  function iVerb() {
    const x = suffix(s, I_VERB, pV);
    if (!x) return false;
    const st = at(x);
    if (st - 1 < pV || isV(s[st - 1])) return false;
    cut(x.length);
    return true;
  }
  function verb() {
    const x = suffix(s, Object.keys(VERB), pV);
    if (!x) return false;
    const kind = VERB[x];
    if (kind === 1 && at(x) < p2) return false;
    cut(x.length);
    if (kind === 3 && s.endsWith("e") && s.length - 1 >= pV) cut(1);
    return true;
  }
  function residual() {
    if (s.endsWith("s") && s.length >= 2 && !"aiouès".includes(s[s.length - 2])) cut(1);
    if (s.length < pV) return;
    const x = suffix(s, Object.keys(RESIDUAL), pV);
    if (!x) return;
    const st = at(x);
    switch (RESIDUAL[x]) {
      case 1: if (st >= p2 && st - 1 >= pV && (s[st - 1] === "s" || s[st - 1] === "t")) cut(3); break;
      case 2: put(x.length, "i"); break;
      case 3: cut(1); break;
      case 4: if (st - 2 >= pV && s.slice(st - 2, st) === "gu") cut(1); break;
    }
  }
  if (standard() || iVerb() || verb()) {
    if (s.endsWith("Y")) put(1, "i");
    else if (s.endsWith("ç")) put(1, "c");
  } else {
    residual();
  }
  if (/(enn|onn|ett|ell|eill)$/.test(s)) cut(1);
  let i = s.length - 1;
  while (i >= 0 && !isV(s[i])) i--;
  if (i < s.length - 1 && i >= 0 && (s[i] === "é" || s[i] === "è")) s = s.slice(0, i) + "e" + s.slice(i + 1);
  return s.replace(/[IUY]/g, (c) => c.toLowerCase());
}

/**
 * Other vocabulary files where a word one edit away from `word` would be, when the edit falls in
 * the letters that choose the file (`relaiser` → `realiser`, `droule` → `deroule`): at most
 * `max`, the likeliest first: two letters swapped or one dropped, then one added or replaced (the
 * letters that start the most keys first); an edit of the first letter last. `keys` maps the
 * keys to their files, `fileOf` gives the file of the longest key that starts some letters.
 */
export function typoFiles(keys, word, fileOf, max) {
  const c = [...word], own = fileOf(keys, c), files = [], variants = [];
  const longest = Math.min(c.length - 1, Math.max(...[...keys.keys()].map((k) => k.length)));
  const at = [...Array(longest).keys()].slice(1).concat(longest > 0 ? [0] : []);
  // Per place, its letters swapped or dropped, then the letter most keys have there inserted or
  // put instead; then the other letters keys have there.
  const others = [];
  for (const i of at) {
    variants.push([...c.slice(0, i), c[i + 1], c[i], ...c.slice(i + 2)], [...c.slice(0, i), ...c.slice(i + 1)]);
    const start = c.slice(0, i).join(""), count = new Map();
    for (const key of keys.keys()) {
      const x = [...key][i];
      if (x && key.startsWith(start)) count.set(x, (count.get(x) || 0) + 1);
    }
    [...count].sort((a, b) => b[1] - a[1]).forEach(([x], n) =>
      (n ? others : variants).push([...c.slice(0, i), x, ...c.slice(i)], [...c.slice(0, i), x, ...c.slice(i + 1)]));
  }
  variants.push(...others);
  for (const v of variants) {
    const f = fileOf(keys, v);
    if (f !== undefined && f !== own && !files.includes(f)) files.push(f);
    if (files.length >= max) break;
  }
  return files;
}

/* ---- on demand: end ---- */

/* The part on demand (the stemmer, the typo files): here in the module; in the browser, a script
   of its own (`search-on-demand.<hash>.js`, next to the engine) that a query loads only when one
   of its words is not in the index, since the index gives the stem of each of its words. */
function onDemand() {
  return typeof stem === "function" ? { stem, typoFiles } : globalThis.CarnetSearchOnDemand || null;
}

/** Loads the part on demand where it is a script of its own (`ON_DEMAND_SCRIPT`, from the build). */
export function loadOnDemand() {
  if (onDemand()) return Promise.resolve();
  if (!loadOnDemand.promise) {
    loadOnDemand.promise = new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = ENGINE_SRC.replace(/[^/]*$/, "") + ON_DEMAND_SCRIPT;
      s.onload = () => resolve();
      s.onerror = () => { loadOnDemand.promise = null; s.remove(); reject(new Error("fichier de recherche introuvable : " + s.src)); };
      document.head.appendChild(s);
    });
  }
  return loadOnDemand.promise;
}

/** The vocabulary file of the longest key (8 letters at most) that starts the letters `chars`. */
function fileOf(keys, chars) {
  for (let n = Math.min(chars.length, 8); n > 0; n--) {
    const k = keys.get(chars.slice(0, n).join(""));
    if (k !== undefined) return k;
  }
}

/** The folded stem of a plain word as written, or null while the stemmer is not loaded. */
function stemOf(surface) {
  const f = onDemand()?.stem;
  return f ? fold(f(surface.toLowerCase())) : null;
}

/* ---- The index ---- */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** A bundle of pages or of long postings (base64 of zlib-compressed JSON, search::write) → its data. */
export async function inflate(text) {
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return JSON.parse(await new Response(stream).text());
}

/** Postings text → [page, packed, page, packed, …] (index::encode_postings). */
export function decodePostings(text) {
  const out = [];
  let value = 0, shift = 1, page = 0, odd = false;
  for (let i = 0; i < text.length; i++) {
    const d = ALPHABET.indexOf(text[i]);
    if (d >= 32) { value += (d - 32) * shift; shift *= 32; continue; }
    value += d * shift;
    if (odd) out.push(value); else { page += value; out.push(page); }
    odd = !odd;
    value = 0;
    shift = 1;
  }
  return out;
}

/** Optimal string alignment distance (one transposition = one edit), or max + 1 when larger. */
export function distance(a, b, max) {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2 = [], prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length];
}

const allowedEdits = (word) => (word.length >= 8 ? 2 : word.length >= 4 ? 1 : 0);

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/* Weights: where the word stands (body, heading, title), how it matched. */
const FIELD_WEIGHT = [1, 2, 4];
/* A title match counts this much for every section of its page (still above a heading match). */
const TITLE_SHARE = 0.75;
/* A word found in another section of the page counts this much for a section. */
const ELSEWHERE = 0.1;
/** What a section whose heading the query covers whole gains over one it does not cover. */
const HEADING_FIT = 2.0;
/* Vocabulary words a query term stands for: those of at most so many stems, so many in all. */
const MAX_CANDIDATES = 8;
const MAX_CANDIDATE_WORDS = 24;
/* Other vocabulary files a word not in the index looks for its typos in. */
const MAX_TYPO_FILES = 6;
/* Vocabulary files a query loads beyond its words' own: for prefixes and typos, the first words first. */
const QUERY_FILES = 10;
/* A section is shown with its page when it scores this share of the page's best (pasted log, other). */
const sectionShare = (log) => (log ? 0.25 : 0.4);
/* Files of long postings (frequent words) loaded per word typed; per word of a pasted log, one. */
const MAX_POSTING_FILES = 2;
/* Longest query read (a pasted log excerpt), and most words kept from it, the telling first. */
export const MAX_QUERY_CHARS = 2048;
const MAX_TERMS = 24;
/* A query of more words than this is a pasted log: exact and stemmed matches only. */
const LOG_TERMS = 8;
/* Words of a short query: more, and each word looks in fewer vocabulary files. */
const SHORT_QUERY = 3;
/* Vocabulary files a pasted log may look its words up in: 7 keeps every real excerpt of
   tests/search/queries/logs.tsv first (6 loses one) and the costliest real line 1.5 KB under 30 KB. */
const LOG_FILES = 7;
/* Pages shown for a pasted log: those scoring at least this share of the best. */
const LOG_PAGE_SHARE = 0.3;
/* Most pages shown for a pasted log: the guide quoting the message, and a few near it. */
const LOG_PAGES = 3;
/* Pages shown for a query of three words or more: those scoring at least this share of the best. */
const PAGE_SHARE = 0.25;
/* How much a word of the query weighs: noise (numbers, ids, paths…), plain, quoted. */
export const NOISE = 0.15;
export const QUOTED = 1.5;

/** Whether a token of a pasted log says nothing of the error: a timestamp, number, pid, hex id, UUID, address or path. */
export function isNoise(word) {
  if (/^[\d.:,_\-+/tz]+$/.test(word)) return true; // 2025-11-03t10:22:01.123z, 4711, 10.0.0.1:8000
  if (/^(0x)?[0-9a-f]{6,}$/.test(word) && /\d/.test(word)) return true; // 7f3a9c1b, 0xdeadbeef
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(word)) return true;
  if (/^(\/|~\/|\.\.?\/)/.test(word) || (word.match(/\//g) || []).length >= 2) return true; // paths
  const digits = (word.match(/\d/g) || []).length;
  return digits > 0 && digits * 3 >= word.length; // pid:4711, 03t10, 123z, python3.11
}

/** [start, end) spans of what a query quotes ('…', "…", «…», `…`) and of exception lines. */
function quotedSpans(query) {
  const spans = [];
  for (const m of query.matchAll(/(^|[^\p{L}\p{N}])(['"`«“‘])([^'"`»”’\n]{2,120})(['"`»”’])/gu)) {
    const from = m.index + m[1].length + 1;
    spans.push([from, from + m[3].length]);
  }
  // The last line of a Python traceback, `SomeError: message`, says what went wrong.
  for (const m of query.matchAll(/^[ \t]*[\w.]*(Error|Exception|Operation)\b:[^\n]*/gmu)) spans.push([m.index, m.index + m[0].length]);
  return spans;
}

/**
 * The words of a query: `prefix` for the last one typed (unless followed by a space) and every
 * word of three letters or more; `weight` from how telling it is (noise, plain, quoted); a long
 * pasted log is cut to its most telling words.
 */
export function queryTerms(query) {
  query = query.slice(0, MAX_QUERY_CHARS);
  const all = analyze(query);
  const wholes = all.filter((t) => !t.part);
  const open = /[\p{Alphabetic}\p{N}]$/u.test(query);
  const quoted = quotedSpans(query);
  const log = wholes.length > LOG_TERMS, long = wholes.length > SHORT_QUERY;
  const seen = new Map();
  let terms = [];
  wholes.forEach((t, i) => {
    const noise = isNoise(t.word);
    const inQuotes = quoted.some(([a, b]) => t.offset >= a && t.offset < b);
    const weight = noise ? NOISE : inQuotes ? QUOTED : 1;
    const typing = open && i === wholes.length - 1 && t.offset + t.length === query.length;
    const known = seen.get(t.word);
    if (known) { known.weight = Math.max(known.weight, weight); return; }
    const term = {
      ...t, weight, noise, log, long,
      prefix: typing || (!log && !noise && [...t.word].length >= 3),
      parts: all.filter((p) => p.part && p.offset >= t.offset && p.offset < t.offset + t.length)
        .map((p) => ({ ...p, weight: noise || isNoise(p.word) ? NOISE : weight, noise: noise || isNoise(p.word), log, long, prefix: false, parts: [] })),
    };
    seen.set(t.word, term);
    terms.push(term);
  });
  // A pasted log with enough words that tell leaves its noise out (fewer shards to load).
  if (log && terms.filter((t) => !t.noise).length >= 4) terms = terms.filter((t) => !t.noise);
  if (terms.length <= MAX_TERMS) return terms;
  const kept = new Set([...terms].sort((a, b) => telling(b) - telling(a)).slice(0, MAX_TERMS));
  return terms.filter((t) => kept.has(t));
}

/** How much a word of a long query tells: quoted first, noise last, then the longer. */
const telling = (t) => t.weight * 100 + Math.min(t.word.length, 20);

/* What Snowball French takes off a word (folded), as a whole: the ending of an inflected form. */
const ENDING = /^(|e|es|s|x|r|er|ers|ere|eres|ee|ees|ez|ent|ant|ants|ante|antes|ons|ions|ais|ait|aient|a|ai|as|era|erai|eront|erons|iez|ir|is|it|i|ie|ies|ion|ions|ement|ements|ation|ations|ateur|ateurs|atrice|age|ages|eur|eurs|euse|euses|ique|iques|isme|ismes|iste|istes|able|ables|ite|ites|if|ifs|ive|ives|al|aux|elle|elles|ien|iens|ienne|iennes|ier|iers|iere|ieres|issement|issent|isse|issons|issez|issant|iss|ement|ment|ments)$/;

/**
 * The longest stem of a vocabulary word that starts `word`, the rest an ending (or "") shorter
 * than the stem: `comm` (of `comme`) is not the stem of `commment`, a typo of `comment`.
 */
function stemPrefix(shards, word) {
  let best = "";
  for (const vocab of shards) {
    for (const w in vocab) {
      const s = vocab[w][0] || w, rest = word.slice(s.length);
      if (s.length > best.length && s.length >= 3 && rest.length < s.length && word.startsWith(s) && ENDING.test(rest)) best = s;
    }
  }
  return best;
}

/** Whether a stem of the vocabulary starts with the first four letters of `word`. */
function sharesStart(shards, word) {
  const start = word.slice(0, 4);
  return shards.some((vocab) => Object.keys(vocab).some((w) => (vocab[w][0] || w).startsWith(start)));
}

/** The vocabulary words a term matches, given the stem it stands for (see `candidates`). */
function match(shards, term, stemmed) {
  const found = [], taken = new Set();
  const max = term.log || term.noise ? 0 : allowedEdits(term.word);
  for (const vocab of shards) {
    for (const w in vocab) {
      if (taken.has(w)) continue;
      const e = vocab[w], s = e[0] || w;
      let q = 0, fuzzy = false;
      if (w === term.word) q = 1;
      else if (!term.code && stemmed && s === stemmed) q = 0.85;
      else if (!term.code && stemmed.length >= 4 && s.length - stemmed.length <= 3 && s.startsWith(stemmed)) q = 0.7;
      else if (term.prefix && w.startsWith(term.word)) q = 0.45 + 0.2 * term.word.length / w.length;
      else if (max) {
        const d = distance(term.word, w, max);
        if (d <= max) { q = d === 1 ? 0.45 : 0.3; fuzzy = true; }
      }
      if (q) { found.push({ word: w, entry: e, q, fuzzy }); taken.add(w); }
    }
  }
  return found;
}

/**
 * The query engine over an index; `load(name)` resolves the data of the index file `<name>.js`
 * ("manifest", "v/3", "t/12", "b/40").
 */
export function createEngine(load) {
  const cache = new Map();
  const get = (name) => {
    if (!cache.has(name)) {
      const data = Promise.resolve(load(name)).then((d) => (name[1] === "/" && typeof d === "string" ? inflate(d) : d));
      cache.set(name, data.catch((e) => { cache.delete(name); throw e; }));
    }
    return cache.get(name);
  };

  /** A page's title, URL and records, from the bundle of `g` pages that holds it. */
  async function pageData(page) {
    const g = (await get("manifest")).g || 1;
    return (await get("b/" + Math.floor(page / g)))[page % g];
  }

  /**
   * The vocabulary files a term looks in: the one of the longest key that starts it, and for a
   * prefix those of longer keys (at most 4 files in all). `k` gives the keys of each file, joined
   * by spaces (several consecutive keys share a file).
   */
  /** The keys of the vocabulary files, key → file (the manifest's `k` lists each file's keys). */
  async function vocabularyKeys() {
    const manifest = await get("manifest");
    if (!manifest.keys) {
      manifest.keys = new Map();
      manifest.k.forEach((keys, file) => { for (const key of keys.split(" ")) manifest.keys.set(key, file); });
    }
    return manifest.keys;
  }

  async function vocabularies(word, prefix, spent = new Set()) {
    const keys = await vocabularyKeys();
    const own = fileOf(keys, [...word]), found = own === undefined ? [] : [own];
    if (prefix) {
      for (const [key, file] of keys) {
        if (found.length >= 4 || spent.size + found.length > QUERY_FILES) break;
        if (key.length > word.length && key.startsWith(word) && !found.includes(file)) found.push(file);
      }
    }
    found.forEach((f) => spent.add(f));
    return Promise.all(found.map((k) => get("v/" + k)));
  }

  async function vocabulary(word) {
    return (await vocabularies(word, false))[0] || {};
  }

  /**
   * Vocabulary words a query term matches, with a quality: 1 the word itself, 0.85 the same stem,
   * 0.7 a longer form of the stem, 0.45–0.6 a word it starts, 0.45 (one edit) or 0.3 (two edits)
   * a typo. Typos are always looked for, so that a word misspelt somewhere in the guides does not
   * hide the word meant; they rank below the rest. The work is bounded: one or a few shards, and
   * an edit distance given up as soon as it exceeds the allowance.
   */
  async function candidates(term, spent) {
    // A word of a longer query (a pasted line) looks in its own vocabulary file only.
    const shards = await vocabularies(term.word, term.prefix && !term.long, spent);
    const own = shards.length ? shards[0][term.word] : undefined;
    // The stem of a word of the index is in the index; for another word, the longest stem of
    // the index that starts it stands for its stem (`redemarrer` → `redemarr`, of
    // `redémarrage`), and the stemmer itself is loaded only when that finds nothing at all, the
    // word is long enough for Snowball to take something off and some stem of the index starts
    // like it (else its stem could match nothing).
    // A word being typed that starts words of the index of another stem than the one guessed
    // (`confi`: `configuration`, not `conf`) is their beginning: it stands for its own stem.
    let stemmed = own ? own[0] || term.word : term.code ? term.word : stemPrefix(shards, term.word);
    const begins = (v) => Object.keys(v).some((w) => w.startsWith(term.word) && (v[w][0] || w) !== stemmed);
    if (term.prefix && !own && !term.code && shards.some(begins)) stemmed = term.word;
    let found = match(shards, term, stemmed);
    if (!found.length && !own && !term.code && !term.noise && !term.log && term.word.length >= 5 && sharesStart(shards, term.word)) {
      await loadOnDemand();
      found = match(shards, term, stemOf(term.surface));
    }
    // A typo in the letters that choose the shard (`cnofigurer`, `relaiser`) sends the word to
    // another shard than the word meant: look for typos there too, for words of six letters or
    // more that are not in the index (a shorter one, `admin`, is more often a word the guides do
    // not use than a typo, and would cost as many files).
    if (!own && !term.long && !term.noise && term.word.length >= 6 && !found.some((c) => c.q >= 0.7 || !c.fuzzy)) {
      await loadOnDemand();
      const keys = await vocabularyKeys();
      const room = Math.min(MAX_TYPO_FILES, QUERY_FILES - spent.size);
      const files = room > 0 ? onDemand().typoFiles(keys, term.word, fileOf, room) : [];
      files.forEach((f) => spent.add(f));
      const other = (await Promise.all(files.map((k) => get("v/" + k)))).filter((v) => !shards.includes(v));
      found = found.concat(match(other, { ...term, prefix: false }, "").filter((c) => c.fuzzy));
    }
    found.sort((a, b) => b.q - a.q || b.entry[1] - a.entry[1]);
    // The best words of at most `MAX_CANDIDATES` stems: the forms of one stem (`document`,
    // `documents`, `documente`…) do not crowd out another word the term may mean
    // (`documentation`).
    const stems = new Set();
    return found.filter((c) => {
      const s = c.entry[0] || c.word;
      if (!stems.has(s) && stems.size >= MAX_CANDIDATES) return false;
      stems.add(s);
      return true;
    }).slice(0, MAX_CANDIDATE_WORDS);
  }

  /** The terms of a query with their candidates; code tokens fall back on their parts. */
  async function resolve(query) {
    const terms = queryTerms(query), resolved = [];
    const keys = terms.length ? await vocabularyKeys() : null, spent = new Set();
    const files = terms.length && terms[0].log ? logFiles(terms, keys) : null;
    const look = (term) => (!files || files.has(fileOf(keys, [...term.word])) ? candidates(term, spent) : []);
    for (const term of terms) {
      const found = await look(term);
      if (found.length || !term.parts.length) { resolved.push({ term, found }); continue; }
      for (const part of term.parts) resolved.push({ term: part, found: await look(part) });
    }
    return resolved;
  }

  /**
   * The vocabulary files a pasted log looks its words up in: those of its most telling words
   * (and parts of code words), at most `LOG_FILES`, so that a long log costs a few files.
   */
  function logFiles(terms, keys) {
    const files = new Set();
    const words = terms.flatMap((t) => [t, ...t.parts]).sort((a, b) => telling(b) - telling(a));
    for (const w of words) {
      const f = fileOf(keys, [...w.word]);
      if (f !== undefined && files.size < LOG_FILES) files.add(f);
    }
    return files;
  }

  async function postings(entry) {
    // Long postings sit in a file of a few frequent words: [file, place in it].
    const p = entry[2];
    return decodePostings(typeof p === "string" ? p : (await get("t/" + p[0]))[p[1]]);
  }

  /**
   * Scores every record: per query term, the best weight of any candidate found there (title,
   * then heading, then body), times how telling the term is; `covered` sums the weights of the
   * terms found.
   */
  async function score(resolved, records) {
    const manifest = await get("manifest");
    const byRecord = new Map(), byTitle = new Map();
    const bump = (map, key, i, w) => {
      let row = map.get(key);
      if (!row) map.set(key, (row = new Array(resolved.length).fill(0)));
      if (w > row[i]) row[i] = w;
    };
    for (let i = 0; i < resolved.length; i++) {
      const { term, found } = resolved[i];
      // Long postings (frequent words) are files of their own: a few per term, the best first.
      let files = term.log ? (term.weight < 1 ? 0 : 1) : MAX_POSTING_FILES;
      for (const c of found) {
        if (typeof c.entry[2] !== "string" && files-- <= 0) continue;
        const idf = Math.log(1 + manifest.n / c.entry[1]);
        const list = await postings(c.entry);
        for (let j = 0; j < list.length; j += 2) {
          const page = list[j], packed = list[j + 1], field = packed & 3, variant = (packed >> 2) & 3;
          const form = variant ? c.entry[3][variant - 1] : c.word;
          const exact = c.q === 1 && form === term.surface ? 1.15 : 1;
          const w = c.q * idf * FIELD_WEIGHT[field] * ((packed >> 4) & 1 ? 1.2 : 1) * exact * term.weight;
          // A title match counts for every section of the page, the heading and text decide which.
          if (field === 2) bump(byTitle, page, i, w);
          else bump(byRecord, page * 4096 + (packed >> 5), i, w);
        }
      }
    }
    for (const page of byTitle.keys()) if (!byRecord.has(page * 4096)) byRecord.set(page * 4096, new Array(resolved.length).fill(0));
    // A word found in another section of the same page counts a little for this one: the words
    // of a query may be spread over a guide (not those of a pasted log: the message is one line).
    const byPage = new Map();
    for (const [key, row] of byRecord) {
      const page = Math.floor(key / 4096), best = byPage.get(page);
      if (!best) byPage.set(page, row.slice());
      else for (let i = 0; i < row.length; i++) best[i] = Math.max(best[i], row[i]);
    }
    for (const [key, row] of byRecord) {
      const record = key % 4096, title = byTitle.get(Math.floor(key / 4096)), page = byPage.get(Math.floor(key / 4096));
      let covered = 0, total = 0;
      for (let i = 0; i < row.length; i++) {
        const here = row[i] + (title ? title[i] * TITLE_SHARE : 0);
        const w = here || (resolved[i].term.log ? 0 : page[i] * ELSEWHERE);
        if (w > 0) covered += resolved[i].term.weight * (here ? 1 : 0.5);
        total += w;
      }
      records.push({ page: Math.floor(key / 4096), record, covered, total });
    }
  }

  /**
   * Runs a query: pages best first, each with its best sections and HTML snippets (escaped,
   * matched words in <mark>); when nothing matches, a suggestion of a query that would.
   */
  async function search(query, options = {}) {
    const limit = options.limit || 6;
    const resolved = (await resolve(query)).filter((r) => r.term.word.length > 1 || r.found.length);
    if (!resolved.length) return { query, results: [], suggestion: null };
    const records = [];
    await score(resolved, records);
    const best = records.reduce((m, r) => Math.max(m, r.covered), 0);
    // Every word typed must be found, in the section or (counting half) elsewhere in its page; in
    // a pasted log, most of what tells (the message).
    const log = resolved.some((r) => r.term.log);
    const least = log ? best * 0.4 : best - 0.5 - 1e-9;
    const kept = records.filter((r) => r.covered >= least && best > 0)
      .map((r) => ({ ...r, total: r.total * (r.covered / best) ** (log ? 1 : 2) }))
      .sort((a, b) => b.total - a.total || a.page - b.page || a.record - b.record);
    // A page scores its best section, plus a little for each other section that matches.
    let pages = [];
    const byPage = new Map();
    for (const r of kept) {
      let p = byPage.get(r.page);
      if (!p) {
        byPage.set(r.page, (p = { page: r.page, best: r.total, others: 0, records: [] }));
        pages.push(p);
      } else p.others += r.total;
      // Up to three sections a page: how their headings fit the query may reorder them below.
      if (p.records.length < 3 && r.total >= p.best * sectionShare(log)) p.records.push(r);
    }
    for (const p of pages) p.score = p.best + Math.min(p.best * 0.5, p.others * 0.2);
    // Two pages more than shown are ranked again by how their headings fit the query.
    pages = pages.sort((a, b) => b.score - a.score || a.page - b.page).slice(0, log ? LOG_PAGES : limit + 2);
    // A pasted log, or a query of three words or more, shows the pages that come near the best,
    // not those sharing a word or two with it (each page shown loads its bundle).
    const share = log ? LOG_PAGE_SHARE : resolved.length >= 3 ? PAGE_SHARE : 0;
    pages = pages.filter((p) => p.score >= pages[0].score * share);
    const marks = matchSet(resolved);
    const data = await Promise.all(pages.map((p) => pageData(p.page)));
    pages.forEach((p, i) => (p.data = data[i]));
    if (!log) pages = byHeadingFit(pages, resolved).slice(0, limit);
    // Three sections for the best page, two for the next, one for the others: a short list.
    pages.forEach((p, i) => {
      const top = p.records.length ? p.records[0].total : 0;
      p.records = p.records.slice(0, Math.max(1, 3 - i)).filter((r, j) => !j || r.total >= top * sectionShare(log));
    });
    const results = pages.map((p) => {
      const data = p.data;
      return {
        title: data.t,
        titleHtml: markHtml(data.t, marks),
        url: data.u,
        score: p.score,
        sections: p.records.map((r) => {
          const [heading, anchor, text] = data.r[r.record] || [null, "", ""];
          return {
            heading: heading || data.t,
            headingHtml: markHtml(heading || data.t, marks),
            url: data.u + (anchor ? "#" + anchor : ""),
            snippetHtml: snippetHtml(text, marks),
          };
        }),
      };
    });
    const suggestion = results.length ? null : await suggest(query, resolved);
    return { query, results, suggestion };
  }

  /** A query with each unmatched word replaced by the closest frequent word of the index. */
  async function suggest(query, resolved) {
    let text = query, changed = false;
    for (const { term, found } of resolved) {
      let best = found.length ? found[0].word : null, bestD = Infinity;
      if (!best) {
        const vocab = await vocabulary(term.word);
        for (const w in vocab) {
          const d = distance(term.word, w, 3);
          if (d < bestD || (d === bestD && best && vocab[w][1] > vocab[best][1])) { best = w; bestD = d; }
        }
        if (bestD > 3) best = null;
      }
      if (best && best !== term.word) {
        text = text.slice(0, term.offset) + best + text.slice(term.offset + term.length);
        changed = true;
      }
    }
    return changed ? text.trim() : null;
  }

  /** What to highlight for a query (on a guide opened from the results): words and stems. */
  async function highlighter(query) {
    await loadOnDemand();
    return matchSet(await resolve(query));
  }

  return { search, highlighter, load: get };
}

/**
 * The shown pages, ranked again now that their data is here: a section whose heading fits the
 * query gains up to `HEADING_FIT` (`headingFit`), so that « transparence algorithmes publics »
 * puts « La transparence des algorithmes publics » before a longer heading that holds only two
 * of the words.
 */
function byHeadingFit(pages, resolved) {
  const perTerm = resolved.map((r) => matchSet([r]));
  for (const p of pages) {
    for (const r of p.records) {
      const heading = (p.data.r[r.record] || [])[0] || p.data.t;
      const fit = headingFit(heading, perTerm);
      r.total *= 1 + HEADING_FIT * fit;
    }
    p.records.sort((a, b) => b.total - a.total || a.record - b.record);
    const best = p.records.length ? p.records[0].total : p.best;
    p.score = best + Math.min(best * 0.5, p.others * 0.2);
  }
  return pages.sort((a, b) => b.score - a.score || a.page - b.page);
}

/**
 * How well `heading` fits the query, from 0 to 1: the share of its words (stop words aside) that
 * the query matched, times the share of the query's terms found in it; 0 when it holds only one
 * term of a longer query (« Sur Render » for « publication sur render »). A heading the query
 * covers word for word scores 1.
 */
function headingFit(heading, perTerm) {
  const words = analyze(heading).filter((t) => !t.part);
  if (!words.length || !perTerm.length) return 0;
  const matches = (set, t) => set.words.has(t.word) || (!t.code && set.stems.has(t.stem));
  const matched = words.filter((t) => perTerm.some((set) => matches(set, t))).length;
  const found = perTerm.filter((set) => words.some((t) => matches(set, t))).length;
  if (found < Math.min(2, perTerm.length)) return 0;
  return (matched / words.length) * (found / perTerm.length);
}

function matchSet(resolved) {
  const set = { words: new Set(), stems: new Set() };
  for (const { term, found } of resolved) {
    set.words.add(term.word);
    for (const c of found) { set.words.add(c.word); if (!c.fuzzy && c.q > 0.6) set.stems.add(c.entry[0] || c.word); }
  }
  return set;
}

/** [start, end) ranges of the words of text that the query matched. */
export function matchRanges(text, set) {
  const ranges = [];
  for (const t of analyze(text)) {
    if (set.words.has(t.word) || (!t.code && set.stems.has(t.stem))) {
      const last = ranges[ranges.length - 1];
      if (last && t.offset < last[1]) continue; // a part inside a code token already marked
      ranges.push([t.offset, t.offset + t.length]);
    }
  }
  return ranges;
}

function markHtml(text, set, ranges = matchRanges(text, set)) {
  let html = "", at = 0;
  for (const [a, b] of ranges) {
    html += escapeHtml(text.slice(at, a)) + "<mark>" + escapeHtml(text.slice(a, b)) + "</mark>";
    at = b;
  }
  return html + escapeHtml(text.slice(at));
}

/** About 160 characters of text around its first matched word. */
function snippetHtml(text, set) {
  const ranges = matchRanges(text, set);
  let from = 0;
  if (ranges.length && ranges[0][0] > 60) {
    from = text.lastIndexOf(" ", ranges[0][0] - 40) + 1;
  }
  let to = Math.min(text.length, from + 170);
  if (to < text.length) { const space = text.lastIndexOf(" ", to); if (space > from + 80) to = space; }
  const shown = ranges.filter(([a, b]) => a >= from && b <= to).map(([a, b]) => [a - from, b - from]);
  return (from > 0 ? "… " : "") + markHtml(text.slice(from, to), set, shown) + (to < text.length ? " …" : "");
}
