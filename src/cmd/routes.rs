//! `carnet routes`: prints the routes block of the site's redirects, or rewrites (`--write`) or
//! checks (`--check`) render.yaml (`site::blueprint`). Exit code 1 when `--check` finds it out
//! of date.

use crate::cli::RoutesArgs;
use crate::error::{Diagnostic, Error, Result};
use crate::report::Reporter;
use crate::site::blueprint::{self, Blueprint};
use crate::site::search_text::SearchText;
use crate::site::{analysis, BuildOptions};

pub(super) fn run(args: &RoutesArgs, reporter: &Reporter) -> Result<u8> {
    let analysis = analysis::analyze(&BuildOptions::new(args.root.clone()), SearchText::Skip)?;
    let errors: Vec<Diagnostic> = analysis.diagnostics.into_iter().filter(Diagnostic::is_error).collect();
    if !errors.is_empty() {
        return Err(Error::Build(errors));
    }
    let redirects = analysis.redirects;
    if !args.write && !args.check {
        print!("{}", blueprint::routes_block(&redirects, "    "));
        return Ok(0);
    }
    let hosts = analysis.config.publish.allow_hosts.unwrap_or_default();
    let blueprint = Blueprint::read(&args.root, &redirects, &hosts)?;
    let count = redirects.len();
    let routes = if count == 1 { "route" } else { "routes" };
    let path = blueprint.path.display();
    if blueprint.is_up_to_date() {
        reporter.info(format!("{path}: {count} {routes}, up to date"));
        return Ok(0);
    }
    if args.check {
        for warning in blueprint::drift(&args.root, &redirects, &hosts) {
            reporter.diagnostic(&Diagnostic::error(warning.location, warning.message));
        }
        return Ok(1);
    }
    blueprint.write()?;
    let routes_written = if blueprint.routes_fresh == blueprint.text { ", up to date" } else { " written" };
    reporter.info(format!("{path}: {count} {routes}{routes_written}"));
    if let Some(phrases) = blueprint.policy_changes(&hosts) {
        reporter.info(format!("{path}: Content-Security-Policy: {}", phrases.join("; ")));
    }
    Ok(0)
}
