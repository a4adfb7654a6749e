//! The index files, all JSONP: `CARNET_SEARCH_SHARD("name", data);`, loaded by `<script>` tags.
//!
//! - `v/N.js`: vocabulary file N: `{term: [stem or "", df, postings or [file, place], [forms]]}`,
//!   the terms of one or more consecutive shard keys (packed up to a size that grows with the
//!   vocabulary, so that a large vocabulary makes larger files, not thousands of small ones);
//! - `t/N.js`: postings of a few frequent terms, too long to sit in their shard (compressed as
//!   the bundles below);
//! - `b/N.js`: a bundle of `g` consecutive pages (pages `N·g` to `N·g + g − 1`), each with its
//!   title, URL and records `[heading, anchor, text]` for results and snippets; the JSON array is
//!   zlib-compressed and given as base64 text, which the engine inflates (`DecompressionStream`).
//!   About `BUNDLES_PER_ROOT · √n` bundles for n pages: the files grow as the square root of the
//!   guides, not one for one, and a first query still loads only the bundles of the pages shown;
//! - the manifest (`MANIFEST`, a fixed address outside the shards' folder): record count, shard
//!   keys (first letters of a term: per vocabulary file, its keys joined by spaces), pages per bundle and the
//!   folder of the shards, whose name the caller chooses once they are written (`site::assets`
//!   names it after their contents).

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde_json::json;

use std::ops::Range;

use super::bundle::quoted_base64;
use super::index::{Index, TermEntry};
use super::input::{IndexStats, Sink};
use crate::error::Result;

/// The manifest's address from the site root: fixed, so that pages never name the index (whose
/// folder changes with every edit of a guide); hosts must let browsers revalidate it.
pub const MANIFEST: &str = "assets/search-manifest.js";
/// A vocabulary group larger than this (bytes) is split by the first two letters.
const SHARD_BYTES: usize = 2_000;
/// About this many vocabulary files per square root of the vocabulary's size in `SHARD_BYTES`, of
/// at least a quarter of `SHARD_BYTES` each: 126 files of 500 bytes for the 55 KB of the bundled
/// guides, 450 of 1.6 KB for 700 KB (500 pages of code tutorials), 630 of 2.2 KB for 1.4 MB
/// (5,000 short pages of command examples), where one file per key made up to 3,600 files of a
/// few hundred bytes. A query term loads one file (a prefix, up to four).
const VOCABULARY_FILES_PER_ROOT: f64 = 24.0;
/// Longest shard key, in characters.
const MAX_KEY_CHARS: usize = 8;
/// Postings longer than this (characters) go to a postings file (`t/N.js`) …
const INLINE_POSTINGS: usize = 600;
/// … which holds those of a few consecutive terms, up to this many characters (before
/// compression, about half of it as downloaded; one list of `MAX_POSTINGS` is about 6,000).
const POSTINGS_FILE_CHARS: usize = 12_000;

/// The index is written but for its manifest, which names the shards' folder.
#[derive(Debug, Clone)]
pub struct WrittenIndex {
    pub stats: IndexStats,
    record_count: usize,
    /// Per vocabulary file, the shard keys it holds, joined by spaces (words hold none).
    keys: Vec<String>,
    pages_per_bundle: usize,
}

impl WrittenIndex {
    /// The manifest, for shards written under `shards_dir` (from the site root, ending in `/`).
    pub fn manifest_script(&self, shards_dir: &str) -> String {
        let data = json!({"v": 3, "n": self.record_count, "k": self.keys, "g": self.pages_per_bundle, "d": shards_dir});
        shard_script("manifest", &data.to_string())
    }
}

fn shard_script(name: &str, data: &str) -> String {
    format!("CARNET_SEARCH_SHARD({},{data});\n", json!(name))
}

pub(super) fn write(index: &Index, sink: Sink<'_>) -> Result<WrittenIndex> {
    let bytes = AtomicUsize::new(0);
    let files = AtomicUsize::new(0);
    let put = |name: &str, data: &str| -> Result<()> {
        let body = shard_script(name, data);
        bytes.fetch_add(body.len(), Ordering::Relaxed);
        files.fetch_add(1, Ordering::Relaxed);
        sink(&format!("{name}.js"), body.into_bytes())
    };

    // Vocabulary entries, with long postings moved out to `t/N.js`.
    let (places, external) = external_postings(&index.terms);
    let entries: Vec<String> = index
        .terms
        .par_iter()
        .zip(places)
        .map(|((word, entry), place)| vocabulary_entry(word, entry, place))
        .collect();
    external
        .par_iter()
        .enumerate()
        .try_for_each(|(n, postings)| put(&format!("t/{n}"), &quoted_base64(json!(postings).to_string())))?;

    let shards = shard_keys(&index.terms, &entries);
    let packed = pack(&shards, &entries);
    packed.par_iter().enumerate().try_for_each(|(n, keys)| {
        let terms = shards[keys.start].1.start..shards[keys.end - 1].1.end;
        put(&format!("v/{n}"), &format!("{{{}}}", entries[terms].join(",")))
    })?;
    let pages_per_bundle = index.pages_per_bundle;
    index.bundles.par_iter().enumerate().try_for_each(|(n, data)| put(&format!("b/{n}"), data))?;
    let stats = IndexStats {
        records: index.record_count,
        terms: index.terms.len(),
        files: files.into_inner(),
        bytes: bytes.into_inner(),
    };
    let keys = packed
        .iter()
        .map(|keys| shards[keys.clone()].iter().map(|(key, _)| key.as_str()).collect::<Vec<_>>().join(" "))
        .collect();
    Ok(WrittenIndex { stats, record_count: index.record_count, keys, pages_per_bundle })
}

/// Where a term's postings are written: `[file, place]` of the postings files, or `None`: in its
/// vocabulary entry.
type PostingsPlace = Option<(usize, usize)>;

/// Long postings go into files of about `POSTINGS_FILE_CHARS`, in term order: each term's place,
/// and each file's postings.
fn external_postings(terms: &[(String, TermEntry)]) -> (Vec<PostingsPlace>, Vec<Vec<&str>>) {
    let mut external: Vec<Vec<&str>> = Vec::new();
    let mut external_chars = 0;
    let places = terms
        .iter()
        .map(|(_, entry)| {
            let postings = entry.encoded.as_str();
            if postings.len() <= INLINE_POSTINGS {
                return None;
            }
            match external.last_mut() {
                Some(file) if external_chars + postings.len() <= POSTINGS_FILE_CHARS => file.push(postings),
                _ => {
                    external.push(vec![postings]);
                    external_chars = 0;
                }
            }
            external_chars += postings.len();
            Some((external.len() - 1, external[external.len() - 1].len() - 1))
        })
        .collect();
    (places, external)
}

/// A term's vocabulary entry: `"word":[stem or "", df, postings or [file, place](, [forms])]`.
fn vocabulary_entry(word: &str, entry: &TermEntry, place: PostingsPlace) -> String {
    /// The postings themselves, or `[file, place]` of a postings file.
    #[derive(serde::Serialize)]
    #[serde(untagged)]
    enum Postings<'a> {
        Inline(&'a str),
        External(usize, usize),
    }
    let stem = if entry.stem == word { "" } else { entry.stem.as_str() };
    let postings = match place {
        None => Postings::Inline(&entry.encoded),
        Some((file, at)) => Postings::External(file, at),
    };
    let mut out = serde_json::to_string(word).unwrap_or_default();
    out.push(':');
    let value = if entry.surfaces.is_empty() {
        serde_json::to_string(&(stem, entry.df, postings))
    } else {
        serde_json::to_string(&(stem, entry.df, postings, &entry.surfaces))
    };
    out.push_str(&value.unwrap_or_default());
    out
}

/// Consecutive shards packed into vocabulary files (ranges of shard indices) of up to a size that
/// grows as the square root of the vocabulary (`VOCABULARY_FILES_PER_ROOT`); a shard larger than
/// that size is a file of its own.
fn pack(shards: &[(String, Range<usize>)], entries: &[String]) -> Vec<Range<usize>> {
    let sizes: Vec<usize> =
        shards.iter().map(|(_, terms)| entries[terms.clone()].iter().map(String::len).sum()).collect();
    let total: usize = sizes.iter().sum();
    let files = (VOCABULARY_FILES_PER_ROOT * (total as f64 / SHARD_BYTES as f64).sqrt()).ceil().max(1.0);
    let most = (total as f64 / files).ceil().max(SHARD_BYTES as f64 / 4.0) as usize;
    let mut packed: Vec<Range<usize>> = Vec::new();
    let mut size = 0;
    for (n, &bytes) in sizes.iter().enumerate() {
        match packed.last_mut() {
            Some(file) if size + bytes <= most => file.end = n + 1,
            _ => {
                packed.push(n..n + 1);
                size = 0;
            }
        }
        size += bytes;
    }
    packed
}

/// Groups the sorted terms by first letter, splitting a group too large by one more letter, and so
/// on: the engine loads the shard of the longest key that starts its word.
fn shard_keys(terms: &[(String, TermEntry)], entries: &[String]) -> Vec<(String, Range<usize>)> {
    let mut shards = Vec::new();
    split(terms, entries, 0..terms.len(), 1, &mut shards);
    shards
}

fn split(
    terms: &[(String, TermEntry)],
    entries: &[String],
    range: Range<usize>,
    depth: usize,
    shards: &mut Vec<(String, Range<usize>)>,
) {
    let prefix = |word: &str| word.chars().take(depth).collect::<String>();
    let mut start = range.start;
    while start < range.end {
        let key = prefix(&terms[start].0);
        let end = start
            + terms[start..range.end]
                .iter()
                .take_while(|(w, _)| w.chars().take(depth).eq(key.chars()))
                .count();
        let size: usize = entries[start..end].iter().map(String::len).sum();
        if size <= SHARD_BYTES || depth >= MAX_KEY_CHARS || key.chars().count() < depth {
            shards.push((key, start..end));
        } else {
            split(terms, entries, start..end, depth + 1, shards);
        }
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary_files_pack_consecutive_shards_and_grow_as_the_square_root() {
        let shards_of = |sizes: &[usize]| -> (Vec<(String, Range<usize>)>, Vec<String>) {
            let entries: Vec<String> = sizes.iter().map(|&n| "x".repeat(n)).collect();
            let shards = (0..sizes.len()).map(|n| (format!("k{n}"), n..n + 1)).collect();
            (shards, entries)
        };
        // A small vocabulary: one file for all its keys.
        let (shards, entries) = shards_of(&[100, 200, 150]);
        assert_eq!(pack(&shards, &entries), vec![0..3]);
        // Every shard is in exactly one file, in order, and a file is never empty.
        let sizes: Vec<usize> = (0..4_000).map(|n| 100 + (n * 37) % 900).collect();
        let (shards, entries) = shards_of(&sizes);
        let packed = pack(&shards, &entries);
        assert_eq!(packed.first().unwrap().start, 0);
        assert_eq!(packed.last().unwrap().end, shards.len());
        assert!(packed.windows(2).all(|w| w[0].end == w[1].start && !w[0].is_empty()));
        // 2.2 MB of vocabulary in 4,000 keys: about 24·√1,100 ≈ 800 files (greedy packing
        // leaves some short), not 4,000.
        assert!((700..=1_000).contains(&packed.len()), "{}", packed.len());
        // A shard larger than a file's size stays whole.
        let (shards, entries) = shards_of(&[100, 50_000, 100]);
        assert!(pack(&shards, &entries).contains(&(1..2)));
    }
}
