//! Printing to the terminal: diagnostics, errors and summaries go to stderr, so that stdout stays
//! free for data (`carnet fix -`). `-q` keeps only errors; `-v` adds detail.

use std::io::Write;

use crate::error::{Diagnostic, Error};

#[derive(Debug, Clone, Copy)]
pub struct Reporter {
    quiet: bool,
    verbose: bool,
}

impl Reporter {
    pub fn new(quiet: bool, verbose: bool) -> Self {
        Reporter { quiet, verbose }
    }

    pub fn is_verbose(&self) -> bool {
        self.verbose
    }

    /// A diagnostic: errors always, warnings unless quiet.
    pub fn diagnostic(&self, diagnostic: &Diagnostic) {
        if diagnostic.is_error() || !self.quiet {
            let _ = writeln!(std::io::stderr().lock(), "{diagnostic}");
        }
    }

    /// A line of progress or summary, unless quiet.
    pub fn info(&self, message: impl std::fmt::Display) {
        if !self.quiet {
            let _ = writeln!(std::io::stderr().lock(), "{message}");
        }
    }

    /// Detail shown only with `-v`.
    pub fn detail(&self, message: impl std::fmt::Display) {
        if self.verbose {
            let _ = writeln!(std::io::stderr().lock(), "{message}");
        }
    }

    /// The error that stops a command, with every diagnostic it carries.
    pub fn error(&self, err: &Error) {
        let mut stderr = std::io::stderr().lock();
        for diagnostic in err.diagnostics() {
            let _ = writeln!(stderr, "{diagnostic}");
        }
        match err {
            Error::Config(_) => {}
            _ => {
                let _ = writeln!(stderr, "error: {err}");
            }
        }
    }
}
