//! Search: the sections of every guide → French analysis → index files (shards and a manifest).
//!
//! Entry points: `IndexBuilder`, which `site::outline` feeds with each chunk of guides (title,
//! URL, headings, plain-text sections) as soon as the chunk is outlined, or `build_index`, with
//! every page at hand (the preview, after an edit); then `write_index`. Steps: 1. `index` cuts
//! pages into records (introduction + one per H2/H3), keeps each page's result data (titles,
//! anchors, snippets) and analyses the records (`analyze`: fold, elisions, stop words, Snowball
//! French, code tokens) in parallel, a chunk of pages at a time, letting each chunk's text go once
//! analysed (`counter`: each surface is analysed once per thread, each folded word gets an id once
//! per build); 2. `write` shards the vocabulary by first letters and writes JSONP files the
//! browser loads on demand (no fetch: works from `file://`); the caller writes the manifest once
//! it has named the shards' folder. `engine_scripts` makes the theme's `search-engine.mjs` the
//! two classic scripts of the pages (engine, part on demand).

pub mod analyze;
mod bundle;
mod counter;
mod engine;
pub mod index;
mod input;
mod results;
mod write;

use crate::error::Result;

pub use engine::{engine_scripts, name_on_demand, squeezed_scripts};
pub use index::{AnalysedPage, Analyser, Index, IndexBuilder, Merger};
pub use input::{IndexStats, PageInput, Sink};
pub use write::{WrittenIndex, MANIFEST};

/// The index of `pages`, all at hand (the preview, after an edit).
pub fn build_index(pages: Vec<PageInput<'_>>) -> Index {
    index::build(pages)
}

/// Hands the shards of `index` to `sink` (`v/0.js`, `p/12.js`…); the manifest comes from the
/// returned `WrittenIndex`, once the shards' folder has a name.
pub fn write_index(index: &Index, sink: Sink<'_>) -> Result<WrittenIndex> {
    write::write(index, sink)
}
