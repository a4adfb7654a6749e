//! Cross-linking a guide in three steps.
//!
//! 1. While a guide is outlined (`Renderer::outline_with`), `Recorder` (its `LinkHook`) notes
//!    every link and guide reference, in the order the link pass asks; references to missing
//!    guides are marked at once (which guides exist is known before any guide is read).
//! 2. Once every guide is outlined and every heading id is known, `resolve` resolves each noted
//!    link (`LinkIndex::resolve`) into the answer the link pass will get, with the diagnostics
//!    (file:line:col, link text, suggestion) and the backlink edges.
//! 3. When the page is written, `Replay` gives the link pass those answers, in the same order.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

use super::link_index::{is_external, unknown_scheme, Broken, LinkIndex, Named, Resolved, Target};
use super::urls::{relative_url, root_prefix};
use crate::content::GuideId;
use crate::error::{Diagnostic, Kind, Location};
use crate::markdown::{LinkHook, LinkSite, Reference};

/// A link or reference noted while rendering.
#[derive(Debug, Clone)]
pub struct NotedLink {
    /// As written: a Markdown destination, or a guide file name.
    pub dest: String,
    pub is_reference: bool,
    pub is_image: bool,
    /// Written in raw HTML (`<img src>`), not as Markdown.
    pub in_html: bool,
    /// Index of the heading above it in its page.
    pub heading: Option<usize>,
    /// Byte offset in the guide's body where it is written: its destination, or the link itself
    /// when the destination is not written as such (`[x][ref]`, `a&amp;b.md`, `[x]()`).
    pub offset: usize,
    /// Start and end in the body of the whole link (`[texte](dest)`), when known.
    pub span: Option<(usize, usize)>,
}

/// One question the link pass asked, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// A link left as written (external, `mailto:`…).
    Kept,
    /// The N-th noted link or reference.
    Noted(usize),
    /// A reference to a guide that does not exist.
    Missing,
}

/// What a guide's links noted while it was outlined.
#[derive(Debug, Clone, Default)]
pub struct Recorded {
    pub calls: Vec<Call>,
    pub noted: Vec<NotedLink>,
    /// References to guides that do not exist: (name, offset in the body).
    pub missing: Vec<(String, usize)>,
    /// References to a file name that several guides have: (name, offset in the body, the
    /// guides). Left as written: which guide was meant is for the author to say.
    pub ambiguous: Vec<(String, usize, Vec<GuideId>)>,
}

/// The answer to one question of the link pass (see `Replay`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Keep,
    Url(String),
    Missing,
}

/// The link hook of one guide while it is outlined.
pub struct Recorder<'a> {
    index: &'a LinkIndex,
    from: GuideId,
    body: &'a str,
    cursor: usize,
    pub recorded: Recorded,
    /// `http(s)://` links, for `carnet check --external`: (URL, offset in the body).
    pub externals: Vec<(String, usize)>,
    /// Images and media of other sites (`![x](https://…)`, `<video src>`): (URL, offset).
    pub embeds: Vec<(String, usize)>,
    /// Links whose scheme browsers may not open (`vscode:`): (scheme, offset in the body).
    pub unknown_schemes: Vec<(String, usize)>,
}

impl<'a> Recorder<'a> {
    pub fn new(index: &'a LinkIndex, from: GuideId, body: &'a str) -> Self {
        Recorder {
            index,
            from,
            body,
            cursor: 0,
            recorded: Recorded::default(),
            externals: Vec::new(),
            embeds: Vec::new(),
            unknown_schemes: Vec::new(),
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

    /// Where `needle` is written: inside the link or code the parser found it in (`at.span`),
    /// at the start of that link when it is not written as such there; else searching forward.
    fn place(&mut self, needle: &str, at: LinkSite) -> usize {
        let Some((start, end)) = at.span else { return self.locate(needle) };
        let written = &self.body[start..end];
        self.cursor = end;
        start + last_occurrence(written.as_bytes(), needle.as_bytes()).unwrap_or(0)
    }

    fn note(&mut self, dest: &str, is_reference: bool, is_image: bool, at: LinkSite) {
        let offset = self.place(dest, at);
        let noted = &mut self.recorded.noted;
        let (heading, span, in_html) = (at.heading, at.span, at.in_html);
        let dest = dest.to_string();
        noted.push(NotedLink { dest, is_reference, is_image, in_html, heading, offset, span });
        self.recorded.calls.push(Call::Noted(noted.len() - 1));
    }
}

impl LinkHook for Recorder<'_> {
    fn rewrite_link(&mut self, dest: &str, is_image: bool, at: LinkSite) -> Option<String> {
        if is_external(dest.trim()) {
            let offset = self.place(dest, at);
            let dest = dest.trim();
            if dest.starts_with("http://") || dest.starts_with("https://") {
                if is_image {
                    self.embeds.push((dest.to_string(), offset));
                }
                self.externals.push((dest.to_string(), offset));
            } else if let Some(scheme) = unknown_scheme(dest) {
                self.unknown_schemes.push((scheme, offset));
            }
            self.recorded.calls.push(Call::Kept);
            return None;
        }
        self.note(dest, false, is_image, at);
        None
    }

    fn reference(&mut self, name: &str, at: LinkSite) -> Reference {
        let file = name.split_once('#').map_or(name, |(file, _)| file);
        match self.index.name_reference(self.from, file) {
            Named::One(_) => {
                self.note(name, true, false, at);
                Reference::Found(String::new())
            }
            Named::Several(guides) => {
                let offset = self.place(name, at);
                self.recorded.ambiguous.push((name.to_string(), offset, guides));
                self.recorded.calls.push(Call::Kept);
                Reference::NotAGuide
            }
            Named::None => {
                let offset = self.place(name, at);
                self.recorded.missing.push((name.to_string(), offset));
                self.recorded.calls.push(Call::Missing);
                Reference::Missing
            }
        }
    }
}

/// The link hook of one guide while its page is written: answers each question of the link pass
/// with what `resolve` found, in order. The outline and the rendering ask the same questions
/// (`Renderer::outline_with`); past the end, links are left as written.
pub struct Replay<'a> {
    answers: std::slice::Iter<'a, Answer>,
}

impl<'a> Replay<'a> {
    pub fn new(answers: &'a [Answer]) -> Self {
        Replay { answers: answers.iter() }
    }

    /// Whether every answer was given (the rendering asked what the outline asked).
    pub fn is_done(&self) -> bool {
        self.answers.len() == 0
    }
}

impl LinkHook for Replay<'_> {
    fn rewrite_link(&mut self, _dest: &str, _is_image: bool, _at: LinkSite) -> Option<String> {
        match self.answers.next() {
            Some(Answer::Url(url)) => Some(url.clone()),
            _ => None,
        }
    }

    fn reference(&mut self, _name: &str, _at: LinkSite) -> Reference {
        match self.answers.next() {
            Some(Answer::Url(url)) => Reference::Found(url.clone()),
            Some(Answer::Missing) => Reference::Missing,
            _ => Reference::NotAGuide,
        }
    }
}

/// A link from one guide to another, for "Pages qui renvoient ici".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub from: GuideId,
    pub to: GuideId,
    pub heading: Option<usize>,
}

/// What resolving one guide's links gives.
#[derive(Debug, Clone, Default)]
pub struct Resolution {
    /// One answer per call of the link pass, in order (see `Replay`).
    pub answers: Vec<Answer>,
    /// Guides this one links to at an anchor they lack: an edit of those may mend the links.
    pub broken_into: Vec<GuideId>,
    pub diagnostics: Vec<Diagnostic>,
    pub edges: Vec<Edge>,
    /// The content files the guide links to (paths from the content folder): the only ones a
    /// build publishes.
    pub files: Vec<String>,
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

/// Resolves the links `recorded` while guide `from` (published at `page_path`) was outlined.
pub fn resolve(
    index: &LinkIndex,
    from: GuideId,
    page_path: &str,
    recorded: &Recorded,
    source: &Source,
) -> Resolution {
    let mut resolution =
        Resolution { diagnostics: reference_notes(index, recorded, source), ..Default::default() };
    let page = Page { index, from, path: page_path, source };
    let urls: Vec<Option<String>> = recorded.noted.iter().map(|link| resolution.link(&page, link)).collect();
    resolution.answers = recorded
        .calls
        .iter()
        .map(|call| match call {
            Call::Kept => Answer::Keep,
            Call::Missing => Answer::Missing,
            Call::Noted(n) => urls[*n].clone().map_or(Answer::Keep, Answer::Url),
        })
        .collect();
    resolution
}

/// The warnings about a guide's references (missing, ambiguous) and its images without text.
fn reference_notes(index: &LinkIndex, recorded: &Recorded, source: &Source) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for (name, offset) in &recorded.missing {
        let message = format!("reference to a missing guide `{name}`");
        diagnostics
            .push(Diagnostic::warning(source.location(*offset), message).of_kind(Kind::MissingReference));
    }
    for (name, offset, guides) in &recorded.ambiguous {
        let message = ambiguous_message(index, name, guides);
        let found = Diagnostic::warning(source.location(*offset), message);
        diagnostics.push(found.of_kind(Kind::AmbiguousReference));
    }
    for link in recorded.noted.iter().filter(|l| l.is_image && !l.in_html) {
        if noted_text(source, link).is_some_and(|alt| alt.trim().is_empty()) {
            let message =
                format!("image `{}` has no alternative text (write it between the brackets)", link.dest);
            let found = Diagnostic::warning(source.location(link.offset), message);
            diagnostics.push(found.of_kind(Kind::ImageWithoutAlt));
        }
    }
    diagnostics
}

/// The page whose links are being resolved.
struct Page<'a> {
    index: &'a LinkIndex,
    from: GuideId,
    path: &'a str,
    source: &'a Source<'a>,
}

impl Resolution {
    /// Resolves one noted link of `page`: the URL the link pass writes (`None`: the link is kept
    /// as written), with its diagnostics, edge or file noted.
    fn link(&mut self, page: &Page, link: &NotedLink) -> Option<String> {
        let Page { index, from, source, .. } = *page;
        if !link.is_reference && link.dest.trim().is_empty() {
            let message = format!(
                "link{} has no destination: it leads to this page itself",
                quoted(noted_text(source, link))
            );
            self.diagnostics.push(Diagnostic::warning(source.location(link.offset), message));
            return None;
        }
        match destination(index, from, link) {
            Ok(resolved) => {
                for warning in resolved.warnings {
                    let found = Diagnostic::warning(source.location(link.offset), warning);
                    self.diagnostics.push(found.of_kind(Kind::InexactLink));
                }
                match &resolved.target {
                    Target::Guide { guide, .. } if *guide != from => {
                        self.edges.push(Edge { from, to: *guide, heading: link.heading });
                    }
                    Target::File { rel, .. } => self.files.push(rel.clone()),
                    _ => {}
                }
                Some(url_for(index, page.path, &resolved.target, &link.dest))
            }
            Err(broken) => {
                self.broken_into.extend(broken.guide);
                let text = quoted(noted_text(source, link));
                let dest = crate::markdown::liquid::unpadded(&link.dest);
                let mut message = format!("broken link{text} to `{dest}`: {}", broken.message);
                if let Some(suggestion) = broken.suggestion {
                    message.push_str(&format!(" (did you mean `{suggestion}`?)"));
                }
                let kind = if broken.guide.is_some() { Kind::MissingAnchor } else { Kind::BrokenLink };
                self.diagnostics.push(Diagnostic::error(source.location(link.offset), message).of_kind(kind));
                // A broken reference stays a link to what is written, like a broken link.
                link.is_reference.then(|| link.dest.clone())
            }
        }
    }
}

/// ` « texte »`, or nothing for a link without text.
fn quoted(text: Option<&str>) -> String {
    text.filter(|t| !t.is_empty()).map(|t| format!(" « {t} »")).unwrap_or_default()
}

/// `GUIDE.md` is the name of 3 guides (`a/GUIDE.md`, `b/GUIDE.md`, `c/GUIDE.md`): …
fn ambiguous_message(index: &LinkIndex, name: &str, guides: &[GuideId]) -> String {
    const NAMED: usize = 3;
    let named: Vec<String> =
        guides.iter().take(NAMED).map(|&g| format!("`{}`", index.guide(g).rel)).collect();
    let more = if guides.len() > NAMED { ", …" } else { "" };
    format!(
        "`{name}` is the name of {} guides ({}{more}): left as text; write the path of the one meant \
         (`dossier/{name}`) to link it",
        guides.len(),
        named.join(", ")
    )
}

/// The text of a noted link: from the link the parser found when known, else read back from
/// the destination (plain Markdown `[texte](dest)`).
fn noted_text<'t>(source: &Source<'t>, link: &NotedLink) -> Option<&'t str> {
    match link.span {
        Some((start, end)) => bracketed(&source.text[source.body_start + start..source.body_start + end]),
        None => link_text(source.text, source.body_start + link.offset),
    }
}

/// The text between the first `[` of a link and its matching `]`: `[a [b] c](x)` → `a [b] c`.
fn bracketed(written: &str) -> Option<&str> {
    let inner = written.strip_prefix('!').unwrap_or(written).strip_prefix('[')?;
    let mut depth = 0usize;
    let mut escaped = false;
    for (i, c) in inner.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' => depth += 1,
            ']' if depth == 0 => return Some(&inner[..i]),
            ']' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// A reference names a guide found by `find_reference`; resolve it from the content root.
/// Where noted link `link` of guide `from` leads: a reference by the guide it names, any other
/// link by its destination.
fn destination(index: &LinkIndex, from: GuideId, link: &NotedLink) -> Result<Resolved, Broken> {
    let dest = if link.is_reference { reference_target(index, from, &link.dest) } else { link.dest.clone() };
    index.resolve(from, &dest)
}

/// The content files guide `from` links to, as `resolve` finds them (`Resolution::files`)
/// without its URLs and diagnostics: which files a link leads to does not depend on heading ids.
pub fn linked_files(index: &LinkIndex, from: GuideId, recorded: &Recorded) -> Vec<String> {
    let leads_somewhere = |link: &&NotedLink| link.is_reference || !link.dest.trim().is_empty();
    (recorded.noted.iter().filter(leads_somewhere))
        .filter_map(|link| match destination(index, from, link) {
            Ok(Resolved { target: Target::File { rel, .. }, .. }) => Some(rel),
            _ => None,
        })
        .collect()
}

fn reference_target(index: &LinkIndex, from: GuideId, name: &str) -> String {
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
        Target::Static { path, anchor: a } => {
            format!("{}{}{}", root_prefix(page_path), utf8_percent_encode(path, PATH), anchor(a))
        }
        Target::Anchor(id) => format!("#{id}"),
        Target::Folder { path, anchor: a } => format!("{}{}", relative_url(page_path, path), anchor(a)),
        Target::External => written.to_string(),
    }
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

/// Where `needle` last starts in `haystack` (`None` for an empty needle): the span of one link,
/// searched for each link of every guide, where setting up `str::rfind`'s two-way search cost
/// more than the search.
fn last_occurrence(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, _) = needle.split_first()?;
    memchr::memrchr_iter(first, haystack).find(|&at| haystack[at..].starts_with(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_of_a_link_is_what_its_brackets_hold() {
        assert_eq!(bracketed("[le [bon] guide](x.md)"), Some("le [bon] guide"));
        assert_eq!(bracketed("![](x.png)"), Some(""));
        assert_eq!(bracketed("[réf][r]"), Some("réf"));
        assert_eq!(bracketed(r"[a \] b](x)"), Some(r"a \] b"));
        assert_eq!(bracketed("<https://x.org>"), None);
    }

    #[test]
    fn link_text_is_found_before_the_destination() {
        let text = "Voir [le guide Render](GUIDE.md) ici ![](x.png)";
        assert_eq!(link_text(text, text.find("GUIDE").unwrap()), Some("le guide Render"));
        assert_eq!(link_text(text, text.find("x.png").unwrap()), Some(""));
        assert_eq!(link_text("`GUIDE.md`", 1), None);
    }

    #[test]
    fn last_occurrence_agrees_with_rfind() {
        for (haystack, needle) in
            [("[a](b.md) b.md", "b.md"), ("x", ""), ("", "a"), ("aaa", "aa"), ("é.md", ".md")]
        {
            let expected = if needle.is_empty() { None } else { haystack.rfind(needle) };
            assert_eq!(
                last_occurrence(haystack.as_bytes(), needle.as_bytes()),
                expected,
                "{haystack:?} {needle:?}"
            );
        }
    }
}
