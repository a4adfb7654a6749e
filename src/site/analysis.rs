//! Everything a build knows before it writes: configuration, theme, content (read, repaired),
//! the tree of URLs, and every guide rendered and cross-linked, with all the diagnostics found.
//! `analyze` never writes; `carnet build` writes from it and `carnet check` reports it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::render::{self, RenderedGuides};
use super::tree::{GuideInfo, SiteTree};
use super::BuildOptions;
use crate::config::Config;
use crate::content::{self, Content, Guide};
use crate::error::{Diagnostic, Error, Location, Result, Severity};
use crate::markdown::Renderer;
use crate::theme::Theme;

/// Where the site is read from and written to.
#[derive(Debug, Clone)]
pub struct SitePaths {
    pub content: PathBuf,
    pub output: PathBuf,
}

/// The analysed site. `theme` and `tree` are `None` when they could not be made (the reasons
/// are in `diagnostics`).
pub struct Analysis {
    pub config: Config,
    pub paths: SitePaths,
    pub theme: Option<Theme>,
    pub content: Content,
    pub tree: Option<SiteTree>,
    pub guides: RenderedGuides,
    pub renderer: Arc<Renderer>,
    pub diagnostics: Vec<Diagnostic>,
    /// One line per guide whose encoding was repaired.
    pub repairs: Vec<String>,
    pub watch: Stopwatch,
}

/// Reads, repairs, renders and cross-links the site of `options.root`, without writing.
pub fn analyze(options: &BuildOptions) -> Result<Analysis> {
    analyze_with(options, Arc::new(Renderer::new()))
}

/// `analyze` with a renderer kept from a previous build: `carnet serve` keeps one, so that its
/// cache of highlighted code blocks makes a rebuild highlight only the blocks that changed.
pub fn analyze_with(options: &BuildOptions, renderer: Arc<Renderer>) -> Result<Analysis> {
    let mut watch = Stopwatch::start();
    let mut config = Config::load(&options.root)?;
    if let Some(base_url) = &options.base_url {
        crate::config::check_base_url(base_url).map_err(Error::Usage)?;
        config.base_url = Some(base_url.clone());
    }
    let paths = SitePaths {
        content: options.root.join(&config.content_dir),
        output: options.output.clone().unwrap_or_else(|| options.root.join(&config.output_dir)),
    };
    check_output_dir(&options.root, &paths.content, &paths.output)?;

    let mut diagnostics = Vec::new();
    let theme =
        Theme::load(&options.root, &config.theme).map_err(|mut errors| diagnostics.append(&mut errors)).ok();
    let mut content = content::load(&paths.content);
    diagnostics.append(&mut content.diagnostics);
    content.guides.retain(|g| !g.front.draft);
    watch.lap("load");
    let repairs = repair_reports(&content.guides, &mut diagnostics);

    let infos: Vec<GuideInfo> = content
        .guides
        .iter()
        .map(|g| GuideInfo {
            rel: g.rel.clone(),
            weight: g.front.weight.unwrap_or(0),
            slug: g.front.slug.clone(),
        })
        .collect();
    let (tree, guides) = match SiteTree::build(&infos, &config.title) {
        Ok(mut tree) => {
            let content_dir = config.content_dir.to_string_lossy();
            let mut guides =
                render::render_guides(&content.guides, &content.files, &tree, &renderer, &content_dir);
            if options.preview {
                // Only broken links are errors here: the preview shows them as warnings.
                guides.diagnostics.iter_mut().for_each(|d| d.severity = Severity::Warning);
            }
            diagnostics.append(&mut guides.diagnostics);
            tree.order(&infos, &guides.titles);
            (Some(tree), guides)
        }
        Err(mut errors) => {
            diagnostics.append(&mut errors);
            (None, RenderedGuides::default())
        }
    };
    watch.lap("markdown");
    Ok(Analysis { config, paths, theme, content, tree, guides, renderer, diagnostics, repairs, watch })
}

/// Measures the stages of a build one after the other.
pub struct Stopwatch {
    last: Instant,
    pub stages: Vec<(&'static str, Duration)>,
}

impl Stopwatch {
    pub fn start() -> Self {
        Stopwatch { last: Instant::now(), stages: Vec::new() }
    }

    pub fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.stages.push((stage, now - self.last));
        self.last = now;
    }
}

/// One line per repaired guide; guesses and unrepairable spots become warnings.
fn repair_reports(guides: &[Guide], diagnostics: &mut Vec<Diagnostic>) -> Vec<String> {
    let mut lines = Vec::new();
    for guide in guides {
        if let Some(encoding) = guide.encoding {
            lines.push(format!("decoded {} from {encoding}", guide.path.display()));
        }
        let report = &guide.repair;
        if report.is_clean() {
            continue;
        }
        let layers = if report.layers.is_empty() {
            String::new()
        } else {
            format!(" ({})", report.layers.join(" + "))
        };
        lines.push(format!("repaired {}: {} sequence(s){layers}", guide.path.display(), report.repaired));
        for guess in &report.guesses {
            let message = format!(
                "lost byte restored by guess: `{}` (other candidates: {})",
                guess.chosen,
                guess.alternatives.join(" ")
            );
            diagnostics.push(Diagnostic::warning(Location::at(&guide.path, guess.line, guess.col), message));
        }
        for spot in &report.unrepairable {
            let message = format!("damaged text left as it is: `{}`", spot.text);
            diagnostics.push(Diagnostic::warning(Location::at(&guide.path, spot.line, spot.col), message));
        }
    }
    lines
}

/// Refuses output folders whose replacement would destroy sources or more.
fn check_output_dir(root: &Path, content_dir: &Path, output: &Path) -> Result<()> {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (root, content, out) = (absolute(root), absolute(content_dir), absolute(output));
    let normalize = |p: &Path| p.components().collect::<PathBuf>();
    let (root, content, out) = (normalize(&root), normalize(&content), normalize(&out));
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let refused = if out.parent().is_none() {
        Some("it is the file system root")
    } else if home.as_deref() == Some(out.as_path()) {
        Some("it is your home folder")
    } else if out == root || root.starts_with(&out) {
        Some("it would replace the site root")
    } else if content.starts_with(&out) {
        Some("the content folder is inside it")
    } else if out.starts_with(&content) {
        Some("it is inside the content folder")
    } else {
        None
    };
    match refused {
        Some(reason) => Err(Error::Usage(format!("refusing output folder {}: {reason}", output.display()))),
        None => Ok(()),
    }
}
