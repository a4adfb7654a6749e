//! Callouts written as containers, the way VuePress, VitePress and Docusaurus write them:
//!
//! ```text
//! ::: warning Attention au quota
//! Le plan gratuit s'arrête à 512 Mo.
//! :::
//! ```
//!
//! (also `:::tip[Titre]` and `:::note` with blank lines around the content, nested with more
//! colons). pulldown-cmark reads the fence lines as paragraph text; `Containers::take` watches
//! the events as they are parsed, recognises a fence by its source line (the first thing on its
//! line, inside a paragraph, known kind) and replaces it by the callout's opening or closing
//! HTML, splitting the paragraph around it. Fences of unknown kinds and unclosed ones stay as
//! written: the callout is closed at the end of the page.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::blocks::{callout_close, callout_open};
use super::escape::escape_html;

/// The class suffix and default French title of each container kind carnet reads.
fn kind(name: &str) -> Option<(&'static str, &'static str)> {
    Some(match name.to_ascii_lowercase().as_str() {
        "note" => ("note", "Remarque"),
        "info" => ("note", "Info"),
        "tip" => ("tip", "Astuce"),
        "important" => ("important", "Important"),
        "warning" => ("warning", "Attention"),
        "caution" => ("caution", "Prudence"),
        "danger" => ("caution", "Danger"),
        "details" => ("details", "Détails"),
        _ => return None,
    })
}

/// A fence line: its colons, and the kind and title when it opens a container.
#[derive(Debug, PartialEq, Eq)]
struct Fence {
    colons: usize,
    opens: Option<(&'static str, String)>,
}

/// Reads `line` (trimmed) as a container fence: `:::` closes, `::: kind title`,
/// `:::kind[title]` or `:::kind` open.
fn fence(line: &str) -> Option<Fence> {
    let line = line.trim();
    let colons = line.bytes().take_while(|&b| b == b':').count();
    if colons < 3 {
        return None;
    }
    let rest = line[colons..].trim();
    if rest.is_empty() {
        return Some(Fence { colons, opens: None });
    }
    let name_end = rest.find(|c: char| !c.is_ascii_alphanumeric() && c != '-').unwrap_or(rest.len());
    let (class, default_title) = kind(&rest[..name_end])?;
    let title = rest[name_end..].trim();
    let title = match title.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        Some(bracketed) => bracketed.trim(),
        None if title.starts_with(['{', '[']) => return None,
        None => title,
    };
    let title = if title.is_empty() { default_title.to_string() } else { title.to_string() };
    Some(Fence { colons, opens: Some((class, title)) })
}

/// The container state while a page is parsed.
#[derive(Debug, Default)]
pub(crate) struct Containers {
    /// Open containers: (colons of the opening fence, whether it is a `<details>`).
    open: Vec<(usize, bool)>,
    in_paragraph: bool,
    /// Inside a code block or raw HTML: no fence there.
    in_code: bool,
    /// Events before this offset belong to the fence line just replaced.
    skip_until: usize,
    /// The paragraph was split at a fence: reopen it before the next inline event, drop the
    /// line break that ended the fence line, drop its end if nothing follows.
    reopen: bool,
}

impl Containers {
    /// Takes `event` (written at `range` of `markdown`) when it belongs to a container fence,
    /// pushing what replaces it to `out`; `false` leaves the event to the caller.
    pub(crate) fn take<'a>(
        &mut self,
        event: &Event<'a>,
        range: &Range<usize>,
        markdown: &str,
        out: &mut Vec<Event<'a>>,
    ) -> bool {
        match event {
            Event::Start(Tag::CodeBlock(_)) | Event::Start(Tag::HtmlBlock) => self.in_code = true,
            Event::End(TagEnd::CodeBlock) | Event::End(TagEnd::HtmlBlock) => self.in_code = false,
            Event::Start(Tag::Paragraph) => self.in_paragraph = true,
            Event::End(TagEnd::Paragraph) => {
                self.in_paragraph = false;
                if std::mem::take(&mut self.reopen) {
                    return true;
                }
            }
            _ => {}
        }
        // What else the fence line holds (`:::tip[Titre]` is several text events); a block's end
        // spans from its start, before the fence line's end, and is no part of it.
        if range.start < self.skip_until && !matches!(event, Event::End(_)) {
            return true;
        }
        if self.reopen {
            if matches!(event, Event::SoftBreak | Event::HardBreak) {
                return true;
            }
            if matches!(event, Event::End(_)) {
                return false;
            }
            self.reopen = false;
            out.push(Event::Start(Tag::Paragraph));
        }
        let Event::Text(_) = event else { return false };
        if !self.in_paragraph || self.in_code || !starts_line(markdown, range.start) {
            return false;
        }
        let line_end = markdown[range.start..].find('\n').map_or(markdown.len(), |i| range.start + i);
        let Some(fence) = fence(&markdown[range.start..line_end]) else { return false };
        let html = match fence.opens {
            Some((class, title)) => {
                self.open.push((fence.colons, class == "details"));
                open_html(class, &title)
            }
            None => match self.open.last() {
                Some(&(colons, details)) if fence.colons >= colons => {
                    self.open.pop();
                    close_html(details)
                }
                _ => return false,
            },
        };
        self.split_paragraph(out);
        out.push(Event::Html(CowStr::from(html)));
        self.skip_until = line_end;
        self.reopen = true;
        true
    }

    /// Ends the paragraph the fence line stands in: nothing to end when the fence is its first
    /// line (its start is taken back), else the line break before the fence goes.
    fn split_paragraph(&mut self, out: &mut Vec<Event<'_>>) {
        match out.last() {
            Some(Event::Start(Tag::Paragraph)) => {
                out.pop();
            }
            Some(Event::SoftBreak | Event::HardBreak) => {
                out.pop();
                out.push(Event::End(TagEnd::Paragraph));
            }
            _ => out.push(Event::End(TagEnd::Paragraph)),
        }
    }

    /// The closing HTML of the containers left open at the end of the page.
    pub(crate) fn finish(&mut self, out: &mut Vec<Event<'_>>) {
        while let Some((_, details)) = self.open.pop() {
            out.push(Event::Html(CowStr::from(close_html(details))));
        }
    }
}

/// Whether `offset` is the first thing written on its line (after indentation and `>` markers).
fn starts_line(markdown: &str, offset: usize) -> bool {
    let line_start = markdown[..offset].rfind('\n').map_or(0, |i| i + 1);
    markdown[line_start..offset].chars().all(|c| c == ' ' || c == '\t' || c == '>')
}

fn open_html(class: &str, title: &str) -> String {
    let title = escape_html(title);
    match class {
        "details" => callout_open("note", Some(&title), Some(false)),
        class => callout_open(class, Some(&title), None),
    }
}

fn close_html(details: bool) -> String {
    callout_close(details.then_some(false)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Renderer;

    fn html(markdown: &str) -> String {
        Renderer::new().render(markdown).html
    }

    #[test]
    fn fences() {
        let opens = |line: &str| fence(line).and_then(|f| f.opens);
        assert_eq!(opens("::: warning Attention au quota"), Some(("warning", "Attention au quota".into())));
        assert_eq!(opens(":::tip[Le bon réglage]"), Some(("tip", "Le bon réglage".into())));
        assert_eq!(opens(":::note"), Some(("note", "Remarque".into())));
        assert_eq!(opens("::::danger"), Some(("caution", "Danger".into())));
        assert_eq!(fence(":::"), Some(Fence { colons: 3, opens: None }));
        assert_eq!(fence("::: spoiler"), None, "unknown kinds stay text");
        assert_eq!(fence("::: {.warning}"), None);
        assert_eq!(fence(":: note"), None);
        assert_eq!(fence("Note ::: x"), None);
    }

    #[test]
    fn a_vuepress_container_without_blank_lines_is_a_callout() {
        let out =
            html("Avant.\n\n::: warning Attention au quota\nLe plan **gratuit** s'arrête.\n:::\n\nAprès.\n");
        assert_eq!(
            out,
            "<p>Avant.</p>\n<div class=\"callout callout-warning\" role=\"note\">\n\
             <p class=\"callout-title\">Attention au quota</p>\n<p>Le plan <strong>gratuit</strong> \
             s'arrête.</p>\n</div>\n<p>Après.</p>\n"
        );
    }

    #[test]
    fn a_docusaurus_container_with_blank_lines_and_blocks_inside_is_a_callout() {
        let out =
            html(":::tip[Le bon réglage]\n\n- un\n- deux\n\n```sh\nexport WEB_CONCURRENCY=2\n```\n\n:::\n");
        assert!(out.starts_with("<div class=\"callout callout-tip\" role=\"note\">\n<p class=\"callout-title\">Le bon réglage</p>\n<ul>"), "{out}");
        assert!(out.contains("WEB_CONCURRENCY"), "{out}");
        assert!(out.trim_end().ends_with("</div>"), "{out}");
        assert!(!out.contains(":::"), "{out}");
    }

    #[test]
    fn nested_details_and_unclosed_containers() {
        let out = html("::::note\n:::details Voir le journal\nligne\n:::\n::::\n");
        assert!(out.contains("<details class=\"callout callout-note\">\n<summary class=\"callout-title\">Voir le journal</summary>\n<p>ligne</p>\n</details>\n</div>"), "{out}");
        let out = html("::: tip\nsans fin\n");
        assert!(out.trim_end().ends_with("<p>sans fin</p>\n</div>"), "{out}");
    }

    #[test]
    fn fences_in_code_and_mid_line_stay_as_written() {
        let out = html("```\n::: tip\n:::\n```\n");
        assert!(out.contains("::: tip") && !out.contains("callout"), "{out}");
        let out = html("Texte ::: tip au milieu.\n\n`::: tip`\n");
        assert!(out.contains("Texte ::: tip au milieu.") && out.contains("<code>::: tip</code>"), "{out}");
        let out = html(":::\n");
        assert_eq!(out, "<p>:::</p>\n", "a closing fence with nothing open");
    }
}
