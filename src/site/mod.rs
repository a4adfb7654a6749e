//! Building the site: the pipeline from the content folder to the output folder.
//!
//! `build` runs: config → theme → `content::load` (read, decode, repair) → `tree` (URLs,
//! sections) → `outline` of every guide (parallel, no HTML, a chunk of guides at a time, each
//! chunk's section text indexed for search at once: `search_text`) and `cross_link` → `tree`
//! order → (`analysis` ends here) → `emit`: assets, sitemap, copies, search index (finished and
//! written), then page views and templates (parallel, streamed into a staging folder) → swap of
//! the staging folder.
//! It returns a summary, or every error found.

pub mod analysis;
pub mod assets;
pub mod blueprint;
pub mod copies;
pub mod cross_link;
pub mod csp;
pub mod emit;
pub mod history;
pub mod link_index;
pub mod live;
pub mod nav;
pub mod options;
pub mod outline;
pub mod output;
pub mod pages;
pub mod redirects;
pub mod search_text;
pub mod sitemap;
pub mod stopwatch;
pub mod tree;
pub mod urls;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::error::{Diagnostic, Error, Location, Result};
use crate::markdown::Renderer;
use crate::{search, theme};
use analysis::ReadySite;
use emit::PageWriter;
pub use options::BuildOptions;
use output::Staging;
use pages::{PageInputs, PageViews};
use search_text::SearchText;
use tree::SiteTree;

/// What a successful build did.
#[derive(Debug)]
pub struct BuildSummary {
    pub pages: usize,
    pub output: PathBuf,
    pub elapsed: Duration,
    /// Warnings and notes, in the order found.
    pub diagnostics: Vec<Diagnostic>,
    /// One line per guide whose encoding was repaired.
    pub repairs: Vec<String>,
    /// Time spent in each stage, in order.
    pub stages: Vec<analysis::Stage>,
}

/// Builds the site; on any error the previous output is left as it was.
pub fn build(options: &BuildOptions) -> Result<BuildSummary> {
    let renderer = Arc::new(Renderer::for_one_build());
    renderer.load_in_background();
    build_with(options, renderer)
}

/// `build` with a renderer kept between builds (see `analysis::analyze_configured`).
pub fn build_with(options: &BuildOptions, renderer: Arc<Renderer>) -> Result<BuildSummary> {
    let (summary, built) = build_keeping(options, renderer)?;
    // Freeing every guide's outline and text is millions of small frees (80 ms of one core at
    // 10,000 guides): done aside, so that the summary, and a command that exits with it, do not
    // wait for it.
    std::thread::spawn(move || drop(built));
    Ok(summary)
}

/// A site as its build wrote it: `carnet serve` keeps it to update the site when a guide
/// changes (`live`).
pub struct BuiltSite {
    pub site: ReadySite,
    /// The names pages load the assets from.
    pub assets: theme::AssetPaths,
}

/// `build_with`, giving back the built site too.
pub fn build_keeping(options: &BuildOptions, renderer: Arc<Renderer>) -> Result<(BuildSummary, BuiltSite)> {
    let started = Instant::now();
    let (config, paths) = analysis::configure(options)?;
    output::guard::claim(&paths.output, options.replace_output)?;
    // Made first: a kept old site is cleaned for reuse while the guides are read and rendered.
    let staging = Staging::create(&paths.output)?;
    // The preview keeps the text of the guides' sections, to index it again after each edit.
    let search = if options.preview { SearchText::IndexAndKeep } else { SearchText::Index };
    let mut analysis = analysis::analyze_configured(options, search, config, paths, renderer)?;
    let drift = blueprint::drift(
        &options.root,
        &analysis.redirects,
        analysis.config.publish.allow_hosts.as_deref().unwrap_or_default(),
    );
    analysis.diagnostics.extend(drift);
    let mut site = analysis.ready().map_err(|e| staging.explain(e))?;
    let Written { mut watch, assets, pages } =
        write_site(options, &mut site, &staging).map_err(|e| staging.explain(e))?;
    staging.commit()?;
    watch.lap("swap");
    let summary = BuildSummary {
        pages,
        output: site.paths.output.clone(),
        elapsed: started.elapsed(),
        diagnostics: site.diagnostics.clone(),
        repairs: std::mem::take(&mut site.repairs),
        stages: watch.stages,
    };
    Ok((summary, BuiltSite { site, assets }))
}

/// What `write_site` wrote.
struct Written {
    /// The stage timings so far.
    watch: analysis::Stopwatch,
    /// The names pages load the assets from.
    assets: theme::AssetPaths,
    /// How many pages: the guides and the home page.
    pages: usize,
}

/// Writes the ready site into `staging`: assets, sitemap, redirects, copies, search index and
/// pages; every error found if any.
fn write_site(options: &BuildOptions, ready: &mut ReadySite, staging: &Staging) -> Result<Written> {
    let ReadySite { theme, analysis } = ready;
    let tree = &analysis.tree;
    let mut watch = std::mem::replace(&mut analysis.watch, analysis::Stopwatch::start());
    let sink = |rel: &str, bytes: Vec<u8>| staging.write(rel, bytes);
    // The preview serves nothing from cache: plain names, so the sidebar can change alone.
    let fingerprint = !options.preview;
    let guides = &analysis.guides;
    let diagrams = guides.iter().any(|g| g.diagrams > 0);
    let assets = emit::write_assets(&sink, theme, &analysis.renderer, tree, guides, fingerprint, diagrams)?;
    let site = emit::site_view(&analysis.config, analysis.favicon.as_deref(), assets.clone());
    for (rel, bytes) in emit::sitemap_files(&site, tree) {
        sink(rel, bytes)?;
    }
    for (rel, bytes) in emit::redirect_files(&analysis.redirects, &site) {
        sink(&rel, bytes)?;
    }
    emit::copy_files(staging, &analysis.copies)?;
    watch.lap("assets");
    // Made as the guides were outlined: what is left is to sort, stem and write it, side by side
    // with the pages, which do not read it (its steps that run on one thread, splitting the
    // terms into files and hashing them, leave the other core to the pages).
    let search = analysis.search.take();
    let write_index = || -> Result<()> {
        let index = search.map(search::IndexBuilder::finish).unwrap_or_default();
        if fingerprint {
            assets::write_search_index(staging, &index).map(drop)
        } else {
            assets::write_search_index_to(&sink, &index).map(drop)
        }
    };
    let writer = PageWriter {
        theme,
        site: &site,
        live_reload: options.live_reload,
        guides: &analysis.guides,
        sources: &analysis.content.guides,
        renderer: &analysis.renderer,
        sink: &sink,
    };
    let inputs = page_inputs(tree, &analysis.guides, &analysis.config, &site, analysis.history.as_ref());
    let write_pages = || {
        let views = PageViews::new(inputs);
        let mut errors = writer.write_pages(&views, &tree.reading_order);
        errors.extend(writer.write_not_found());
        errors
    };
    let (indexed, mut errors) = rayon::join(write_index, write_pages);
    indexed?;
    watch.lap("search files and pages");
    if options.strict && !analysis.diagnostics.is_empty() {
        errors.push(Diagnostic::error(
            Location::file(&analysis.paths.content),
            format!("--strict: {} warning(s) remain", analysis.diagnostics.len()),
        ));
    }
    if !errors.is_empty() {
        let mut diagnostics = std::mem::take(&mut analysis.diagnostics);
        diagnostics.append(&mut errors);
        return Err(Error::Build(diagnostics));
    }
    Ok(Written { watch, assets, pages: tree.reading_order.len() + 1 })
}

/// What the page views of a site are made from.
fn page_inputs<'a>(
    tree: &'a SiteTree,
    guides: &'a outline::OutlinedGuides,
    config: &'a Config,
    site: &'a theme::SiteView,
    history: Option<&'a history::History>,
) -> PageInputs<'a> {
    PageInputs {
        history,
        tree,
        guides,
        base_url: site.base_url.as_deref(),
        site_title: &config.title,
        site_description: &config.description,
    }
}
