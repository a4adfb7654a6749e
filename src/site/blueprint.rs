//! `render.yaml`, the Render Blueprint at the root of a site: the `routes` of the site's redirects.
//!
//! Render serves a file before it looks at routes, so carnet's redirect pages answer `/old/` and
//! `/old/index.html`; a `type: redirect` route answers the one spelling that is no file, `/old`,
//! with a 301. The routes sit between two marker comments (`routes_block`), so that `carnet
//! routes --write` rewrites them from the redirect plan and `carnet build` and `carnet check`
//! warn when they drift from it (`drift`), as they do when its Content-Security-Policy is not
//! the one `[publish] allow_hosts` asks for (`csp`). `Blueprint` is what `carnet routes` reads
//! and writes.

use std::path::{Path, PathBuf};

use super::redirects::Redirect;
use crate::content::SiteRoot;
use crate::error::{Diagnostic, Error, Location, Result};

/// The Blueprint's name at the site root.
pub const FILE: &str = "render.yaml";
const BEGIN: &str = "# carnet routes: begin";
const END: &str = "# carnet routes: end";

/// The routes block, each line indented by `indent` (the service's keys' indentation).
pub fn routes_block(redirects: &[Redirect], indent: &str) -> String {
    let mut lines = vec![
        format!("{BEGIN}. Written by `carnet routes --write` from the guides' `aliases` and"),
        "# the [redirects] table of carnet.toml: change those, not these lines.".to_string(),
    ];
    if redirects.is_empty() {
        lines.push("routes: []".to_string());
    } else {
        lines.push("routes:".to_string());
        for redirect in redirects {
            let source = format!("/{}", redirect.from.trim_end_matches('/'));
            lines.push("  - type: redirect".to_string());
            lines.push(format!("    source: {}", quoted(&source)));
            lines.push(format!("    destination: {}", quoted(&format!("/{}", redirect.to))));
        }
    }
    lines.push(END.to_string());
    lines.iter().map(|line| format!("{indent}{line}\n")).collect()
}

/// A YAML double-quoted scalar (JSON's string syntax is YAML's).
fn quoted(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

/// Where the block is in `text`: byte range of its lines, its indentation, its first line number.
struct Found<'a> {
    start: usize,
    end: usize,
    indent: &'a str,
    line: usize,
}

fn find_block(text: &str) -> Option<std::result::Result<Found<'_>, usize>> {
    let mut offset = 0;
    let mut begin: Option<(usize, &str, usize)> = None;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_start();
        match begin {
            None if trimmed.starts_with(BEGIN) => {
                begin = Some((offset, &line[..line.len() - trimmed.len()], n + 1));
            }
            Some((start, indent, line_number)) if trimmed.trim_end() == END => {
                return Some(Ok(Found { start, end: offset + line.len(), indent, line: line_number }));
            }
            _ => {}
        }
        offset += line.len();
    }
    begin.map(|(_, _, line)| Err(line))
}

/// Why render.yaml's routes block cannot be rewritten.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoutesBlockError {
    #[error("line {line}: `{BEGIN}` has no `{END}` line after it")]
    Unclosed { line: usize },
    #[error(
        "no routes block: put these lines in the static site's service, where `routes:` goes:\n{}",
        routes_block(&[], "    ")
    )]
    Missing,
}

/// `text` with its routes block replaced by the routes of `redirects`, or why it has no
/// complete block.
fn rewritten(text: &str, redirects: &[Redirect]) -> std::result::Result<String, RoutesBlockError> {
    match find_block(text) {
        Some(Ok(found)) => {
            let block = routes_block(redirects, found.indent);
            Ok(format!("{}{block}{}", &text[..found.start], &text[found.end..]))
        }
        Some(Err(line)) => Err(RoutesBlockError::Unclosed { line }),
        None => Err(RoutesBlockError::Missing),
    }
}

/// Warnings when `root/render.yaml` has a routes block that is not the routes of `redirects`, or
/// a Content-Security-Policy whose `img-src`/`media-src` are not those `hosts` (`[publish]
/// allow_hosts`) ask for. A Blueprint without the markers is the author's own: nothing to say.
pub fn drift(root: &Path, redirects: &[Redirect], hosts: &[String]) -> Vec<Diagnostic> {
    let path = root.join(FILE);
    let Ok(text) = std::fs::read_to_string(&path) else { return Vec::new() };
    if let Err(refused) = check_inside(root, &path) {
        return vec![Diagnostic::warning(refused.location, refused.message)];
    }
    let message = match rewritten(&text, redirects) {
        Ok(fresh) if fresh == text => None,
        Ok(_) => Some("its routes are not the site's redirects: run `carnet routes --write`".to_string()),
        Err(_) if find_block(&text).is_none() => return Vec::new(),
        Err(why) => Some(why.to_string()),
    };
    let line = find_block(&text).map(|found| match found {
        Ok(found) => found.line,
        Err(line) => line,
    });
    let at = |line: Option<usize>| match line {
        Some(line) => Location::from_offset(&path, &text, line_offset(&text, line)),
        None => Location::file(&path),
    };
    let mut warnings: Vec<Diagnostic> =
        message.into_iter().map(|message| Diagnostic::warning(at(line), message)).collect();
    if let Some((line, phrases)) = super::csp::blueprint_drift(&text, hosts) {
        warnings.push(Diagnostic::warning(at(Some(line)), policy_drift_message(hosts, &phrases)));
    }
    warnings
}

/// Why the Blueprint's Content-Security-Policy is out of date, and what to run.
fn policy_drift_message(hosts: &[String], phrases: &[String]) -> String {
    let asked = if hosts.is_empty() {
        "no `[publish] allow_hosts` in carnet.toml".to_string()
    } else {
        let listed: Vec<String> = hosts.iter().map(|h| format!("\"{h}\"")).collect();
        format!("`[publish] allow_hosts = [{}]` in carnet.toml", listed.join(", "))
    };
    let loses = phrases.iter().any(|p| p.contains(" loses ") || p.ends_with(" goes (no allowed host)"));
    let keep = if loses { " (a host to keep goes into `allow_hosts`)" } else { "" };
    format!(
        "its Content-Security-Policy is not the one carnet.toml asks for ({asked}): {}; run `carnet \
         routes --write`{keep}",
        phrases.join("; ")
    )
}

/// The publishing rule for the Blueprint: a link leading out of the site root is neither shown
/// nor written through.
fn check_inside(root: &Path, path: &Path) -> std::result::Result<(), Diagnostic> {
    if SiteRoot::new(root).admits(path) {
        return Ok(());
    }
    let message = "a symbolic link leading out of the site root (or into a hidden folder): not read";
    Err(Diagnostic::error(Location::file(path), message))
}

fn line_offset(text: &str, line: usize) -> usize {
    text.split_inclusive('\n').take(line - 1).map(str::len).sum()
}

/// render.yaml of the site at `root`, as it is and as carnet would write it: routes from
/// `redirects`, and the Content-Security-Policy's image and media hosts from `allow_hosts` when
/// carnet.toml sets them.
#[derive(Debug)]
pub struct Blueprint {
    pub path: PathBuf,
    pub text: String,
    /// The text with only its routes brought up to date.
    pub routes_fresh: String,
    /// The text with its routes and its policy brought up to date.
    pub fresh: String,
}

impl Blueprint {
    /// Reads render.yaml (which must be inside the site root) and writes its fresh text.
    pub fn read(root: &Path, redirects: &[Redirect], allow_hosts: &[String]) -> Result<Blueprint> {
        let path = root.join(FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        check_inside(root, &path).map_err(|refused| Error::Build(vec![refused]))?;
        let routes_fresh = rewritten(&text, redirects)
            .map_err(|why| Error::Build(vec![Diagnostic::error(Location::file(&path), why.to_string())]))?;
        let fresh = super::csp::rewrite_blueprint(&routes_fresh, allow_hosts);
        Ok(Blueprint { path, text, routes_fresh, fresh })
    }

    pub fn is_up_to_date(&self) -> bool {
        self.fresh == self.text
    }

    /// What writing would change in the policy, in words (`img-src` gains `x`…), if anything.
    pub fn policy_changes(&self, allow_hosts: &[String]) -> Option<Vec<String>> {
        super::csp::blueprint_drift(&self.routes_fresh, allow_hosts).map(|(_, phrases)| phrases)
    }

    /// Writes the fresh text over render.yaml.
    pub fn write(&self) -> Result<()> {
        std::fs::write(&self.path, &self.fresh).map_err(|e| Error::io(&self.path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redirect(from: &str, to: &str) -> Redirect {
        Redirect { from: from.into(), to: to.into(), title: String::new() }
    }

    const YAML: &str = "services:\n  - type: web\n    name: docs\n    # carnet routes: begin. old\n    routes: []\n    # carnet routes: end\n    headers: []\n";

    #[test]
    fn the_block_lists_one_redirect_route_per_old_address() {
        let block = routes_block(&[redirect("guide-ancien/", "carnet/rediger-un-guide/")], "  ");
        assert!(block.starts_with("  # carnet routes: begin."), "{block}");
        assert!(block.ends_with("  # carnet routes: end\n"), "{block}");
        assert!(
            block.contains(
                "  routes:\n    - type: redirect\n      source: \"/guide-ancien\"\n      destination: \"/carnet/rediger-un-guide/\"\n"
            ),
            "{block}"
        );
        assert!(routes_block(&[], "").contains("\nroutes: []\n"));
    }

    #[test]
    fn rewriting_replaces_the_block_only_and_keeps_its_indentation() {
        let fresh = rewritten(YAML, &[redirect("a/", "b/")]).unwrap();
        assert!(fresh.starts_with("services:\n  - type: web\n    name: docs\n    # carnet routes: begin."));
        assert!(fresh.contains("\n    routes:\n      - type: redirect\n        source: \"/a\"\n"), "{fresh}");
        assert!(fresh.ends_with("    # carnet routes: end\n    headers: []\n"), "{fresh}");
        let parsed: serde_yaml_ng::Value = serde_yaml_ng::from_str(&fresh).unwrap();
        assert_eq!(parsed["services"][0]["routes"][0]["destination"].as_str(), Some("/b/"));
        assert_eq!(rewritten(&fresh, &[redirect("a/", "b/")]).unwrap(), fresh, "idempotent");
    }

    #[test]
    fn a_missing_or_unterminated_block_is_explained() {
        assert!(rewritten("services: []\n", &[]).unwrap_err().to_string().contains("no routes block"));
        let open = "x:\n  # carnet routes: begin\n  routes: []\n";
        assert!(rewritten(open, &[]).unwrap_err().to_string().starts_with("line 2:"));
    }
}
