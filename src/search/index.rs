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
use super::PageInput;

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

/// One record: the introduction (no heading) or an H2/H3 section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record<'a> {
    pub heading: Option<&'a str>,
    /// The heading's id (empty for the introduction).
    pub anchor: &'a str,
    /// The record's text, in pieces (the section itself, then its H4+ subsections).
    pub text: Vec<&'a str>,
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
pub struct Index<'a> {
    /// Sorted by term.
    pub terms: Vec<(String, TermEntry)>,
    /// Records per page, by page index.
    pub records: Vec<Vec<Record<'a>>>,
    pub record_count: usize,
}

/// One term of a page: `packed` is the posting without its variant; `surface` the accented form.
struct PageTerm {
    /// Index in `PageTerms::words`.
    word: u32,
    packed: u32,
    surface: Option<String>,
    code: bool,
}

/// What a page contributes, its terms grouped by merge bucket (`starts[b]..starts[b + 1]`).
struct PageTerms<'a> {
    records: Vec<Record<'a>>,
    /// The page's distinct words (one allocation per word and page, not per section).
    words: Vec<String>,
    terms: Vec<PageTerm>,
    starts: Vec<u32>,
}

/// Terms are merged in this many independent groups, in parallel.
const BUCKETS: usize = 64;
/// Pages analysed at once: bounds the memory held by terms not merged yet.
const CHUNK: usize = 512;

fn bucket(word: &str) -> usize {
    let mut hasher = Fnv::default();
    hasher.write(word.as_bytes());
    (hasher.finish() % BUCKETS as u64) as usize
}

/// FNV-1a: much cheaper than SipHash for short words (no untrusted keys here), and the same on
/// every run, so the index does not change between builds.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FnvMap<V> = HashMap<String, V, BuildHasherDefault<Fnv>>;

pub fn build<'a>(pages: &[PageInput<'a>]) -> Index<'a> {
    let mut buckets: Vec<FnvMap<TermEntry>> = (0..BUCKETS).map(|_| FnvMap::default()).collect();
    let mut records = Vec::with_capacity(pages.len());
    let mut record_count = 0;
    for (chunk_no, chunk) in pages.chunks(CHUNK).enumerate() {
        let analysed: Vec<PageTerms<'a>> = chunk.par_iter().map(analyse_page).collect();
        let first_page = chunk_no * CHUNK;
        buckets.par_iter_mut().enumerate().for_each(|(b, map)| {
            for (offset, page_terms) in analysed.iter().enumerate() {
                let range = page_terms.starts[b] as usize..page_terms.starts[b + 1] as usize;
                for term in &page_terms.terms[range] {
                    merge(map, &page_terms.words[term.word as usize], term, (first_page + offset) as u32);
                }
            }
        });
        for page_terms in analysed {
            record_count += page_terms.records.len();
            records.push(page_terms.records);
        }
    }
    let mut terms: Vec<(String, TermEntry)> = buckets.into_iter().flatten().collect();
    terms.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    terms.par_iter_mut().for_each_init(FrenchStemmer::default, |stemmer, (word, entry)| {
        let surface = entry.surfaces.first().map_or(word.as_str(), String::as_str);
        entry.stem = stemmer.stem(word, surface, entry.code);
        entry.df = entry.postings.len();
        prune(&mut entry.postings);
    });
    Index { terms, records, record_count }
}

fn merge(map: &mut FnvMap<TermEntry>, word: &str, term: &PageTerm, page: u32) {
    let entry = match map.get_mut(word) {
        Some(entry) => entry,
        None => map.entry(word.to_string()).or_default(),
    };
    entry.code = term.code;
    let variant = match &term.surface {
        None => 0,
        Some(s) => match entry.surfaces.iter().position(|known| known == s) {
            Some(i) => i as u32 + 1,
            None if entry.surfaces.len() < 3 => {
                entry.surfaces.push(s.clone());
                entry.surfaces.len() as u32
            }
            None => 0,
        },
    };
    entry.postings.push(Posting { page, packed: term.packed | variant << 2 });
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

/// Cuts a page into records: the introduction, then one per H2/H3 (H1 text joins the
/// introduction, H4+ text the record above).
pub fn records<'a>(page: &PageInput<'a>) -> Vec<Record<'a>> {
    let mut records = vec![Record { heading: None, anchor: "", text: Vec::new() }];
    let mut record_of_heading = Vec::with_capacity(page.headings.len());
    for heading in page.headings {
        if matches!(heading.level, 2 | 3) {
            records.push(Record { heading: Some(&heading.text), anchor: &heading.id, text: Vec::new() });
        }
        record_of_heading.push(records.len() - 1);
    }
    for section in page.sections {
        let record = section.heading.and_then(|h| record_of_heading.get(h).copied()).unwrap_or(0);
        records[record].text.push(&section.text);
    }
    records
}

#[derive(Default)]
struct Count<'a> {
    field: u32,
    tf: u32,
    surface: Option<&'a str>,
    code: bool,
}

fn analyse_page<'a>(page: &PageInput<'a>) -> PageTerms<'a> {
    let records = records(page);
    let mut ids: FnvMap<u32> = FnvMap::default();
    // Per word id, its count in the current record; `touched` lists the ids counted there.
    let mut counts: Vec<Count<'a>> = Vec::new();
    let mut touched: Vec<u32> = Vec::new();
    let mut terms: Vec<(usize, PageTerm)> = Vec::new();
    let mut buckets: Vec<usize> = Vec::new();
    for (sec, record) in records.iter().enumerate() {
        let mut add = |text: &'a str, field: Field| {
            analyze::words(text, |w| {
                let id = match ids.get(w.word) {
                    Some(&id) => id,
                    None => {
                        let id = counts.len() as u32;
                        ids.insert(w.word.to_string(), id);
                        counts.push(Count::default());
                        buckets.push(bucket(w.word));
                        id
                    }
                };
                let count = &mut counts[id as usize];
                if count.tf == 0 {
                    touched.push(id);
                }
                count.field = count.field.max(field as u32);
                count.tf += 1;
                count.code = w.code;
                if count.surface.is_none() {
                    count.surface = Some(w.surface);
                }
            })
        };
        if sec == 0 {
            add(page.title, Field::Title);
        }
        if let Some(heading) = record.heading {
            add(heading, Field::Heading);
        }
        for piece in &record.text {
            add(piece, Field::Body);
        }
        for id in touched.drain(..) {
            let count = std::mem::take(&mut counts[id as usize]);
            let several = u32::from(count.tf >= 2);
            let packed = (sec as u32) << 5 | several << 4 | count.field;
            let surface = count.surface.filter(|s| !s.is_ascii()).map(str::to_lowercase);
            terms.push((buckets[id as usize], PageTerm { word: id, packed, surface, code: count.code }));
        }
    }
    let mut words = vec![String::new(); counts.len()];
    for (word, id) in ids {
        words[id as usize] = word;
    }
    for (_, term) in &mut terms {
        if term.surface.as_deref() == Some(words[term.word as usize].as_str()) {
            term.surface = None;
        }
    }
    // Counting sort by bucket, stable: a word's postings stay in record order.
    let mut starts = vec![0u32; BUCKETS + 1];
    for (b, _) in &terms {
        starts[b + 1] += 1;
    }
    for b in 0..BUCKETS {
        starts[b + 1] += starts[b];
    }
    let mut slots: Vec<Option<PageTerm>> = (0..terms.len()).map(|_| None).collect();
    let mut next = starts.clone();
    for (b, term) in terms {
        slots[next[b] as usize] = Some(term);
        next[b] += 1;
    }
    PageTerms { records, words, terms: slots.into_iter().flatten().collect(), starts }
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
    use crate::markdown::{Heading, Section};

    fn heading(level: u8, id: &str, text: &str) -> Heading {
        Heading { level, id: id.into(), aliases: Vec::new(), text: text.into() }
    }

    #[test]
    fn records_are_the_introduction_and_each_h2_h3_with_their_h4_text() {
        let headings =
            [heading(1, "t", "Titre"), heading(2, "a", "A"), heading(4, "a1", "A.1"), heading(3, "b", "B")];
        let sections = [
            Section { heading: None, text: "avant".into() },
            Section { heading: Some(0), text: "intro".into() },
            Section { heading: Some(1), text: "texte a".into() },
            Section { heading: Some(2), text: "texte a1".into() },
            Section { heading: Some(3), text: "texte b".into() },
        ];
        let page = PageInput { title: "Titre", url: "g/", headings: &headings, sections: &sections };
        let got = records(&page);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].text, ["avant", "intro"]);
        assert_eq!(
            (got[1].heading, got[1].anchor, got[1].text.clone()),
            (Some("A"), "a", vec!["texte a", "texte a1"])
        );
        assert_eq!(got[2].anchor, "b");
    }

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
