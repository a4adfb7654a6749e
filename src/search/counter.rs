//! Counting each page's terms per record, with the build's words interned once.
//!
//! `Words` gives each distinct folded word of the build an id (its place in `Words::into_words`).
//! Each thread keeps a `Counter` from page to page: every surface (a word as written) it has
//! met, with its word's id (or `DROPPED`), so that a surface is folded, filtered and looked up
//! in the shared table once per thread, not once per occurrence; and counts by word id. What a
//! page gives (`PageTerms`) names its words by id, so that the index merges them without
//! hashing strings again.

use std::collections::HashMap;
use std::sync::Mutex;

use rustc_hash::FxBuildHasher;

use super::analyze;
use super::input::PageInput;
use super::results::{page_json, records};

/// Where a term stands in a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Body = 0,
    Heading = 1,
    Title = 2,
}

/// Terms are merged in this many independent groups (word id modulo `BUCKETS`), in parallel.
pub(super) const BUCKETS: usize = 64;

/// A surface that `analyze::fold_word` drops (stop word, too short).
const DROPPED: u32 = u32::MAX;
/// A word not in the current page yet.
const ABSENT: u32 = u32::MAX;

/// Words to values, hashed with FxHash: much cheaper than SipHash on short words, and no key
/// here comes from an attacker.
type WordMap<V> = HashMap<String, V, FxBuildHasher>;

/// The build's distinct folded words, shared by the threads (each asks only for surfaces it has
/// not met yet). Ids follow the order words are first met, which varies between runs: nothing
/// written depends on them (the index sorts its terms by word, merges pages in page order).
#[derive(Default)]
pub(super) struct Words(Mutex<WordTable>);

#[derive(Default)]
struct WordTable {
    ids: WordMap<u32>,
    words: Vec<String>,
}

impl Words {
    fn id(&self, word: &str) -> u32 {
        let mut table = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(&id) = table.ids.get(word) {
            return id;
        }
        let id = table.words.len() as u32;
        table.words.push(word.to_string());
        table.ids.insert(word.to_string(), id);
        id
    }

    /// The words, by id.
    pub(super) fn into_words(self) -> Vec<String> {
        self.0.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner()).words
    }
}

/// One term of a page in one record: `packed` is the posting without its variant; `surface` the
/// accented form (`0` none, `k` the word's `surfaces[k - 1]`).
pub(super) struct PageTerm {
    pub(super) packed: u32,
    pub(super) surface: u8,
}

/// A distinct word of a page.
pub(super) struct PageWord {
    pub(super) id: u32,
    pub(super) code: bool,
    /// Accented lower-case forms first in some record of the page, in record order.
    pub(super) surfaces: Vec<String>,
}

/// What a page contributes: its result data (`json`, `records` of them), its words, those of
/// bucket `b` listed by `order[starts[b]..starts[b + 1]]`, and the terms of word `w` in record
/// order at `terms[word_starts[w]..word_starts[w + 1]]`.
pub(super) struct PageTerms {
    pub(super) json: String,
    pub(super) records: usize,
    pub(super) words: Vec<PageWord>,
    pub(super) order: Vec<u32>,
    pub(super) starts: Vec<u32>,
    pub(super) terms: Vec<PageTerm>,
    pub(super) word_starts: Vec<u32>,
}

#[derive(Clone, Copy, Default)]
struct Count {
    field: u32,
    tf: u32,
}

/// A thread's counting state, kept from page to page (`analyse_page` leaves it empty but for
/// its surfaces and the room of its tables).
#[derive(Default)]
pub(super) struct Counter {
    /// Each surface met by this thread → its word's id, or `DROPPED`.
    surfaces: WordMap<u32>,
    /// By word id: its count in the current record.
    counts: Vec<Count>,
    /// By word id: its place in the page's words, or `ABSENT`.
    slots: Vec<u32>,
    /// The page's words, in order of first appearance.
    words: Vec<PageWord>,
    /// `(page word, term)` in record order.
    terms: Vec<(u32, PageTerm)>,
    folded: String,
    lower: String,
}

/// The words counted in the current record, each with its first surface there.
type Touched<'a> = Vec<(u32, &'a str)>;

impl Counter {
    fn add<'a>(&mut self, words: &Words, text: &'a str, field: Field, touched: &mut Touched<'a>) {
        analyze::tokens(text, |surface, code, _part| {
            let id = match self.surfaces.get(surface) {
                Some(&id) => id,
                None => self.new_surface(words, surface, code),
            };
            if id == DROPPED {
                return;
            }
            let slot = &mut self.slots[id as usize];
            if *slot == ABSENT {
                *slot = self.words.len() as u32;
                self.words.push(PageWord { id, code, surfaces: Vec::new() });
            }
            self.words[*slot as usize].code = code;
            let count = &mut self.counts[id as usize];
            if count.tf == 0 {
                touched.push((id, surface));
            }
            count.field = count.field.max(field as u32);
            count.tf += 1;
        })
    }

    /// The word of a surface this thread meets for the first time.
    fn new_surface(&mut self, words: &Words, surface: &str, code: bool) -> u32 {
        let id = match analyze::fold_word(surface, code, &mut self.folded) {
            Some(word) => words.id(word),
            None => DROPPED,
        };
        self.surfaces.insert(surface.to_string(), id);
        if id != DROPPED && id as usize >= self.counts.len() {
            self.counts.resize(id as usize + 1, Count::default());
            self.slots.resize(id as usize + 1, ABSENT);
        }
        id
    }

    /// Ends record `sec`: one term per word counted in it.
    fn end_record(&mut self, sec: usize, touched: &mut Touched<'_>) {
        for (id, first) in touched.drain(..) {
            let count = std::mem::take(&mut self.counts[id as usize]);
            let several = u32::from(count.tf >= 2);
            let packed = (sec as u32) << 5 | several << 4 | count.field;
            let w = self.slots[id as usize];
            let mut surface = 0;
            if !first.is_ascii() {
                self.lower.clear();
                self.lower.extend(first.chars().flat_map(char::to_lowercase));
                let surfaces = &mut self.words[w as usize].surfaces;
                let at = surfaces.iter().position(|known| *known == self.lower).unwrap_or_else(|| {
                    surfaces.push(self.lower.clone());
                    surfaces.len() - 1
                });
                surface = u8::try_from(at + 1).unwrap_or(0);
            }
            self.terms.push((w, PageTerm { packed, surface }));
        }
    }

    /// The page's words and terms; the counter is ready for the next page.
    fn finish(&mut self) -> (Vec<PageWord>, Vec<(u32, PageTerm)>) {
        for word in &self.words {
            self.slots[word.id as usize] = ABSENT;
        }
        (std::mem::take(&mut self.words), std::mem::take(&mut self.terms))
    }
}

/// Cuts a page into records, counts its terms per record and keeps its result data.
pub(super) fn analyse_page(counter: &mut Counter, words: &Words, page: &PageInput<'_>) -> PageTerms {
    let records = records(page);
    let mut touched = Vec::new();
    for (sec, record) in records.iter().enumerate() {
        if sec == 0 {
            counter.add(words, page.title, Field::Title, &mut touched);
        }
        if let Some(heading) = record.heading {
            counter.add(words, heading, Field::Heading, &mut touched);
        }
        for piece in &record.text {
            counter.add(words, piece, Field::Body, &mut touched);
        }
        counter.end_record(sec, &mut touched);
    }
    let (mut page_words, terms) = counter.finish();
    let table = words.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    // A form that is the word itself (`ça` folds to `ca`, not `ça`) is no variant.
    let renumber: Vec<Vec<u8>> =
        page_words.iter_mut().map(|word| drop_plain_forms(word, &table.words[word.id as usize])).collect();
    drop(table);
    let (word_starts, sorted) = by_word(page_words.len(), terms, &renumber);
    let (starts, order) = by_bucket(&page_words);
    // Kept until its bundle is whole, then compressed (`IndexBuilder::add_chunk`).
    let json = page_json(page, &records);
    PageTerms { json, records: records.len(), words: page_words, order, starts, terms: sorted, word_starts }
}

/// Drops the forms of `word` that are the folded word itself; the new number of each form
/// (`0` for none or dropped), empty for a word without forms.
fn drop_plain_forms(word: &mut PageWord, folded: &str) -> Vec<u8> {
    if word.surfaces.is_empty() {
        // Most words (ASCII): no form, no allocation.
        return Vec::new();
    }
    let mut map = Vec::with_capacity(word.surfaces.len() + 1);
    map.push(0);
    let mut kept = 0u8;
    word.surfaces.retain(|s| {
        let keep = s != folded;
        kept += u8::from(keep);
        map.push(if keep { kept } else { 0 });
        keep
    });
    map
}

/// A counting sort, stable: the terms by page word (each word's terms stay in record order),
/// with each form renumbered; and where each word's terms start.
fn by_word(words: usize, terms: Vec<(u32, PageTerm)>, renumber: &[Vec<u8>]) -> (Vec<u32>, Vec<PageTerm>) {
    let word_starts = starts(words, terms.iter().map(|(w, _)| *w as usize));
    let mut next = word_starts.clone();
    let mut sorted: Vec<PageTerm> = (0..terms.len()).map(|_| PageTerm { packed: 0, surface: 0 }).collect();
    for (w, term) in terms {
        let surface = renumber[w as usize].get(term.surface as usize).copied().unwrap_or(0);
        sorted[next[w as usize] as usize] = PageTerm { packed: term.packed, surface };
        next[w as usize] += 1;
    }
    (word_starts, sorted)
}

/// A counting sort of the page's words by bucket: where each bucket starts, and the order.
fn by_bucket(words: &[PageWord]) -> (Vec<u32>, Vec<u32>) {
    let bucket = |word: &PageWord| word.id as usize % BUCKETS;
    let bucket_starts = starts(BUCKETS, words.iter().map(bucket));
    let mut order = vec![0u32; words.len()];
    let mut next = bucket_starts.clone();
    for (w, word) in words.iter().enumerate() {
        order[next[bucket(word)] as usize] = w as u32;
        next[bucket(word)] += 1;
    }
    (bucket_starts, order)
}

/// Where the items of each of `keys` keys start once sorted by key (the running sum of their
/// counts), given each item's key; the last entry is the number of items.
fn starts(keys: usize, item_keys: impl Iterator<Item = usize>) -> Vec<u32> {
    let mut starts = vec![0u32; keys + 1];
    for key in item_keys {
        starts[key + 1] += 1;
    }
    for key in 0..keys {
        starts[key + 1] += starts[key];
    }
    starts
}
