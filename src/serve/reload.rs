//! What open pages are told: the state of the last build, and the messages of the reload channel.
//!
//! Every build publishes a `BuildState` (through a `tokio::sync::watch` channel). Each page's
//! event stream starts with `hello` (the current state, so a page opened while the site is broken
//! shows the overlay at once), then gets one message per new state: `reload`, `css` (only
//! stylesheets changed: swap them) or `failed` (show the overlay; the last good site stays).

use std::path::Path;

use serde::Serialize;

use crate::error::{Diagnostic, Severity};

/// The outcome of the last build, as pages see it.
#[derive(Debug, Clone, Serialize)]
pub struct BuildState {
    /// Changes with each process, so that a page reconnecting to a restarted server reloads.
    pub session: u64,
    /// Counts builds, from 1.
    pub build: u64,
    pub ok: bool,
    /// Only stylesheets changed since the previous build.
    pub css_only: bool,
    /// Errors when `ok` is false, else warnings (broken links are warnings in the preview).
    pub diagnostics: Vec<DiagnosticView>,
}

/// A diagnostic for the overlay: file relative to the site root, line, column, message.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DiagnosticView {
    pub severity: &'static str,
    pub file: String,
    pub line: Option<usize>,
    pub col: Option<usize>,
    pub message: String,
    pub source_line: Option<String>,
}

impl DiagnosticView {
    pub fn new(diagnostic: &Diagnostic, root: &Path) -> DiagnosticView {
        let path = &diagnostic.location.path;
        let absolute_root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let file = path.strip_prefix(root).or_else(|_| path.strip_prefix(&absolute_root)).unwrap_or(path);
        DiagnosticView {
            severity: match diagnostic.severity {
                Severity::Warning => "warning",
                Severity::Error => "error",
            },
            file: file.to_string_lossy().replace('\\', "/"),
            line: diagnostic.location.line,
            col: diagnostic.location.col,
            message: diagnostic.message.clone(),
            source_line: diagnostic.location.source_line.clone(),
        }
    }
}

/// One server-sent event: its name and JSON data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub event: &'static str,
    pub data: String,
}

impl BuildState {
    /// The first message of a page's stream.
    pub fn hello(&self) -> Message {
        Message { event: "hello", data: self.json() }
    }

    /// The message for a page that last saw build `seen`.
    pub fn message_after(&self, seen: u64) -> Message {
        let event = if !self.ok {
            "failed"
        } else if self.css_only && self.build == seen + 1 {
            "css"
        } else {
            "reload"
        };
        Message { event, data: self.json() }
    }

    fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Location;

    fn state(build: u64, ok: bool, css_only: bool) -> BuildState {
        BuildState { session: 7, build, ok, css_only, diagnostics: Vec::new() }
    }

    #[test]
    fn messages_follow_the_build() {
        assert_eq!(state(2, true, false).message_after(1).event, "reload");
        assert_eq!(state(2, true, true).message_after(1).event, "css");
        // A page that missed a build must reload: the missed one may have changed content.
        assert_eq!(state(3, true, true).message_after(1).event, "reload");
        assert_eq!(state(2, false, false).message_after(1).event, "failed");
        assert_eq!(state(2, false, false).hello().event, "hello");
    }

    #[test]
    fn diagnostics_name_the_file_from_the_root() {
        let diagnostic =
            Diagnostic::error(Location::at("/site/templates/base.html", 3, 5), "unexpected `%}`");
        let view = DiagnosticView::new(&diagnostic, Path::new("/site"));
        assert_eq!(view.file, "templates/base.html");
        assert_eq!((view.line, view.col, view.severity), (Some(3), Some(5), "error"));
        let json = serde_json::to_string(&view).unwrap();
        assert!(json.contains("\"message\":\"unexpected `%}`\""), "{json}");
    }
}
