//! Loading the content folder: the only stage that sees bytes.
//!
//! `load` walks the folder, reads every guide in parallel, decodes and repairs its text (see
//! `repair`), and cuts off its front matter. What it finds wrong comes back as diagnostics.

pub mod docusaurus;
pub mod frontmatter;
pub mod guide_id;
pub mod ignored;
pub mod jekyll;
pub mod mdx;
pub mod repair;
pub mod walk;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Diagnostic, Kind, Location};
use frontmatter::FrontMatter;
pub use guide_id::{GuideId, PerGuide};
use repair::RepairReport;
pub use walk::{is_guide, is_ignored_name, Found, SiteRoot};

/// The comment that switches repair off for one guide.
pub const NO_REPAIR_MARKER: &str = "<!-- carnet: no-repair -->";

/// A guide read from disk: repaired text, front matter apart.
#[derive(Debug, Clone)]
pub struct Guide {
    pub path: PathBuf,
    /// Relative to the content folder.
    pub rel: PathBuf,
    pub front: FrontMatter,
    /// The whole repaired text, front matter included.
    pub text: String,
    /// Byte offset of the body in `text`.
    pub body_start: usize,
    /// Lines before the body (front matter and its fences).
    pub body_line: usize,
    /// The legacy encoding the bytes were decoded from, when they were not UTF-8.
    pub encoding: Option<&'static str>,
    pub repair: RepairReport,
}

impl Guide {
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }
}

/// What the content folder holds.
#[derive(Debug, Default)]
pub struct Content {
    pub guides: PerGuide<Guide>,
    /// Other files (images, PDFs), copied next to their pages.
    pub files: Vec<Found>,
    /// The collections of `_config.yml`, when the folder was written for Jekyll.
    pub collections: Option<jekyll::Collections>,
    /// The folder is written for Docusaurus (`docusaurus::is_docs_folder`).
    pub docusaurus: bool,
    pub diagnostics: Vec<Diagnostic>,
}

/// Guides read at once. Reading waits for the disk when the files are not in memory: more
/// reads in flight than cores keep the disk busy (a cold 10,000-guide folder loads in
/// 0.5 s instead of 0.95 s); with the files in memory the extra threads cost nothing.
const READERS: usize = 8;

/// Reads the whole content folder of the site at `root`.
pub fn load(root: &SiteRoot, content_dir: &Path) -> Content {
    let refused = if content_dir.is_dir() {
        root.check_folder(content_dir).err().map(|refused| refused.to_string())
    } else {
        Some("content folder not found (create it, or set content_dir in carnet.toml)".to_string())
    };
    if let Some(message) = refused {
        return Content {
            diagnostics: vec![Diagnostic::error(Location::file(content_dir), message)],
            ..Default::default()
        };
    }
    let walked = walk::walk(root, content_dir);
    let mut diagnostics = walked.diagnostics;
    let (collections, note) = jekyll::collections(root, content_dir);
    diagnostics.extend(note);
    let read_all =
        || -> Vec<(Option<Guide>, Vec<Diagnostic>)> { walked.guides.par_iter().map(read_guide).collect() };
    let results = match rayon::ThreadPoolBuilder::new().num_threads(READERS).build() {
        Ok(pool) => pool.install(read_all),
        Err(_) => read_all(),
    };
    let mut guides = PerGuide::with_capacity(results.len());
    for (guide, found) in results {
        if let Some(guide) = guide {
            guides.push(guide);
        }
        diagnostics.extend(found);
    }
    let docusaurus = docusaurus::is_docs_folder(root, content_dir);
    Content { guides, files: walked.files, collections, docusaurus, diagnostics }
}

/// Reads, decodes, repairs and splits one guide.
pub fn read_guide(found: &Found) -> (Option<Guide>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let bytes = match std::fs::read(&found.path) {
        Ok(bytes) => bytes,
        Err(err) => {
            // Unreadable (permissions), or gone since the walk found it (a folder deleted
            // during the build).
            let message = format!("cannot read this guide: {err}");
            return (None, vec![Diagnostic::error(Location::file(&found.path), message)]);
        }
    };
    if looks_binary(&bytes) {
        let message = "binary file, not a guide (rename it, or move it out of the content folder)";
        return (None, vec![Diagnostic::error(Location::file(&found.path), message)]);
    }
    let SourceText { decoded, mut text, report } = decode_and_repair(&bytes);
    if let Some(offset) = lone_carriage_returns_as_line_feeds(&mut text) {
        let message = "old Mac line endings (a carriage return alone) read as line breaks; save the \
                       file with LF or CRLF line endings";
        diagnostics.push(Diagnostic::warning(Location::from_offset(&found.path, &text, offset), message));
    }
    if let Some(offset) = text.find('\0') {
        let count = text.matches('\0').count();
        let message = format!("{count} NUL byte(s) in the text, shown as U+FFFD");
        diagnostics.push(Diagnostic::warning(Location::from_offset(&found.path, &text, offset), message));
        // CommonMark: the NUL character is replaced by U+FFFD (same length, offsets stay valid
        // for lines and columns).
        text = text.replace('\0', "\u{FFFD}");
    }
    if mdx::is_mdx(&found.path) {
        mdx::blank_module_statements(&mut text);
        diagnostics.extend(mdx_components_note(&found.path, &text));
    }
    diagnostics.extend(report.diagnostics(&found.path, &text));
    let split = frontmatter::split(&text);
    let body_start = text.len() - split.body.len();
    let body_line = split.body_line;
    let mut front = FrontMatter::default();
    if let Some((format, front_text)) = split.front {
        match frontmatter::parse(format, front_text) {
            Ok((parsed, warnings)) => {
                front = parsed;
                for w in warnings {
                    let location = Location::at(&found.path, w.line + 1, 1);
                    diagnostics.push(Diagnostic::warning(location, w.message));
                }
            }
            Err(problem) => {
                let location = front_matter_location(&found.path, &text, problem.line);
                let message = format!("invalid front matter: {}", problem.message);
                diagnostics.push(Diagnostic::error(location, message).of_kind(Kind::FrontMatter));
            }
        }
    }
    if !front.draft && split.body.trim().is_empty() {
        let message = if body_start > 0 {
            "this guide has front matter but no text: published as an empty page"
        } else {
            "this guide is empty: published as an empty page"
        };
        diagnostics.push(Diagnostic::warning(Location::file(&found.path), message).of_kind(Kind::EmptyPage));
    }
    let guide = Guide {
        path: found.path.clone(),
        rel: found.rel.clone(),
        front,
        text,
        body_start,
        body_line,
        encoding: decoded.encoding,
        repair: report,
    };
    (Some(guide), diagnostics)
}

/// A warning naming the JSX components of an MDX guide, which carnet shows as HTML elements.
fn mdx_components_note(path: &Path, text: &str) -> Option<Diagnostic> {
    let components = mdx::components(text);
    let &(_, first) = components.first()?;
    let names: Vec<String> = components.iter().map(|(name, _)| format!("<{name}>")).collect();
    let message = format!(
        "MDX components shown as plain HTML elements, their text without their behaviour: {}",
        names.join(", ")
    );
    Some(Diagnostic::warning(Location::from_offset(path, text, first), message))
}

/// Where a front matter problem is: its line of the file (`line` counts from the opening fence,
/// 0), with that line to show, and the caret on the value of a `key = value` or `key: value`.
fn front_matter_location(path: &Path, text: &str, line: usize) -> Location {
    let mut location = Location::at(path, line + 1, 1);
    if let Some(source) = text.lines().nth(line) {
        let source = source.trim_end_matches('\r');
        let value = source.find(['=', ':']).map(|sign| {
            let after = &source[sign + 1..];
            sign + 1 + (after.len() - after.trim_start().len())
        });
        if let Some(start) = value.filter(|&v| v < source.len()) {
            location.col = Some(source[..start].chars().count() + 1);
        }
        // A line of 60 KB is not shown (its place is).
        location.source_line = (source.len() <= 400).then(|| source.to_string());
    }
    location
}

/// Turns each carriage return not followed by a line feed (the line ending of old Mac files)
/// into a line feed, as CommonMark reads it, so that every later stage sees lines; returns the
/// offset of the first one. The text keeps its length: offsets stay valid.
fn lone_carriage_returns_as_line_feeds(text: &mut String) -> Option<usize> {
    let bytes = text.as_bytes();
    let lone: Vec<usize> =
        text.match_indices('\r').map(|(i, _)| i).filter(|&i| bytes.get(i + 1) != Some(&b'\n')).collect();
    let first = *lone.first()?;
    let mut bytes = std::mem::take(text).into_bytes();
    for i in lone {
        bytes[i] = b'\n';
    }
    // One ASCII byte for another: still UTF-8.
    *text = String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Some(first)
}

/// True for bytes that are no text at all: NUL bytes in something that is not UTF-8 (nor UTF-16
/// with a byte order mark), or mostly control characters. A text with a stray NUL is still text.
pub fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return false;
    }
    let head = &bytes[..bytes.len().min(8192)];
    // Bytes under 0x20 first, line breaks and tabs included: when they are few, the control
    // characters among them are too. Counted in one byte per chunk of 255, which the compiler
    // turns into 16 or 32 bytes an instruction (a count in `usize` went 2 bytes at a time).
    let low: usize = (head.chunks(255))
        .map(|chunk| usize::from(chunk.iter().fold(0u8, |n, &b| n + u8::from(b < 0x20))))
        .sum();
    let is_control = |b: &&u8| **b < 0x20 && !matches!(**b, b'\t' | b'\n' | b'\r' | 0x0C);
    let mostly_controls = low * 10 > head.len() && head.iter().filter(is_control).count() * 10 > head.len();
    let has_nul = head.contains(&0);
    mostly_controls || (has_nul && std::str::from_utf8(bytes).is_err())
}

/// A source file's text, as decoded from its bytes and as repaired.
#[derive(Debug)]
pub struct SourceText {
    pub decoded: repair::Decoded,
    /// The repaired text (the decoded text when the guide switches repair off).
    pub text: String,
    pub report: RepairReport,
}

/// Bytes → text → repaired text, unless the guide switches repair off. Every path that reads a
/// guide (build, check, fix) goes through here.
pub fn decode_and_repair(bytes: &[u8]) -> SourceText {
    let decoded = repair::decode(bytes);
    if repair_disabled(&decoded.text) {
        let text = decoded.text.clone();
        return SourceText { decoded, text, report: RepairReport::default() };
    }
    let (repaired, report) = repair::repair(&decoded.text);
    let text = repaired.into_owned();
    SourceText { decoded, text, report }
}

/// `repair = false` in the front matter, or the no-repair comment on a line of its own outside
/// code blocks (a guide that shows the comment in a code block does not switch repair off).
fn repair_disabled(text: &str) -> bool {
    if has_no_repair_marker(text) {
        return true;
    }
    let split = frontmatter::split(text);
    match split.front {
        Some((format, front)) if front.contains("repair") => {
            frontmatter::parse(format, front).is_ok_and(|(fm, _)| fm.repair == Some(false))
        }
        _ => false,
    }
}

fn has_no_repair_marker(text: &str) -> bool {
    // A whole guide: memchr's vectorised search, several times faster than `str::contains`.
    if memchr::memmem::find(text.as_bytes(), NO_REPAIR_MARKER.as_bytes()).is_none() {
        return false;
    }
    let mut fence: Option<&str> = None;
    // Lines as CommonMark counts them: a carriage return alone ends one too.
    for line in text.split(['\n', '\r']) {
        let trimmed = line.trim();
        match fence {
            Some(open) if trimmed.starts_with(open) => fence = None,
            Some(_) => {}
            None if trimmed.starts_with("```") || trimmed.starts_with("~~~") => {
                fence = Some(&trimmed[..3]);
            }
            None if trimmed == NO_REPAIR_MARKER => return true,
            None => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_files_are_told_from_text_with_a_stray_nul() {
        assert!(looks_binary(b"\x7FELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\xff\xfe"));
        assert!(looks_binary(&[0u8; 100]));
        assert!(!looks_binary("# Titre\n\nAvec un \0 NUL et des accents é\n".as_bytes()));
        assert!(!looks_binary(b"\xFF\xFE#\0 \0T\0"), "UTF-16 with a BOM is text");
        assert!(!looks_binary(b""));
        // Line breaks and tabs are no control characters, however many; others are.
        assert!(!looks_binary(b"a\n\n\n\r\n\t\tb\n\n"));
        assert!(looks_binary(b"a\x01\x02\x03\x1b\n\nb"));
    }

    #[test]
    fn a_guide_gone_between_the_walk_and_its_reading_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("dossier")).unwrap();
        std::fs::write(dir.path().join("dossier/guide.md"), "# Guide\n").unwrap();
        let walked = walk::walk(&SiteRoot::new(dir.path()), dir.path());
        std::fs::remove_dir_all(dir.path().join("dossier")).unwrap();
        let (guide, diagnostics) = read_guide(&walked.guides[0]);
        assert!(guide.is_none());
        let shown = diagnostics[0].to_string();
        assert!(diagnostics[0].is_error(), "{shown}");
        assert!(shown.contains("dossier/guide.md: cannot read this guide: No such file"), "{shown}");
    }

    #[test]
    fn a_carriage_return_alone_is_a_line_ending_and_crlf_stays() {
        let mut mac = "# Titre\r\rTexte\r".to_string();
        assert_eq!(lone_carriage_returns_as_line_feeds(&mut mac), Some(7));
        assert_eq!(mac, "# Titre\n\nTexte\n");
        let mut mixed = "a\r\nb\rc\r\n".to_string();
        assert_eq!(lone_carriage_returns_as_line_feeds(&mut mixed), Some(4));
        assert_eq!(mixed, "a\r\nb\nc\r\n");
        let mut windows = "a\r\nb\r\n".to_string();
        assert_eq!(lone_carriage_returns_as_line_feeds(&mut windows), None);
        assert_eq!(windows, "a\r\nb\r\n");
        assert!(has_no_repair_marker("# T\r\r<!-- carnet: no-repair -->\rtexte\r"));
    }

    #[test]
    fn no_repair_marker_counts_only_outside_code() {
        assert!(has_no_repair_marker("# T\n\n<!-- carnet: no-repair -->\ntexte\n"));
        assert!(!has_no_repair_marker("# T\n\n```html\n<!-- carnet: no-repair -->\n```\n"));
        assert!(!has_no_repair_marker("le commentaire `<!-- carnet: no-repair -->` en ligne\n"));
        assert!(repair_disabled("+++\nrepair = false\n+++\ntexte"));
        assert!(!repair_disabled("+++\nrepair = true\n+++\ntexte"));
    }
}
