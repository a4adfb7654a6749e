//! Outlining and cross-linking every guide, before any page is written.
//!
//! `outline_guides` runs in two steps. First, in parallel per guide, a chunk of guides at a
//! time, `Renderer::outline_with` (headings, title, description, search text) with a
//! `cross_link::Recorder` noting links, no HTML; each guide's search text is analysed on the
//! same thread at once (`search_text::GuideIndexing`), and a chunk's analyses are merged into
//! the index while the next chunk is outlined. Then, once every heading id is known,
//! `cross_link::resolve` turns the noted links into the answers the page writer replays
//! (`OutlinedGuides::render_html`), the broken-link diagnostics and the backlink edges.
//! Links with a scheme browsers may not open (`vscode:`) get one warning per scheme for the site.
//! For `carnet serve`, `OutlinedGuides::outline_again` redoes the first step for the guides an
//! edit touched without changing anything, and `take_in` takes the result in and redoes the
//! second where links may now lead elsewhere.

use std::ops::Index;
use std::sync::Arc;

use rayon::prelude::*;

use super::cross_link::{self, Edge, Recorded, Recorder, Replay, Resolution, Source};
use super::link_index::{GuideTargets, LinkIndex};
use super::redirects::old_path;
use super::search_text::{GuideIndexing, SearchGuide, SearchIndexing};
use super::tree::{is_index_file, title_from_name, SiteTree};
use crate::config::BrokenLinks;
use crate::content::jekyll::Collections;
use crate::content::{Found, Guide, GuideId, PerGuide};
use crate::error::{Diagnostic, Location, Severity};
use crate::markdown::{Heading, RenderedMarkdown, Renderer, Section};
use crate::search::AnalysedPage;

/// What every guide holds once outlined and cross-linked: all the rest of the build needs,
/// except each page's HTML, which is rendered when the page is written. What belongs to one
/// guide is its `OutlinedGuide` (`outlined[g]`): a new per-guide field goes there.
#[derive(Debug, Default)]
pub struct OutlinedGuides {
    guides: PerGuide<OutlinedGuide>,
    /// `http(s)://` links with where they are written, for `carnet check --external`.
    pub externals: Vec<(String, Location)>,
    /// `http(s)://` images and media, with where they are written (`csp::blocked`).
    pub embeds: Vec<(String, Location)>,
    /// One warning per unknown scheme of the whole site (`scheme_notes`).
    pub scheme_notes: Vec<Diagnostic>,
    /// Every guide's URL, ids and files: kept by the preview only, for its updates.
    pub index: Option<LinkIndex>,
    /// What broken links are (warnings in `carnet serve`, or with `[links] broken = "warn"`).
    pub broken: BrokenLinks,
}

/// What one guide holds once outlined and cross-linked.
#[derive(Debug, Default)]
pub struct OutlinedGuide {
    pub title: String,
    /// Short description for meta tags and listings.
    pub description: String,
    /// The date of its front matter (`YYYY-MM-DD`), for templates.
    pub date: Option<String>,
    /// The front matter keys carnet does not read, for templates (`page.extra`).
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Shared with the preview's search worker (`live`), hence the `Arc`s.
    pub headings: Arc<Vec<Heading>>,
    /// Plain text per section (code included), for the search index: empty once indexed, but in
    /// the preview, which indexes it again after each edit (`search_text::SearchText`).
    pub sections: Arc<Vec<Section>>,
    pub has_h1: bool,
    /// How many diagrams it draws (its page loads the diagram library when any).
    pub diagrams: usize,
    /// Source path relative to the content folder, with `/`.
    pub source: String,
    /// The links noted in it (kept by the preview only, for `take_in`).
    pub recorded: Recorded,
    /// Its resolved links: answers for the page writer, diagnostics, edges to other guides (for
    /// backlinks).
    pub links: Resolution,
    /// What the outline found beside links (explicit ids written twice).
    pub notes: Vec<Diagnostic>,
    /// The links whose scheme browsers may not open: (scheme, where).
    pub unknown_schemes: Vec<(String, Location)>,
}

impl Index<GuideId> for OutlinedGuides {
    type Output = OutlinedGuide;

    fn index(&self, id: GuideId) -> &OutlinedGuide {
        &self.guides[id]
    }
}

/// How `outline_guides` treats links.
#[derive(Debug, Clone, Copy)]
pub struct LinkSettings<'a> {
    /// The content folder as written in `carnet.toml`: `content/GUIDE.md` names a guide too.
    pub content_dir: &'a str,
    /// The preview keeps what `OutlinedGuides::outline_again` needs.
    pub preview: bool,
    pub broken: BrokenLinks,
    /// The files of `static/`, by their path from the site root: guides may link to them.
    pub statics: &'a [String],
    /// The collections of a content folder written for Jekyll: links may name their guides by
    /// Jekyll's addresses.
    pub collections: Option<&'a Collections>,
    /// A content folder written for Docusaurus: Markdown links are also read from its root.
    pub docusaurus: bool,
}

/// Which guides a `take_in` outlined again, and which other guides' links now lead elsewhere:
/// the HTML of both has changed.
#[derive(Debug, Default)]
pub struct Updated {
    pub outlined: Vec<GuideId>,
    pub relinked: Vec<GuideId>,
    /// Guides linked to before or after by a guide cross-linked again: their backlinks may differ.
    pub link_targets: Vec<GuideId>,
}

/// Guides outlined at once: their section text is held until the chunk is indexed.
const CHUNK: usize = 256;

/// Outlines and cross-links every guide; hands each chunk's section text to `search` as soon as
/// the chunk is outlined.
pub fn outline_guides(
    guides: &PerGuide<Guide>,
    files: &[Found],
    tree: &SiteTree,
    renderer: &Renderer,
    settings: &LinkSettings,
    search: &mut SearchIndexing,
) -> OutlinedGuides {
    let LinkSettings { preview, broken, .. } = *settings;
    let mut index = link_index(guides, files, tree, settings);
    let mut out =
        OutlinedGuides { guides: PerGuide::with_capacity(guides.len()), broken, ..Default::default() };
    let mut anchors = Vec::with_capacity(guides.len());
    let ids: Vec<GuideId> = guides.ids().collect();
    let (indexing, mut merging) = search.parts();
    let mut analysed = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        // Outlining reads no other guide's headings: they are set once every guide is outlined.
        // The chunk before this one is merged into the search index meanwhile, so that no core
        // waits for the other between chunks.
        let previous = std::mem::take(&mut analysed);
        let outline_chunk = || {
            let one = |&i: &GuideId| {
                outline_and_index(&index, i, &guides[i], &tree.guide_paths[i], renderer, &indexing)
            };
            chunk.par_iter().map(one).collect::<Vec<_>>()
        };
        let (outlined, ()) = rayon::join(outline_chunk, || merging.add(previous));
        for one in outlined {
            out.externals.extend(one.externals);
            out.embeds.extend(one.embeds);
            anchors.push(one.anchors);
            out.guides.push(one.guide);
            analysed.extend(one.analysed);
        }
    }
    merging.add(analysed);
    index.set_every_heading(out.guides.iter().map(|g| Arc::clone(&g.headings)).zip(anchors));
    out.scheme_notes = scheme_notes(&out.guides);
    out.guides.par_iter_mut_enumerated().for_each(|(i, outlined)| {
        outlined.links = resolve(&index, i, &guides[i], tree, &outlined.recorded, broken);
        if !preview {
            // Only the preview's updates resolve links again: a build lets each guide's noted
            // links go once resolved.
            outlined.recorded = Recorded::default();
        }
    });
    if preview {
        out.index = Some(index);
    }
    out
}

/// What a link of the guides may lead to: guides, content and static files, old addresses;
/// headings are set once the guides are outlined.
fn link_index(
    guides: &PerGuide<Guide>,
    files: &[Found],
    tree: &SiteTree,
    settings: &LinkSettings,
) -> LinkIndex {
    let targets = guides.iter().zip(&tree.guide_paths).map(|(guide, path)| GuideTargets {
        rel: slash_path(&guide.rel),
        path: path.clone(),
        ..GuideTargets::default()
    });
    // carnet's `aliases` first: the old addresses written for other generators give way.
    let old_paths = |lenient: bool| {
        guides.iter_enumerated().flat_map(move |(i, guide)| {
            let aliases = if lenient { &guide.front.redirect_from } else { &guide.front.aliases };
            aliases.iter().filter_map(move |alias| Some((old_path(alias)?, i)))
        })
    };
    // Then the addresses Jekyll gives the documents of its collections.
    let jekyll = settings.collections.into_iter().flat_map(|collections| {
        guides.iter_enumerated().flat_map(move |(i, guide)| {
            collections.addresses(&slash_path(&guide.rel)).into_iter().map(move |address| (address, i))
        })
    });
    LinkIndex::new(targets.collect(), files.iter().map(|f| slash_path(&f.rel)))
        .with_content_prefix(settings.content_dir)
        .with_static_files(settings.statics.iter().cloned())
        .with_landing_pages(tree.landing_pages())
        .with_folder_pages(tree.folder_pages())
        .with_old_paths(old_paths(false).chain(old_paths(true)).chain(jekyll))
        .with_markdown_links_from_root(settings.docusaurus)
}

impl OutlinedGuides {
    /// Every guide, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, OutlinedGuide> {
        self.guides.iter()
    }

    /// Every guide with its id, in order.
    pub fn iter_enumerated(&self) -> impl Iterator<Item = (GuideId, &OutlinedGuide)> {
        self.guides.iter_enumerated()
    }

    /// Every diagnostic of the guides, guide by guide, then one per unknown link scheme.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        let per_guide = self.guides.iter().flat_map(|g| g.notes.iter().chain(&g.links.diagnostics));
        per_guide.chain(&self.scheme_notes)
    }

    /// Every link from one guide to another.
    pub fn edges(&self) -> impl Iterator<Item = &Edge> {
        self.guides.iter().flat_map(|g| &g.links.edges)
    }

    /// The HTML of guide `i`: its Markdown rendered again, with the links answered as resolved.
    pub fn render_html(&self, i: GuideId, guide: &Guide, renderer: &Renderer) -> String {
        let outlined = &self.guides[i];
        renderer.html_with(guide.body(), &mut Replay::new(&outlined.links.answers), &outlined.headings)
    }

    /// Outlines again the new text of edited guides (same files, same URLs), without changing
    /// anything: `take_in` then takes the result in. `None` when these guides were outlined
    /// without what an update needs (`LinkSettings::preview`).
    pub fn outline_again(&self, edited: &[(GuideId, &Guide)], renderer: &Renderer) -> Option<Reoutlined> {
        let index = self.index.as_ref()?;
        let guides = edited
            .par_iter()
            .map(|&(i, guide)| {
                let outlined = outline(index, i, guide, renderer);
                let (title, description) = outlined.names(guide);
                // Which content files a link leads to does not depend on heading ids: the index
                // as it stands answers for the guide's new links.
                let files = cross_link::linked_files(index, i, &outlined.recorded);
                Reoutline { i, outlined, title, description, files }
            })
            .collect();
        Some(Reoutlined { guides })
    }

    /// Takes in guides outlined again (`outline_again`), whose new text `guides` now holds, then
    /// resolves the links of every guide whose links may now lead elsewhere — the edited guides,
    /// the guides linking to them when their ids changed, and the guides with broken links (an
    /// anchor may have appeared).
    pub fn take_in(&mut self, reoutlined: Reoutlined, guides: &PerGuide<Guide>, tree: &SiteTree) -> Updated {
        let Some(mut index) = self.index.take() else { return Updated::default() };
        let changed: Vec<GuideId> = reoutlined.guides.iter().map(|g| g.i).collect();
        let mut ids_changed = Vec::new();
        for Reoutline { i, mut outlined, .. } in reoutlined.guides {
            let ids_change = *self.guides[i].headings != outlined.rendered.headings
                || index.guide(i).anchors != outlined.rendered.anchors;
            let anchors = std::mem::take(&mut outlined.rendered.anchors);
            self.set_outlined(i, outlined, &guides[i]);
            if ids_change {
                ids_changed.push(i);
                index.set_headings(i, Arc::clone(&self.guides[i].headings), anchors);
            }
        }
        let (relinked, link_targets) = self.relink(&index, &changed, &ids_changed, guides, tree);
        self.scheme_notes = scheme_notes(&self.guides);
        self.index = Some(index);
        Updated { outlined: changed, relinked, link_targets }
    }

    /// Puts guide `i`, outlined again, in place of its old outline.
    fn set_outlined(&mut self, i: GuideId, outlined: Outlined, guide: &Guide) {
        self.externals.retain(|(_, at)| at.path != guide.path);
        self.embeds.retain(|(_, at)| at.path != guide.path);
        self.embeds
            .extend(outlined.embeds.iter().map(|(url, offset)| (url.clone(), location(guide, *offset))));
        self.externals
            .extend(outlined.externals.iter().map(|(url, offset)| (url.clone(), location(guide, *offset))));
        // The same file, and links resolved again by `relink`, which compares them first.
        let source = std::mem::take(&mut self.guides[i].source);
        let links = std::mem::take(&mut self.guides[i].links);
        self.guides[i] = OutlinedGuide { links, ..outlined.into_guide(guide, source) };
    }

    /// Resolves again the links of the guides `changed` and of those linking into a guide whose
    /// ids changed: the guides whose answers changed, and the guides linked to before or after.
    fn relink(
        &mut self,
        index: &LinkIndex,
        changed: &[GuideId],
        ids_changed: &[GuideId],
        guides: &PerGuide<Guide>,
        tree: &SiteTree,
    ) -> (Vec<GuideId>, Vec<GuideId>) {
        let mut relink: Vec<GuideId> = changed.to_vec();
        for (from, outlined) in self.guides.iter_enumerated() {
            let links = &outlined.links;
            let into_changed = links.edges.iter().map(|e| &e.to).chain(&links.broken_into);
            if into_changed.into_iter().any(|to| ids_changed.contains(to)) {
                relink.push(from);
            }
        }
        relink.sort_unstable();
        relink.dedup();
        let resolved: Vec<Resolution> = relink
            .par_iter()
            .map(|&i| resolve(index, i, &guides[i], tree, &self.guides[i].recorded, self.broken))
            .collect();
        let mut relinked = Vec::new();
        let mut link_targets = Vec::new();
        for (&i, resolution) in relink.iter().zip(resolved) {
            let links = &mut self.guides[i].links;
            if links.answers != resolution.answers {
                relinked.push(i);
            }
            link_targets.extend(links.edges.iter().chain(&resolution.edges).map(|e| e.to));
            *links = resolution;
        }
        link_targets.sort_unstable();
        link_targets.dedup();
        (relinked, link_targets)
    }
}

/// Guides outlined again after an edit, not yet taken in (`OutlinedGuides::outline_again`).
pub struct Reoutlined {
    guides: Vec<Reoutline>,
}

/// One guide outlined again.
struct Reoutline {
    i: GuideId,
    outlined: Outlined,
    title: String,
    description: String,
    /// The content files its links lead to.
    files: Vec<String>,
}

impl Reoutlined {
    /// Each guide's id, new title and new description.
    pub fn names(&self) -> impl Iterator<Item = (GuideId, &str, &str)> {
        self.guides.iter().map(|g| (g.i, g.title.as_str(), g.description.as_str()))
    }

    /// The content files the guides' links lead to.
    pub fn linked_files(&self) -> impl Iterator<Item = &str> {
        self.guides.iter().flat_map(|g| g.files.iter().map(String::as_str))
    }
}

/// One guide outlined: what the Markdown holds, and the links its recorder noted.
struct Outlined {
    rendered: RenderedMarkdown,
    recorded: Recorded,
    externals: Vec<(String, usize)>,
    embeds: Vec<(String, usize)>,
    unknown_schemes: Vec<(String, usize)>,
}

fn outline(index: &LinkIndex, i: GuideId, guide: &Guide, renderer: &Renderer) -> Outlined {
    let mut recorder = Recorder::new(index, i, guide.body());
    let rendered = renderer.outline_with(guide.body(), &mut recorder);
    let mut recorded = recorder.recorded;
    // Held until every guide is outlined and resolved: without the room the lists grew.
    recorded.calls.shrink_to_fit();
    recorded.noted.shrink_to_fit();
    Outlined {
        rendered,
        recorded,
        externals: recorder.externals,
        embeds: recorder.embeds,
        unknown_schemes: recorder.unknown_schemes,
    }
}

/// One guide outlined on a worker thread: all of it that `outline_guides` gathers.
struct OutlinedOne {
    guide: OutlinedGuide,
    /// The raw HTML anchors of its text (`LinkIndex::set_every_heading`).
    anchors: Vec<String>,
    externals: Vec<(String, Location)>,
    embeds: Vec<(String, Location)>,
    /// Its search terms, to merge in guide order (`None` when nothing is indexed).
    analysed: Option<AnalysedPage>,
}

/// Outlines guide `i` (published at `url`) and hands its section text to the search index.
fn outline_and_index(
    index: &LinkIndex,
    i: GuideId,
    guide: &Guide,
    url: &str,
    renderer: &Renderer,
    indexing: &GuideIndexing,
) -> OutlinedOne {
    let mut outlined = outline(index, i, guide, renderer);
    let located = |links: Vec<(String, usize)>| -> Vec<(String, Location)> {
        links.into_iter().map(|(url, at)| (url, location(guide, at))).collect()
    };
    let externals = located(std::mem::take(&mut outlined.externals));
    let embeds = located(std::mem::take(&mut outlined.embeds));
    let anchors = std::mem::take(&mut outlined.rendered.anchors);
    let mut guide = outlined.into_guide(guide, slash_path(&guide.rel));
    let analysed = indexing.take(SearchGuide {
        title: &guide.title,
        url,
        headings: &guide.headings,
        sections: &mut guide.sections,
    });
    OutlinedOne { guide, anchors, externals, embeds, analysed }
}

impl Outlined {
    fn unknown_schemes(&self, guide: &Guide) -> Vec<(String, Location)> {
        self.unknown_schemes
            .iter()
            .map(|(scheme, offset)| (scheme.clone(), location(guide, *offset)))
            .collect()
    }

    /// The guide's title and short description.
    fn names(&self, guide: &Guide) -> (String, String) {
        let r = &self.rendered;
        let title = guide_title(guide, r.title.as_deref());
        let description = guide.front.description.as_ref().or(r.description.as_ref());
        (title, short_description(description.map_or("", String::as_str)))
    }

    /// What the rest of the build keeps of the guide, `source` its path (`slash_path`); its
    /// links are resolved later.
    fn into_guide(self, guide: &Guide, source: String) -> OutlinedGuide {
        let notes = duplicate_id_notes(guide, &self.rendered.duplicate_ids);
        let unknown_schemes = self.unknown_schemes(guide);
        let (title, description) = self.names(guide);
        let r = self.rendered;
        OutlinedGuide {
            title,
            description,
            date: guide.front.date.clone(),
            extra: guide.front.extra.clone(),
            headings: Arc::new(r.headings),
            sections: Arc::new(r.sections),
            has_h1: r.title.is_some(),
            diagrams: r.diagrams,
            source,
            recorded: self.recorded,
            links: Resolution::default(),
            notes,
            unknown_schemes,
        }
    }
}

/// One warning per link scheme browsers may not open, at its first link, with how many links
/// and guides use it: a site linking to `vscode:` a hundred times says it once.
fn scheme_notes(guides: &PerGuide<OutlinedGuide>) -> Vec<Diagnostic> {
    let mut schemes: Vec<(&str, &Location, usize, usize)> = Vec::new();
    for links in guides.iter().map(|g| &g.unknown_schemes) {
        let mut seen_here: Vec<&str> = Vec::new();
        for (scheme, at) in links {
            let new_guide = !seen_here.contains(&scheme.as_str());
            if new_guide {
                seen_here.push(scheme);
            }
            match schemes.iter_mut().find(|(s, ..)| *s == scheme) {
                Some((_, _, links, guides)) => {
                    *links += 1;
                    *guides += usize::from(new_guide);
                }
                None => schemes.push((scheme, at, 1, 1)),
            }
        }
    }
    schemes
        .into_iter()
        .map(|(scheme, at, links, guides)| {
            let message = format!(
                "links with the scheme `{scheme}:` ({links} link(s) in {guides} guide(s), the first \
                 here): browsers open it only where an application handles it; it is left as written"
            );
            Diagnostic::warning(at.clone(), message)
        })
        .collect()
}

fn resolve(
    index: &LinkIndex,
    i: GuideId,
    guide: &Guide,
    tree: &SiteTree,
    recorded: &Recorded,
    broken: BrokenLinks,
) -> Resolution {
    let source = Source { path: &guide.path, text: &guide.text, body_start: guide.body_start };
    let mut resolution = cross_link::resolve(index, i, &tree.guide_paths[i], recorded, &source);
    if broken == BrokenLinks::Warn {
        let broken_links = resolution.diagnostics.iter_mut().filter(|d| d.kind.is_broken_link());
        broken_links.for_each(|d| d.severity = Severity::Warning);
    }
    resolution
}

fn location(guide: &Guide, offset: usize) -> Location {
    Location::from_offset(&guide.path, &guide.text, guide.body_start + offset)
}

/// Explicit ids written twice in a guide.
fn duplicate_id_notes(guide: &Guide, duplicate_ids: &[String]) -> Vec<Diagnostic> {
    let mut notes = Vec::new();
    for (n, id) in duplicate_ids.iter().enumerate() {
        // The k-th repeat of an id is its (k+1)-th `{#id}` in the text.
        let repeat = duplicate_ids[..n].iter().filter(|d| *d == id).count() + 1;
        let offset = guide.body().match_indices(&format!("{{#{id}}}")).nth(repeat).map_or(0, |(i, _)| i);
        let message =
            format!("explicit id `#{id}` is used twice in this page; the later one became `#{id}-1`");
        notes.push(Diagnostic::warning(location(guide, offset), message));
    }
    notes
}

/// Front matter title, else the first H1, else the file name (`02_mise-en-route.md` →
/// `Mise en route`), or the folder's name for its landing page (`10-install/_index.md` →
/// `Install`).
fn guide_title(guide: &Guide, h1: Option<&str>) -> String {
    if let Some(title) = guide.front.title.clone().or_else(|| h1.map(str::to_string)) {
        return title;
    }
    let folder = guide.rel.parent().and_then(|p| p.file_name()).filter(|_| is_index_file(&guide.rel));
    let name = folder.or_else(|| guide.rel.file_stem()).unwrap_or_default();
    title_from_name(&name.to_string_lossy())
}

pub fn slash_path(path: &std::path::Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// A description for meta tags: the first paragraph, cut at a word near 160 characters.
pub fn short_description(text: &str) -> String {
    const MAX: usize = 160;
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= MAX {
        return text;
    }
    let cut: String = text.chars().take(MAX).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_descriptions_are_cut_at_a_word() {
        let text = "mot ".repeat(100);
        let short = short_description(&text);
        assert!(short.ends_with("mot…"), "{short}");
        assert!(short.chars().count() <= 161);
    }
}
