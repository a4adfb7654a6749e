//! Markdown → HTML: pure, no I/O. Entry points: `Renderer::render` and `Renderer::render_with`,
//! and `Renderer::outline_with` for what a page holds without its HTML.
//!
//! `Renderer::new` makes what is shared by every page: the code cache, and syntect's syntaxes
//! and the palette CSS, loaded on first use or ahead of it (`load_in_background`).
//!
//! Rendering a page: 1. `parse` into pulldown-cmark events (raw HTML blocks joined, heading
//! `{…}` checked), 2. `summary` (first paragraph, plain text per section), 3. `code` (code
//! blocks → figures, ```` ```mermaid ```` → diagrams), 4. `link_pass` (the caller's
//! `LinkHook`, told which heading each link stands under, Markdown or raw HTML; anchors of raw
//! HTML), 5. `headings` (ids, aliases, permalinks), 6. `blocks` (callouts, tables, footnotes),
//! 7. serialize to HTML.

mod admonitions;
mod blocks;
mod code;
mod console;
mod containers;
mod escape;
mod fence;
mod gitbook;
mod headings;
mod highlight;
mod html;
mod line_cache;
mod link_pass;
pub mod liquid;
mod parse;
mod procfile;
mod rendered;
mod summary;

use std::sync::{Arc, OnceLock};

pub use link_pass::{is_guide_name, LinkHook, LinkSite, NoLinks, Reference};
pub use rendered::{Heading, RenderedMarkdown, Section};
pub use summary::BLOCK_SEPARATOR;

/// Renders Markdown; built once per build and shared by the threads (`Send + Sync`).
pub struct Renderer {
    /// Loaded once, when first needed: outlining a site highlights nothing, so a build loads it
    /// on another thread while the guides are read (`load_in_background`).
    highlighter: OnceLock<highlight::Highlighter>,
    cache: code::CodeCache,
}

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

impl Renderer {
    /// A renderer whose cache keeps every highlighted code block: the preview renders pages
    /// again after each edit.
    pub fn new() -> Self {
        Renderer { highlighter: OnceLock::new(), cache: code::CodeCache::new(false) }
    }

    /// A renderer for one build, whose cache keeps only the code blocks met twice (`CodeCache`).
    pub fn for_one_build() -> Self {
        Renderer { highlighter: OnceLock::new(), cache: code::CodeCache::new(true) }
    }

    /// Starts loading the syntax set and building the palette CSS (a few milliseconds of one
    /// core) on a pool thread, while the caller goes on; the first page to need them waits for
    /// them if they are not ready yet.
    pub fn load_in_background(self: &Arc<Self>) {
        let renderer = Arc::clone(self);
        rayon::spawn(move || {
            renderer.highlighter();
        });
    }

    fn highlighter(&self) -> &highlight::Highlighter {
        self.highlighter.get_or_init(highlight::Highlighter::new)
    }

    /// Renders a guide with links left as written.
    pub fn render(&self, markdown: &str) -> RenderedMarkdown {
        self.render_with(markdown, &mut NoLinks)
    }

    /// Renders a guide, letting `hook` rewrite link targets and link inline code.
    pub fn render_with(&self, markdown: &str, hook: &mut impl LinkHook) -> RenderedMarkdown {
        let events = parse::events(markdown);
        let summary = summary::summarize(&events);
        let diagrams = code::count_diagrams(&events);
        let events = code::render_blocks(events, self.highlighter(), &self.cache);
        let (events, anchors) = link_pass::apply(events, hook, &mut link_pass::Spans::default());
        let (events, headings, duplicate_ids) = headings::assign_ids(events);
        let html = serialize(events, markdown.len());
        let title = headings.iter().find(|h| h.level == 1).map(|h| h.text.clone());
        RenderedMarkdown {
            html,
            headings,
            title,
            description: summary.description,
            sections: summary.sections,
            duplicate_ids,
            anchors,
            diagrams,
        }
    }

    /// Only the HTML of `render_with`, for a guide already outlined (`outline_with` gave its
    /// `headings`): the ids and the plain text of the sections are not worked out again.
    pub fn html_with(&self, markdown: &str, hook: &mut impl LinkHook, headings: &[Heading]) -> String {
        let events = parse::events(markdown);
        let events = code::render_blocks(events, self.highlighter(), &self.cache);
        let (events, _) = link_pass::apply(events, hook, &mut link_pass::Spans::default());
        let events = headings::apply_ids(events, headings);
        serialize(events, markdown.len())
    }

    /// Everything `render_with` finds but the HTML: headings, title, description, sections, and
    /// the same calls to `hook` in the same order. Code blocks are not highlighted and nothing is
    /// serialized, so the whole site can be outlined (and cross-linked) cheaply before any page
    /// is written; `html` is empty. The hook is told where each link is written (`LinkSite::span`).
    pub fn outline_with(&self, markdown: &str, hook: &mut impl LinkHook) -> RenderedMarkdown {
        let mut spans = link_pass::Spans::default();
        let events = parse::events_noting(markdown, &mut spans);
        let summary = summary::summarize(&events);
        let diagrams = code::count_diagrams(&events);
        let events = code::skip_blocks(events);
        let (events, anchors) = link_pass::apply(events, hook, &mut spans);
        let (headings, duplicate_ids) = headings::outline_ids(&events);
        let title = headings.iter().find(|h| h.level == 1).map(|h| h.text.clone());
        RenderedMarkdown {
            html: String::new(),
            headings,
            title,
            description: summary.description,
            sections: summary.sections,
            duplicate_ids,
            anchors,
            diagrams,
        }
    }

    /// CSS for the highlighting classes: light palette, then the dark one (CONTRACT.md).
    pub fn highlight_css(&self) -> String {
        self.highlighter().css().to_string()
    }
}

/// Callouts, tables and footnotes, then the HTML.
fn serialize(events: Vec<pulldown_cmark::Event<'_>>, source_len: usize) -> String {
    let events = blocks::rewrite(events);
    let mut html = String::with_capacity(source_len * 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

#[cfg(test)]
mod tests;
