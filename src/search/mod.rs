//! Search: the sections of every guide → French analysis → index files under `assets/search/`.
//!
//! Entry point: `write_index`, called by `site::build` with each guide's title, URL, headings and
//! plain-text sections. Steps: 1. `index::build` cuts pages into records (introduction + one per
//! H2/H3) and analyses them (`analyze`: fold, elisions, stop words, Snowball French, code
//! tokens) in parallel; 2. `write` shards the vocabulary by first letters and writes JSONP files
//! the browser loads on demand (no fetch: works from `file://`), plus the engine as a classic
//! script generated from the theme's `search-engine.mjs`.

pub mod analyze;
pub mod index;
mod write;

use crate::error::Result;
use crate::markdown::{Heading, Section};

pub use write::{classic_engine, SEARCH_DIR};

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

/// Where the index files go: `(path from the site root, contents)`; called from several threads.
pub type Sink<'s> = &'s (dyn Fn(&str, Vec<u8>) -> Result<()> + Sync);

/// Builds the index of `pages` and hands its files to `sink`; `engine_source` is the theme's
/// `search-engine.mjs` (the browser gets it as a classic script, `assets/search/engine.js`).
pub fn write_index(
    pages: &[PageInput<'_>],
    engine_source: Option<&str>,
    sink: Sink<'_>,
) -> Result<IndexStats> {
    let index = index::build(pages);
    write::write(&index, pages, engine_source, sink)
}
