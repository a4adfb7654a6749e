//! Search: the sections of every guide → French analysis → index files (shards and a manifest).
//!
//! Entry point: `write_index`, called by `site::build` with each guide's title, URL, headings and
//! plain-text sections. Steps: 1. `index::build` cuts pages into records (introduction + one per
//! H2/H3), keeps each page's result data (titles, anchors, snippets) and analyses the records
//! (`analyze`: fold, elisions, stop words, Snowball French, code tokens) in parallel, a chunk of
//! pages at a time, letting each chunk's text go once analysed (`counter`: each surface is
//! analysed once per thread, each folded word gets an id once per build); 2. `write` shards the vocabulary
//! by first letters and writes JSONP files the browser loads on demand (no fetch: works from
//! `file://`); the caller writes the manifest once it has named the shards' folder. `classic_engine` makes the theme's `search-engine.mjs`
//! a classic script for the pages.

pub mod analyze;
mod counter;
pub mod index;
mod input;
mod minify;
mod results;
mod write;

use crate::error::Result;

pub use input::{IndexStats, PageInput, Sink};
pub use write::{classic_engine, split_stemmer, WrittenIndex, MANIFEST};

/// Builds the index of `pages` and hands its shards to `sink` (`v/0.js`, `p/12.js`…); the
/// manifest comes from the returned `WrittenIndex`, once the shards' folder has a name.
pub fn write_index(pages: Vec<PageInput<'_>>, sink: Sink<'_>) -> Result<WrittenIndex> {
    let index = index::build(pages);
    write::write(&index, sink)
}
