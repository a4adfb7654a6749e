//! The inverted index: records per section, postings per term, vocabulary shards.
//!
//! `IndexBuilder` (or `build`, for pages all at hand) runs, a chunk of pages at a time
//! (`add_chunk`): 1. per page, in parallel: cut the page into records (introduction, then one per
//! H2/H3 with the text of its H4+ subsections), analyse title, headings and text, and count each
//! term per record (`counter`: words by id); 2. merge the pages' terms by word id, in page order
//! (deterministic); then, once every page is in (`finish`): 3. stem each distinct
//! term once (from its first accented form when it has one); 4. prune and encode postings.

use std::sync::Mutex;

use rayon::prelude::*;

use super::analyze::FrenchStemmer;
use super::bundle::{bundle, pages_per_bundle};
use super::counter::{analyse_page, Counter, Forms, PageTerms, Words, BUCKETS, MAX_FORMS};
use super::input::PageInput;

pub use super::counter::Field;

/// Postings kept per term, the most telling first (title, heading, repeated words): a word found
/// in more sections than this says little about any of them.
pub const MAX_POSTINGS: usize = 2000;

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

/// A term of the vocabulary with its postings, as written.
#[derive(Debug, Default)]
pub struct TermEntry {
    pub stem: String,
    /// Number of records holding the term (before pruning).
    pub df: usize,
    /// The postings kept (`encode_postings`): about 3 bytes a posting, not 8.
    pub encoded: String,
    /// Accented lower-case forms, in order of first appearance (at most 3); a posting's variant
    /// `v > 0` is `surfaces[v - 1]`, `0` the unaccented form.
    pub surfaces: Vec<String>,
}

/// A term while pages come in: its postings in page and record order (pruned as they grow), its
/// forms by id.
#[derive(Default)]
struct Gathered {
    postings: Vec<Posting>,
    df: usize,
    forms: Forms,
    code: bool,
}

/// The whole index, ready to write (its terms' postings encoded).
#[derive(Debug)]
pub struct Index {
    /// Sorted by term.
    pub terms: Vec<(String, TermEntry)>,
    /// What results show of the pages (`results::page_json`), `pages_per_bundle` pages a
    /// bundle, each bundle's data as written (`write::bundle`, compressed).
    pub bundles: Vec<String>,
    pub pages_per_bundle: usize,
    pub record_count: usize,
}

impl Default for Index {
    fn default() -> Self {
        Index {
            terms: Vec::new(),
            bundles: Vec::new(),
            pages_per_bundle: pages_per_bundle(0),
            record_count: 0,
        }
    }
}

/// Pages analysed at once by `build`: bounds the memory held by terms not merged yet.
const CHUNK: usize = 256;

/// Builds the index of `pages`, a chunk at a time: each chunk's sections are let go once its
/// pages are analysed.
pub fn build(pages: Vec<PageInput<'_>>) -> Index {
    let mut builder = IndexBuilder::new(pages.len());
    let mut pages = pages.into_iter();
    loop {
        let chunk: Vec<PageInput<'_>> = pages.by_ref().take(CHUNK).collect();
        if chunk.is_empty() {
            break;
        }
        builder.add_chunk(chunk);
    }
    builder.finish()
}

/// The index made a chunk of pages at a time (`add_chunk`, pages numbered in the order they
/// come), so that a caller can hand over each chunk's text as soon as it has it and let it go
/// once analysed; `finish` stems and prunes. Chunks of a few hundred pages keep the terms not
/// merged yet small; the index written does not depend on how the pages were cut.
pub struct IndexBuilder {
    words: Words,
    /// Each bucket's terms, by word id divided by `BUCKETS`.
    buckets: Vec<Vec<Gathered>>,
    /// One counter per thread of the pool (and one for any other thread), kept from page to
    /// page: a thread keeps to its own, whose tables stay in its core's cache.
    counters: Vec<Mutex<Counter>>,
    /// What results show of the pages added: in bundles once a bundle is whole (compressed,
    /// `write::bundle`), the pages of the next bundle as they are.
    bundles: Vec<String>,
    pending: Vec<String>,
    pages_per_bundle: usize,
    record_count: usize,
}

impl IndexBuilder {
    /// A builder for an index of `pages` pages (which sets how many pages a bundle holds; an
    /// index of another number of pages is right too, its bundles only of another size).
    pub fn new(pages: usize) -> Self {
        IndexBuilder {
            words: Words::default(),
            buckets: (0..BUCKETS).map(|_| Vec::new()).collect(),
            counters: (0..=rayon::current_num_threads()).map(|_| Mutex::default()).collect(),
            bundles: Vec::new(),
            pending: Vec::new(),
            pages_per_bundle: pages_per_bundle(pages),
            record_count: 0,
        }
    }

    /// Analyses `pages` (in parallel), the next pages of the site, and merges their terms; their
    /// sections are let go here (unless the caller keeps another `Arc` of them).
    pub fn add_chunk(&mut self, pages: Vec<PageInput<'_>>) {
        let (analyser, mut merger) = self.parts();
        let analysed: Vec<AnalysedPage> = pages.par_iter().map(|page| analyser.analyse(page)).collect();
        drop(pages);
        merger.add(analysed);
    }

    /// The builder as two parts that work side by side: pages are analysed (`Analyser`, on any
    /// thread) while the pages analysed before them are merged (`Merger`).
    pub fn parts(&mut self) -> (Analyser<'_>, Merger<'_>) {
        let analyser = Analyser { words: &self.words, counters: &self.counters };
        let merger = Merger {
            buckets: &mut self.buckets,
            bundles: &mut self.bundles,
            pending: &mut self.pending,
            pages_per_bundle: self.pages_per_bundle,
            record_count: &mut self.record_count,
        };
        (analyser, merger)
    }

    /// The index of every page added: terms sorted, stemmed, postings pruned.
    pub fn finish(self) -> Index {
        let IndexBuilder { words, mut buckets, mut bundles, pending, pages_per_bundle, record_count, .. } =
            self;
        if !pending.is_empty() {
            bundles.push(bundle(&pending));
        }
        let (words, forms) = words.into_tables();
        let mut gathered: Vec<(String, Gathered)> = words
            .into_iter()
            .enumerate()
            .map(|(id, word)| (word, std::mem::take(&mut buckets[id % BUCKETS][id / BUCKETS])))
            .collect();
        gathered.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let terms = gathered
            .into_par_iter()
            .map_init(FrenchStemmer::default, |stemmer, (word, mut term)| {
                let surfaces: Vec<String> =
                    term.forms.ids().iter().map(|&f| forms[f as usize].clone()).collect();
                let surface = surfaces.first().map_or(word.as_str(), String::as_str);
                let stem = stemmer.stem(&word, surface, term.code);
                prune(&mut term.postings);
                let encoded = encode_postings(&term.postings);
                (word, TermEntry { stem, df: term.df, encoded, surfaces })
            })
            .collect();
        Index { terms, bundles, pages_per_bundle, record_count }
    }
}

/// One page analysed: its terms and result data, waiting to be merged in page order.
pub struct AnalysedPage(PageTerms);

/// What analyses pages, on any number of threads (`IndexBuilder::parts`).
#[derive(Clone, Copy)]
pub struct Analyser<'b> {
    words: &'b Words,
    counters: &'b [Mutex<Counter>],
}

impl Analyser<'_> {
    /// The terms and result data of `page`, with a counter of the build's (so that what a
    /// counter learnt of the surfaces serves the next pages).
    pub fn analyse(&self, page: &PageInput<'_>) -> AnalysedPage {
        // The pool's threads by their index; any other thread (none in a build) shares the last.
        // `analyse_page` starts no parallel work: a thread holding its counter never takes up
        // another page meanwhile (which would wait on the same lock).
        let last = self.counters.len() - 1;
        let slot = rayon::current_thread_index().map_or(last, |i| i.min(last));
        let mut counter = self.counters[slot].lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        AnalysedPage(analyse_page(&mut counter, self.words, page))
    }
}

/// What merges analysed pages into the index, a run of them at a time (`IndexBuilder::parts`).
pub struct Merger<'b> {
    buckets: &'b mut Vec<Vec<Gathered>>,
    bundles: &'b mut Vec<String>,
    pending: &'b mut Vec<String>,
    pages_per_bundle: usize,
    record_count: &'b mut usize,
}

impl Merger<'_> {
    /// Merges `analysed`, the next pages of the site in order (pages are numbered in the order
    /// they come); compresses the bundles they complete.
    pub fn add(&mut self, analysed: Vec<AnalysedPage>) {
        if analysed.is_empty() {
            return;
        }
        let first_page = (self.bundles.len() * self.pages_per_bundle + self.pending.len()) as u32;
        self.buckets.par_iter_mut().enumerate().for_each(|(b, entries)| {
            for (offset, AnalysedPage(page_terms)) in analysed.iter().enumerate() {
                merge(entries, page_terms, b, first_page + offset as u32);
            }
        });
        for AnalysedPage(page_terms) in analysed {
            *self.record_count += page_terms.records;
            self.pending.push(page_terms.json);
        }
        // The whole bundles, compressed now: a page's data is kept compressed to the end.
        let whole = self.pending.len() - self.pending.len() % self.pages_per_bundle;
        let bundled: Vec<String> =
            self.pending[..whole].par_chunks(self.pages_per_bundle).map(bundle).collect();
        self.bundles.extend(bundled);
        self.pending.drain(..whole);
    }
}

/// Adds the postings of the page's words of bucket `b` (`entries` by word id / `BUCKETS`).
fn merge(entries: &mut Vec<Gathered>, page_terms: &PageTerms, b: usize, page: u32) {
    for w in page_terms.starts[b] as usize..page_terms.starts[b + 1] as usize {
        let word = &page_terms.words[w];
        let at = word.id as usize / BUCKETS;
        if at >= entries.len() {
            entries.resize_with(at + 1, Gathered::default);
        }
        let entry = &mut entries[at];
        entry.code = word.code;
        // The page's forms as the term's variants (its first three forms; `0` the others).
        let mut variants = [0u32; MAX_FORMS + 1];
        for (i, &form) in word.forms.ids().iter().enumerate() {
            variants[i + 1] = entry.forms.place(form);
        }
        let range = page_terms.word_starts[w] as usize..page_terms.word_starts[w + 1] as usize;
        entry.df += range.len();
        entry.postings.extend(
            page_terms.terms[range]
                .iter()
                .map(|t| Posting { page, packed: t.packed | variants[usize::from(t.form)] << 2 }),
        );
        // Pruned as they grow (what is dropped here is outranked by `MAX_POSTINGS` kept ones):
        // a frequent word holds at most twice `MAX_POSTINGS`, not one posting per section.
        if entry.postings.len() >= 2 * MAX_POSTINGS {
            prune(&mut entry.postings);
        }
    }
}

/// Keeps the `MAX_POSTINGS` most telling postings (titles, then headings, then repeated words;
/// among equals the earlier ones), in page order. `postings` are in page and record order, as
/// merged: one pass counts the postings of each rank, one keeps the best, no sorting.
fn prune(postings: &mut Vec<Posting>) {
    if postings.len() <= MAX_POSTINGS {
        return;
    }
    debug_assert!(postings.windows(2).all(|w| (w[0].page, w[0].packed >> 5) < (w[1].page, w[1].packed >> 5)));
    // Rank 7 is the best: `field << 1 | several`.
    let rank = |p: &Posting| (p.field() << 1 | p.several()) as usize;
    let mut per_rank = [0usize; 8];
    for p in postings.iter() {
        per_rank[rank(p)] += 1;
    }
    // The lowest rank kept, and how many of that rank (the earliest ones).
    let (mut lowest, mut better) = (7, 0);
    while better + per_rank[lowest] < MAX_POSTINGS {
        better += per_rank[lowest];
        lowest -= 1;
    }
    let mut room = MAX_POSTINGS - better;
    postings.retain(|p| match rank(p) {
        r if r > lowest => true,
        r if r == lowest && room > 0 => {
            room -= 1;
            true
        }
        _ => false,
    });
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
