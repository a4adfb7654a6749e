//! Everything a build knows before it writes: configuration, theme, content (read, repaired),
//! the tree of URLs, and every guide rendered and cross-linked, with all the diagnostics found.
//! `analyze` never writes; `carnet build` writes from it and `carnet check` reports it. The search
//! index is made here too, as the guides are outlined, when the caller asks for it (`SearchText`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::copies;
use super::history::{self, History};
use super::options::BuildOptions;
use super::outline::{self, OutlinedGuides};
use super::output::guard;
use super::redirects::{self, Declared, Redirect};
use super::search_text::{SearchIndexing, SearchText};
pub use super::stopwatch::{Stage, Stopwatch};
use super::tree::{GuideInfo, SiteTree};
use crate::config::{BrokenLinks, Config, RepositoryConfig};
use crate::content::{self, Content, Found, Guide, GuideId, PerGuide, SiteRoot};
use crate::error::{Diagnostic, Error, Kind, Result};
use crate::markdown::Renderer;
use crate::search::IndexBuilder;
use crate::theme::Theme;

/// Where the site is read from and written to.
#[derive(Debug, Clone)]
pub struct SitePaths {
    pub content: PathBuf,
    /// The folder published as it is (`static_dir`).
    pub statics: PathBuf,
    pub output: PathBuf,
}

/// The analysed site: what `carnet check` reports. `ready` turns it into the `ReadySite` that a
/// build writes and the preview keeps.
pub struct Analysis {
    pub config: Config,
    pub paths: SitePaths,
    /// `None` when the theme could not be loaded (its errors are among the `diagnostics`), and
    /// once `ready` has moved it into the `ReadySite`.
    pub theme: Option<Theme>,
    pub content: Content,
    /// The site's own files to copy as they are (`copies::plan`): content files and `static/`.
    pub copies: Vec<Found>,
    pub tree: SiteTree,
    pub guides: OutlinedGuides,
    pub renderer: Arc<Renderer>,
    pub diagnostics: Vec<Diagnostic>,
    /// Old addresses of renamed guides, each to be written as a redirect page.
    pub redirects: Vec<Redirect>,
    /// One line per guide whose encoding was repaired.
    pub repairs: Vec<String>,
    pub watch: Stopwatch,
    /// The site's own icon, `static/favicon.*` (path from the site root), if it has one.
    pub favicon: Option<String>,
    /// What git knows of the guides (dates, forge), when the content is in a repository.
    pub history: Option<History>,
    /// The search index of every guide, made as they were outlined; `None` when the analysis
    /// was asked for no index (`SearchText::Skip`), and once a build has written it.
    pub search: Option<IndexBuilder>,
}

/// An analysed site with no error and a theme: what `build` writes and the preview keeps. It
/// reads as its `Analysis` (`site.tree`, `site.guides`…).
pub struct ReadySite {
    pub theme: Theme,
    pub analysis: Analysis,
}

impl std::ops::Deref for ReadySite {
    type Target = Analysis;

    fn deref(&self) -> &Analysis {
        &self.analysis
    }
}

impl std::ops::DerefMut for ReadySite {
    fn deref_mut(&mut self) -> &mut Analysis {
        &mut self.analysis
    }
}

impl Analysis {
    /// The site ready to be written, or, when a diagnostic is an error, all the diagnostics.
    pub fn ready(mut self) -> Result<ReadySite> {
        let failed = self.diagnostics.iter().any(Diagnostic::is_error);
        match self.theme.take() {
            Some(theme) if !failed => Ok(ReadySite { theme, analysis: self }),
            _ => Err(Error::Build(self.diagnostics)),
        }
    }
}

/// Reads, repairs, renders and cross-links the site of `options.root`, without writing; `search`
/// says whether it makes the search index too.
pub fn analyze(options: &BuildOptions, search: SearchText) -> Result<Analysis> {
    let (config, paths) = configure(options)?;
    analyze_configured(options, search, config, paths, Arc::new(Renderer::for_one_build()))
}

/// The configuration of the site of `options.root`, with the command line's overrides, and
/// where its content and its output are.
pub fn configure(options: &BuildOptions) -> Result<(Config, SitePaths)> {
    let mut config = Config::load(&options.root)?;
    if let Some(base_url) = &options.base_url {
        crate::config::check_base_url(base_url).map_err(|e| Error::Usage(e.to_string()))?;
        config.base_url = Some(base_url.clone());
    }
    let output = match &options.output {
        Some(output) => guard::expand_home(output)?,
        None => options.root.join(guard::expand_home(&config.output_dir)?),
    };
    let paths = SitePaths {
        content: without_dots(&options.root.join(&config.content_dir)),
        statics: without_dots(&options.root.join(&config.static_dir)),
        output,
    };
    let configured = options.output.is_none();
    guard::check_location(&options.root, [&paths.content, &paths.statics], &paths.output, configured)?;
    Ok((config, paths))
}

/// `analyze` once `configure` has run, with a renderer kept from a previous build: `carnet serve`
/// keeps one, so that its cache of highlighted code blocks makes a rebuild highlight only the
/// blocks that changed.
pub fn analyze_configured(
    options: &BuildOptions,
    search: SearchText,
    config: Config,
    paths: SitePaths,
    renderer: Arc<Renderer>,
) -> Result<Analysis> {
    let mut watch = Stopwatch::start();
    let site_root = SiteRoot::new(&options.root).with_output(&paths.output);
    // Side by side: compiling the templates takes one core while the guides are found and read.
    let ((theme, mut diagnostics), mut content) =
        rayon::join(|| Theme::load(&site_root, &config.theme), || content::load(&site_root, &paths.content));
    // Drafts included: one published later keeps its date in the preview.
    let history = read_history_aside(&config, &paths.content, content.guides.as_slice());
    // Before any id is handed out: a guide's id is its place among the published guides.
    content.guides = std::mem::take(&mut content.guides).into_iter().filter(|g| !g.front.draft).collect();
    watch.lap("load");
    let repairs = repair_reports(content.guides.as_slice());

    let infos = guide_infos(&content.guides);
    // Warnings of the site's shape (landing pages set aside, prefixes kept, two guides at one
    // address: the later one gets a free address), located in the content folder.
    let mut tree = SiteTree::build_all(&infos, &config.title);
    drop_listing_empty_pages(&mut content, &tree);
    diagnostics.extend(content.diagnostics.iter().cloned());
    diagnostics.extend(std::mem::take(&mut tree.notes).into_iter().map(|mut note| {
        note.location.path = paths.content.join(&note.location.path);
        note
    }));
    let content_dir = config.content_dir.to_string_lossy();
    let statics = content::walk::list(&site_root, &paths.statics, None);
    let static_paths: Vec<String> = statics.files.iter().map(|f| outline::slash_path(&f.rel)).collect();
    let favicon = site_favicon(&static_paths);
    let links = link_settings(options, &config, &content, &content_dir, &static_paths);
    let mut indexing = SearchIndexing::new(search, content.guides.len());
    let guides =
        outline::outline_guides(&content.guides, &content.files, &tree, &renderer, &links, &mut indexing);
    let (search, indexed) = indexing.finish();
    diagnostics.extend(guides.diagnostics().cloned());
    let blueprint = std::fs::read_to_string(options.root.join(super::blueprint::FILE));
    if let Some(policy) = blueprint.ok().and_then(|text| super::csp::published_policy(&text)) {
        diagnostics.extend(super::csp::blocked(&policy, &guides.embeds));
    }
    tree.order(&infos, |g| &guides[g].title);
    let (redirects, mut errors) =
        plan_redirects(&config, &options.root, &content.guides, &|g| &guides[g].title, &tree);
    diagnostics.append(&mut errors);
    let copies = match &theme {
        Some(theme) => {
            let (copies, mut notes) =
                plan_copies(statics, &config, &content, &guides, theme, &tree, &redirects);
            diagnostics.append(&mut notes);
            copies
        }
        None => Vec::new(),
    };
    watch.lap_apart("markdown", Some(&indexed));
    let history = history.join().unwrap_or_default();
    watch.lap("git");
    Ok(Analysis {
        config,
        paths,
        theme,
        content,
        copies,
        tree,
        guides,
        renderer,
        diagnostics,
        redirects,
        repairs,
        watch,
        favicon,
        history,
        search,
    })
}

/// `read_history` on a thread of its own, while the site is analysed: git mostly waits on the
/// disk and walks commits, and in a large repository that took longer than the whole build.
fn read_history_aside(
    config: &Config,
    content: &Path,
    guides: &[Guide],
) -> std::thread::JoinHandle<Option<History>> {
    let repository = config.repository.clone();
    let content = content.to_path_buf();
    let guides: HashSet<String> = guides.iter().map(|g| outline::slash_path(&g.rel)).collect();
    std::thread::spawn(move || read_history(&repository, &content, guides))
}

/// The guides' git history (`guides`: their paths from the content folder), with the forge of
/// `[repository]` when carnet.toml names one.
fn read_history(repository: &RepositoryConfig, content: &Path, guides: HashSet<String>) -> Option<History> {
    if repository.show == Some(false) {
        return None;
    }
    let mut history = history::read(content, guides)?;
    if let Some(url) = &repository.url {
        let branch = repository.branch.as_deref().unwrap_or(&history.branch);
        history.forge = history::configured_forge(url, Some(branch));
    } else if let (Some(forge), Some(branch)) = (&mut history.forge, &repository.branch) {
        forge.branch = branch.clone();
    }
    Some(history)
}

/// The icon of `static/` a site replaces the theme's with: `favicon.svg`, `.png` or `.ico`.
fn site_favicon(static_paths: &[String]) -> Option<String> {
    ["favicon.svg", "favicon.png", "favicon.ico"]
        .into_iter()
        .find(|name| static_paths.iter().any(|p| p == name))
        .map(str::to_string)
}

/// `path` without its `.` components but a leading one: `./.` is `.`, `./docs/.` is `./docs`
/// (so that messages name `./guide.md`, not `././guide.md`).
fn without_dots(path: &Path) -> PathBuf {
    let mut components = path.components();
    let first = components.next().map(|c| c.as_os_str().to_owned()).unwrap_or_default();
    let rest = components.filter(|c| *c != std::path::Component::CurDir);
    std::iter::once(first).chain(rest.map(|c| c.as_os_str().to_owned())).collect()
}

/// How the guides' links are read and their breakage treated.
fn link_settings<'a>(
    options: &BuildOptions,
    config: &Config,
    content: &'a Content,
    content_dir: &'a str,
    statics: &'a [String],
) -> outline::LinkSettings<'a> {
    outline::LinkSettings {
        statics,
        content_dir,
        collections: content.collections.as_ref(),
        docusaurus: content.docusaurus,
        preview: options.preview,
        broken: if options.preview { BrokenLinks::Warn } else { broken_links(options, config) },
    }
}

/// What broken links are for this build: the command line's choice, else `carnet.toml`'s.
pub fn broken_links(options: &BuildOptions, config: &Config) -> BrokenLinks {
    options.broken_links.unwrap_or(config.links.broken)
}

/// The content files some guide links to and the files of `static/` the publishing rule lets
/// through, less those the build writes itself (`copies::plan`).
fn plan_copies(
    statics: content::walk::Listing,
    config: &Config,
    content: &Content,
    guides: &OutlinedGuides,
    theme: &Theme,
    tree: &SiteTree,
    redirects: &[Redirect],
) -> (Vec<Found>, Vec<Diagnostic>) {
    let linked = copies::linked_files(&content.files, guides.iter().flat_map(|g| &g.links.files));
    let mut diagnostics = statics.diagnostics;
    if linked.is_empty() && statics.files.is_empty() {
        // Nothing to copy: no need to list every path the build writes (a path per page).
        return (Vec::new(), diagnostics);
    }
    let generated = copies::generated(tree, redirects, config.base_url.is_some(), theme);
    let (copies, mut notes) = copies::plan(&linked, &statics.files, generated);
    diagnostics.append(&mut notes);
    (copies, diagnostics)
}

/// What the tree needs of each guide.
pub fn guide_infos(guides: &PerGuide<Guide>) -> PerGuide<GuideInfo> {
    guides.map(|g| GuideInfo {
        rel: g.rel.clone(),
        weight: g.front.weight.unwrap_or(0),
        slug: g.front.slug.clone(),
    })
}

/// The redirect pages of the site, or why some cannot be written.
pub fn plan_redirects<'t>(
    config: &Config,
    root: &Path,
    guides: &PerGuide<Guide>,
    title: &dyn Fn(GuideId) -> &'t str,
    tree: &SiteTree,
) -> (Vec<Redirect>, Vec<Diagnostic>) {
    redirects::plan(declared_redirects(config, root, guides, title, tree), tree)
}

/// Every old name: the guides' `aliases`, then `[redirects]` of carnet.toml (whose targets are
/// guide files or page paths), then the old addresses written for other generators, which give
/// way to the others (`Declared::lenient`).
fn declared_redirects<'a, 't>(
    config: &'a Config,
    root: &Path,
    guides: &'a PerGuide<Guide>,
    title: &dyn Fn(GuideId) -> &'t str,
    tree: &SiteTree,
) -> Vec<Declared<'a>> {
    let mut declared = Vec::new();
    let of_guides = |lenient: bool| {
        guides.iter_enumerated().flat_map(move |(i, guide)| {
            let aliases = if lenient { &guide.front.redirect_from } else { &guide.front.aliases };
            aliases.iter().map(move |alias| Declared {
                alias,
                target: tree.guide_paths[i].clone(),
                title: title(i).to_string(),
                declared_in: guide.path.clone(),
                lenient,
            })
        })
    };
    declared.extend(of_guides(false));
    let config_path = root.join(crate::config::CONFIG_FILE);
    for (alias, to) in &config.redirects {
        let wanted = to.trim_start_matches('/');
        let guide = (guides.iter_enumerated())
            .find(|(_, g)| g.rel.to_string_lossy().replace('\\', "/").eq_ignore_ascii_case(wanted))
            .map(|(i, _)| i);
        let (target, title) = match guide {
            Some(i) => (tree.guide_paths[i].clone(), title(i).to_string()),
            None => (redirects::old_path(wanted).unwrap_or_default(), to.clone()),
        };
        declared.push(Declared { alias, target, title, declared_in: config_path.clone(), lenient: false });
    }
    declared.extend(of_guides(true));
    declared
}

/// Drops the "empty page" warning of a guide without text that is the landing page of a folder
/// with pages: that page lists them (an Eleventy or Hugo section page is often front matter only).
fn drop_listing_empty_pages(content: &mut Content, tree: &SiteTree) {
    let listing: HashSet<PathBuf> = (tree.sections.iter())
        .filter(|s| !s.guides.is_empty() || !s.sections.is_empty())
        .filter_map(|s| s.index.map(|g| content.guides[g].path.clone()))
        .collect();
    content.diagnostics.retain(|d| d.kind != Kind::EmptyPage || !listing.contains(&d.location.path));
}

/// One line per guide whose bytes or text were repaired (its guesses are already warnings).
fn repair_reports(guides: &[Guide]) -> Vec<String> {
    let mut lines = Vec::new();
    for guide in guides {
        if let Some(encoding) = guide.encoding {
            lines.push(format!("decoded {} from {encoding}", guide.path.display()));
        }
        if !guide.repair.is_clean() {
            lines.push(format!("repaired {}: {}", guide.path.display(), guide.repair));
        }
    }
    lines
}
