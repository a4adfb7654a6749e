//! The inverted index: records per section, postings per term, vocabulary shards.
//!
//! `build` runs: 1. per page, in parallel: cut the page into records (introduction, then one per
//! H2/H3 with the text of its H4+ subsections), analyse title, headings and text, and count each
//! term per record; 2. merge the pages' terms in page order (deterministic); 3. stem each distinct
//! term once (from its first accented form when it has one); 4. prune and encode postings.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;

use super::analyze::{self, FrenchStemmer};
use super::input::PageInput;
use super::results::{page_json, records};

/// Postings kept per term, the most telling first (title, heading, repeated words): a word found
/// in more sections than this says little about any of them.
pub const MAX_POSTINGS: usize = 2000;

/// Where a term stands in a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Body = 0,
    Heading = 1,
    Title = 2,
}

/// One posting: a term in a record, packed as `sec << 5 | several << 4 | variant << 2 | field`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    pub page: u32,
    pub packed: u32,
}

impl Posting {
    fn field(self) -> u32 {
        self.packed & 3
    }
    fn several(self) -> u32 {
        (self.packed >> 4) & 1
    }
}

/// A term of the vocabulary with its postings.
#[derive(Debug, Default)]
pub struct TermEntry {
    pub stem: String,
    /// Number of records holding the term (before pruning).
    pub df: usize,
    pub postings: Vec<Posting>,
    /// Accented lower-case forms, in order of first appearance (at most 3); a posting's variant
    /// `v > 0` is `surfaces[v - 1]`, `0` the unaccented form.
    pub surfaces: Vec<String>,
    code: bool,
}

/// The whole index, ready to write.
#[derive(Debug, Default)]
pub struct Index {
    /// Sorted by term.
    pub terms: Vec<(String, TermEntry)>,
    /// What results show of each page (`results::page_json`), by page index.
    pub pages: Vec<String>,
    pub record_count: usize,
}

/// One term of a page in one record: `packed` is the posting without its variant; `surface` the
/// accented form (`0` none, `k` the word's `surfaces[k - 1]`).
struct PageTerm {
    packed: u32,
    surface: u8,
}

/// A distinct word of a page: one allocation per word and page, not per section.
struct PageWord {
    word: String,
    bucket: u8,
    code: bool,
    /// Accented lower-case forms first in some record of the page, in record order.
    surfaces: Vec<String>,
}

/// What a page contributes: its result data (`json`, `records` of them), its words, those of
/// bucket `b` listed by `order[starts[b]..starts[b + 1]]`, and the terms of word `w` in record
/// order at `terms[word_starts[w]..word_starts[w + 1]]`.
struct PageTerms {
    json: String,
    records: usize,
    words: Vec<PageWord>,
    order: Vec<u32>,
    starts: Vec<u32>,
    terms: Vec<PageTerm>,
    word_starts: Vec<u32>,
}

/// Terms are merged in this many independent groups, in parallel.
const BUCKETS: usize = 64;
/// Pages analysed at once: bounds the memory held by terms not merged yet.
const CHUNK: usize = 256;

fn bucket(word: &str) -> u8 {
    let mut hasher = WordHasher::default();
    hasher.write(word.as_bytes());
    (hasher.finish() % BUCKETS as u64) as u8
}

/// A hash of short words, eight bytes at a time (FxHash's step, then a final mix): much cheaper
/// than SipHash (no untrusted keys here), and the same on every run, so the index does not change
/// between builds.
#[derive(Default)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0xf135_7aea_2e62_a9c5;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
            self.0 = (self.0.rotate_left(26) ^ word).wrapping_mul(K);
        }
        let rest = chunks.remainder();
        let mut tail = [0u8; 8];
        tail[..rest.len()].copy_from_slice(rest);
        self.0 =
            (self.0.rotate_left(26) ^ u64::from_le_bytes(tail) ^ (bytes.len() as u64) << 59).wrapping_mul(K);
    }
    fn finish(&self) -> u64 {
        // The high bits are the well-mixed ones; the table and the buckets use the low ones.
        let h = self.0 ^ (self.0 >> 29);
        h ^ (h >> 32)
    }
}

type FnvMap<V> = HashMap<String, V, BuildHasherDefault<WordHasher>>;

/// Builds the index of `pages`, a chunk at a time: each page's sections are let go once the
/// page is analysed.
pub fn build(pages: Vec<PageInput<'_>>) -> Index {
    let mut buckets: Vec<FnvMap<TermEntry>> = (0..BUCKETS).map(|_| FnvMap::default()).collect();
    let mut json = Vec::with_capacity(pages.len());
    let mut record_count = 0;
    let mut pages = pages.into_iter();
    loop {
        let chunk: Vec<PageInput<'_>> = pages.by_ref().take(CHUNK).collect();
        if chunk.is_empty() {
            break;
        }
        let analysed: Vec<PageTerms> = chunk.into_par_iter().map(|page| analyse_page(&page)).collect();
        let first_page = json.len();
        buckets.par_iter_mut().enumerate().for_each(|(b, map)| {
            for (offset, page_terms) in analysed.iter().enumerate() {
                merge(map, page_terms, b, (first_page + offset) as u32);
            }
        });
        for page_terms in analysed {
            record_count += page_terms.records;
            json.push(page_terms.json);
        }
    }
    let mut terms: Vec<(String, TermEntry)> = buckets.into_iter().flatten().collect();
    terms.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    terms.par_iter_mut().for_each_init(FrenchStemmer::default, |stemmer, (word, entry)| {
        let surface = entry.surfaces.first().map_or(word.as_str(), String::as_str);
        entry.stem = stemmer.stem(word, surface, entry.code);
        prune(&mut entry.postings);
    });
    Index { terms, pages: json, record_count }
}

/// Adds the postings of the page's words of bucket `b`: one look-up per word and page.
fn merge(map: &mut FnvMap<TermEntry>, page_terms: &PageTerms, b: usize, page: u32) {
    let words = &page_terms.order[page_terms.starts[b] as usize..page_terms.starts[b + 1] as usize];
    for &w in words {
        let word = &page_terms.words[w as usize];
        let entry = match map.get_mut(&word.word) {
            Some(entry) => entry,
            None => map.entry(word.word.clone()).or_default(),
        };
        entry.code = word.code;
        // The page's forms as the entry's variants (its first three forms; `0` the others).
        let mut few = [0u32; 8];
        let mut many = Vec::new();
        let variants: &mut [u32] = if word.surfaces.len() < few.len() {
            &mut few
        } else {
            many.resize(word.surfaces.len() + 1, 0);
            &mut many
        };
        for (i, s) in word.surfaces.iter().enumerate() {
            variants[i + 1] = match entry.surfaces.iter().position(|known| known == s) {
                Some(v) => v as u32 + 1,
                None if entry.surfaces.len() < 3 => {
                    entry.surfaces.push(s.clone());
                    entry.surfaces.len() as u32
                }
                None => 0,
            };
        }
        let range =
            page_terms.word_starts[w as usize] as usize..page_terms.word_starts[w as usize + 1] as usize;
        entry.df += range.len();
        entry.postings.extend(
            page_terms.terms[range]
                .iter()
                .map(|t| Posting { page, packed: t.packed | variants[t.surface as usize] << 2 }),
        );
        // Pruned as they grow (what is dropped here is outranked by `MAX_POSTINGS` kept ones):
        // a frequent word holds at most twice `MAX_POSTINGS`, not one posting per section.
        if entry.postings.len() >= 2 * MAX_POSTINGS {
            prune(&mut entry.postings);
        }
    }
}

/// Keeps the `MAX_POSTINGS` most telling postings, in page order.
fn prune(postings: &mut Vec<Posting>) {
    if postings.len() <= MAX_POSTINGS {
        return;
    }
    // Linear selection (this runs on every frequent word); among equals, the earlier pages stay.
    let key = |p: &Posting| (std::cmp::Reverse((p.field(), p.several())), p.page, p.packed >> 5);
    postings.select_nth_unstable_by_key(MAX_POSTINGS - 1, key);
    postings.truncate(MAX_POSTINGS);
    postings.sort_unstable_by_key(|p| (p.page, p.packed >> 5));
}

#[derive(Default)]
struct Count<'a> {
    field: u32,
    tf: u32,
    surface: Option<&'a str>,
}

/// Per word of a page, its count in the current record; `touched` lists the words counted there.
#[derive(Default)]
struct PageCounter<'a> {
    ids: FnvMap<u32>,
    words: Vec<PageWord>,
    counts: Vec<Count<'a>>,
    touched: Vec<u32>,
    /// `(word, term)` in record order.
    terms: Vec<(u32, PageTerm)>,
    lower: String,
}

impl<'a> PageCounter<'a> {
    fn add(&mut self, text: &'a str, field: Field) {
        analyze::words(text, |w| {
            let id = match self.ids.get(w.word) {
                Some(&id) => id,
                None => {
                    let id = self.words.len() as u32;
                    self.ids.insert(w.word.to_string(), id);
                    let word = PageWord {
                        word: String::new(),
                        bucket: bucket(w.word),
                        code: false,
                        surfaces: Vec::new(),
                    };
                    self.words.push(word);
                    self.counts.push(Count::default());
                    id
                }
            };
            self.words[id as usize].code = w.code;
            let count = &mut self.counts[id as usize];
            if count.tf == 0 {
                self.touched.push(id);
                count.surface = Some(w.surface);
            }
            count.field = count.field.max(field as u32);
            count.tf += 1;
        })
    }

    /// Ends record `sec`: one term per word counted in it.
    fn end_record(&mut self, sec: usize) {
        for id in self.touched.drain(..) {
            let count = std::mem::take(&mut self.counts[id as usize]);
            let several = u32::from(count.tf >= 2);
            let packed = (sec as u32) << 5 | several << 4 | count.field;
            let mut surface = 0;
            if let Some(s) = count.surface.filter(|s| !s.is_ascii()) {
                self.lower.clear();
                self.lower.extend(s.chars().flat_map(char::to_lowercase));
                let surfaces = &mut self.words[id as usize].surfaces;
                let at = surfaces.iter().position(|known| *known == self.lower).unwrap_or_else(|| {
                    surfaces.push(self.lower.clone());
                    surfaces.len() - 1
                });
                surface = u8::try_from(at + 1).unwrap_or(0);
            }
            self.terms.push((id, PageTerm { packed, surface }));
        }
    }
}

fn analyse_page(page: &PageInput<'_>) -> PageTerms {
    let records = records(page);
    let mut counter = PageCounter::default();
    for (sec, record) in records.iter().enumerate() {
        if sec == 0 {
            counter.add(page.title, Field::Title);
        }
        if let Some(heading) = record.heading {
            counter.add(heading, Field::Heading);
        }
        for piece in &record.text {
            counter.add(piece, Field::Body);
        }
        counter.end_record(sec);
    }
    let PageCounter { ids, mut words, terms, .. } = counter;
    for (word, id) in ids {
        words[id as usize].word = word;
    }
    // A form that is the word itself (`ça` folds to `ca`, not `ça`) is no variant.
    let mut renumber: Vec<Vec<u8>> = Vec::with_capacity(words.len());
    for word in &mut words {
        let mut map = Vec::with_capacity(word.surfaces.len() + 1);
        map.push(0);
        let mut kept = 0u8;
        word.surfaces.retain(|s| {
            let keep = *s != word.word;
            kept += u8::from(keep);
            map.push(if keep { kept } else { 0 });
            keep
        });
        renumber.push(map);
    }
    // Counting sorts, stable: terms by word (each word's terms stay in record order), words by bucket.
    let mut word_starts = vec![0u32; words.len() + 1];
    for (w, _) in &terms {
        word_starts[*w as usize + 1] += 1;
    }
    for w in 0..words.len() {
        word_starts[w + 1] += word_starts[w];
    }
    let mut next = word_starts.clone();
    let mut sorted: Vec<PageTerm> = (0..terms.len()).map(|_| PageTerm { packed: 0, surface: 0 }).collect();
    for (w, term) in terms {
        let surface = renumber[w as usize].get(term.surface as usize).copied().unwrap_or(0);
        sorted[next[w as usize] as usize] = PageTerm { packed: term.packed, surface };
        next[w as usize] += 1;
    }
    let mut starts = vec![0u32; BUCKETS + 1];
    for word in &words {
        starts[word.bucket as usize + 1] += 1;
    }
    for b in 0..BUCKETS {
        starts[b + 1] += starts[b];
    }
    let mut order = vec![0u32; words.len()];
    let mut next = starts.clone();
    for (w, word) in words.iter().enumerate() {
        order[next[word.bucket as usize] as usize] = w as u32;
        next[word.bucket as usize] += 1;
    }
    let mut json = page_json(page, &records);
    // Kept to the end of the build: without the room its serialiser grew (up to half of it).
    json.shrink_to_fit();
    PageTerms { json, records: records.len(), words, order, starts, terms: sorted, word_starts }
}

/// Postings as text: pairs (page delta, packed) in a base-64 varint (5 bits per character,
/// characters 32–63 of the alphabet continue the number), JSON-safe and about 3 bytes a posting.
pub fn encode_postings(postings: &[Posting]) -> String {
    let mut out = String::with_capacity(postings.len() * 3);
    let mut previous = 0;
    for posting in postings {
        push_varint(&mut out, posting.page - previous);
        push_varint(&mut out, posting.packed);
        previous = posting.page;
    }
    out
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn push_varint(out: &mut String, mut n: u32) {
    while n >= 32 {
        out.push(ALPHABET[32 + (n & 31) as usize] as char);
        n >>= 5;
    }
    out.push(ALPHABET[n as usize] as char);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_encode_as_short_varints() {
        let postings = [Posting { page: 0, packed: 5 }, Posting { page: 40, packed: 33 }];
        // 0 → "A", 5 → "F"; 40 = 8 + 32·1 → "o" "B"; 33 = 1 + 32·1 → "h" "B".
        assert_eq!(encode_postings(&postings), "AFoBhB");
    }

    #[test]
    fn pruning_keeps_titles_and_headings_first() {
        let mut postings: Vec<Posting> =
            (0..MAX_POSTINGS as u32 + 10).map(|page| Posting { page, packed: 0 }).collect();
        postings.push(Posting { page: 99_999, packed: Field::Title as u32 });
        prune(&mut postings);
        assert_eq!(postings.len(), MAX_POSTINGS);
        assert_eq!(postings.last().unwrap().page, 99_999);
    }
}
