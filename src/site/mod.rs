//! Building the site: the pipeline from the content folder to the output folder.
//!
//! `build` runs: config → theme → `content::load` (read, decode, repair) → `markdown` render of
//! every guide (parallel) → `tree` (URLs, sections, order) → page views → templates (parallel,
//! streamed into a staging folder) → assets, sitemap, copies → swap of the staging folder.
//! It returns a summary, or every error found.

pub mod analysis;
pub mod assets;
pub mod linker;
pub mod links;
pub mod nav;
pub mod output;
pub mod pages;
pub mod redirects;
pub mod render;
pub mod render_yaml;
pub mod sitemap;
pub mod tree;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::cli::BuildArgs;
use crate::config::Config;
use crate::content;
use crate::error::{Diagnostic, Error, Location, Result};
use crate::markdown::Renderer;
use crate::report::Reporter;
use crate::search;
use crate::theme::{self, AssetPaths, PageContext, PageKind, PageView, SiteView, Theme};
use analysis::Analysis;
use output::Staging;
use pages::{PageInputs, PageViews};
use tree::SiteTree;

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
}

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
    pub stages: Vec<(&'static str, Duration)>,
}

/// `carnet build`: builds, prints the diagnostics and a one-line summary.
pub fn build_command(args: &BuildArgs, reporter: &Reporter) -> Result<u8> {
    let options = BuildOptions {
        root: args.root.clone(),
        output: args.output.clone(),
        base_url: args.base_url.clone(),
        strict: args.strict,
        live_reload: false,
        preview: false,
    };
    let summary = build(&options)?;
    for line in &summary.repairs {
        reporter.info(line);
    }
    for diagnostic in &summary.diagnostics {
        reporter.diagnostic(diagnostic);
    }
    let stages: Vec<String> = summary
        .stages
        .iter()
        .map(|(stage, time)| format!("{stage} {:.1} ms", time.as_secs_f64() * 1e3))
        .collect();
    reporter.detail(format!("stages: {}", stages.join(", ")));
    reporter.info(format!(
        "Built {} pages into {} in {} ms",
        summary.pages,
        summary.output.display(),
        summary.elapsed.as_millis()
    ));
    Ok(0)
}

/// Builds the site; on any error the previous output is left as it was.
pub fn build(options: &BuildOptions) -> Result<BuildSummary> {
    build_with(options, Arc::new(Renderer::new()))
}

/// `build` with a renderer kept between builds (see `analysis::analyze_with`).
pub fn build_with(options: &BuildOptions, renderer: Arc<Renderer>) -> Result<BuildSummary> {
    let started = Instant::now();
    let analysis = analysis::analyze_with(options, renderer)?;
    let Analysis {
        config,
        paths,
        theme,
        content,
        tree,
        guides,
        renderer,
        mut diagnostics,
        redirects,
        repairs,
        mut watch,
    } = analysis;
    diagnostics.extend(render_yaml::drift(&options.root, &redirects));
    let (Some(theme), Some(tree)) = (theme, tree) else {
        return Err(Error::Build(diagnostics));
    };
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Error::Build(diagnostics));
    }
    let staging = Staging::create(&paths.output)?;
    let site = SiteView {
        title: config.title.clone(),
        description: config.description.clone(),
        language: config.language.clone(),
        base_url: config.normalized_base_url(),
        assets: write_assets(&staging, &theme, &renderer, &tree, &guides.titles)?,
    };
    let render =
        PageRenderer { theme: &theme, site: &site, live_reload: options.live_reload, staging: &staging };
    let mut errors = write_pages(&render, &tree, &guides, &config);
    watch.lap("pages");
    if errors.is_empty() {
        write_sitemap(&staging, &site, &tree)?;
        for redirect in &redirects {
            let html = redirects::page_html(redirect, site.base_url.as_deref());
            staging.write(format!("{}index.html", redirect.from), html)?;
        }
        copy_files(&staging, &content.files, &options.root.join("static"))?;
        watch.lap("assets");
        write_search_index(&staging, &tree, &guides)?;
        watch.lap("search");
    }
    if options.strict && !diagnostics.is_empty() {
        errors.push(Diagnostic::error(
            Location::file(&paths.content),
            format!("--strict: {} warning(s) remain", diagnostics.len()),
        ));
    }
    if !errors.is_empty() {
        diagnostics.append(&mut errors);
        return Err(Error::Build(diagnostics));
    }
    staging.commit()?;
    watch.lap("swap");
    Ok(BuildSummary {
        pages: tree.reading_order.len() + 1,
        output: paths.output,
        elapsed: started.elapsed(),
        diagnostics,
        repairs,
        stages: watch.stages,
    })
}

/// Every page of the tree and the 404 page, rendered in parallel and streamed to the staging
/// folder; returns one diagnostic per distinct failure.
fn write_pages(
    render: &PageRenderer,
    tree: &SiteTree,
    guides: &render::RenderedGuides,
    config: &Config,
) -> Vec<Diagnostic> {
    let views = PageViews::new(PageInputs {
        tree,
        guides,
        base_url: render.site.base_url.as_deref(),
        site_title: &config.title,
        site_description: &config.description,
    });
    let mut errors: Vec<PageError> = tree
        .reading_order
        .par_iter()
        .filter_map(|&page| render.write(views.view(page)).err().map(|e| *e))
        .collect();
    errors.extend(render.write(not_found_view(render.site)).err().map(|e| *e));
    merge_page_errors(errors)
}

/// Renders pages through the theme and streams them into the staging folder.
struct PageRenderer<'a> {
    theme: &'a Theme,
    site: &'a SiteView,
    live_reload: bool,
    staging: &'a Staging,
}

/// A page that could not be rendered or written: where, which page, what.
struct PageError {
    location: Location,
    page: String,
    message: String,
}

/// One diagnostic per distinct problem: a broken template fails every page the same way.
fn merge_page_errors(errors: Vec<PageError>) -> Vec<Diagnostic> {
    let mut merged: Vec<(PageError, usize)> = Vec::new();
    for error in errors {
        match merged.iter_mut().find(|(e, _)| e.location == error.location && e.message == error.message) {
            Some((_, others)) => *others += 1,
            None => merged.push((error, 0)),
        }
    }
    merged
        .into_iter()
        .map(|(e, others)| {
            let also = if others > 0 { format!(" (and {others} other page(s))") } else { String::new() };
            Diagnostic::error(e.location, format!("{}{also}: {}", e.page, e.message))
        })
        .collect()
}

impl PageRenderer<'_> {
    fn write(&self, page: PageView) -> Result<(), Box<PageError>> {
        let template = match page.kind {
            PageKind::Home => theme::HOME_TEMPLATE,
            PageKind::Section => theme::SECTION_TEMPLATE,
            PageKind::Guide => theme::GUIDE_TEMPLATE,
            PageKind::NotFound => theme::NOT_FOUND_TEMPLATE,
        };
        let file = match page.kind {
            PageKind::NotFound => "404.html".to_string(),
            _ => format!("{}index.html", page.path),
        };
        let source = if page.source.is_empty() { file.clone() } else { page.source.clone() };
        let context = PageContext { site: self.site, page, live_reload: self.live_reload };
        let html = self.theme.render(template, &context).map_err(|message| {
            Box::new(PageError {
                location: Location::file(format!("templates/{template}")),
                page: format!("rendering {source}"),
                message,
            })
        })?;
        self.staging.write(&file, html).map_err(|err| {
            Box::new(PageError {
                location: Location::file(&file),
                page: "writing".to_string(),
                message: err.to_string(),
            })
        })
    }
}

fn not_found_view(site: &SiteView) -> PageView {
    let base_path = site
        .base_url
        .as_deref()
        .and_then(|url| url.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_string()))
        .unwrap_or_else(|| "/".to_string());
    PageView {
        kind: PageKind::NotFound,
        title: "Page introuvable".into(),
        description: String::new(),
        path: String::new(),
        root: base_path,
        canonical: None,
        content: String::new(),
        has_h1: false,
        toc: Vec::new(),
        breadcrumb: Vec::new(),
        prev: None,
        next: None,
        children: Vec::new(),
        backlinks: Vec::new(),
        source: String::new(),
    }
}

/// Theme static files and the sidebar script, the files pages load under fingerprinted names
/// (`assets::theme_assets`); returns those names.
fn write_assets(
    staging: &Staging,
    theme: &Theme,
    renderer: &Renderer,
    tree: &SiteTree,
    titles: &[String],
) -> Result<AssetPaths> {
    let nav = nav::nav_script(tree, titles);
    let assets = assets::theme_assets(&theme.static_files, &renderer.highlight_css(), &nav);
    for (rel, bytes) in &assets.files {
        staging.write(rel, bytes)?;
    }
    Ok(assets.paths)
}

/// The search index of every guide (`assets::write_search_index`).
fn write_search_index(
    staging: &Staging,
    tree: &SiteTree,
    guides: &render::RenderedGuides,
) -> Result<search::IndexStats> {
    let pages: Vec<search::PageInput> = (0..guides.titles.len())
        .map(|i| search::PageInput {
            title: &guides.titles[i],
            url: &tree.guide_paths[i],
            headings: &guides.headings[i],
            sections: &guides.sections[i],
        })
        .collect();
    assets::write_search_index(staging, &pages)
}

fn write_sitemap(staging: &Staging, site: &SiteView, tree: &SiteTree) -> Result<()> {
    if let Some(base) = &site.base_url {
        let paths = tree.reading_order.iter().map(|&p| tree.page_path(p));
        staging.write("sitemap.xml", sitemap::sitemap_xml(base, paths))?;
    }
    staging.write("robots.txt", sitemap::robots_txt(site.base_url.as_deref()))
}

/// Content files go to the same place under the output; `static/` goes to the output root.
fn copy_files(staging: &Staging, files: &[content::Found], static_dir: &Path) -> Result<()> {
    files.par_iter().try_for_each(|file| staging.copy(&file.path, &file.rel))?;
    if static_dir.is_dir() {
        for entry in walkdir::WalkDir::new(static_dir).follow_links(true) {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(static_dir).to_path_buf();
                Error::io(
                    &path,
                    e.into_io_error().unwrap_or_else(|| std::io::Error::other("symbolic link loop")),
                )
            })?;
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(static_dir).unwrap_or(entry.path());
                staging.copy(entry.path(), rel)?;
            }
        }
    }
    Ok(())
}
