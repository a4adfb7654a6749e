//! Counting each page's terms per record, with the build's words and forms interned once.
//!
//! `Words` gives each distinct folded word of the build an id, and each distinct accented
//! lower-case form (`mémoire` of `memoire`) another (their places in `Words::into_tables`). Each
//! thread keeps a `Counter` from page to page: every surface (a word as written) it has met, with
//! its word's id (or `DROPPED`) and its form's, so that a surface is folded, filtered, lowered and
//! looked up in the shared table once per thread, not once per occurrence; and counts by word id.
//! What a page gives (`PageTerms`) names its words and forms by id, so that the index merges
//! them without hashing or comparing strings again.

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
/// A surface without an accented form: ASCII, or lowered to its folded word itself (`ça` folds
/// to `ca`, but a word outside French's letters folds to itself).
const NO_FORM: u32 = u32::MAX;

/// Accented forms kept per word (and per word of a page), in order of first appearance.
pub(super) const MAX_FORMS: usize = 3;

/// Words to values, hashed with FxHash: much cheaper than SipHash on short words, and no key
/// here comes from an attacker.
type WordMap<V> = HashMap<String, V, FxBuildHasher>;

/// The build's distinct folded words and accented forms, shared by the threads (each asks only
/// for surfaces it has not met yet). Ids follow the order they are first met, which varies
/// between runs: nothing written depends on them (the index sorts its terms by word, merges
/// pages in page order).
#[derive(Default)]
pub(super) struct Words(Mutex<WordTable>);

#[derive(Default)]
struct WordTable {
    words: Interned,
    forms: Interned,
}

/// Strings by id, and ids by string.
#[derive(Default)]
struct Interned {
    ids: WordMap<u32>,
    strings: Vec<String>,
}

impl Interned {
    fn id(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let id = self.strings.len() as u32;
        self.strings.push(text.to_string());
        self.ids.insert(text.to_string(), id);
        id
    }
}

impl Words {
    /// The ids of a folded word and of the accented form it was met in.
    fn intern(&self, word: &str, form: Option<&str>) -> Seen {
        let mut table = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let word = table.words.id(word);
        let form = form.map_or(NO_FORM, |form| table.forms.id(form));
        Seen { word, form }
    }

    /// The words and the forms, by id.
    pub(super) fn into_tables(self) -> (Vec<String>, Vec<String>) {
        let table = self.0.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
        (table.words.strings, table.forms.strings)
    }
}

/// What a surface stands for: its word (or `DROPPED`) and its accented form (or `NO_FORM`).
#[derive(Clone, Copy)]
struct Seen {
    word: u32,
    form: u32,
}

/// A word's accented forms, by id, at most `MAX_FORMS`; a term names one by its place (`1` the
/// first, `0` none).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Forms {
    ids: [u32; MAX_FORMS],
    len: u8,
}

impl Forms {
    /// The place of `form`, added if new while there is room; `0` for `NO_FORM` or no room.
    pub(super) fn place(&mut self, form: u32) -> u32 {
        if form == NO_FORM {
            return 0;
        }
        let len = usize::from(self.len);
        if let Some(at) = self.ids[..len].iter().position(|&known| known == form) {
            return at as u32 + 1;
        }
        if len == MAX_FORMS {
            return 0;
        }
        self.ids[len] = form;
        self.len += 1;
        len as u32 + 1
    }

    /// The forms' ids, in order.
    pub(super) fn ids(&self) -> &[u32] {
        &self.ids[..usize::from(self.len)]
    }
}

/// One term of a page in one record: `packed` is the posting without its variant; `form` the
/// place of its accented form in the page word's `forms` (`0` none).
pub(super) struct PageTerm {
    pub(super) packed: u32,
    pub(super) form: u8,
}

/// A distinct word of a page.
#[derive(Default)]
pub(super) struct PageWord {
    pub(super) id: u32,
    pub(super) code: bool,
    /// Accented forms first in some record of the page, in record order.
    pub(super) forms: Forms,
}

/// What a page contributes: its result data (`json`, `records` of them), its words in bucket
/// order (those of bucket `b` at `words[starts[b]..starts[b + 1]]`), and the terms of word `w`
/// in record order at `terms[word_starts[w]..word_starts[w + 1]]` (so a bucket's terms are
/// together too: merging a bucket reads each page's part of it in one run).
pub(super) struct PageTerms {
    pub(super) json: String,
    pub(super) records: usize,
    pub(super) words: Vec<PageWord>,
    pub(super) starts: Vec<u32>,
    pub(super) terms: Vec<PageTerm>,
    pub(super) word_starts: Vec<u32>,
}

/// A word's state in the page being counted: its place in the page's words (`ABSENT` until
/// met), its best field and its count in the current record.
#[derive(Clone, Copy)]
struct WordState {
    slot: u32,
    field: u32,
    tf: u32,
}

impl Default for WordState {
    fn default() -> Self {
        WordState { slot: ABSENT, field: 0, tf: 0 }
    }
}

/// A thread's counting state, kept from page to page (`analyse_page` leaves it empty but for
/// its surfaces and the room of its tables).
#[derive(Default)]
pub(super) struct Counter {
    /// Each surface met by this thread → its word and form.
    surfaces: Surfaces,
    /// By word id (one place to look at for each word of the text).
    states: Vec<WordState>,
    /// The page's words, in order of first appearance.
    words: Vec<PageWord>,
    /// `(page word, term)` in record order.
    terms: Vec<(u32, PageTerm)>,
    folded: String,
    lower: String,
}

/// Surfaces to what they stand for. Most surfaces are at most 16 bytes: those are keys packed in
/// two `u64` (a surface holds no NUL byte, so the zero padding keeps keys apart), hashed and
/// compared as integers, with no string to follow out of the table (the table is looked up for
/// every word of every guide); longer ones are strings.
#[derive(Default)]
struct Surfaces {
    short: HashMap<(u64, u64), Seen, FxBuildHasher>,
    long: WordMap<Seen>,
}

impl Surfaces {
    fn packed(surface: &str) -> Option<(u64, u64)> {
        let bytes = surface.as_bytes();
        (bytes.len() <= 16).then(|| {
            let (low, high) = bytes.split_at(bytes.len().min(8));
            (little_endian(low), little_endian(high))
        })
    }

    fn get(&self, surface: &str) -> Option<Seen> {
        match Self::packed(surface) {
            Some(key) => self.short.get(&key).copied(),
            None => self.long.get(surface).copied(),
        }
    }

    fn insert(&mut self, surface: &str, seen: Seen) {
        match Self::packed(surface) {
            Some(key) => self.short.insert(key, seen),
            None => self.long.insert(surface.to_string(), seen),
        };
    }
}

/// At most 8 bytes as a little-endian number, zero-padded: two loads that may overlap (the
/// bytes they share are the same), not a copy of a length known only at run time.
fn little_endian(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    let load = |width: usize, at: usize| -> u64 {
        let mut word = [0u8; 8];
        word[..width].copy_from_slice(&bytes[at..at + width]);
        u64::from_le_bytes(word)
    };
    match n {
        8 => load(8, 0),
        4..=7 => load(4, 0) | load(4, n - 4) << (8 * (n - 4)),
        2..=3 => load(2, 0) | load(2, n - 2) << (8 * (n - 2)),
        1 => u64::from(bytes[0]),
        _ => 0,
    }
}

/// The words counted in the current record, each with the form it first has there.
type Touched = Vec<(u32, u32)>;

impl Counter {
    fn add(&mut self, words: &Words, text: &str, field: Field, touched: &mut Touched) {
        analyze::tokens(text, |surface, code, _part| {
            let seen = match self.surfaces.get(surface) {
                Some(seen) => seen,
                None => self.new_surface(words, surface, code),
            };
            let id = seen.word;
            if id == DROPPED {
                return;
            }
            let state = &mut self.states[id as usize];
            if state.slot == ABSENT {
                state.slot = self.words.len() as u32;
                self.words.push(PageWord { id, code, forms: Forms::default() });
            }
            self.words[state.slot as usize].code = code;
            if state.tf == 0 {
                touched.push((id, seen.form));
            }
            state.field = state.field.max(field as u32);
            state.tf += 1;
        })
    }

    /// What a surface this thread meets for the first time stands for.
    fn new_surface(&mut self, words: &Words, surface: &str, code: bool) -> Seen {
        let seen = match analyze::fold_word(surface, code, &mut self.folded) {
            Some(word) => {
                let mut form = None;
                if !surface.is_ascii() {
                    self.lower.clear();
                    push_lowercase(&mut self.lower, surface);
                    form = Some(self.lower.as_str()).filter(|lower| lower != &word);
                }
                words.intern(word, form)
            }
            None => Seen { word: DROPPED, form: NO_FORM },
        };
        self.surfaces.insert(surface, seen);
        let id = seen.word;
        if id != DROPPED && id as usize >= self.states.len() {
            self.states.resize(id as usize + 1, WordState::default());
        }
        seen
    }

    /// Ends record `sec`: one term per word counted in it.
    fn end_record(&mut self, sec: usize, touched: &mut Touched) {
        for (id, form) in touched.drain(..) {
            let state = &mut self.states[id as usize];
            let several = u32::from(state.tf >= 2);
            let packed = (sec as u32) << 5 | several << 4 | state.field;
            (state.field, state.tf) = (0, 0);
            let w = state.slot;
            let form = self.words[w as usize].forms.place(form) as u8;
            self.terms.push((w, PageTerm { packed, form }));
        }
    }

    /// The page's words and terms; the counter is ready for the next page.
    fn finish(&mut self) -> (Vec<PageWord>, Vec<(u32, PageTerm)>) {
        for word in &self.words {
            self.states[word.id as usize].slot = ABSENT;
        }
        // The next page is about as long: room for as many words and terms, not grown by doubling.
        let words = Vec::with_capacity(self.words.len());
        let terms = Vec::with_capacity(self.terms.len());
        (std::mem::replace(&mut self.words, words), std::mem::replace(&mut self.terms, terms))
    }
}

/// `text` in lower case, quicker for French's letters (`char::to_lowercase` searches a table).
fn push_lowercase(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            // Latin-1's capitals are their small letters less 32.
            '\u{c0}'..='\u{de}' if c != '×' => out.push(char::from(c as u8 + 32)),
            c if c.is_ascii() || ('\u{df}'..='\u{ff}').contains(&c) => out.push(c),
            c => out.extend(c.to_lowercase()),
        }
    }
}

/// Cuts a page into records, counts its terms per record and keeps its result data.
pub(super) fn analyse_page(counter: &mut Counter, words: &Words, page: &PageInput<'_>) -> PageTerms {
    let records = records(page);
    let mut touched = Touched::new();
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
    let (page_words, terms) = counter.finish();
    let (starts, page_words, terms) = by_bucket(page_words, terms);
    let (word_starts, sorted) = by_word(page_words.len(), terms);
    // Kept until its bundle is whole, then compressed (`IndexBuilder::add_chunk`).
    let json = page_json(page, &records);
    PageTerms { json, records: records.len(), words: page_words, starts, terms: sorted, word_starts }
}

/// A counting sort, stable: the terms by page word (each word's terms stay in record order), and
/// where each word's terms start.
fn by_word(words: usize, terms: Vec<(u32, PageTerm)>) -> (Vec<u32>, Vec<PageTerm>) {
    let word_starts = starts(words, terms.iter().map(|(w, _)| *w as usize));
    let mut next = word_starts.clone();
    let mut sorted: Vec<PageTerm> = (0..terms.len()).map(|_| PageTerm { packed: 0, form: 0 }).collect();
    for (w, term) in terms {
        sorted[next[w as usize] as usize] = term;
        next[w as usize] += 1;
    }
    (word_starts, sorted)
}

/// A counting sort of the page's words by bucket: where each bucket starts, the words in bucket
/// order, and the terms naming them by their new places.
fn by_bucket(
    mut words: Vec<PageWord>,
    mut terms: Vec<(u32, PageTerm)>,
) -> (Vec<u32>, Vec<PageWord>, Vec<(u32, PageTerm)>) {
    let bucket = |word: &PageWord| word.id as usize % BUCKETS;
    let bucket_starts = starts(BUCKETS, words.iter().map(bucket));
    let mut next = bucket_starts.clone();
    let mut place = vec![0u32; words.len()];
    for (w, word) in words.iter().enumerate() {
        place[w] = next[bucket(word)];
        next[bucket(word)] += 1;
    }
    let mut order = vec![0u32; words.len()];
    for (w, &p) in place.iter().enumerate() {
        order[p as usize] = w as u32;
    }
    let sorted = order.iter().map(|&w| std::mem::take(&mut words[w as usize])).collect();
    for (w, _) in &mut terms {
        *w = place[*w as usize];
    }
    (bucket_starts, sorted, terms)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_lowercase_is_unicode_s() {
        let text: String = ('\u{0}'..='\u{24f}').chain("ŒŸẞİΣ".chars()).collect();
        let mut quick = String::new();
        push_lowercase(&mut quick, &text);
        assert_eq!(quick, text.chars().flat_map(char::to_lowercase).collect::<String>());
    }

    #[test]
    fn short_surfaces_pack_as_their_bytes() {
        let text = "abcdefghijklmnopq";
        for n in 0..=8 {
            let mut word = [0u8; 8];
            word[..n].copy_from_slice(&text.as_bytes()[..n]);
            assert_eq!(little_endian(&text.as_bytes()[..n]), u64::from_le_bytes(word), "{n}");
        }
        let keys: std::collections::HashSet<_> =
            (0..=16).filter_map(|n| Surfaces::packed(&text[..n])).collect();
        assert_eq!(keys.len(), 17);
        assert_eq!(Surfaces::packed(text), None);
    }

    #[test]
    fn forms_keep_their_places_and_the_first_three() {
        let mut forms = Forms::default();
        assert_eq!(forms.place(NO_FORM), 0);
        assert_eq!([forms.place(7), forms.place(9), forms.place(7)], [1, 2, 1]);
        assert_eq!([forms.place(4), forms.place(5), forms.place(4)], [3, 0, 3]);
        assert_eq!(forms.ids(), [7, 9, 4]);
    }
}
