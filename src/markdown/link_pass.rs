//! The link pass: lets the caller rewrite link targets and turn file names into links.
//!
//! `LinkHook` is implemented by the site builder. `apply` calls `rewrite_link` for every link
//! and image destination, Markdown or raw HTML (`<a href>`, `<img src>`), and `reference` for
//! every guide file name (`GUIDE_X.md`) written in inline code or plain text outside links,
//! telling each time under which heading (by index in the page's headings) the link stands.
//! Email autolinks (`<equipe@exemple.fr>`) are written as `mailto:` links and not asked about.
//! Found references become links keeping their styling; missing ones are marked
//! `.missing-guide` with the French tooltip "Guide introuvable". It also gathers the anchors
//! raw HTML declares (`id`, `<a name>`).
//! With the parser's offsets (`Spans`, from `Renderer::outline_with`), each link and inline code
//! also comes with the bytes it is written in, so that messages point at the link itself.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::escape::escape_html;
use super::html::{self, Found};

/// Where a link stands: the index of the heading above it in the page, if any, whether it is
/// written in raw HTML (`<a href>`) rather than in Markdown, and the bytes of the Markdown the
/// link (`[texte](dest)`) or the inline code (`` `GUIDE.md` ``) is written in, when the renderer
/// was given them (a reference in plain text has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkSite {
    pub heading: Option<usize>,
    pub in_html: bool,
    /// Start and end of the link or inline code in the Markdown.
    pub span: Option<(usize, usize)>,
}

/// Where the parser found each link, image and inline code, in order, to tell the hook where
/// what it is asked about is written. Matched by destination (or code) rather than by count,
/// so that a pass adding or removing such events upstream of the link pass costs a location,
/// never a wrong one.
#[derive(Debug, Default)]
pub(crate) struct Spans<'a> {
    links: Vec<(CowStr<'a>, Range<usize>)>,
    codes: Vec<(CowStr<'a>, Range<usize>)>,
    next_link: usize,
    next_code: usize,
}

/// How far ahead of the last match a destination is looked for.
const SPAN_LOOKAHEAD: usize = 16;

impl<'a> Spans<'a> {
    /// The same spans, owning their text, each offset passed through `original` (from a text
    /// the parser read instead of the guide's to the guide's own).
    pub(crate) fn into_original(self, original: impl Fn(usize) -> usize) -> Spans<'static> {
        let map = |written: Vec<(CowStr<'a>, Range<usize>)>| {
            written
                .into_iter()
                .map(|(text, range)| (text.into_static(), original(range.start)..original(range.end)))
                .collect()
        };
        Spans { links: map(self.links), codes: map(self.codes), next_link: 0, next_code: 0 }
    }

    /// Notes where `event` is written, if it is a link, an image or inline code.
    pub(crate) fn note(&mut self, event: &Event<'a>, range: &Range<usize>) {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                self.links.push((dest_url.clone(), range.clone()));
            }
            Event::Code(code) => self.codes.push((code.clone(), range.clone())),
            _ => {}
        }
    }

    fn link(&mut self, dest: &str) -> Option<(usize, usize)> {
        Self::next(&self.links, &mut self.next_link, dest)
    }

    fn code(&mut self, code: &str) -> Option<(usize, usize)> {
        Self::next(&self.codes, &mut self.next_code, code)
    }

    fn next(
        written: &[(CowStr<'a>, Range<usize>)],
        next: &mut usize,
        wanted: &str,
    ) -> Option<(usize, usize)> {
        let mut ahead = written.get(*next..)?.iter().take(SPAN_LOOKAHEAD);
        let found = ahead.position(|(text, _)| text.as_ref() == wanted)?;
        let range = &written[*next + found].1;
        *next += found + 1;
        Some((range.start, range.end))
    }
}

/// What a bare file name leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// Not a guide name after all: leave the text as it is.
    NotAGuide,
    /// The guide exists: link to this destination.
    Found(String),
    /// A guide name, but no such guide.
    Missing,
}

/// What the link pass asks the caller. The defaults leave everything as it is.
pub trait LinkHook {
    /// A new destination for a link (`is_image` false) or an image, or `None` to keep it.
    fn rewrite_link(&mut self, _dest: &str, _is_image: bool, _at: LinkSite) -> Option<String> {
        None
    }

    /// What a guide file name (`GUIDE_X.md`, `dossier/AUTRE.md#section`) leads to.
    fn reference(&mut self, _name: &str, _at: LinkSite) -> Reference {
        Reference::NotAGuide
    }
}

/// The hook that changes nothing (what `Renderer::render` uses).
pub struct NoLinks;

impl LinkHook for NoLinks {}

const MISSING_TITLE: &str = "Guide introuvable";

/// The events with links rewritten, and the anchors declared in raw HTML.
pub(crate) fn apply<'a>(
    events: Vec<Event<'a>>,
    hook: &mut impl LinkHook,
    spans: &mut Spans<'_>,
) -> (Vec<Event<'a>>, Vec<String>) {
    // Linked guide names add three events each: some room for them.
    let mut out = Vec::with_capacity(events.len() + events.len() / 8);
    let mut anchors = Vec::new();
    let mut in_link = 0usize;
    let mut in_html_block = false;
    let mut at = LinkSite::default();
    let mut headings_seen = 0usize;
    for event in events {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                at.heading = Some(headings_seen);
                headings_seen += 1;
                out.push(event);
            }
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => {
                in_html_block = matches!(event, Event::Start(_));
                out.push(event);
            }
            Event::Html(raw) if in_html_block => {
                out.push(Event::Html(raw_html(raw, hook, at, &mut anchors)));
            }
            Event::InlineHtml(raw) => out.push(Event::InlineHtml(raw_html(raw, hook, at, &mut anchors))),
            // Footnotes are link targets too (`#fn-1`, `#fnref-1`, GitHub's names).
            Event::FootnoteReference(ref label) => {
                anchors.push(format!("fnref-{}", super::blocks::footnote_anchor(label)));
                out.push(event);
            }
            Event::Start(Tag::FootnoteDefinition(ref label)) => {
                anchors.push(format!("fn-{}", super::blocks::footnote_anchor(label)));
                out.push(event);
            }
            Event::Start(Tag::Link { link_type: LinkType::Email, .. }) => {
                in_link += 1;
                out.push(event);
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                in_link += 1;
                let site = LinkSite { span: spans.link(&dest_url), ..at };
                let dest_url = rewrite(hook, dest_url, false, site);
                out.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                in_link += 1;
                let site = LinkSite { span: spans.link(&dest_url), ..at };
                let dest_url = rewrite(hook, dest_url, true, site);
                out.push(Event::Start(Tag::Image { link_type, dest_url, title, id }));
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                in_link = in_link.saturating_sub(1);
                out.push(event);
            }
            Event::Code(code) if in_link == 0 && is_guide_name(&code) => {
                match hook.reference(&code, LinkSite { span: spans.code(&code), ..at }) {
                    Reference::Found(dest) => {
                        out.push(Event::Start(link_to(dest)));
                        out.push(Event::Code(code));
                        out.push(Event::End(TagEnd::Link));
                    }
                    Reference::Missing => out.push(Event::Html(
                        format!(
                            "<code class=\"missing-guide\" title=\"{MISSING_TITLE}\">{}</code>",
                            escape_html(&code)
                        )
                        .into(),
                    )),
                    Reference::NotAGuide => out.push(Event::Code(code)),
                }
            }
            Event::Text(text) if in_link == 0 && has_md(&text) => link_text(text, hook, at, &mut out),
            other => out.push(other),
        }
    }
    (out, anchors)
}

/// Raw HTML with its links rewritten by `hook`; its anchors are added to `anchors`.
fn raw_html<'a>(
    raw: CowStr<'a>,
    hook: &mut impl LinkHook,
    at: LinkSite,
    anchors: &mut Vec<String>,
) -> CowStr<'a> {
    if !raw.contains('=') {
        return raw;
    }
    let found = html::scan(&raw);
    anchors.extend(found.iter().filter_map(|f| match f {
        Found::Anchor(id) => Some(id.clone()),
        Found::Link { .. } => None,
    }));
    let at = LinkSite { in_html: true, ..at };
    match html::rewrite(&raw, &found, |dest, is_image| hook.rewrite_link(dest, is_image, at)) {
        Some(rewritten) => rewritten.into(),
        None => raw,
    }
}

fn rewrite<'a>(hook: &mut impl LinkHook, dest: CowStr<'a>, is_image: bool, at: LinkSite) -> CowStr<'a> {
    match hook.rewrite_link(&dest, is_image, at) {
        Some(new) => new.into(),
        None => dest,
    }
}

fn link_to<'a>(dest: String) -> Tag<'a> {
    Tag::Link {
        link_type: LinkType::Inline,
        dest_url: dest.into(),
        title: CowStr::Borrowed(""),
        id: CowStr::Borrowed(""),
    }
}

/// Splits plain text around the guide names it mentions, linking each found one.
fn link_text<'a>(text: CowStr<'a>, hook: &mut impl LinkHook, at: LinkSite, out: &mut Vec<Event<'a>>) {
    let mut rest: &str = &text;
    let mut pieces: Vec<Event<'a>> = Vec::new();
    let mut changed = false;
    while let Some((start, end)) = next_guide_name(rest) {
        let name = &rest[start..end];
        let replacement = match hook.reference(name, at) {
            Reference::Found(dest) => {
                vec![
                    Event::Start(link_to(dest)),
                    Event::Text(name.to_string().into()),
                    Event::End(TagEnd::Link),
                ]
            }
            Reference::Missing => vec![Event::Html(
                format!(
                    "<span class=\"missing-guide\" title=\"{MISSING_TITLE}\">{}</span>",
                    escape_html(name)
                )
                .into(),
            )],
            Reference::NotAGuide => {
                pieces.push(Event::Text(rest[..end].to_string().into()));
                rest = &rest[end..];
                continue;
            }
        };
        changed = true;
        if start > 0 {
            pieces.push(Event::Text(rest[..start].to_string().into()));
        }
        pieces.extend(replacement);
        rest = &rest[end..];
    }
    if !changed {
        out.push(Event::Text(text));
        return;
    }
    if !rest.is_empty() {
        pieces.push(Event::Text(rest.to_string().into()));
    }
    out.extend(pieces);
}

/// Characters a guide file name is made of (letters of any script, digits, `_ - . /`).
fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')
}

/// True for inline code that is exactly a guide name: `GUIDE_X.md`, `./dossier/AUTRE.md#sec`.
/// A bare `README.md`, `index.md` or `_index.md` names the convention, not a guide, and is left
/// alone.
pub fn is_guide_name(code: &str) -> bool {
    let name = code.split_once('#').map_or(code, |(name, _)| name);
    !is_generic_name(name)
        && name.len() > 3
        && name.to_ascii_lowercase().ends_with(".md")
        && name.chars().all(is_name_char)
        && name[..name.len() - 3].chars().any(char::is_alphanumeric)
        && !code.contains("://")
}

/// Whether `text` holds `.md`, where a guide name may be: asked of every text of every guide, so
/// with memchr's search rather than `str::contains` (which sets up a two-way search each time).
fn has_md(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), b".md").is_some()
}

fn is_generic_name(name: &str) -> bool {
    ["readme.md", "index.md", "_index.md"].iter().any(|generic| name.eq_ignore_ascii_case(generic))
}

/// The byte range of the next guide name in plain text: a run of name characters ending in `.md`
/// at a word boundary, not part of a URL.
fn next_guide_name(text: &str) -> Option<(usize, usize)> {
    let mut search = 0;
    while let Some(found) = memchr::memmem::find(&text.as_bytes()[search..], b".md") {
        let dot = search + found;
        let end = dot + 3;
        search = end;
        if text[end..].chars().next().is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let start =
            text[..dot].char_indices().rev().take_while(|(_, c)| is_name_char(*c)).last().map(|(i, _)| i);
        let Some(start) = start else { continue };
        let name = text[start..end].trim_start_matches(['.', '/']);
        let start = end - name.len();
        let before = &text[..start];
        if name.len() <= 3
            || is_generic_name(name)
            || before.ends_with("://")
            || before.ends_with(':')
            || before.ends_with('@')
        {
            continue;
        }
        return Some((start, end));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Renderer;

    struct Guides {
        sites: Vec<(String, LinkSite)>,
    }

    impl LinkHook for Guides {
        fn rewrite_link(&mut self, dest: &str, _is_image: bool, at: LinkSite) -> Option<String> {
            self.sites.push((dest.to_string(), at));
            dest.strip_prefix("AUTRE.md").map(|rest| format!("../autre/{rest}"))
        }

        fn reference(&mut self, name: &str, at: LinkSite) -> Reference {
            self.sites.push((name.to_string(), at));
            match name {
                "GUIDE_X.md" => Reference::Found("../guide-x/".into()),
                "ABSENT.md" => Reference::Missing,
                _ => Reference::NotAGuide,
            }
        }
    }

    fn render(markdown: &str) -> (String, Vec<(String, LinkSite)>) {
        let mut hook = Guides { sites: Vec::new() };
        let html = Renderer::new().render_with(markdown, &mut hook).html;
        (html, hook.sites)
    }

    /// The Markdown each link and reference of `markdown` is said to be written in.
    fn written_at(markdown: &str) -> Vec<(String, Option<&str>)> {
        let mut hook = Guides { sites: Vec::new() };
        Renderer::new().outline_with(markdown, &mut hook);
        hook.sites
            .into_iter()
            .map(|(dest, at)| (dest, at.span.map(|(start, end)| &markdown[start..end])))
            .collect()
    }

    #[test]
    fn links_and_code_are_placed_where_they_are_written_whatever_their_destination() {
        let markdown = "# T\n\n[vide]() [entité](b&amp;c.md) `GUIDE_X.md` ![i](<a b.png>)\n\n\
                        [réf][r] et GUIDE_X.md\n\n[r]: nulle&#45;part.md\n";
        assert_eq!(
            written_at(markdown),
            [
                ("".to_string(), Some("[vide]()")),
                ("b&c.md".to_string(), Some("[entité](b&amp;c.md)")),
                ("GUIDE_X.md".to_string(), Some("`GUIDE_X.md`")),
                ("a b.png".to_string(), Some("![i](<a b.png>)")),
                ("nulle-part.md".to_string(), Some("[réf][r]")),
                ("GUIDE_X.md".to_string(), None),
            ]
        );
        // The renderer that writes pages asks the same questions, without places.
        assert!(render(markdown).1.iter().all(|(_, at)| at.span.is_none()));
    }

    #[test]
    fn hook_rewrites_links_and_links_inline_code() {
        let (html, _) = render("[x](AUTRE.md#sec) et `GUIDE_X.md` et [`GUIDE_X.md`](y)\n");
        assert_eq!(
            html,
            "<p><a href=\"../autre/#sec\">x</a> et <a href=\"../guide-x/\"><code>GUIDE_X.md</code></a> \
             et <a href=\"y\"><code>GUIDE_X.md</code></a></p>\n"
        );
    }

    #[test]
    fn missing_references_are_marked_in_code_and_text() {
        let (html, _) = render("Voir `ABSENT.md`, puis ABSENT.md et GUIDE_X.md.\n");
        assert_eq!(
            html,
            "<p>Voir <code class=\"missing-guide\" title=\"Guide introuvable\">ABSENT.md</code>, puis \
             <span class=\"missing-guide\" title=\"Guide introuvable\">ABSENT.md</span> et \
             <a href=\"../guide-x/\">GUIDE_X.md</a>.</p>\n"
        );
    }

    #[test]
    fn non_guide_names_and_urls_are_left_alone() {
        let (html, sites) = render("`render.yaml`, `wsgi.py`, https://x.org/README.md, a.mdx, `ls *.md`\n");
        assert!(!html.contains("<a "), "{html}");
        assert!(sites.is_empty(), "{sites:?}");
    }

    #[test]
    fn hook_is_told_the_heading_each_link_stands_under() {
        let (_, sites) = render("[a](AUTRE.md)\n\n# T\n\n## S\n\n`GUIDE_X.md` [b](AUTRE.md)\n");
        let headings: Vec<Option<usize>> = sites.iter().map(|(_, at)| at.heading).collect();
        assert_eq!(headings, [None, Some(1), Some(1)]);
    }

    #[test]
    fn guide_names() {
        assert!(is_guide_name("GUIDE_RENDER_COMPLET.md"));
        assert!(is_guide_name("./dossier/Été.md#causes"));
        assert!(!is_guide_name("render.yaml"));
        assert!(!is_guide_name(".md"));
        assert!(!is_guide_name("git add *.md"));
        assert!(!is_guide_name("README.md") && !is_guide_name("index.md") && !is_guide_name("_index.md"));
        assert!(is_guide_name("dossier/README.md"));
        assert_eq!(next_guide_name("voir ./dossier/A.md."), Some((7, 19)));
        assert_eq!(next_guide_name("https://x.org/A.md"), None);
    }
}
