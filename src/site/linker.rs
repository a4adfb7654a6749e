//! Cross-linking a guide in two steps around rendering.
//!
//! 1. While a guide renders, `Recorder` (its `LinkHook`) notes every link and guide reference
//!    and writes a placeholder token as its destination; references to missing guides are
//!    marked at once (which guides exist is known before rendering).
//! 2. Once every guide is rendered and every heading id is known, `resolve` resolves each noted
//!    link (`LinkIndex::resolve`), writes its final relative URL in place of the token, and
//!    returns the diagnostics (file:line:col, link text, suggestion) and the backlink edges.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

use super::links::{is_external, LinkIndex, Target};
use super::pages::{relative_url, root_prefix};
use crate::error::{Diagnostic, Location};
use crate::markdown::{LinkHook, LinkSite, Reference};

const TOKEN_START: &str = "@carnet-link-";

/// A link or reference noted while rendering.
#[derive(Debug, Clone)]
pub struct NotedLink {
    /// As written: a Markdown destination, or a guide file name.
    pub dest: String,
    pub is_reference: bool,
    pub is_image: bool,
    /// Index of the heading above it in its page.
    pub heading: Option<usize>,
    /// Byte offset in the guide's body where it is written.
    pub offset: usize,
}

/// The link hook of one guide.
pub struct Recorder<'a> {
    index: &'a LinkIndex,
    from: usize,
    body: &'a str,
    cursor: usize,
    pub noted: Vec<NotedLink>,
    /// References to guides that do not exist: (name, offset in the body).
    pub missing: Vec<(String, usize)>,
    /// `http(s)://` links, for `carnet check --external`: (URL, offset in the body).
    pub externals: Vec<(String, usize)>,
}

impl<'a> Recorder<'a> {
    pub fn new(index: &'a LinkIndex, from: usize, body: &'a str) -> Self {
        Recorder {
            index,
            from,
            body,
            cursor: 0,
            noted: Vec::new(),
            missing: Vec::new(),
            externals: Vec::new(),
        }
    }

    /// Where `needle` is written, searching forward from the previous link.
    /// A destination that is not written as such (`ab\_c.md` is read as `ab_c.md`) is placed
    /// at the previous one, and the cursor stays put: moving it by the needle's length could
    /// land inside a character (a panic on the next link, found by fuzzing).
    fn locate(&mut self, needle: &str) -> usize {
        let found =
            self.body[self.cursor..].find(needle).map(|i| self.cursor + i).or_else(|| self.body.find(needle));
        match found {
            Some(at) => {
                self.cursor = at + needle.len();
                at
            }
            None => self.cursor,
        }
    }

    fn note(&mut self, dest: &str, is_reference: bool, is_image: bool, at: LinkSite) -> String {
        let offset = self.locate(dest);
        self.noted.push(NotedLink {
            dest: dest.to_string(),
            is_reference,
            is_image,
            heading: at.heading,
            offset,
        });
        format!("{TOKEN_START}{}@", self.noted.len() - 1)
    }
}

impl LinkHook for Recorder<'_> {
    fn rewrite_link(&mut self, dest: &str, is_image: bool, at: LinkSite) -> Option<String> {
        if is_external(dest.trim()) {
            let offset = self.locate(dest);
            let dest = dest.trim();
            if dest.starts_with("http://") || dest.starts_with("https://") {
                self.externals.push((dest.to_string(), offset));
            }
            return None;
        }
        Some(self.note(dest, false, is_image, at))
    }

    fn reference(&mut self, name: &str, at: LinkSite) -> Reference {
        let file = name.split_once('#').map_or(name, |(file, _)| file);
        match self.index.find_reference(self.from, file) {
            Some(_) => Reference::Found(self.note(name, true, false, at)),
            None => {
                let offset = self.locate(name);
                self.missing.push((name.to_string(), offset));
                Reference::Missing
            }
        }
    }
}

/// A link from one guide to another, for "Pages qui renvoient ici".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub heading: Option<usize>,
}

/// What resolving one guide's links gives.
pub struct Resolution {
    pub html: String,
    pub diagnostics: Vec<Diagnostic>,
    pub edges: Vec<Edge>,
}

/// Where a guide's body is, to turn offsets into file:line:col.
pub struct Source<'a> {
    pub path: &'a std::path::Path,
    pub text: &'a str,
    pub body_start: usize,
}

impl Source<'_> {
    pub fn location(&self, offset: usize) -> Location {
        Location::from_offset(self.path, self.text, self.body_start + offset)
    }
}

/// Resolves the noted links of guide `from` (published at `page_path`) and fills in its HTML.
pub fn resolve(
    index: &LinkIndex,
    from: usize,
    page_path: &str,
    recorder_output: (Vec<NotedLink>, Vec<(String, usize)>),
    html: &str,
    source: &Source,
) -> Resolution {
    let (noted, missing) = recorder_output;
    let mut diagnostics = Vec::new();
    let mut edges = Vec::new();
    for (name, offset) in missing {
        let message = format!("reference to a missing guide `{name}`");
        diagnostics.push(Diagnostic::warning(source.location(offset), message));
    }
    for link in noted.iter().filter(|l| l.is_image) {
        if link_text(source.text, source.body_start + link.offset).is_some_and(|alt| alt.trim().is_empty()) {
            let message =
                format!("image `{}` has no alternative text (write it between the brackets)", link.dest);
            diagnostics.push(Diagnostic::warning(source.location(link.offset), message));
        }
    }
    let urls: Vec<String> = noted
        .iter()
        .map(|link| {
            let dest =
                if link.is_reference { reference_target(index, from, &link.dest) } else { link.dest.clone() };
            match index.resolve(from, &dest) {
                Ok(resolved) => {
                    for warning in resolved.warnings {
                        diagnostics.push(Diagnostic::warning(source.location(link.offset), warning));
                    }
                    if let Target::Guide { guide, .. } = resolved.target {
                        if guide != from {
                            edges.push(Edge { from, to: guide, heading: link.heading });
                        }
                    }
                    url_for(index, page_path, &resolved.target, &link.dest)
                }
                Err(broken) => {
                    let text = link_text(source.text, source.body_start + link.offset)
                        .filter(|t| !t.is_empty())
                        .map(|t| format!(" « {t} »"))
                        .unwrap_or_default();
                    let mut message = format!("broken link{text} to `{}`: {}", link.dest, broken.message);
                    if let Some(suggestion) = broken.suggestion {
                        message.push_str(&format!(" (did you mean `{suggestion}`?)"));
                    }
                    diagnostics.push(Diagnostic::error(source.location(link.offset), message));
                    link.dest.clone()
                }
            }
        })
        .collect();
    Resolution { html: fill_tokens(html, &urls), diagnostics, edges }
}

/// A reference names a guide found by `find_reference`; resolve it from the content root.
fn reference_target(index: &LinkIndex, from: usize, name: &str) -> String {
    let (file, fragment) = match name.split_once('#') {
        Some((file, fragment)) => (file, Some(fragment)),
        None => (name, None),
    };
    match index.find_reference(from, file) {
        Some(guide) => {
            let rel = &index.guide(guide).rel;
            fragment.map_or_else(|| format!("/{rel}"), |f| format!("/{rel}#{f}"))
        }
        None => name.to_string(),
    }
}

/// Characters escaped in the path of a file URL (the rest of a relative URL is kept).
const PATH: &AsciiSet =
    &CONTROLS.add(b' ').add(b'"').add(b'#').add(b'%').add(b'<').add(b'>').add(b'?').add(b'`');

fn url_for(index: &LinkIndex, page_path: &str, target: &Target, written: &str) -> String {
    let anchor = |a: &Option<String>| a.as_ref().map(|a| format!("#{a}")).unwrap_or_default();
    match target {
        Target::Guide { guide, anchor: a } => {
            format!("{}{}", relative_url(page_path, &index.guide(*guide).path), anchor(a))
        }
        Target::File { rel, anchor: a } => {
            format!("{}{}{}", root_prefix(page_path), utf8_percent_encode(rel, PATH), anchor(a))
        }
        Target::Anchor(id) => format!("#{id}"),
        Target::External => written.to_string(),
    }
}

/// Replaces each `@carnet-link-N@` token of the HTML with the N-th URL, escaped for an attribute.
fn fill_tokens(html: &str, urls: &[String]) -> String {
    let mut out = String::with_capacity(html.len() + urls.len() * 16);
    let mut rest = html;
    while let Some(start) = rest.find(TOKEN_START) {
        let after = &rest[start + TOKEN_START.len()..];
        let digits =
            after.find('@').filter(|&end| end > 0 && after[..end].bytes().all(|b| b.is_ascii_digit()));
        let url = digits
            .and_then(|end| after[..end].parse::<usize>().ok().and_then(|n| urls.get(n)).map(|u| (u, end)));
        match url {
            Some((url, end)) => {
                out.push_str(&rest[..start]);
                out.push_str(&escape_attribute(url));
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[..start + TOKEN_START.len()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn escape_attribute(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The text `texte` of a Markdown link `[texte](…)` (or image) whose destination is at `offset`.
fn link_text(text: &str, offset: usize) -> Option<&str> {
    let before = &text[..offset.min(text.len())];
    let close = before.rfind("](")?;
    if before[close + 2..].contains(['\n', ']']) {
        return None;
    }
    let line_start = before[..close].rfind('\n').map_or(0, |i| i + 1);
    let open = before[line_start..close].rfind('[')?;
    Some(&before[line_start + open + 1..close])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_filled_and_escaped() {
        let html = "<a href=\"@carnet-link-1@\">a</a><a href=\"@carnet-link-0@\">b</a> @carnet-link-x@";
        let urls = vec!["../a/".to_string(), "../b/?x=1&y=\"2\"".to_string()];
        assert_eq!(
            fill_tokens(html, &urls),
            "<a href=\"../b/?x=1&amp;y=&quot;2&quot;\">a</a><a href=\"../a/\">b</a> @carnet-link-x@"
        );
    }

    #[test]
    fn link_text_is_found_before_the_destination() {
        let text = "Voir [le guide Render](GUIDE.md) ici ![](x.png)";
        assert_eq!(link_text(text, text.find("GUIDE").unwrap()), Some("le guide Render"));
        assert_eq!(link_text(text, text.find("x.png").unwrap()), Some(""));
        assert_eq!(link_text("`GUIDE.md`", 1), None);
    }
}
