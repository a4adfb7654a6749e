//! What `repair` did to a text: sequences repaired, code pages undone, lost bytes restored by
//! judgement (`Guess`) and damage left in place (`Spot`), with a one-line `Display` summary for
//! the build report and `diagnostics` for warnings with file:line:col.

use std::fmt;
use std::path::Path;

use crate::error::{Diagnostic, Kind, Location};

/// What `repair` did to a text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepairReport {
    /// Number of damaged sequences repaired (a character encoded twice counts once per layer).
    pub repaired: usize,
    /// The code pages undone, outermost layer first.
    pub layers: Vec<&'static str>,
    /// Characters chosen among several candidates for a lost byte.
    pub guesses: Vec<Guess>,
    /// Places that look damaged but could not be repaired.
    pub unrepairable: Vec<Spot>,
}

impl RepairReport {
    pub fn is_clean(&self) -> bool {
        self.repaired == 0 && self.guesses.is_empty() && self.unrepairable.is_empty()
    }

    /// One warning per guess and per unrepairable spot, located in `text` (the repaired text:
    /// `repair` never adds or removes a line, so lines are also the source file's lines).
    pub fn diagnostics(&self, path: &Path, text: &str) -> Vec<Diagnostic> {
        if self.guesses.is_empty() && self.unrepairable.is_empty() {
            return Vec::new();
        }
        let lines: Vec<&str> = text.split('\n').collect();
        let locate = |line: usize, col: usize| {
            let mut location = Location::at(path, line, col);
            // A long line (minified text) is not worth quoting under every warning.
            let source = lines.get(line.wrapping_sub(1)).map(|l| l.trim_end_matches('\r'));
            location.source_line = source.filter(|l| l.len() <= 400).map(str::to_string);
            location
        };
        let warning = |location, message| Diagnostic::warning(location, message).of_kind(Kind::Encoding);
        let guesses = self.guesses.iter().map(|g| warning(locate(g.line, g.col), g.message()));
        let spots = self.unrepairable.iter().map(|s| warning(locate(s.line, s.col), s.message()));
        guesses.chain(spots).collect()
    }
}

/// `12 sequences repaired (windows-1254), 2 guessed, 1 left damaged`; `clean` when nothing to say.
impl fmt::Display for RepairReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_clean() {
            return f.write_str("clean");
        }
        let plural = if self.repaired == 1 { "" } else { "s" };
        write!(f, "{} sequence{plural} repaired", self.repaired)?;
        if !self.layers.is_empty() {
            write!(f, " ({})", self.layers.join(" over "))?;
        }
        if !self.guesses.is_empty() {
            write!(f, ", {} guessed", self.guesses.len())?;
        }
        if !self.unrepairable.is_empty() {
            write!(f, ", {} left damaged", self.unrepairable.len())?;
        }
        Ok(())
    }
}

/// A lost byte restored by judgement. Line and column (in characters) start at 1 and point at the
/// chosen character in the repaired text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guess {
    pub line: usize,
    pub col: usize,
    pub chosen: String,
    /// The other candidates, most likely first.
    pub alternatives: Vec<String>,
}

impl Guess {
    pub fn message(&self) -> String {
        if self.alternatives.is_empty() {
            return format!("lost character restored as {} by guess (from the word around it)", self.chosen);
        }
        format!(
            "lost byte restored as {} by guess (also possible: {})",
            self.chosen,
            self.alternatives.join(" ")
        )
    }
}

impl fmt::Display for Guess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message())
    }
}

/// A damaged place left as it is (a lost byte no candidate fits, a stray control character).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spot {
    pub line: usize,
    pub col: usize,
    pub text: String,
}

impl Spot {
    pub fn message(&self) -> String {
        let escaped: String = self.text.chars().flat_map(char::escape_debug).collect();
        format!("damaged text left as it is: \"{escaped}\"")
    }
}

impl fmt::Display for Spot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_names_layers_and_guesses() {
        let report = RepairReport {
            repaired: 3,
            layers: vec!["windows-1252", "iso-8859-1"],
            guesses: vec![Guess {
                line: 2, col: 4, chosen: "🔍".into(), alternatives: vec!["🔐".into()]
            }],
            unrepairable: Vec::new(),
        };
        assert_eq!(report.to_string(), "3 sequences repaired (windows-1252 over iso-8859-1), 1 guessed");
        assert_eq!(RepairReport::default().to_string(), "clean");
    }

    #[test]
    fn diagnostics_locate_guesses_in_the_file() {
        let report = RepairReport {
            repaired: 1,
            layers: vec!["windows-1254"],
            guesses: vec![Guess {
                line: 2, col: 4, chosen: "🔍".into(), alternatives: vec!["🔐".into()]
            }],
            unrepairable: vec![Spot { line: 1, col: 1, text: "\u{FFFD}".into() }],
        };
        let found = report.diagnostics(Path::new("a.md"), "\u{FFFD}\r\n## 🔍 Causes\r\n");
        assert_eq!(found.len(), 2);
        assert!(
            found[0].to_string().starts_with("warning: a.md:2:4: lost byte restored as 🔍"),
            "{}",
            found[0]
        );
        assert_eq!(found[0].location.source_line.as_deref(), Some("## 🔍 Causes"));
        assert!(found[1].message.contains('\u{FFFD}'), "{}", found[1].message);
    }
}
