//! Printing to the terminal: diagnostics, errors and summaries go to stderr, so that stdout stays
//! free for data (`carnet fix -`). `-q` keeps only errors; `-v` adds detail.
//!
//! `write_findings` is the one format of `build` and `check`: findings grouped by kind, the
//! first few of each kind in full, then one line summing up the rest of that kind (how many,
//! in which files), so that 30,000 findings take a screen, not 30,000 lines; `-v` prints them all.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::error::{Diagnostic, Error, Kind, Severity};

/// Findings of one kind printed before the rest of that kind is summed up in one line (fewer
/// when many kinds share the screen, see `LINE_BUDGET`).
pub const SHOWN_PER_KIND: usize = 10;

/// At most this many findings in all: each is printed in full, with its source line and a caret.
const WITH_SOURCE: usize = 10;

/// The lines the findings of every kind share when there are too many to print: a kind gets
/// `LINE_BUDGET / kinds` of them, between `MIN_PER_KIND` and `SHOWN_PER_KIND`.
const LINE_BUDGET: usize = 40;
const MIN_PER_KIND: usize = 3;

/// Files named in the line summing up the findings of a kind.
const FILES_NAMED: usize = 3;

/// Lines of repaired guides printed by `build` before the rest is counted.
const REPAIRS_SHOWN: usize = 10;

/// How to publish a site while its links are being fixed, printed under a failure they caused.
pub const BROKEN_LINKS_HINT: &str = "help: to build the site while the links are being fixed, set \
     `broken = \"warn\"` under `[links]` in carnet.toml, or pass `--broken-links warn`";

#[derive(Debug, Clone, Copy)]
pub struct Reporter {
    quiet: bool,
    verbose: bool,
    /// The command being run (`build`, `check`), named in the line saying how to see every finding.
    command: &'static str,
}

impl Reporter {
    pub fn new(quiet: bool, verbose: bool) -> Self {
        Reporter { quiet, verbose, command: "build" }
    }

    /// The same reporter, for the command `command` (`check`, `serve`).
    pub fn for_command(self, command: &'static str) -> Self {
        Reporter { command, ..self }
    }

    pub fn is_verbose(&self) -> bool {
        self.verbose
    }

    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// A diagnostic: errors always, warnings unless quiet.
    pub fn diagnostic(&self, diagnostic: &Diagnostic) {
        if diagnostic.is_error() || !self.quiet {
            let _ = writeln!(std::io::stderr().lock(), "{diagnostic}");
        }
    }

    /// Many diagnostics, in the format of `write_findings`: errors always, warnings unless quiet.
    pub fn diagnostics(&self, diagnostics: &[Diagnostic]) {
        let _ = self.write_diagnostics(&mut std::io::stderr().lock(), diagnostics);
    }

    /// `diagnostics` into `out`.
    pub fn write_diagnostics(&self, out: &mut impl Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
        let shown: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error() || !self.quiet).collect();
        write_findings(out, &shown, self.verbose, self.command)
    }

    /// What a build repaired, one line per guide, the first few unless verbose.
    pub fn repairs(&self, lines: &[String]) {
        let shown = if self.verbose { lines.len() } else { REPAIRS_SHOWN };
        for line in lines.iter().take(shown) {
            self.info(line);
        }
        if lines.len() > shown {
            self.info(format!(
                "… and {} more guides decoded or repaired (`carnet -v {}` lists them)",
                lines.len() - shown,
                self.command
            ));
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

    /// The error that stops a command, with every diagnostic it carries, and how to build anyway
    /// when broken links made it fail.
    pub fn error(&self, err: &Error) {
        let mut stderr = std::io::stderr().lock();
        let diagnostics = err.diagnostics();
        let _ = self.write_diagnostics(&mut stderr, &diagnostics);
        match err {
            Error::Config(_) => {}
            _ => {
                let _ = writeln!(stderr, "error: {err}");
            }
        }
        if failed_on_broken_links(&diagnostics) {
            let _ = writeln!(stderr, "{BROKEN_LINKS_HINT}");
        }
    }
}

/// Whether broken links or anchors are among the errors.
pub fn failed_on_broken_links(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.is_error() && d.kind.is_broken_link())
}

/// Writes findings kind by kind, warnings first and errors last (next to the line saying the
/// command failed), each kind in file order. Every finding is printed in full, with its source
/// line, when there are few of them or `all` is set; otherwise each kind shows its first ones on
/// a line each and sums up the rest in one line, and a last line says how to see everything.
pub fn write_findings(
    out: &mut impl Write,
    findings: &[&Diagnostic],
    all: bool,
    command: &str,
) -> io::Result<()> {
    let mut kinds: BTreeMap<(Severity, Kind), Vec<&Diagnostic>> = BTreeMap::new();
    for &finding in findings {
        kinds.entry((finding.severity, finding.kind)).or_default().push(finding);
    }
    for group in kinds.values_mut() {
        group.sort_by(|a, b| {
            (&a.location.path, a.location.line, a.location.col).cmp(&(
                &b.location.path,
                b.location.line,
                b.location.col,
            ))
        });
    }
    if all || findings.len() <= WITH_SOURCE {
        for finding in kinds.values().flatten() {
            writeln!(out, "{finding}")?;
        }
        return Ok(());
    }
    let per_kind = (LINE_BUDGET / kinds.len()).clamp(MIN_PER_KIND, SHOWN_PER_KIND);
    let mut hidden = 0;
    for (&(severity, kind), group) in &kinds {
        for finding in group.iter().take(per_kind) {
            writeln!(out, "{}", finding.headline())?;
        }
        if group.len() > per_kind {
            writeln!(out, "{}", rest_of_kind(severity, kind, group, per_kind))?;
            hidden += group.len() - per_kind;
        }
    }
    if hidden > 0 {
        writeln!(
            out,
            "note: {} more finding(s) summed up above: `carnet -v {command}` prints every one, \
             `carnet check --format json` lists them",
            thousands(hidden)
        )?;
    }
    Ok(())
}

/// `warning: … and 2,215 more empty pages (2,225 in all) in a.md, b.md, c.md and 2,212 other files`.
fn rest_of_kind(severity: Severity, kind: Kind, group: &[&Diagnostic], shown: usize) -> String {
    let rest = &group[shown..];
    let mut files: Vec<&std::path::Path> = Vec::new();
    files.extend(rest.iter().map(|finding| finding.location.path.as_path()));
    files.dedup();
    let named: Vec<String> = files.iter().take(FILES_NAMED).map(|f| f.display().to_string()).collect();
    let others = match files.len().saturating_sub(FILES_NAMED) {
        0 => String::new(),
        1 => " and 1 other file".to_string(),
        n => format!(" and {} other files", thousands(n)),
    };
    format!(
        "{}: … and {} more {} ({} in all) in {}{others}",
        severity.label(),
        thousands(rest.len()),
        kind.plural(severity),
        thousands(group.len()),
        named.join(", ")
    )
}

/// `29796` → `29,796`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Location;

    fn broken(file: &str, line: usize) -> Diagnostic {
        Diagnostic::error(Location::at(file, line, 1), format!("broken link {line}"))
            .of_kind(Kind::BrokenLink)
    }

    fn written(findings: &[Diagnostic], all: bool) -> String {
        let mut out = Vec::new();
        write_findings(&mut out, &findings.iter().collect::<Vec<_>>(), all, "check").unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(29_796), "29,796");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn thousands_of_findings_take_a_few_lines_kind_by_kind() {
        let mut findings: Vec<Diagnostic> =
            (1..=3000).map(|n| broken(&format!("g{:04}.md", n / 2), n)).collect();
        let empty = |n: usize| {
            Diagnostic::warning(Location::file(format!("e{n}.md")), "empty").of_kind(Kind::EmptyPage)
        };
        findings.extend((0..2225).map(empty));
        let text = written(&findings, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 10 + 1 + 10 + 1 + 1, "{text}");
        // Warnings first, errors last; each kind in file order.
        assert_eq!(lines[0], "warning: e0.md: empty");
        assert_eq!(
            lines[10],
            "warning: … and 2,215 more empty pages (2,225 in all) in e1006.md, e1007.md, e1008.md and 2,212 other files"
        );
        assert_eq!(lines[11], "error: g0000.md:1:1: broken link 1");
        assert_eq!(
            lines[21],
            "error: … and 2,990 more broken links (3,000 in all) in g0005.md, g0006.md, g0007.md and 1,493 other files"
        );
        assert_eq!(
            lines[22],
            "note: 5,205 more finding(s) summed up above: `carnet -v check` prints every one, \
             `carnet check --format json` lists them"
        );
    }

    #[test]
    fn many_kinds_share_the_screen_and_few_findings_are_printed_in_full() {
        let kinds = [Kind::BrokenLink, Kind::MissingAnchor, Kind::InexactLink, Kind::MissingReference];
        let mut findings = Vec::new();
        for kind in
            kinds.into_iter().chain([Kind::ImageWithoutAlt, Kind::Encoding, Kind::EmptyPage, Kind::Other])
        {
            findings.extend((1..=20).map(|n| broken("a.md", n).of_kind(kind)));
        }
        let text = written(&findings, false);
        assert_eq!(text.lines().count(), 8 * (5 + 1) + 1, "{text}");
        assert_eq!(written(&findings, true).lines().filter(|l| l.starts_with("error")).count(), 160);
        let few = [broken("a.md", 2)];
        let mut source = few[0].clone();
        source.location.source_line = Some("[x](y.md)".into());
        assert_eq!(written(&[source], false).lines().count(), 4, "with its source line and caret");
    }
}
