//! What becomes of the text of the guides' sections, which only the search index reads.
//!
//! `site::outline` hands each guide's text over as soon as the guide is outlined, on the same
//! thread (`GuideIndexing::take`): a build analyses it there and lets it go, so that the text of
//! the whole site is never held at once; the preview indexes it and keeps it, for the index it makes
//! again after each edit; `carnet check` lets it go unread.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::stopwatch::Spent;
use crate::markdown::{Heading, Section};
use crate::search::{AnalysedPage, Analyser, IndexBuilder, Merger, PageInput};

/// What an analysis does with the text of the guides' sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchText {
    /// Let go unread: `carnet check` and `carnet routes` write no index.
    Skip,
    /// Indexed a chunk of guides at a time as they are outlined, then let go: a build.
    Index,
    /// Indexed, and kept with the guides (`OutlinedGuide::sections`): the preview, which indexes
    /// again after each edit.
    IndexAndKeep,
}

/// One guide as `GuideIndexing::take` sees it: its `sections` are taken from it unless kept.
pub struct SearchGuide<'a> {
    pub title: &'a str,
    /// Path from the site root (`dossier/guide/`).
    pub url: &'a str,
    pub headings: &'a [Heading],
    pub sections: &'a mut Arc<Vec<Section>>,
}

/// The search index being made as the guides are outlined, in guide order (a guide's page
/// number in the index is its `GuideId`), and the time spent on it: each guide is analysed on
/// the thread that outlined it (`GuideIndexing`), and the guides of one chunk are merged while
/// the next chunk is outlined (`ChunkMerging`).
pub struct SearchIndexing {
    text: SearchText,
    builder: Option<IndexBuilder>,
    /// Nanoseconds of the threads' time spent analysing and merging.
    busy: AtomicU64,
}

impl SearchIndexing {
    /// For a site of `guides` guides.
    pub fn new(text: SearchText, guides: usize) -> Self {
        let builder = (text != SearchText::Skip).then(|| IndexBuilder::new(guides));
        SearchIndexing { text, builder, busy: AtomicU64::new(0) }
    }

    /// The part that takes the guides' text, on any thread, and the part that merges it.
    pub fn parts(&mut self) -> (GuideIndexing<'_>, ChunkMerging<'_>) {
        let (analyser, merger) = self.builder.as_mut().map(IndexBuilder::parts).unzip();
        let keep = self.text == SearchText::IndexAndKeep;
        (GuideIndexing { analyser, keep, busy: &self.busy }, ChunkMerging { merger, busy: &self.busy })
    }

    /// The index of every guide taken (`None` with `Skip`), and the time spent on it: the
    /// threads' time, and as wall time its share of the cores.
    pub fn finish(self) -> (Option<IndexBuilder>, Spent) {
        let busy = Duration::from_nanos(self.busy.into_inner());
        let cores = rayon::current_num_threads().max(1) as u32;
        (self.builder, Spent::from_busy("search", busy, cores))
    }
}

/// Takes each guide's section text as soon as the guide is outlined (`take`).
pub struct GuideIndexing<'s> {
    analyser: Option<Analyser<'s>>,
    keep: bool,
    busy: &'s AtomicU64,
}

impl GuideIndexing<'_> {
    /// Takes the section text of a guide just outlined: analysed (unless `Skip`), then let go
    /// (unless `IndexAndKeep`).
    pub fn take(&self, guide: SearchGuide<'_>) -> Option<AnalysedPage> {
        let Some(analyser) = &self.analyser else {
            drop(std::mem::take(guide.sections));
            return None;
        };
        let started = Instant::now();
        let page = PageInput {
            title: guide.title,
            url: guide.url,
            headings: guide.headings,
            sections: if self.keep { Arc::clone(guide.sections) } else { std::mem::take(guide.sections) },
        };
        let analysed = analyser.analyse(&page);
        drop(page);
        add_time(self.busy, started);
        Some(analysed)
    }
}

/// Merges the analysed guides into the index, a chunk at a time, in guide order (`add`).
pub struct ChunkMerging<'s> {
    merger: Option<Merger<'s>>,
    busy: &'s AtomicU64,
}

impl ChunkMerging<'_> {
    /// Merges the next guides' analyses.
    pub fn add(&mut self, analysed: Vec<AnalysedPage>) {
        if let Some(merger) = &mut self.merger {
            let started = Instant::now();
            merger.add(analysed);
            add_time(self.busy, started);
        }
    }
}

fn add_time(busy: &AtomicU64, started: Instant) {
    busy.fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
}
