//! Code blocks: from a fence to `figure.code-block` with highlighted lines and buttons.
//!
//! `render_blocks` walks the events; for each code block it 1. reads the fence (`fence`),
//! 2. takes a file title from the fence or from a heading right above naming a file,
//! 3. turns the lines into HTML by mode (syntect, console, Procfile, plain), through a cache
//! keyed by (mode, hl_lines, code), 4. wraps them in the figure, header and copy/download buttons.

use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};
use std::hash::BuildHasher;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard};

use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};

use super::escape::{escape_html, escape_text};
use super::fence::{file_lang, FenceInfo, Lang, LineSet, Mode};
use super::highlight::{Highlighter, Line};
use super::{console, procfile};

/// A code block ready to be written.
struct Block {
    lang: Option<Lang>,
    /// The file title (from the fence or the heading above).
    title: Option<String>,
    /// Whether the title is a file name (offers "Télécharger").
    downloadable: bool,
    hl_lines: LineSet,
}

/// Replaces every code block's events with its HTML.
pub(crate) fn render_blocks<'a>(
    events: Vec<Event<'a>>,
    hl: &Highlighter,
    cache: &CodeCache,
) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut heading: Option<String> = None;
    let mut under_heading: Option<String> = None;
    let mut iter = events.into_iter();
    while let Some(event) = iter.next() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let code = take_code(&mut iter);
                let block = resolve(&kind, &code, under_heading.take().as_deref(), hl);
                let figure = render(&block, &code, hl, cache);
                let html = if is_diagram(&kind) { diagram(&figure) } else { figure };
                out.push(Event::Html(html.into()));
            }
            Event::Start(Tag::Heading { .. }) => {
                heading = Some(String::new());
                under_heading = None;
                out.push(event);
            }
            Event::End(TagEnd::Heading(_)) => {
                under_heading = heading.take().map(|t| t.trim().to_string());
                out.push(event);
            }
            Event::Text(ref text) | Event::Code(ref text) if heading.is_some() => {
                if let Some(heading) = heading.as_mut() {
                    heading.push_str(text);
                }
                out.push(event);
            }
            other => {
                if heading.is_none() {
                    under_heading = None;
                }
                out.push(other);
            }
        }
    }
    out
}

/// Drops every code block: what `Renderer::outline_with` needs when no HTML is written. Each
/// block leaves an empty HTML event, as `render_blocks` leaves its figure, so the later passes see
/// the same sequence of text, links and headings in both.
pub(crate) fn skip_blocks(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    let mut iter = events.into_iter();
    while let Some(event) = iter.next() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => {
                take_code(&mut iter);
                out.push(Event::Html("".into()));
            }
            other => out.push(other),
        }
    }
    out
}

/// The fence language of diagrams, drawn in the browser like GitHub and GitLab do.
const DIAGRAM_LANG: &str = "mermaid";

/// Whether a code block is a diagram to draw.
fn is_diagram(kind: &CodeBlockKind<'_>) -> bool {
    match kind {
        CodeBlockKind::Fenced(info) => {
            FenceInfo::parse(info).lang.is_some_and(|lang| lang.eq_ignore_ascii_case(DIAGRAM_LANG))
        }
        CodeBlockKind::Indented => false,
    }
}

/// How many diagrams the events hold.
pub(crate) fn count_diagrams(events: &[Event<'_>]) -> usize {
    events.iter().filter(|e| matches!(e, Event::Start(Tag::CodeBlock(kind)) if is_diagram(kind))).count()
}

/// A diagram: its source block (open until the theme's script has drawn it) in `div.diagram`.
fn diagram(figure: &str) -> String {
    format!(
        "<div class=\"diagram\" data-diagram=\"{DIAGRAM_LANG}\">\n<details class=\"diagram-source\" open>\
         <summary>Source du diagramme</summary>\n{figure}</details>\n</div>\n"
    )
}

fn take_code<'a>(iter: &mut impl Iterator<Item = Event<'a>>) -> String {
    let mut code = String::new();
    for event in iter.by_ref() {
        match event {
            Event::Text(text) => code.push_str(&text),
            Event::End(TagEnd::CodeBlock) => break,
            _ => {}
        }
    }
    code
}

/// Language and title from the fence, else from a file-naming heading right above.
fn resolve(kind: &CodeBlockKind<'_>, code: &str, heading: Option<&str>, hl: &Highlighter) -> Block {
    let info = match kind {
        CodeBlockKind::Fenced(info) => FenceInfo::parse(info),
        CodeBlockKind::Indented => FenceInfo::default(),
    };
    let hl_lines = info.hl_lines.as_deref().map(LineSet::parse).unwrap_or_default();
    let fence_lang = info.lang.as_deref().map(|t| Lang::from_token(t, hl));
    let (title, title_lang) = match (&info.title, heading) {
        (Some(title), _) => (Some(title.clone()), file_lang(title, hl)),
        (None, Some(heading)) => match file_lang(heading, hl) {
            // A labelled fence takes the heading's file name only when the languages agree.
            Some(lang) if fence_lang.as_ref().is_none_or(|f| f.name == lang.name) => {
                (Some(heading.to_string()), Some(lang))
            }
            _ => (None, None),
        },
        (None, None) => (None, None),
    };
    let downloadable = title_lang.is_some();
    let mut lang = fence_lang.or(title_lang);
    if let Some(lang) = lang.as_mut() {
        if lang.name == "bash" && console::looks_like_console(&split_lines(code)) {
            lang.mode = Mode::Console;
        }
    }
    Block { lang, title, downloadable, hl_lines }
}

/// The lines of a block, without their line endings.
fn split_lines(code: &str) -> Vec<&str> {
    code.split_inclusive('\n')
        .map(|l| l.strip_suffix('\n').unwrap_or(l))
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect()
}

fn render(block: &Block, code: &str, hl: &Highlighter, cache: &CodeCache) -> String {
    let mode_key = block.lang.as_ref().map_or_else(|| "plain".to_string(), Lang::cache_key);
    let hl_key = format!("{:?}", block.hl_lines);
    let inner = cache.get_or_insert(&mode_key, &hl_key, code, || {
        let mode = block.lang.as_ref().map_or(&Mode::Plain, |l| &l.mode);
        inner_html(mode, code, &block.hl_lines, hl)
    });
    figure(block, &inner)
}

/// The content of `<code>`: one `span.line` per source line, its newline inside.
fn inner_html(mode: &Mode, code: &str, hl_lines: &LineSet, hl: &Highlighter) -> String {
    let source = split_lines(code);
    let highlighted = catch_unwind(AssertUnwindSafe(|| highlight(mode, &source, hl)));
    let lines = highlighted.unwrap_or_else(|_| highlight(&Mode::Plain, &source, hl));
    let mut html = String::with_capacity(code.len() * 2 + lines.len() * 32);
    for (n, line) in lines.into_iter().enumerate() {
        html.push_str("<span class=\"line");
        if line.output {
            html.push_str(" output");
        }
        if hl_lines.contains(n + 1) {
            html.push_str(" hl");
        }
        html.push('"');
        if line.output {
            html.push_str(" data-nocopy");
        }
        html.push('>');
        html.push_str(&line.html);
        html.push_str("\n</span>");
    }
    html
}

/// Blocks larger than this are not run through syntect (it would dominate the build time).
const MAX_HIGHLIGHTED_BYTES: usize = 256 << 10;

fn highlight(mode: &Mode, source: &[&str], hl: &Highlighter) -> Vec<Line> {
    let bytes: usize = source.iter().map(|l| l.len() + 1).sum();
    let mode = match mode {
        Mode::Syntax(_) if bytes > MAX_HIGHLIGHTED_BYTES => &Mode::Plain,
        mode => mode,
    };
    match mode {
        Mode::Plain => source.iter().map(|l| Line::code(escape_text(l))).collect(),
        Mode::Syntax(name) => {
            let mut lines = hl.lines(name);
            source.iter().map(|l| Line::code(lines.line(l))).collect()
        }
        Mode::Console => console::lines(source, hl),
        Mode::Procfile => procfile::lines(source, hl),
    }
}

/// `figure.code-block` with its header (title or language, copy and download buttons).
fn figure(block: &Block, inner: &str) -> String {
    let mut html = String::with_capacity(inner.len() + 512);
    html.push_str("<figure class=\"code-block\"");
    if let Some(lang) = &block.lang {
        html.push_str(&format!(" data-lang=\"{}\"", escape_html(&lang.name)));
    }
    html.push_str(">\n<figcaption class=\"code-header\">");
    match (&block.title, &block.lang) {
        (Some(title), _) => {
            html.push_str(&format!("<span class=\"code-title\">{}</span>", escape_html(title)))
        }
        (None, Some(lang)) => {
            html.push_str(&format!("<span class=\"code-lang\">{}</span>", escape_html(&lang.name)))
        }
        (None, None) => {}
    }
    html.push_str("<span class=\"code-actions\"><button type=\"button\" class=\"code-copy\" aria-label=\"Copier le code\">Copier</button>");
    if let (Some(title), true) = (&block.title, block.downloadable) {
        let file = escape_html(title.rsplit('/').next().unwrap_or(title));
        html.push_str(&format!(
            "<button type=\"button\" class=\"code-download\" data-filename=\"{file}\" aria-label=\"Télécharger {file}\">Télécharger</button>"
        ));
    }
    html.push_str("</span></figcaption>\n<pre class=\"code\"><code");
    if let Some(lang) = &block.lang {
        html.push_str(&format!(" class=\"language-{}\"", escape_html(&lang.name)));
    }
    html.push('>');
    html.push_str(inner);
    html.push_str("</code></pre>\n</figure>\n");
    html
}

/// Highlighted `<code>` contents by (mode, hl_lines, code), shared by the threads.
///
/// Sharded to keep lock contention low; stops growing past `MAX_BYTES` of code. With
/// `repeats_only` (one build, `Renderer::for_one_build`), a block is kept only when it is met a
/// second time: most blocks of a site are written once, and keeping them all held tens of
/// megabytes to the end of a 10,000-guide build for no hit.
pub(crate) struct CodeCache {
    shards: Vec<Mutex<Shard>>,
    hasher: FxBuildHasher,
    repeats_only: bool,
}

#[derive(Default)]
struct Shard {
    map: FxHashMap<(String, String), Arc<str>>,
    bytes: usize,
    /// With `repeats_only`, the hash of each key met once and not kept.
    seen: FxHashSet<u64>,
}

const SHARDS: usize = 16;
const MAX_BYTES: usize = 64 << 20;

impl CodeCache {
    pub(crate) fn new(repeats_only: bool) -> Self {
        CodeCache {
            shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
            hasher: FxBuildHasher,
            repeats_only,
        }
    }

    fn get_or_insert(&self, mode: &str, hl: &str, code: &str, make: impl FnOnce() -> String) -> Arc<str> {
        let key = (format!("{mode}\u{0}{hl}"), code.to_string());
        let hash = self.hasher.hash_one(&key);
        let shard = &self.shards[(hash as usize) % SHARDS];
        if let Some(found) = lock(shard).map.get(&key) {
            return Arc::clone(found);
        }
        let html: Arc<str> = make().into();
        let mut guard = lock(shard);
        // Met for the first time: kept next time (a hash shared by two blocks keeps one early).
        if self.repeats_only && guard.seen.insert(hash) {
            return html;
        }
        let size = key.1.len() + html.len();
        if guard.bytes + size <= MAX_BYTES / SHARDS {
            guard.bytes += size;
            guard.map.insert(key, Arc::clone(&html));
        }
        html
    }
}

fn lock(shard: &Mutex<Shard>) -> MutexGuard<'_, Shard> {
    shard.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
