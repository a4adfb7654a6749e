//! Search: the sections of every guide → French analysis → index files (shards and a manifest).
//!
//! Entry point: `write_index`, called by `site::build` with each guide's title, URL, headings and
//! plain-text sections. Steps: 1. `index::build` cuts pages into records (introduction + one per
//! H2/H3) and analyses them (`analyze`: fold, elisions, stop words, Snowball French, code
//! tokens) in parallel; 2. `write` shards the vocabulary by first letters and writes JSONP files
//! the browser loads on demand (no fetch: works from `file://`); the caller writes the manifest
//! once it has named the shards' folder. `classic_engine` makes the theme's `search-engine.mjs`
//! a classic script for the pages.

pub mod analyze;
pub mod index;
mod minify;
mod write;

use crate::error::Result;
use crate::markdown::{Heading, Section};

pub use write::{classic_engine, split_stemmer, WrittenIndex, MANIFEST};

/// One guide as the index sees it.
#[derive(Debug, Clone, Copy)]
pub struct PageInput<'a> {
    pub title: &'a str,
    /// Path from the site root (`dossier/guide/`).
    pub url: &'a str,
    pub headings: &'a [Heading],
    pub sections: &'a [Section],
}

/// What `write_index` wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexStats {
    pub records: usize,
    pub terms: usize,
    pub files: usize,
    pub bytes: usize,
}

/// Where the shards go: `(path inside the shards' folder, contents)`; called from several threads.
pub type Sink<'s> = &'s (dyn Fn(&str, Vec<u8>) -> Result<()> + Sync);

/// Builds the index of `pages` and hands its shards to `sink` (`v/0.js`, `p/12.js`…); the
/// manifest comes from the returned `WrittenIndex`, once the shards' folder has a name.
pub fn write_index(pages: &[PageInput<'_>], sink: Sink<'_>) -> Result<WrittenIndex> {
    let index = index::build(pages);
    write::write(&index, pages, sink)
}
