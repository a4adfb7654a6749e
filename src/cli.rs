//! The command line: verbs and their flags (clap derive), nothing else.

#[cfg(feature = "serve")]
use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::BrokenLinks;

#[derive(Debug, Parser)]
#[command(
    name = "carnet",
    version,
    about = "Build a French documentation site from Markdown guides, repairing their encoding on the way"
)]
pub struct Cli {
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print every warning in full and the time of each stage.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder.
    Build(BuildArgs),
    /// Check links, references, ids and encoding without writing anything.
    Check(CheckArgs),
    /// Repair the encoding of guides (a dry run unless --write or --check).
    Fix(FixArgs),
    /// Start a documentation repository: carnet.toml, an example guide, render.yaml, .gitignore.
    Init(InitArgs),
    /// Print the Render routes of the site's redirects (--write updates render.yaml).
    Routes(RoutesArgs),
    /// Preview the site: build it, serve it, rebuild on every change and refresh open pages.
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
}

#[cfg(feature = "serve")]
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The site root (holding carnet.toml and content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The port to listen on; 0 picks a free one (the URL printed says which).
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on; 0.0.0.0 opens the preview to the whole network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Check the sources for changes every 300 ms instead of using the system's file events
    /// (network and container file systems).
    #[arg(long)]
    pub poll: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The site root (holding carnet.toml and content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Fail on warnings too.
    #[arg(long)]
    pub strict: bool,
    /// How to print the findings.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also check http(s) links (network access, bounded concurrency and timeouts; needs the
    /// `external-links` feature, on by default, left out of the deploy build).
    #[arg(long)]
    pub external: bool,
    /// Whether broken links are errors or warnings (overrides `[links] broken` of carnet.toml).
    #[arg(long, value_enum, value_name = "error|warn")]
    pub broken_links: Option<BrokenLinksArg>,
}

/// `--broken-links`: what a link to a missing page, file or heading is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BrokenLinksArg {
    /// An error: the build fails (the default).
    Error,
    /// A warning: the site is built, the link left as written.
    Warn,
}

impl From<BrokenLinksArg> for BrokenLinks {
    fn from(arg: BrokenLinksArg) -> Self {
        match arg {
            BrokenLinksArg::Error => BrokenLinks::Error,
            BrokenLinksArg::Warn => BrokenLinks::Warn,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site root (holding carnet.toml and content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Where to write the site (default: public/ in the site root).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Absolute URL the site is published at (overrides carnet.toml).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Fail when a warning remains (guessed characters, unrepairable text).
    #[arg(long)]
    pub strict: bool,
    /// Replace the output folder even if carnet did not make it, deleting what it holds (a
    /// folder that is not empty and holds no site built by carnet is refused otherwise).
    #[arg(long)]
    pub replace_output: bool,
    /// Whether broken links fail the build (`error`) or are only reported (`warn`); overrides
    /// `[links] broken` of carnet.toml.
    #[arg(long, value_enum, value_name = "error|warn")]
    pub broken_links: Option<BrokenLinksArg>,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    /// Files or folders to repair; `-` reads stdin and writes stdout. Default: the content folder.
    pub paths: Vec<PathBuf>,
    /// The site root, to find the content folder when no path is given.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Rewrite the files in place (atomically).
    #[arg(long, conflicts_with = "check")]
    pub write: bool,
    /// With --write, keep the original as NAME.orig.
    #[arg(long, requires = "write")]
    pub backup: bool,
    /// Exit 1 when anything would change, 0 otherwise.
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder of the new repository, created if needed; it must be empty.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct RoutesArgs {
    /// The site root (holding carnet.toml, content/ and render.yaml).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Rewrite the routes block of render.yaml.
    #[arg(long, conflicts_with = "check")]
    pub write: bool,
    /// Exit 1 when the routes block of render.yaml is out of date.
    #[arg(long)]
    pub check: bool,
}
