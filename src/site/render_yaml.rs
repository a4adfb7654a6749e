//! `render.yaml`, the Render Blueprint at the root of a site: the `routes` of the site's redirects.
//!
//! Render serves a file before it looks at routes, so carnet's redirect pages answer `/old/` and
//! `/old/index.html`; a `type: redirect` route answers the one spelling that is no file, `/old`,
//! with a 301. The routes sit between two marker comments (`routes_block`), so that `carnet
//! routes --write` rewrites them from the redirect plan and `carnet build` and `carnet check`
//! warn when they drift from it (`drift`), as they do when its Content-Security-Policy is not
//! the one `[publish] allow_hosts` asks for (`csp`). `run` is `carnet routes`.

use std::path::Path;

use super::{analysis, redirects::Redirect, BuildOptions};
use crate::cli::RoutesArgs;
use crate::content::SiteRoot;
use crate::error::{Diagnostic, Error, Location, Result};
use crate::report::Reporter;

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

/// `text` with its routes block replaced by the routes of `redirects`; `None` when `text` has no
/// complete block (an error message says why).
fn rewritten(text: &str, redirects: &[Redirect]) -> std::result::Result<String, String> {
    match find_block(text) {
        Some(Ok(found)) => {
            let block = routes_block(redirects, found.indent);
            Ok(format!("{}{block}{}", &text[..found.start], &text[found.end..]))
        }
        Some(Err(line)) => Err(format!("line {line}: `{BEGIN}` has no `{END}` line after it")),
        None => Err(format!(
            "no routes block: put these lines in the static site's service, where `routes:` goes:\n{}",
            routes_block(&[], "    ")
        )),
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
        Err(why) => Some(why),
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

/// `carnet routes`: prints the routes block, or rewrites (`--write`) or checks (`--check`) the
/// one in render.yaml. Exit code 1 when `--check` finds it out of date.
pub fn run(args: &RoutesArgs, reporter: &Reporter) -> Result<u8> {
    let options = BuildOptions {
        root: args.root.clone(),
        output: None,
        base_url: None,
        strict: false,
        live_reload: false,
        preview: false,
        replace_output: false,
        broken_links: None,
    };
    let analysis = analysis::analyze(&options)?;
    let errors: Vec<Diagnostic> = analysis.diagnostics.into_iter().filter(Diagnostic::is_error).collect();
    if !errors.is_empty() {
        return Err(Error::Build(errors));
    }
    let redirects = analysis.redirects;
    let hosts = analysis.config.publish.allow_hosts.unwrap_or_default();
    if !args.write && !args.check {
        print!("{}", routes_block(&redirects, "    "));
        return Ok(0);
    }
    let path = args.root.join(FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    check_inside(&args.root, &path).map_err(|refused| Error::Build(vec![refused]))?;
    let routes_fresh = rewritten(&text, &redirects)
        .map_err(|why| Error::Build(vec![Diagnostic::error(Location::file(&path), why)]))?;
    let fresh = super::csp::rewrite_blueprint(&routes_fresh, &hosts);
    let count = redirects.len();
    let routes = if count == 1 { "route" } else { "routes" };
    if fresh == text {
        reporter.info(format!("{}: {count} {routes}, up to date", path.display()));
        return Ok(0);
    }
    if args.check {
        for warning in drift(&args.root, &redirects, &hosts) {
            reporter.diagnostic(&Diagnostic::error(warning.location, warning.message));
        }
        return Ok(1);
    }
    std::fs::write(&path, &fresh).map_err(|e| Error::io(&path, e))?;
    let routes_written = if routes_fresh == text { ", up to date" } else { " written" };
    reporter.info(format!("{}: {count} {routes}{routes_written}", path.display()));
    if let Some((_, phrases)) = super::csp::blueprint_drift(&routes_fresh, &hosts) {
        reporter.info(format!("{}: Content-Security-Policy: {}", path.display(), phrases.join("; ")));
    }
    Ok(0)
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
        assert!(rewritten("services: []\n", &[]).unwrap_err().contains("no routes block"));
        let open = "x:\n  # carnet routes: begin\n  routes: []\n";
        assert!(rewritten(open, &[]).unwrap_err().starts_with("line 2:"));
    }
}
