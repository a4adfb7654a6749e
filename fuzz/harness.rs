//! The bodies of carnet's fuzz targets, shared by the fuzzer and the regression tests.
//!
//! `fuzz/fuzz_targets/<name>.rs` hands each input to the function of the same name (cargo fuzz,
//! nightly); `tests/fuzz_regressions.rs` replays every file of `tests/fixtures/fuzz/<name>/`
//! through it on stable `cargo test`. Each function panics when carnet breaks one of its
//! promises on that input: a panic inside carnet, or a property checked here.
//!
//! Inputs are raw bytes; `links` reads a small line format (see `LinkCase::parse`) so that the
//! fuzzer mutates a site (guides, files, ids) and a guide's Markdown at once.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use carnet::content::{decode_and_repair, frontmatter, looks_binary, repair, GuideId};
use carnet::markdown::{Heading, LinkHook, LinkSite, Reference, Renderer};
use carnet::site::cross_link::{self, Recorder, Replay, Source};
use carnet::site::link_index::{GuideTargets, LinkIndex};

/// Syntect's syntaxes load in tens of milliseconds: one renderer for every input.
fn renderer() -> &'static Renderer {
    static RENDERER: OnceLock<Renderer> = OnceLock::new();
    RENDERER.get_or_init(Renderer::new)
}

/// The repair: bytes → text → repaired text, and the report's file:line:col diagnostics.
/// Properties: repair is idempotent, keeps every ASCII character in order, keeps the number of
/// lines, and leaves ASCII text (no control characters) untouched.
pub fn repair(data: &[u8]) {
    let _ = looks_binary(data);
    let source = decode_and_repair(data);
    for diagnostic in source.report.diagnostics(Path::new("fuzz.md"), &source.text) {
        assert!(diagnostic.location.line.is_some_and(|l| l >= 1), "{diagnostic:?}");
    }
    let decoded = &source.decoded.text;
    let (once, _) = repair::repair(decoded);
    let (twice, _) = repair::repair(&once);
    assert_eq!(once, twice, "repair is not idempotent");
    let ascii = |s: &str| s.chars().filter(char::is_ascii).collect::<String>();
    assert_eq!(ascii(&once), ascii(decoded), "repair changed ASCII characters");
    assert_eq!(once.split('\n').count(), decoded.split('\n').count(), "repair changed the number of lines");
    if data.iter().all(|b| b.is_ascii() && (*b >= 0x20 || matches!(b, b'\n' | b'\r' | b'\t'))) {
        assert_eq!(source.text.as_bytes(), data, "clean ASCII must come back unchanged");
    }
}

/// A link hook that answers from the input itself, so the fuzzer reaches every branch of the
/// link pass: rewritten or kept destinations, found, missing or ignored guide names.
struct Echo;

impl LinkHook for Echo {
    fn rewrite_link(&mut self, dest: &str, is_image: bool, at: LinkSite) -> Option<String> {
        match (dest.len() + usize::from(is_image) + at.heading.unwrap_or(0)) % 3 {
            0 => None,
            1 => Some(format!("../{dest}\"<x>&")),
            _ => Some(String::new()),
        }
    }

    fn reference(&mut self, name: &str, _at: LinkSite) -> Reference {
        match name.len() % 3 {
            0 => Reference::NotAGuide,
            1 => Reference::Found(format!("../{name}/")),
            _ => Reference::Missing,
        }
    }
}

/// Markdown → HTML with every pass of carnet (summary, code blocks, links, heading ids, callouts,
/// tables, footnotes). Properties: heading ids are unique in a page, and the HTML holds a
/// `<script` only where the Markdown wrote one (raw HTML is the author's; nothing carnet adds
/// may open a script).
pub fn markdown(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let rendered = renderer().render_with(&text, &mut Echo);
    let mut ids = std::collections::HashSet::new();
    for heading in &rendered.headings {
        assert!(ids.insert(heading.id.as_str()), "heading id `{}` given twice", heading.id);
    }
    if rendered.html.to_ascii_lowercase().contains("<script") {
        assert!(text.to_ascii_lowercase().contains("<script"), "carnet wrote a <script>: {}", rendered.html);
    }
}

/// A site and one guide of it: header lines, an empty line, then the guide's Markdown.
///
/// Header lines: `G rel/path.md id id alias=id <anchor` (a guide, its heading ids and raw HTML anchors), `F rel/path.png`
/// (another file), `P content` (the content folder's name, for `content/GUIDE.md` references),
/// `@ N` (the guide the Markdown belongs to). Without any `G`, two guides stand in.
struct LinkCase {
    guides: Vec<GuideTargets>,
    files: Vec<String>,
    prefix: Option<String>,
    from: usize,
    body: String,
}

impl LinkCase {
    fn parse(data: &[u8]) -> LinkCase {
        let text = String::from_utf8_lossy(data);
        let (header, body) = text.split_once("\n\n").unwrap_or(("", &text));
        let mut case =
            LinkCase { guides: Vec::new(), files: Vec::new(), prefix: None, from: 0, body: body.to_string() };
        for line in header.lines() {
            let mut words = line.split(' ');
            match words.next() {
                Some("G") => {
                    let rel = words.next().unwrap_or("").to_string();
                    let path = carnet::slug::slugify(rel.trim_end_matches(".md")) + "/";
                    let (mut ids, mut aliases, mut anchors) = (Vec::new(), Vec::new(), Vec::new());
                    for word in words {
                        match word.split_once('=') {
                            Some((alias, id)) => aliases.push((alias, id)),
                            None => match word.strip_prefix('<') {
                                Some(anchor) => anchors.push(anchor.to_string()),
                                None => ids.push(word),
                            },
                        }
                    }
                    case.guides.push(targets(&rel, &path, &ids, &aliases, anchors));
                }
                Some("F") => case.files.push(words.collect::<Vec<_>>().join(" ")),
                Some("P") => case.prefix = words.next().map(str::to_string),
                Some("@") => case.from = words.next().and_then(|n| n.parse().ok()).unwrap_or(0),
                _ => {}
            }
        }
        if case.guides.is_empty() {
            let guide = |rel: &str, path: &str, ids: &[&str]| {
                targets(rel, path, ids, &[("-résolution", "resolution")], vec!["ancre".into()])
            };
            case.guides.push(guide("GUIDE_A.md", "guide-a/", &["intro", "resolution"]));
            case.guides.push(guide("dossier/Autre Guide.md", "dossier/autre-guide/", &["causes"]));
        }
        case.from %= case.guides.len();
        case
    }
}

/// A guide's targets: a heading per id, each alias on the heading of its id (a heading of its
/// own when no heading has that id), and raw HTML anchors.
fn targets(
    rel: &str,
    path: &str,
    ids: &[&str],
    aliases: &[(&str, &str)],
    anchors: Vec<String>,
) -> GuideTargets {
    let heading =
        |id: &str| Heading { level: 2, id: id.to_string(), aliases: Vec::new(), text: id.to_string() };
    let mut headings: Vec<Heading> = ids.iter().map(|id| heading(id)).collect();
    for (alias, id) in aliases {
        let at = match headings.iter().position(|h| h.id == *id) {
            Some(at) => at,
            None => {
                headings.push(heading(id));
                headings.len() - 1
            }
        };
        headings[at].aliases.push(alias.to_string());
    }
    let headings = Arc::new(headings);
    GuideTargets { rel: rel.into(), path: path.into(), headings, aliases: Vec::new(), anchors }
}

/// The link resolver as a build runs it: the guide renders with the `Recorder` hook, then every
/// noted link is resolved against the site (`LinkIndex::resolve`, `find_reference`, anchors
/// exact and loose) and replayed into the page's rendering. Also resolves each header word as a bare link.
/// Properties: no panic; every diagnostic points at a line of the guide.
pub fn links(data: &[u8]) {
    let case = LinkCase::parse(data);
    let mut index = LinkIndex::new(case.guides.iter().cloned().collect(), case.files.clone());
    let from = GuideId::new(case.from);
    if let Some(prefix) = &case.prefix {
        index = index.with_content_prefix(prefix);
    }
    for (i, guide) in case.guides.iter().enumerate() {
        index.set_headings(GuideId::new(i), Arc::clone(&guide.headings), guide.anchors.clone());
    }
    for line in String::from_utf8_lossy(data).lines().take(64) {
        for word in line.split(' ').take(16) {
            let _ = index.resolve(from, word);
            let _ = index.find_reference(from, word);
        }
    }
    let mut recorder = Recorder::new(&index, from, &case.body);
    renderer().outline_with(&case.body, &mut recorder);
    let path = Path::new("content/fuzz.md");
    let source = Source { path, text: &case.body, body_start: 0 };
    let page_path = index.guide(from).path.clone();
    let resolution = cross_link::resolve(&index, from, &page_path, &recorder.recorded, &source);
    // The page asks the link pass's questions again, in the same order as the outline did.
    let mut replay = Replay::new(&resolution.answers);
    renderer().render_with(&case.body, &mut replay);
    assert!(replay.is_done(), "the rendering asked fewer questions than the outline");
    let lines = case.body.split('\n').count();
    for diagnostic in &resolution.diagnostics {
        let line = diagnostic.location.line.unwrap_or(0);
        assert!((1..=lines).contains(&line), "{diagnostic:?} outside the guide's {lines} lines");
    }
}

/// The front matter: `split` then `parse`, in both formats. Properties: the body is the end of
/// the text; the front matter lies inside the text, before the body; problems have a line
/// inside the front matter (or its opening fence).
pub fn frontmatter(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let split = frontmatter::split(&text);
    assert!(text.ends_with(split.body), "the body is not the end of the text");
    let Some((format, front)) = split.front else {
        assert_eq!(split.body, &text[..]);
        return;
    };
    let body_start = text.len() - split.body.len();
    let front_start = front.as_ptr() as usize - text.as_ptr() as usize;
    assert!(front_start + front.len() <= body_start, "the front matter overlaps the body");
    let head = &text[..body_start];
    let lines_before = head.matches('\n').count() + usize::from(!head.ends_with('\n'));
    assert_eq!(split.body_line, lines_before, "body_line is not the number of lines before the body");
    let front_lines = front.split('\n').count();
    for format in [format, other(format)] {
        match frontmatter::parse(format, front) {
            Ok((_, warnings)) => {
                for w in warnings {
                    assert!((1..=front_lines).contains(&w.line), "warning line {} of {front_lines}", w.line);
                }
            }
            // Line 0: the opening fence, for a front matter refused whole (over a size limit).
            Err(problem) => {
                assert!(problem.line <= front_lines + 1, "{problem:?} of {front_lines}");
            }
        }
    }
}

fn other(format: frontmatter::Format) -> frontmatter::Format {
    match format {
        frontmatter::Format::Toml => frontmatter::Format::Yaml,
        frontmatter::Format::Yaml => frontmatter::Format::Toml,
    }
}
