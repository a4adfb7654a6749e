//! Rendering every guide's Markdown, cross-linked.
//!
//! `render_guides` runs, in parallel per guide: 1. Markdown → HTML with a `linker::Recorder`
//! noting links; then, once every heading id is known, 2. `linker::resolve` writes the final
//! URLs and reports broken links. It returns each guide's parts (title, description, HTML,
//! headings) by guide index, the backlink edges, and the diagnostics.

use rayon::prelude::*;

use super::linker::{self, Edge, Recorder, Source};
use super::links::{GuideTargets, LinkIndex};
use super::pages::short_description;
use super::tree::SiteTree;
use crate::content::{Found, Guide};
use crate::error::{Diagnostic, Location};
use crate::markdown::{Heading, RenderedMarkdown, Renderer, Section};

/// The rendered parts of every guide, by guide index.
#[derive(Debug, Default)]
pub struct RenderedGuides {
    pub titles: Vec<String>,
    /// Short descriptions for meta tags and listings.
    pub descriptions: Vec<String>,
    pub html: Vec<String>,
    pub headings: Vec<Vec<Heading>>,
    /// Plain text per section (code included), for the search index.
    pub sections: Vec<Vec<Section>>,
    pub has_h1: Vec<bool>,
    /// Source paths relative to the content folder, with `/`.
    pub sources: Vec<String>,
    /// Links between guides (`from` ≠ `to`), for backlinks.
    pub edges: Vec<Edge>,
    /// `http(s)://` links with where they are written, for `carnet check --external`.
    pub externals: Vec<(String, Location)>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn render_guides(
    guides: &[Guide],
    files: &[Found],
    tree: &SiteTree,
    renderer: &Renderer,
    content_dir: &str,
) -> RenderedGuides {
    let sources: Vec<String> = guides.iter().map(|g| slash_path(&g.rel)).collect();
    let targets = sources.iter().zip(&tree.guide_paths).map(|(rel, path)| GuideTargets {
        rel: rel.clone(),
        path: path.clone(),
        ids: Vec::new(),
        aliases: Vec::new(),
    });
    let mut index = LinkIndex::new(targets.collect(), files.iter().map(|f| slash_path(&f.rel)))
        .with_content_prefix(content_dir);
    let mut out = RenderedGuides { sources, ..Default::default() };

    let first_pass: Vec<(RenderedMarkdown, Recorder)> = guides
        .par_iter()
        .enumerate()
        .map(|(i, guide)| {
            let mut recorder = Recorder::new(&index, i, guide.body());
            let rendered = renderer.render_with(guide.body(), &mut recorder);
            (rendered, recorder)
        })
        .collect();
    let mut noted = Vec::with_capacity(guides.len());
    let mut rendered = Vec::with_capacity(guides.len());
    for ((r, recorder), guide) in first_pass.into_iter().zip(guides) {
        note_first_pass(guide, &r, &recorder, &mut out);
        noted.push((recorder.noted, recorder.missing));
        rendered.push(r);
    }
    for (i, r) in rendered.iter().enumerate() {
        let aliases = r.headings.iter().flat_map(|h| h.aliases.iter().map(|a| (a.clone(), h.id.clone())));
        index.set_headings(i, r.headings.iter().map(|h| h.id.clone()).collect(), aliases.collect());
    }

    // Each first-pass HTML is dropped as soon as its links are filled in: the site's HTML is
    // held once, not twice (a 10,000-guide site has about 350 MB of it).
    let resolved: Vec<(RenderedMarkdown, linker::Resolution)> = noted
        .into_par_iter()
        .zip(rendered)
        .enumerate()
        .map(|(i, (links, mut r))| {
            let guide = &guides[i];
            let source = Source { path: &guide.path, text: &guide.text, body_start: guide.body_start };
            let html = std::mem::take(&mut r.html);
            let resolution = linker::resolve(&index, i, &tree.guide_paths[i], links, &html, &source);
            (r, resolution)
        })
        .collect();
    for (guide, (r, resolution)) in guides.iter().zip(resolved) {
        keep_parts(guide, r, resolution, &mut out);
    }
    out
}

/// What the first pass found beside links: external URLs (for `check --external`) and explicit
/// ids written twice.
fn note_first_pass(guide: &Guide, r: &RenderedMarkdown, recorder: &Recorder, out: &mut RenderedGuides) {
    let source = Source { path: &guide.path, text: &guide.text, body_start: guide.body_start };
    for (url, offset) in &recorder.externals {
        out.externals.push((url.clone(), source.location(*offset)));
    }
    for (n, id) in r.duplicate_ids.iter().enumerate() {
        // The k-th repeat of an id is its (k+1)-th `{#id}` in the text.
        let repeat = r.duplicate_ids[..n].iter().filter(|d| *d == id).count() + 1;
        let offset = guide.body().match_indices(&format!("{{#{id}}}")).nth(repeat).map_or(0, |(i, _)| i);
        let message =
            format!("explicit id `#{id}` is used twice in this page; the later one became `#{id}-1`");
        out.diagnostics.push(Diagnostic::warning(source.location(offset), message));
    }
}

/// Keeps the parts of a rendered guide the rest of the build needs.
fn keep_parts(guide: &Guide, r: RenderedMarkdown, resolution: linker::Resolution, out: &mut RenderedGuides) {
    out.titles.push(guide_title(guide, &r));
    let description = guide.front.description.clone().or(r.description).unwrap_or_default();
    out.descriptions.push(short_description(&description));
    out.has_h1.push(r.title.is_some());
    out.headings.push(r.headings);
    out.sections.push(r.sections);
    out.html.push(resolution.html);
    out.edges.extend(resolution.edges);
    out.diagnostics.extend(resolution.diagnostics);
}

/// Front matter title, else the first H1, else the file name.
fn guide_title(guide: &Guide, rendered: &RenderedMarkdown) -> String {
    guide
        .front
        .title
        .clone()
        .or_else(|| rendered.title.clone())
        .unwrap_or_else(|| guide.rel.file_stem().unwrap_or_default().to_string_lossy().replace('_', " "))
}

fn slash_path(path: &std::path::Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
