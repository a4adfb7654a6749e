//! What the index is made from (`PageInput`), where its files go (`Sink`) and what writing
//! them did (`IndexStats`).

use std::sync::Arc;

use crate::error::Result;
use crate::markdown::{Heading, Section};

/// One guide as the index sees it. The index holds its sections' text only while it analyses
/// the page: a caller that hands over the last `Arc` gets that memory back page by page.
#[derive(Debug, Clone)]
pub struct PageInput<'a> {
    pub title: &'a str,
    /// Path from the site root (`dossier/guide/`).
    pub url: &'a str,
    pub headings: &'a [Heading],
    pub sections: Arc<Vec<Section>>,
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
