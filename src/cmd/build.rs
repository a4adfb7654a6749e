//! `carnet build`: builds the site, prints the repairs, the diagnostics, the stage timings
//! (`-v`) and a one-line summary.

use crate::cli::BuildArgs;
use crate::error::Result;
use crate::report::Reporter;
use crate::site::{self, BuildOptions};

/// `carnet build`: builds, prints the diagnostics and a one-line summary.
pub(super) fn run(args: &BuildArgs, reporter: &Reporter) -> Result<u8> {
    let options = BuildOptions {
        output: args.output.clone(),
        base_url: args.base_url.clone(),
        strict: args.strict,
        replace_output: args.replace_output,
        broken_links: args.broken_links.map(Into::into),
        ..BuildOptions::new(args.root.clone())
    };
    let summary = site::build(&options)?;
    reporter.repairs(&summary.repairs);
    reporter.diagnostics(&summary.diagnostics);
    let stages: Vec<String> = summary.stages.iter().map(ToString::to_string).collect();
    reporter.detail(format!("stages: {}", stages.join(", ")));
    if let Some(peak) = peak_memory_kib() {
        reporter.detail(format!("peak memory: {} MiB", peak / 1024));
    }
    reporter.info(format!(
        "Built {} pages into {} in {} ms",
        summary.pages,
        summary.output.display(),
        summary.elapsed.as_millis()
    ));
    Ok(0)
}

/// The process's peak resident memory, where the system tells it (Linux).
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
