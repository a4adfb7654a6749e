//! Parsing a guide into pulldown-cmark events, read the way forges read it.
//!
//! `events` runs pulldown-cmark, then 1. joins the lines of each raw HTML block into one event
//! (a tag may span lines: `<img\n  src="a.png">`), 2. gives back as text a `{…}` ending a heading
//! that is not an attribute list (`## Options {a, b}`), which pulldown-cmark takes as attributes
//! whatever it holds, 3. turns container fences (`::: warning`) into callouts (`containers`).
//! A guide with MkDocs admonitions (`!!! note`) is parsed as `admonitions::rewrite` gives it,
//! one with GitBook's block tags (`{% hint %}`) as `gitbook::rewrite` gives it: their block
//! quotes that are admonitions turned into callouts, their spans mapped back.
//! An attribute list is made of `#id`, `.class` and `key=value` items only.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use super::admonitions::{self, Rewritten};
use super::containers::Containers;
use super::gitbook;
use super::link_pass::Spans;
use super::liquid;

/// The events of `markdown`, raw HTML blocks joined, heading attribute blocks checked.
pub(crate) fn events(markdown: &str) -> Vec<Event<'_>> {
    events_noting(markdown, &mut Spans::default())
}

/// `events`, noting in `spans` where each link, image and inline code is written. Links whose
/// destination is a Liquid tag are read as the path it stands for (`liquid`).
pub(crate) fn events_noting<'a>(markdown: &'a str, spans: &mut Spans<'a>) -> Vec<Event<'a>> {
    match liquid::plain_destinations(markdown, options()) {
        // The same length, so the same offsets: only the events and spans must own their text.
        Some(plain) => {
            let mut noted = Spans::default();
            let events = events_of(&plain, &mut noted);
            *spans = noted.into_original(|offset| offset);
            events.into_iter().map(Event::into_static).collect()
        }
        None => events_of(markdown, spans),
    }
}

/// `events_noting` for a text whose links need no more reading.
fn events_of<'a>(markdown: &'a str, spans: &mut Spans<'a>) -> Vec<Event<'a>> {
    let Some(rewritten) = admonitions::rewrite(markdown).or_else(|| gitbook::rewrite(markdown)) else {
        return parse_events(markdown, spans, None);
    };
    let mut noted = Spans::default();
    let events = parse_events(&rewritten.text, &mut noted, Some(&rewritten));
    *spans = noted.into_original(|offset| rewritten.original(offset));
    events.into_iter().map(Event::into_static).collect()
}

/// The events of `markdown` (the guide, or the text `rewritten` holds), in the steps above.
fn parse_events<'a>(
    markdown: &'a str,
    spans: &mut Spans<'a>,
    rewritten: Option<&Rewritten>,
) -> Vec<Event<'a>> {
    // About one event per 24 bytes of Markdown (generated guides, tldr-pages, the TypeScript
    // handbook): room for them at once, not grown by doubling and copying.
    let mut out = Vec::with_capacity(markdown.len() / 24);
    let mut html_block: Option<Vec<CowStr<'_>>> = None;
    let mut heading: Option<(usize, Range<usize>)> = None;
    let mut containers = Containers::default();
    // Per open block quote: the admonition it is, if any.
    let mut quotes: Vec<Option<&admonitions::Admonition>> = Vec::new();
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        if containers.take(&event, &range, markdown, &mut out) {
            continue;
        }
        spans.note(&event, &range);
        match event {
            Event::Start(Tag::HtmlBlock) => {
                html_block = Some(Vec::new());
                out.push(event);
            }
            Event::Html(html) if html_block.is_some() => {
                html_block.get_or_insert_with(Vec::new).push(html);
            }
            Event::End(TagEnd::HtmlBlock) => {
                out.extend(html_block.take().map(join_html));
                out.push(event);
            }
            Event::Start(Tag::BlockQuote(_)) => {
                let line_start = markdown[..range.start].rfind('\n').map_or(0, |i| i + 1);
                let admonition = rewritten.and_then(|r| r.admonitions.get(&line_start));
                quotes.push(admonition);
                match admonition {
                    // As an HTML block, so that the links pass reads the anchors of its title.
                    Some(admonition) => out.extend([
                        Event::Start(Tag::HtmlBlock),
                        Event::Html(admonition.open_html().into()),
                        Event::End(TagEnd::HtmlBlock),
                    ]),
                    None => out.push(event),
                }
            }
            Event::End(TagEnd::BlockQuote(_)) => match quotes.pop().flatten() {
                Some(admonition) => out.push(Event::Html(admonition.close_html().into())),
                None => out.push(event),
            },
            Event::Start(Tag::Heading { .. }) => {
                heading = Some((out.len(), range));
                out.push(event);
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((start, range)) = heading.take() {
                    keep_text_block(&mut out, start, &markdown[range]);
                }
                out.push(event);
            }
            other => out.push(other),
        }
    }
    containers.finish(&mut out);
    out
}

fn join_html(mut lines: Vec<CowStr<'_>>) -> Event<'_> {
    if lines.len() == 1 {
        return Event::Html(lines.remove(0));
    }
    Event::Html(lines.concat().into())
}

/// When the heading opened at `out[start]` (written as `source`) ends with a `{…}` that is no
/// attribute list, which pulldown-cmark took away (`{}` and `{x}` give no attribute at all),
/// drops its attributes and puts the braces back at the end of its text.
fn keep_text_block(out: &mut Vec<Event<'_>>, start: usize, source: &str) {
    let Event::Start(Tag::Heading { level, .. }) = &out[start] else { return };
    let Some((spacing, block)) = trailing_block(source) else { return };
    if is_attribute_list(&block[1..block.len() - 1]) {
        return;
    }
    out[start] =
        Event::Start(Tag::Heading { level: *level, id: None, classes: Vec::new(), attrs: Vec::new() });
    out.push(Event::Text(format!("{spacing}{block}").into()));
}

/// The `{…}` ending a heading's text, with the spacing before it: the end of the heading's line
/// (ATX) or of its last text line (setext).
fn trailing_block(source: &str) -> Option<(&str, &str)> {
    let lines: Vec<&str> = source.lines().collect();
    let setext = lines.len() > 1
        && lines.last().is_some_and(|l| {
            let l = l.trim();
            !l.is_empty() && (l.chars().all(|c| c == '=') || l.chars().all(|c| c == '-'))
        });
    // pulldown-cmark looks for a block only at the very end (`## a {x} ##` has none).
    let text = if setext { lines[lines.len() - 2] } else { lines.first()? }.trim_end();
    if !text.ends_with('}') {
        return None;
    }
    let brace = text.rfind('{')?;
    // What pulldown-cmark takes as a block: no braces, tags or escapes inside.
    if text[brace + 1..text.len() - 1].contains(['}', '<', '>', '\\']) {
        return None;
    }
    let before = &text[..brace];
    let spacing = &before[before.trim_end().len()..];
    Some((spacing, &text[brace..]))
}

/// `#id`, `.class` and `key=value` items separated by spaces, at least one.
pub(crate) fn is_attribute_list(inner: &str) -> bool {
    let mut items = inner.split_ascii_whitespace().peekable();
    items.peek().is_some() && items.all(is_attribute)
}

fn is_attribute(item: &str) -> bool {
    if let Some(name) = item.strip_prefix('#').or_else(|| item.strip_prefix('.')) {
        return !name.is_empty() && !name.contains(['#', '=', '{', '}']);
    }
    match item.split_once('=') {
        Some((key, value)) => is_attribute_name(key) && !value.is_empty() && !value.contains(['{', '}']),
        None => false,
    }
}

fn is_attribute_name(key: &str) -> bool {
    key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '.' | '-'))
}

/// The Markdown extensions guides are read with (GitHub-flavoured).
pub(super) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Renderer;

    fn heading(markdown: &str) -> String {
        let rendered = Renderer::new().render(markdown);
        let h = &rendered.headings[0];
        format!("{} #{}", h.text, h.id)
    }

    #[test]
    fn braces_that_are_no_attribute_list_stay_text() {
        assert_eq!(heading("## Options {a, b}\n"), "Options {a, b} #options-a-b");
        assert_eq!(heading("## Option {force}\n"), "Option {force} #option-force");
        assert_eq!(heading("## Option {force} ##\n"), "Option {force} #option-force");
        assert_eq!(heading("Réglages {x y}\n---\n"), "Réglages {x y} #reglages-x-y");
        assert_eq!(heading("> ## Cité {1, 2}\n"), "Cité {1, 2} #cite-1-2");
        assert_eq!(heading("## Vide {}\n"), "Vide {} #vide");
        assert_eq!(heading("## Lettre {x}\n"), "Lettre {x} #lettre-x");
        assert_eq!(heading("## Balise {<b>}\n"), "Balise {} #balise");
        let html = Renderer::new().render("## Options {a, b}\n").html;
        assert!(html.contains(">Options {a, b}<a class=\"anchor\""), "{html}");
        assert!(!html.contains(" a,"), "{html}");
    }

    #[test]
    fn attribute_lists_are_still_attributes() {
        assert_eq!(heading("## Titre {#mon-id}\n"), "Titre #mon-id");
        assert_eq!(heading("## Titre {#mon-id .large data-x=1}\n"), "Titre #mon-id");
        assert_eq!(heading("## Titre {.large}\n"), "Titre #titre");
        assert_eq!(heading("## Titre {#mon-id} ##\n"), "Titre {#mon-id} #titre-mon-id");
        let html = Renderer::new().render("## Titre {.large lang=fr}\n").html;
        assert!(html.starts_with("<h2 id=\"titre\" class=\"large\" lang=\"fr\">"), "{html}");
    }

    #[test]
    fn attribute_items() {
        assert!(is_attribute_list("#a .b c=d"));
        assert!(!is_attribute_list(""));
        assert!(!is_attribute_list("a, b"));
        assert!(!is_attribute_list("#a force"));
        assert!(!is_attribute_list("=x"));
        assert!(!is_attribute_list("#"));
    }

    #[test]
    fn html_blocks_are_one_event() {
        let events = events("<p>\n<img\n  src=\"a.png\">\n</p>\n\ntexte\n");
        let html: Vec<&str> = events
            .iter()
            .filter_map(|e| match e {
                Event::Html(h) => Some(h.as_ref()),
                _ => None,
            })
            .collect();
        assert_eq!(html, ["<p>\n<img\n  src=\"a.png\">\n</p>\n"]);
    }
}
