//! What becomes of the text of the guides' sections, which only the search index reads.
//!
//! `site::outline` hands it over a chunk of guides at a time, as soon as the chunk is outlined
//! (`SearchIndexing::take`): a build indexes it there and lets it go, so that the text of the
//! whole site is never held at once; the preview indexes it and keeps it, for the index it makes
//! again after each edit; `carnet check` lets it go unread.

use std::sync::Arc;

use super::stopwatch::Spent;
use crate::markdown::{Heading, Section};
use crate::search::{IndexBuilder, PageInput};

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

/// One guide as `SearchIndexing::take` sees it: its `sections` are taken from it unless kept.
pub struct SearchGuide<'a> {
    pub title: &'a str,
    /// Path from the site root (`dossier/guide/`).
    pub url: &'a str,
    pub headings: &'a [Heading],
    pub sections: &'a mut Arc<Vec<Section>>,
}

/// The search index being made, guide chunk after guide chunk, in guide order (a guide's page
/// number in the index is its `GuideId`), and the time spent on it.
pub struct SearchIndexing {
    text: SearchText,
    builder: Option<IndexBuilder>,
    spent: Spent,
}

impl SearchIndexing {
    /// For a site of `guides` guides.
    pub fn new(text: SearchText, guides: usize) -> Self {
        let builder = (text != SearchText::Skip).then(|| IndexBuilder::new(guides));
        SearchIndexing { text, builder, spent: Spent::new("search") }
    }

    /// Takes the section text of the next guides, just outlined: indexed (unless `Skip`), then
    /// let go (unless `IndexAndKeep`).
    pub fn take<'a>(&mut self, guides: impl Iterator<Item = SearchGuide<'a>>) {
        let keep = self.text == SearchText::IndexAndKeep;
        let Some(builder) = &mut self.builder else {
            guides.for_each(|guide| drop(std::mem::take(guide.sections)));
            return;
        };
        let pages: Vec<PageInput<'a>> = guides
            .map(|guide| PageInput {
                title: guide.title,
                url: guide.url,
                headings: guide.headings,
                sections: if keep { Arc::clone(guide.sections) } else { std::mem::take(guide.sections) },
            })
            .collect();
        self.spent.measure(|| builder.add_chunk(pages));
    }

    /// The index of every guide taken (`None` with `Skip`), and the time its chunks took.
    pub fn finish(self) -> (Option<IndexBuilder>, Spent) {
        (self.builder, self.spent)
    }
}
