//! What a build is asked to do: the one place build options are made, whichever command asks
//! (`carnet build`, `check`, `routes`, the preview).

use std::path::PathBuf;

use crate::config::BrokenLinks;

/// What a build is asked to do, validated from the command line and `carnet.toml`.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Overrides `output_dir` of the config.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` of the config.
    pub base_url: Option<String>,
    /// Fail when any warning remains.
    pub strict: bool,
    /// Add the live-reload script (only `carnet serve` sets it).
    pub live_reload: bool,
    /// The live preview: broken links are warnings, so the author sees the page and the warning.
    pub preview: bool,
    /// Replace an output folder that carnet did not make (`--replace-output`), deleting what it
    /// holds; without it such a folder is refused.
    pub replace_output: bool,
    /// Overrides `[links] broken` of the config (`--broken-links`).
    pub broken_links: Option<BrokenLinks>,
}

impl BuildOptions {
    /// A build of the site at `root` as `carnet build` runs it with no flag: into the output
    /// folder of the config, broken links as the config says, no preview.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            base_url: None,
            strict: false,
            live_reload: false,
            preview: false,
            replace_output: false,
            broken_links: None,
        }
    }

    /// The live preview's build into `output`: broken links are warnings, pages carry the
    /// live-reload script, assets keep plain names.
    pub fn preview(root: impl Into<PathBuf>, output: PathBuf, base_url: Option<String>) -> Self {
        BuildOptions { output: Some(output), base_url, live_reload: true, preview: true, ..Self::new(root) }
    }
}
