//! Turning the tree into page views for the templates: relative URLs, breadcrumb,
//! previous/next, "Sur cette page", backlinks, and the listings of the home and folder pages.
//! A view holds everything but the page's HTML, so two views can be compared cheaply.

use std::collections::HashMap;

use super::history::{french_date, History};
use super::outline::OutlinedGuides;
use super::tree::{PageRef, SectionId, SiteTree};
use super::urls::{relative_url, root_prefix};
use crate::content::{GuideId, PerGuide};
use crate::markdown::Heading;
use crate::theme::{Backlink, Link, ListItem, PageGit, PageKind, PageView, TocEntry};

/// What the page views are made from: the tree and each guide's rendered parts.
pub struct PageInputs<'a> {
    pub tree: &'a SiteTree,
    pub guides: &'a OutlinedGuides,
    pub base_url: Option<&'a str>,
    pub site_title: &'a str,
    pub site_description: &'a str,
    /// What git knows of the guides, when the site is in a repository.
    pub history: Option<&'a History>,
}

/// A site with at most this many guides lists, in each folder's card, the guides inside.
pub const SMALL_SITE_GUIDES: usize = 60;
/// At most this many guides in a folder's card; the card says how many more there are.
pub const FOLDER_CARD_GUIDES: usize = 6;

/// Builds every page view in reading order.
pub struct PageViews<'a> {
    inputs: PageInputs<'a>,
    position: HashMap<PageRef, usize>,
    /// For each guide, the (guide, heading) pairs that link to it, deduplicated, in order.
    linked_from: PerGuide<Vec<(GuideId, Option<usize>)>>,
}

impl<'a> PageViews<'a> {
    pub fn new(inputs: PageInputs<'a>) -> Self {
        let position = inputs.tree.reading_order.iter().enumerate().map(|(i, &p)| (p, i)).collect();
        let mut linked_from: PerGuide<_> = inputs.guides.iter().map(|_| Vec::new()).collect();
        for edge in inputs.guides.edges() {
            let sources: &mut Vec<(GuideId, Option<usize>)> = &mut linked_from[edge.to];
            if !sources.contains(&(edge.from, edge.heading)) {
                sources.push((edge.from, edge.heading));
            }
        }
        PageViews { inputs, position, linked_from }
    }

    /// The guide whose text a page shows: the guide itself, or the folder's landing page.
    pub fn guide_of(&self, page: PageRef) -> Option<GuideId> {
        match page {
            PageRef::Section(s) => self.inputs.tree.sections[s].index,
            PageRef::Guide(g) => Some(g),
        }
    }

    /// The view of a page, without its content (the guide's HTML, rendered by the page writer).
    pub fn view(&self, page: PageRef) -> PageView {
        let tree = self.inputs.tree;
        let path = tree.page_path(page).to_string();
        let (kind, guide, section) = match page {
            PageRef::Section(s) if s.is_root() => (PageKind::Home, tree.sections[s].index, Some(s)),
            PageRef::Section(s) => (PageKind::Section, tree.sections[s].index, Some(s)),
            PageRef::Guide(g) => (PageKind::Guide, Some(g), None),
        };
        let title = match (page, guide) {
            (_, Some(g)) => self.inputs.guides[g].title.clone(),
            (PageRef::Section(s), None) => tree.sections[s].title.clone(),
            (PageRef::Guide(_), None) => unreachable!("a guide page always has its guide"),
        };
        let description = match guide {
            Some(g) if !self.inputs.guides[g].description.is_empty() => {
                self.inputs.guides[g].description.clone()
            }
            _ if kind == PageKind::Home => self.inputs.site_description.to_string(),
            _ => String::new(),
        };
        let toc = guide.map(|g| toc(&self.inputs.guides[g].headings)).unwrap_or_default();
        let backlinks = guide.map(|g| self.backlinks(g, &path)).unwrap_or_default();
        PageView {
            kind,
            title,
            description,
            root: root_prefix(&path),
            canonical: self.inputs.base_url.map(|base| format!("{base}{path}")),
            content: String::new(),
            has_h1: guide.is_some_and(|g| self.inputs.guides[g].has_h1),
            has_diagram: guide.is_some_and(|g| self.inputs.guides[g].diagrams > 0),
            toc_html: TocEntry::list_html(&toc),
            toc,
            breadcrumb: self.breadcrumb(page, &path),
            prev: self.neighbour(page, &path, -1),
            next: self.neighbour(page, &path, 1),
            children: section.map(|s| self.children(s, &path)).unwrap_or_default(),
            backlinks_html: Backlink::list_html(&backlinks),
            backlinks,
            source: guide.map(|g| self.inputs.guides[g].source.clone()).unwrap_or_default(),
            date: guide.and_then(|g| self.inputs.guides[g].date.clone()),
            extra: guide.map(|g| self.inputs.guides[g].extra.clone()).unwrap_or_default(),
            git: guide.map(|g| self.git(g, &path)).unwrap_or_default(),
            path,
        }
    }

    /// The guide's last update and its links on the forge (`history`).
    fn git(&self, guide: GuideId, path: &str) -> PageGit {
        let Some(history) = self.inputs.history else { return PageGit::default() };
        let rel = &self.inputs.guides[guide].source;
        let iso = history.updated(rel).map(str::to_string);
        // A guide git does not have (new, or ignored) has no page on the forge yet.
        let forge = history.forge.as_ref().filter(|_| history.dates.contains_key(rel));
        let file = format!("{}{rel}", history.content_prefix);
        let page = self.inputs.base_url.map_or_else(|| format!("/{path}"), |base| format!("{base}{path}"));
        let title = &self.inputs.guides[guide].title;
        PageGit {
            updated: iso.as_deref().and_then(french_date),
            updated_iso: iso,
            edit_url: forge.map(|f| f.edit_url(&file)),
            report_url: forge.map(|f| f.report_url(title, &page)),
        }
    }

    /// The home page and the folders above the page.
    fn breadcrumb(&self, page: PageRef, from: &str) -> Vec<Link> {
        let tree = self.inputs.tree;
        let mut parent = match page {
            PageRef::Section(s) => tree.sections[s].parent,
            PageRef::Guide(g) => Some(tree.guide_section[g]),
        };
        let mut crumbs = Vec::new();
        while let Some(s) = parent {
            let section = &tree.sections[s];
            let title = if s.is_root() { "Accueil".to_string() } else { self.section_title(s) };
            crumbs.push(Link { title, url: relative_url(from, &section.path) });
            parent = section.parent;
        }
        crumbs.reverse();
        crumbs
    }

    fn section_title(&self, s: SectionId) -> String {
        let section = &self.inputs.tree.sections[s];
        section.index.map_or_else(|| section.title.clone(), |g| self.inputs.guides[g].title.clone())
    }

    fn page_title(&self, page: PageRef) -> String {
        match page {
            PageRef::Section(s) if s.is_root() => "Accueil".to_string(),
            PageRef::Section(s) => self.section_title(s),
            PageRef::Guide(g) => self.inputs.guides[g].title.clone(),
        }
    }

    fn neighbour(&self, page: PageRef, from: &str, step: isize) -> Option<Link> {
        let order = &self.inputs.tree.reading_order;
        let here = *self.position.get(&page)?;
        let there = order.get(here.checked_add_signed(step)?)?;
        let url = relative_url(from, self.inputs.tree.page_path(*there));
        Some(Link { title: self.page_title(*there), url })
    }

    /// "Pages qui renvoient ici": each guide linking here, with the section the link stands in.
    fn backlinks(&self, guide: GuideId, from: &str) -> Vec<Backlink> {
        let guides = self.inputs.guides;
        self.linked_from[guide]
            .iter()
            .map(|&(source, heading)| {
                let heading = heading.and_then(|h| guides[source].headings.get(h));
                let page = relative_url(from, &self.inputs.tree.guide_paths[source]);
                let url = match heading {
                    Some(h) if h.level > 1 => format!("{page}#{}", h.id),
                    _ => page,
                };
                let section = heading.filter(|h| h.level > 1).map(|h| h.text.clone());
                Backlink { title: guides[source].title.clone(), url, section }
            })
            .collect()
    }

    fn children(&self, s: SectionId, from: &str) -> Vec<ListItem> {
        let tree = self.inputs.tree;
        let section = &tree.sections[s];
        let guides = section.guides.iter().map(|&g| ListItem {
            title: self.inputs.guides[g].title.clone(),
            url: relative_url(from, &tree.guide_paths[g]),
            description: self.inputs.guides[g].description.clone(),
            is_section: false,
            guides: Vec::new(),
            more: 0,
        });
        let small = tree.guide_paths.len() <= SMALL_SITE_GUIDES;
        let folders = section.sections.iter().map(|&child| {
            let inside = &tree.sections[child].guides;
            let listed = if small { inside.len().min(FOLDER_CARD_GUIDES) } else { 0 };
            ListItem {
                title: self.section_title(child),
                url: relative_url(from, &tree.sections[child].path),
                description: tree.sections[child]
                    .index
                    .map(|g| self.inputs.guides[g].description.clone())
                    .unwrap_or_default(),
                is_section: true,
                guides: (inside[..listed].iter())
                    .map(|&g| Link {
                        title: self.inputs.guides[g].title.clone(),
                        url: relative_url(from, &tree.guide_paths[g]),
                    })
                    .collect(),
                more: if small { inside.len() - listed } else { 0 },
            }
        });
        guides.chain(folders).collect()
    }
}

/// "Sur cette page": every heading of the page, each under the nearest heading above it of a
/// higher level (an H4 right under an H2 goes under the H2). The page's title, its one H1 when
/// that H1 comes first, is left out; a page with several H1s lists them all.
pub fn toc(headings: &[Heading]) -> Vec<TocEntry> {
    let title_is_first = headings.first().is_some_and(|h| h.level == 1)
        && headings.iter().filter(|h| h.level == 1).count() == 1;
    let mut roots: Vec<TocEntry> = Vec::new();
    // The open entries, outermost first: the path from a root to the last entry added.
    let mut open: Vec<TocEntry> = Vec::new();
    for (i, heading) in headings.iter().enumerate() {
        if i == 0 && title_is_first {
            continue;
        }
        while open.last().is_some_and(|e| e.level >= heading.level) {
            close_last(&mut open, &mut roots);
        }
        open.push(TocEntry {
            id: heading.id.clone(),
            text: heading.text.clone(),
            level: heading.level,
            children: Vec::new(),
        });
    }
    while !open.is_empty() {
        close_last(&mut open, &mut roots);
    }
    roots
}

/// Moves the innermost open entry into its parent, or among the roots.
fn close_last(open: &mut Vec<TocEntry>, roots: &mut Vec<TocEntry>) {
    if let Some(entry) = open.pop() {
        match open.last_mut() {
            Some(parent) => parent.children.push(entry),
            None => roots.push(entry),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(level: u8, id: &str) -> Heading {
        Heading { level, id: id.into(), aliases: vec![], text: id.into() }
    }

    /// The outline as `id(children…)`, for short assertions.
    fn shape(entries: &[TocEntry]) -> String {
        let parts: Vec<String> = entries
            .iter()
            .map(|e| {
                if e.children.is_empty() {
                    e.id.clone()
                } else {
                    format!("{}({})", e.id, shape(&e.children))
                }
            })
            .collect();
        parts.join(" ")
    }

    #[test]
    fn toc_nests_every_level_under_the_nearest_higher_heading() {
        let outline = toc(&[h(1, "t"), h(3, "orphan"), h(2, "a"), h(3, "a1"), h(4, "deep"), h(2, "b")]);
        assert_eq!(shape(&outline), "orphan a(a1(deep)) b");
        let skipped = toc(&[h(2, "a"), h(4, "a-deep"), h(3, "a1"), h(6, "tiny"), h(2, "b"), h(5, "b5")]);
        assert_eq!(shape(&skipped), "a(a-deep a1(tiny)) b(b5)");
    }

    #[test]
    fn toc_lists_every_h1_of_a_page_with_several() {
        let outline = toc(&[h(1, "partie-1"), h(2, "a"), h(1, "partie-2"), h(2, "b"), h(3, "b1")]);
        assert_eq!(shape(&outline), "partie-1(a) partie-2(b(b1))");
        // One H1 that is not the first heading is not the page's title either.
        assert_eq!(shape(&toc(&[h(2, "intro"), h(1, "suite"), h(2, "x")])), "intro suite(x)");
    }

    #[test]
    fn toc_of_a_page_whose_headings_start_at_h3() {
        assert_eq!(shape(&toc(&[h(3, "a"), h(4, "a1"), h(3, "b")])), "a(a1) b");
        assert_eq!(shape(&toc(&[h(5, "a"), h(3, "b"), h(4, "b1")])), "a b(b1)");
        assert!(toc(&[h(1, "titre")]).is_empty());
    }
}
