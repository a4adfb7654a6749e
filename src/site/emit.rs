//! Writing the site into a `Sink`: every page through the theme (its guide's HTML rendered right
//! then, so the site's HTML is never held at once), the theme's assets, the sidebar script, the
//! sitemap, the redirect pages and the search index. Used by a full build (into the staging
//! folder) and by `live` (in place, only what an edit changed).

use rayon::prelude::*;

use super::outline::OutlinedGuides;
use super::output::{Sink, Staging};
use super::pages::PageViews;
use super::redirects::{self, Redirect};
use super::tree::{PageRef, SiteTree};
use super::{assets, nav, sitemap};
use crate::config::Config;
use crate::content::{self, Guide, GuideId, PerGuide};
use crate::error::{Diagnostic, Location, Result};
use crate::markdown::Renderer;
use crate::theme::{self, AssetPaths, PageContext, PageKind, PageView, SiteView, Theme};

/// Where the build writes the 404 page, the sitemap and `robots.txt`, from the output root.
pub const NOT_FOUND_FILE: &str = "404.html";
pub const SITEMAP_FILE: &str = "sitemap.xml";
pub const ROBOTS_FILE: &str = "robots.txt";
/// Pages a core writes before another may take the rest of its share (`write_pages`).
const PAGES_PER_TASK: usize = 16;

/// The file of the page at `path` (`""`, `dossier/guide/`), or `path` itself when it names a
/// file (an old address ending in `.html`, `redirects::old_path`).
pub fn page_file(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

/// The site-wide values every page sees; `assets` are the names `write_assets` gave.
pub fn site_view(config: &Config, favicon: Option<&str>, assets: AssetPaths) -> SiteView {
    let base_url = config.normalized_base_url();
    let og_image = config.og_image.as_deref().map(|image| match &base_url {
        Some(base) if !is_absolute(image) => format!("{base}{}", image.trim_start_matches('/')),
        _ => image.to_string(),
    });
    SiteView {
        title: config.title.clone(),
        description: config.description.clone(),
        language: config.language.clone(),
        base_url,
        favicon: favicon.map_or_else(|| assets::FAVICON.to_string(), str::to_string),
        og_image,
        assets,
    }
}

fn is_absolute(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

/// Renders pages through the theme and hands them to the sink.
pub struct PageWriter<'a> {
    pub theme: &'a Theme,
    pub site: &'a SiteView,
    pub live_reload: bool,
    pub guides: &'a OutlinedGuides,
    pub sources: &'a PerGuide<Guide>,
    pub renderer: &'a Renderer,
    pub sink: Sink<'a>,
}

/// A page that could not be rendered or written: where, which page, what.
struct PageError {
    location: Location,
    page: String,
    message: String,
}

impl PageWriter<'_> {
    /// Writes `pages` in parallel; returns one diagnostic per distinct failure.
    pub fn write_pages(&self, views: &PageViews, pages: &[PageRef]) -> Vec<Diagnostic> {
        // Small pieces, so that no core is left waiting while the other writes the last ones.
        let errors: Vec<PageError> = pages
            .par_iter()
            .with_max_len(PAGES_PER_TASK)
            .filter_map(|&page| self.write(views.view(page), views.guide_of(page)).err().map(|e| *e))
            .collect();
        merge_page_errors(errors)
    }

    /// The 404 page.
    pub fn write_not_found(&self) -> Vec<Diagnostic> {
        let errors = self.write(not_found_view(self.site), None).err().map(|e| *e);
        merge_page_errors(errors.into_iter().collect())
    }

    fn write(&self, mut page: PageView, guide: Option<GuideId>) -> Result<(), Box<PageError>> {
        if let Some(g) = guide {
            page.content = self.guides.render_html(g, &self.sources[g], self.renderer);
        }
        let template = match page.kind {
            PageKind::Home => theme::HOME_TEMPLATE,
            PageKind::Section => theme::SECTION_TEMPLATE,
            PageKind::Guide => theme::GUIDE_TEMPLATE,
            PageKind::NotFound => theme::NOT_FOUND_TEMPLATE,
        };
        let file = match page.kind {
            PageKind::NotFound => NOT_FOUND_FILE.to_string(),
            _ => page_file(&page.path),
        };
        let source = if page.source.is_empty() { file.clone() } else { page.source.clone() };
        let context = PageContext { site: self.site, page, live_reload: self.live_reload };
        let html = self.theme.render(template, &context).map_err(|error| {
            Box::new(PageError {
                location: Location::file(format!("templates/{}", error.template)),
                page: format!("rendering {source}"),
                message: error.chain,
            })
        })?;
        (self.sink)(&file, html).map_err(|err| {
            Box::new(PageError {
                location: Location::file(&file),
                page: "writing".to_string(),
                message: err.to_string(),
            })
        })
    }
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
        has_diagram: false,
        toc: Vec::new(),
        toc_html: String::new(),
        breadcrumb: Vec::new(),
        prev: None,
        next: None,
        children: Vec::new(),
        backlinks: Vec::new(),
        backlinks_html: String::new(),
        source: String::new(),
        date: None,
        extra: Default::default(),
        git: Default::default(),
    }
}

/// Theme static files and the sidebar script, under fingerprinted names unless `fingerprint` is
/// off (`assets::theme_assets`); returns the names pages load.
pub fn write_assets(
    sink: Sink,
    theme: &Theme,
    renderer: &Renderer,
    tree: &SiteTree,
    guides: &OutlinedGuides,
    fingerprint: bool,
    diagrams: bool,
) -> Result<AssetPaths> {
    let nav = nav::nav_script(tree, guides);
    let css = renderer.highlight_css();
    let assets = assets::theme_assets(&theme.static_files, &css, &nav, fingerprint, diagrams);
    for (rel, bytes) in assets.files {
        sink(&rel, bytes)?;
    }
    Ok(assets.paths)
}

/// The sidebar at the name pages load it from (the preview's names do not change).
pub fn nav_file(site: &SiteView, tree: &SiteTree, guides: &OutlinedGuides) -> (String, Vec<u8>) {
    (site.assets.nav_script.clone(), nav::nav_script(tree, guides).into_bytes())
}

/// `sitemap.xml` (with a base URL only) and `robots.txt`.
pub fn sitemap_files(site: &SiteView, tree: &SiteTree) -> Vec<(&'static str, Vec<u8>)> {
    let mut files = Vec::new();
    if let Some(base) = &site.base_url {
        let paths = tree.reading_order.iter().map(|&p| tree.page_path(p));
        files.push((SITEMAP_FILE, sitemap::sitemap_xml(base, paths).into_bytes()));
    }
    files.push((ROBOTS_FILE, sitemap::robots_txt(site.base_url.as_deref()).into_bytes()));
    files
}

/// One small page per old address of a renamed guide.
pub fn redirect_files(redirects: &[Redirect], site: &SiteView) -> Vec<(String, Vec<u8>)> {
    redirects
        .iter()
        .map(|r| (page_file(&r.from), redirects::page_html(r, site.base_url.as_deref()).into_bytes()))
        .collect()
}

/// Copies the site's own files (`copies::plan`), each at its path from the output root.
pub fn copy_files(staging: &Staging, copies: &[content::Found]) -> Result<()> {
    copies.par_iter().try_for_each(|file| staging.copy(&file.path, &file.rel))
}
