//! `carnet check`: everything the build validates, without writing any output.
//!
//! `run` analyses the site (`site::analysis::analyze`: encoding, front matter, URLs, links,
//! references, ids, images), optionally checks external links, and prints every finding of every
//! file, as text (the format of `carnet build`, `report::write_findings`: kind by kind, the rest
//! of a kind summed up) or as one JSON document listing them all. `--external` also fetches
//! every `http(s)` link (`external`, behind the `external-links` feature: bounded, timed out,
//! retried, with a skip list).

#[cfg(feature = "external-links")]
pub mod external;
pub mod keys;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;

use crate::config::BrokenLinks;
use crate::error::{Diagnostic, Error, Location, Result};
use crate::report::{self, thousands, Reporter};
use crate::site::search_text::SearchText;
use crate::site::{analysis, blueprint, BuildOptions};
#[cfg(feature = "external-links")]
use external::{ExternalLink, ExternalOptions};

/// One finding of the JSON report.
#[derive(Debug, Serialize)]
struct Finding<'a> {
    path: String,
    line: Option<usize>,
    col: Option<usize>,
    severity: &'static str,
    kind: &'static str,
    message: &'a str,
}

#[derive(Debug, Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    files: usize,
    guides: usize,
}

#[derive(Debug, Serialize)]
struct JsonReport<'a> {
    findings: Vec<Finding<'a>>,
    /// Front matter keys carnet does not read, each once (`keys::unknown_keys`).
    unknown_keys: Vec<keys::UnknownKey>,
    summary: Summary,
}

/// What `carnet check` is asked to do.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The site root.
    pub root: PathBuf,
    /// Fail on warnings too.
    pub strict: bool,
    pub format: Format,
    /// Also fetch every `http(s)` link.
    pub external: bool,
    /// Overrides `[links] broken` of the config.
    pub broken_links: Option<BrokenLinks>,
}

/// How the findings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Kind by kind, as `carnet build` prints them.
    Text,
    /// One JSON document listing them all.
    Json,
}

/// Checks the site and prints the findings; exit code 1 when one is an error (any, `strict`).
pub fn run(check: &CheckOptions, reporter: &Reporter) -> Result<u8> {
    if check.external && !cfg!(feature = "external-links") {
        return Err(Error::Usage(WITHOUT_EXTERNAL_LINKS.into()));
    }
    let options = BuildOptions {
        strict: check.strict,
        broken_links: check.broken_links,
        ..BuildOptions::new(check.root.clone())
    };
    // No index: the text of the guides' sections goes as soon as each chunk is outlined.
    let analysis = analysis::analyze(&options, SearchText::Skip)?;
    let mut findings = analysis.diagnostics;
    findings.extend(blueprint::drift(
        &options.root,
        &analysis.redirects,
        analysis.config.publish.allow_hosts.as_deref().unwrap_or_default(),
    ));
    if check.external {
        findings.extend(external_findings(analysis.guides.externals, reporter));
    }
    findings.sort_by(|a, b| {
        (&a.location.path, a.location.line, a.location.col).cmp(&(
            &b.location.path,
            b.location.line,
            b.location.col,
        ))
    });
    let summary = Summary {
        errors: findings.iter().filter(|d| d.is_error()).count(),
        warnings: findings.iter().filter(|d| !d.is_error()).count(),
        files: findings.iter().map(|d| &d.location.path).collect::<BTreeSet<_>>().len(),
        guides: analysis.content.guides.len(),
    };
    let unknown_keys = keys::unknown_keys(analysis.content.guides.as_slice());
    match check.format {
        Format::Text => print_text(&findings, &unknown_keys, &summary, reporter),
        Format::Json => print_json(&findings, unknown_keys, summary),
    }
    let failed = findings.iter().any(|d| d.is_error() || check.strict);
    Ok(u8::from(failed))
}

fn print_text(
    findings: &[Diagnostic],
    unknown_keys: &[keys::UnknownKey],
    summary: &Summary,
    reporter: &Reporter,
) {
    let mut stdout = std::io::stdout().lock();
    let _ = reporter.write_diagnostics(&mut stdout, findings);
    if !reporter.is_quiet() {
        let _ = keys::write_unknown_keys(&mut stdout, unknown_keys, reporter.is_verbose());
    }
    let _ = writeln!(
        stdout,
        "{} error(s), {} warning(s) in {} file(s); {} guide(s) checked",
        thousands(summary.errors),
        thousands(summary.warnings),
        thousands(summary.files),
        thousands(summary.guides)
    );
    if report::failed_on_broken_links(findings) {
        let _ = writeln!(stdout, "{}", report::BROKEN_LINKS_HINT);
    }
}

fn print_json(findings: &[Diagnostic], unknown_keys: Vec<keys::UnknownKey>, summary: Summary) {
    let findings = findings
        .iter()
        .map(|d| Finding {
            path: d.location.path.to_string_lossy().into_owned(),
            line: d.location.line,
            col: d.location.col,
            severity: d.severity.label(),
            kind: d.kind.name(),
            message: &d.message,
        })
        .collect();
    let report = JsonReport { findings, unknown_keys, summary };
    println!("{}", serde_json::to_string_pretty(&report).unwrap_or_else(|_| "{}".into()));
}

/// What `check --external` says in a carnet built without the `external-links` feature (the
/// deploy build leaves the HTTPS client out).
pub const WITHOUT_EXTERNAL_LINKS: &str = "this carnet was built without the `external-links` feature: \
     `check --external` is not available (rebuild with `cargo build --features external-links`, \
     or use a build with default features)";

/// Without the `external-links` feature `run` refuses `--external` before getting here.
#[cfg(not(feature = "external-links"))]
fn external_findings(_links: Vec<(String, Location)>, _reporter: &Reporter) -> Vec<Diagnostic> {
    Vec::new()
}

/// Checks every `http(s)` link (`external`), saying how many were skipped as placeholders,
/// examples or local addresses.
#[cfg(feature = "external-links")]
fn external_findings(links: Vec<(String, Location)>, reporter: &Reporter) -> Vec<Diagnostic> {
    let options = ExternalOptions::default();
    let skipped = links.iter().filter(|(url, _)| external::is_skipped(url, &options)).count();
    let links: Vec<ExternalLink> = links
        .into_iter()
        .filter(|(url, _)| !external::is_skipped(url, &options))
        .map(|(url, location)| ExternalLink { url, location })
        .collect();
    reporter.info(format!(
        "checking {} external link(s), {skipped} skipped (placeholders, examples, local addresses)",
        links.len()
    ));
    external::check_external(links, &options)
}
