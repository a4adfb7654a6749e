//! Errors and diagnostics.
//!
//! `Error` is what stops a command; every variant about a file carries its path (and line and
//! column where known) as data. `Diagnostic` is a non-fatal finding (a warning, or an error the
//! build collects before failing) that stages return instead of printing.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in a source file something was found. Lines and columns start at 1.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub col: Option<usize>,
    /// The source line, shown under the message with a caret when a column is known.
    pub source_line: Option<String>,
}

impl Location {
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Location { path: path.into(), ..Default::default() }
    }

    pub fn at(path: impl Into<PathBuf>, line: usize, col: usize) -> Self {
        Location { path: path.into(), line: Some(line), col: Some(col), source_line: None }
    }

    /// Location of byte `offset` in `text`, with the source line attached.
    pub fn from_offset(path: impl Into<PathBuf>, text: &str, offset: usize) -> Self {
        let offset = offset.min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        let source_line = text[line_start..].lines().next().unwrap_or("").trim_end_matches('\r');
        Location {
            path: path.into(),
            line: Some(line),
            col: Some(col),
            source_line: Some(source_line.to_string()),
        }
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.col {
                write!(f, ":{col}")?;
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// What a finding is about: reports count and sum up findings kind by kind (a site with 3,000
/// broken links gets a few of them in full and one line for the rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Kind {
    /// Anything not named below.
    #[default]
    Other,
    /// A link to a page or file that does not exist.
    BrokenLink,
    /// A link to a heading that the page does not have.
    MissingAnchor,
    /// A link that matched only when ignoring case, accents or dashes.
    InexactLink,
    /// A guide file name written in the text, naming no guide.
    MissingReference,
    /// A guide file name written in the text that several guides have.
    AmbiguousReference,
    ImageWithoutAlt,
    /// Front matter that cannot be read.
    FrontMatter,
    /// Two guides, one address (or two landing pages for one folder).
    UrlCollision,
    EmptyPage,
    /// Text the encoding repair had to guess.
    Encoding,
    /// Old addresses (`aliases`, `[redirects]`) that cannot be redirected.
    Redirect,
}

impl Kind {
    /// The name in `carnet check --format json`: `broken-link`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Other => "other",
            Kind::BrokenLink => "broken-link",
            Kind::MissingAnchor => "missing-anchor",
            Kind::InexactLink => "inexact-link",
            Kind::MissingReference => "missing-reference",
            Kind::AmbiguousReference => "ambiguous-reference",
            Kind::ImageWithoutAlt => "image-without-alt",
            Kind::FrontMatter => "front-matter",
            Kind::UrlCollision => "url-collision",
            Kind::EmptyPage => "empty-page",
            Kind::Encoding => "encoding",
            Kind::Redirect => "redirect",
        }
    }

    /// What many findings of this kind are, in a summary line: `broken links`.
    pub fn plural(self, severity: Severity) -> &'static str {
        match (self, severity) {
            (Kind::Other, Severity::Error) => "other errors",
            (Kind::Other, Severity::Warning) => "other warnings",
            (Kind::BrokenLink, _) => "broken links",
            (Kind::MissingAnchor, _) => "links to a missing heading",
            (Kind::InexactLink, _) => "links matched loosely",
            (Kind::MissingReference, _) => "references to missing guides",
            (Kind::AmbiguousReference, _) => "ambiguous guide references",
            (Kind::ImageWithoutAlt, _) => "images without alternative text",
            (Kind::FrontMatter, _) => "front matter problems",
            (Kind::UrlCollision, _) => "address collisions",
            (Kind::EmptyPage, _) => "empty pages",
            (Kind::Encoding, _) => "encoding guesses",
            (Kind::Redirect, _) => "redirect problems",
        }
    }

    /// Broken links and anchors: the findings `[links] broken = "warn"` lets through.
    pub fn is_broken_link(self) -> bool {
        matches!(self, Kind::BrokenLink | Kind::MissingAnchor)
    }
}

/// A finding about the content, collected and reported at the end of a stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub location: Location,
    pub severity: Severity,
    pub message: String,
    pub kind: Kind,
}

impl Diagnostic {
    pub fn warning(location: Location, message: impl Into<String>) -> Self {
        Diagnostic { location, severity: Severity::Warning, message: message.into(), kind: Kind::Other }
    }

    pub fn error(location: Location, message: impl Into<String>) -> Self {
        Diagnostic { location, severity: Severity::Error, message: message.into(), kind: Kind::Other }
    }

    /// The same finding, of kind `kind`.
    pub fn of_kind(mut self, kind: Kind) -> Self {
        self.kind = kind;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The finding on one line, without the source line: `error: a.md:3:5: message`.
    pub fn headline(&self) -> String {
        format!("{}: {}: {}", self.severity.label(), self.location, self.message)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline())?;
        if let (Some(source), Some(line)) = (&self.location.source_line, self.location.line) {
            let gutter = line.to_string().len();
            write!(f, "\n {:gutter$} |\n {line} | {source}", "")?;
            if let Some(col) = self.location.col {
                let pad: String = source
                    .chars()
                    .take(col.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                write!(f, "\n {:gutter$} | {pad}^", "")?;
            }
        }
        Ok(())
    }
}

/// What stops a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}", path = .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Config(Box<Diagnostic>),
    #[error("{}", plural_errors(.0))]
    Build(Vec<Diagnostic>),
    #[error("{0}")]
    Usage(String),
    /// The preview cannot listen on its address: taken, or not this machine's (exit 1: the
    /// command line was right, the machine refused).
    #[error("cannot listen on {address}: {source} (try another --port, or --port 0)")]
    Listen {
        address: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
    /// The preview cannot watch its sources (the system's watcher failed) or start its runtime.
    #[error("cannot {action} {path}: {reason}", path = .path.display())]
    Preview {
        /// What failed: `watch`, `start the server in`.
        action: &'static str,
        path: PathBuf,
        reason: String,
    },
    /// The disk filled up while a build wrote its site beside the output folder.
    #[error(
        "the disk is full: no space left in {folder} for the new site (at {path}); the unfinished \
         build was removed and the output folder is as it was. Free some space there and build again",
        folder = .folder.display(),
        path = .path.display()
    )]
    DiskFull {
        /// The folder holding the output folder and the build's staging folder.
        folder: PathBuf,
        /// The first file that could not be written, from the site's root.
        path: PathBuf,
    },
}

fn plural_errors(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    match errors {
        1 => "the build failed with 1 error".to_string(),
        n => format!("the build failed with {n} errors"),
    }
}

impl Error {
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io { path: path.as_ref().to_path_buf(), source }
    }

    /// The diagnostics this error carries, for printing one per line.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            Error::Config(d) => vec![(**d).clone()],
            Error::Build(ds) => ds.clone(),
            Error::Io { .. }
            | Error::Usage(_)
            | Error::DiskFull { .. }
            | Error::Listen { .. }
            | Error::Preview { .. } => Vec::new(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_from_offset_counts_lines_and_chars() {
        let text = "a = 1\nbé = x\n";
        let loc = Location::from_offset("c.toml", text, text.find('x').unwrap());
        assert_eq!((loc.line, loc.col), (Some(2), Some(6)));
        assert_eq!(loc.source_line.as_deref(), Some("bé = x"));
        assert_eq!(loc.to_string(), "c.toml:2:6");
    }

    #[test]
    fn diagnostic_shows_caret_under_column() {
        let d = Diagnostic::error(Location::from_offset("x.toml", "titl = 1", 0), "unknown key");
        let shown = d.to_string();
        assert!(shown.starts_with("error: x.toml:1:1: unknown key"), "{shown}");
        assert!(shown.ends_with("| ^"), "{shown}");
    }
}
