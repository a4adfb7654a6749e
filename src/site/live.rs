//! The preview's site in memory (`carnet serve`): the site of the last good build, kept between
//! saves and updated in place when guides change.
//!
//! `LiveSite::update` takes the paths of edited guides in two steps. First it decides, changing
//! nothing (`prepare`): it reads and repairs them again and outlines them
//! (`OutlinedGuides::outline_again`); anything this cannot take (a guide added, removed or
//! renamed, a new slug or alias, a draft, a link to a file the site does not publish yet,
//! redirects that collide) returns `NeedsFullBuild` with the reason, and the caller builds the
//! whole site again (so do a change of the config or the theme, which never reach `update`).
//! Then it takes the edit in (`take_in`): cross-links again the guides whose links may lead
//! elsewhere, orders the tree again (titles and weights may have changed), and compares every
//! page's view (all but its HTML) with the one last written, to write the pages whose view or
//! HTML changed and the sidebar, sitemap and redirect pages when they changed, each file
//! replaced at once (`write_changes`). The search index is brought up to date afterwards by a
//! worker thread (`SearchWorker`), so neither the refresh nor the next save waits for it.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

use rayon::prelude::*;

use super::analysis::{self, ReadySite, Stopwatch};
use super::assets;
use super::emit::{self, PageWriter};
use super::options::BuildOptions;
use super::outline::{Reoutlined, Updated};
use super::output::write_in_place;
use super::pages::PageViews;
use super::redirects::Redirect;
use super::tree::{PageRef, SiteTree};
use super::{page_inputs, BuildSummary, BuiltSite};
use crate::content::{self, Found, Guide, GuideId, PerGuide, SiteRoot};
use crate::error::{Diagnostic, Error, Result};
use crate::markdown::{Heading, Section};
use crate::search;
use crate::theme::{PageView, SiteView};

/// The site of the last good build, ready to take edits.
pub struct LiveSite {
    analysis: ReadySite,
    options: BuildOptions,
    site: SiteView,
    /// Guide by absolute source path.
    by_path: HashMap<PathBuf, GuideId>,
    /// Each guide's diagnostics from reading it (decoding, repair, front matter).
    load_notes: PerGuide<Vec<Diagnostic>>,
    /// Diagnostics of the content folder that belong to no guide.
    folder_notes: Vec<Diagnostic>,
    /// Each page's view as last written (without its HTML).
    views: HashMap<PageRef, PageView>,
    /// Hash of each generated file as last written (sidebar, sitemap, redirects).
    written: HashMap<String, u64>,
    /// Rewrites the search index after each update, in the background.
    search: SearchWorker,
}

/// What an edit did to the preview's site (`LiveSite::update`).
#[derive(Debug)]
pub enum Outcome {
    /// The edited guides' pages, and the pages showing their titles, were rewritten in place.
    Updated(Update),
    /// This edit needs a full build, for the reason given.
    NeedsFullBuild(&'static str),
}

impl Outcome {
    /// The update, when the edit was taken in place.
    pub fn updated(self) -> Option<Update> {
        match self {
            Outcome::Updated(update) => Some(update),
            Outcome::NeedsFullBuild(_) => None,
        }
    }
}

/// An edit worked out, not yet taken in (`LiveSite::prepare`).
struct Edit {
    /// The edited guides, sorted.
    changed: Vec<GuideId>,
    /// Each edited guide read again, with what reading it found.
    fresh: Vec<(Guide, Vec<Diagnostic>)>,
    reoutlined: Reoutlined,
    /// The edited guides whose title or description changed.
    renamed: Vec<GuideId>,
    /// The redirect pages planned again, when guides were renamed.
    redirects: Option<Vec<Redirect>>,
}

/// What taking an edit in changed (`LiveSite::take_in`): what `write_changes` compares.
struct Changes {
    updated: Updated,
    renamed: Vec<GuideId>,
    /// The reading order before the edit.
    old_order: Vec<PageRef>,
}

/// What an update did.
#[derive(Debug)]
pub struct Update {
    pub summary: BuildSummary,
    /// Pages written again.
    pub pages: usize,
}

impl LiveSite {
    /// Keeps the site a successful `build_keeping` built (whose output folder is served).
    /// `on_error` hears of search index updates that fail (they happen in the background).
    pub fn new(
        built: BuiltSite,
        options: BuildOptions,
        on_error: impl Fn(Error) + Send + 'static,
    ) -> LiveSite {
        let BuiltSite { site: analysis, assets } = built;
        let tree = &analysis.tree;
        let by_path: HashMap<PathBuf, GuideId> =
            analysis.content.guides.iter_enumerated().map(|(i, g)| (absolute(&g.path), i)).collect();
        let mut load_notes = analysis.content.guides.map(|_| Vec::new());
        let mut folder_notes = Vec::new();
        for diagnostic in &analysis.content.diagnostics {
            match by_path.get(&absolute(&diagnostic.location.path)) {
                Some(&i) => load_notes[i].push(diagnostic.clone()),
                None => folder_notes.push(diagnostic.clone()),
            }
        }
        let site = emit::site_view(&analysis.config, analysis.favicon.as_deref(), assets);
        let views = {
            let views = PageViews::new(page_inputs(
                tree,
                &analysis.guides,
                &analysis.config,
                &site,
                analysis.history.as_ref(),
            ));
            tree.reading_order.par_iter().map(|&page| (page, views.view(page))).collect()
        };
        let mut written = HashMap::new();
        for (rel, bytes) in generated_files(&analysis, &site) {
            written.insert(rel, hash(&bytes));
        }
        LiveSite {
            analysis,
            options,
            site,
            by_path,
            load_notes,
            folder_notes,
            views,
            written,
            search: SearchWorker::start(on_error),
        }
    }

    /// The folder being served.
    pub fn output(&self) -> &Path {
        &self.analysis.paths.output
    }

    /// Takes in the edited guides at `paths`: `Updated` when their pages were rewritten in
    /// place, `NeedsFullBuild` (with the reason) when this edit needs a full build (see the module
    /// comment), decided before anything changes: the site in memory is then as it was. `Err`
    /// when the pages could not be written: the site in memory holds the edit but the folder
    /// may not, and the caller builds the whole site again.
    pub fn update(&mut self, paths: &[&Path]) -> Result<Outcome> {
        let started = Instant::now();
        let mut watch = Stopwatch::start();
        let edit = match self.prepare(paths, &mut watch) {
            Ok(edit) => edit,
            Err(reason) => return Ok(Outcome::NeedsFullBuild(reason)),
        };
        let changes = self.take_in(edit);
        watch.lap("markdown");
        let pages = self.write_changes(&changes)?;
        watch.lap("pages");
        let model = &self.analysis;
        let search_pages = (model.guides.iter_enumerated())
            .map(|(i, guide)| SearchPage {
                title: guide.title.clone(),
                url: model.tree.guide_paths[i].clone(),
                headings: Arc::clone(&guide.headings),
                sections: Arc::clone(&guide.sections),
            })
            .collect();
        self.search.submit(SearchJob { dir: model.paths.output.clone(), pages: search_pages });
        let summary = BuildSummary {
            pages: model.tree.reading_order.len() + 1,
            output: model.paths.output.clone(),
            elapsed: started.elapsed(),
            diagnostics: self.diagnostics(),
            repairs: Vec::new(),
            stages: watch.stages,
        };
        Ok(Outcome::Updated(Update { summary, pages }))
    }

    /// Works out an edit without changing anything: reads the edited guides again and outlines
    /// them; the reason for a full build when the edit needs one.
    fn prepare(&self, paths: &[&Path], watch: &mut Stopwatch) -> Result<Edit, &'static str> {
        let changed = self.edited_guides(paths)?;
        let fresh = self.read_again(&changed)?;
        watch.lap("load");
        let model = &self.analysis;
        let edited: Vec<(GuideId, &Guide)> =
            changed.iter().copied().zip(fresh.iter().map(|(g, _)| g)).collect();
        let reoutlined = model
            .guides
            .outline_again(&edited, &model.renderer)
            .ok_or("a site kept without what updates need")?;
        let renamed: Vec<GuideId> = reoutlined
            .names()
            .filter(|&(i, title, description)| {
                model.guides[i].title != title || model.guides[i].description != description
            })
            .map(|(i, _, _)| i)
            .collect();
        let redirects = if renamed.is_empty() { None } else { Some(self.redirects_renamed(&reoutlined)?) };
        if self.links_unpublished_file(&reoutlined) {
            return Err("a link to a file not yet published");
        }
        Ok(Edit { changed, fresh, reoutlined, renamed, redirects })
    }

    /// The guides at `paths`, sorted, once each: all must be guides of the site it still admits.
    fn edited_guides(&self, paths: &[&Path]) -> Result<Vec<GuideId>, &'static str> {
        let known: Option<Vec<GuideId>> =
            paths.iter().map(|p| self.by_path.get(&absolute(p)).copied()).collect();
        let mut changed = known.ok_or("a new guide")?;
        // A guide turned into a link leading out of the site: the full build's walk refuses it.
        let site_root = SiteRoot::new(&self.options.root).with_output(self.output());
        if !paths.iter().all(|p| site_root.admits(p)) {
            return Err("a guide the site no longer admits");
        }
        changed.sort_unstable();
        changed.dedup();
        Ok(changed)
    }

    /// The guides `changed` read again, with what reading them found; they must keep their
    /// place in the site (address, old addresses, not a draft) and their front matter must read.
    fn read_again(&self, changed: &[GuideId]) -> Result<Vec<(Guide, Vec<Diagnostic>)>, &'static str> {
        let guides = &self.analysis.content.guides;
        let read: Vec<(Option<Guide>, Vec<Diagnostic>)> = changed
            .par_iter()
            .map(|&i| {
                content::read_guide(&Found { path: guides[i].path.clone(), rel: guides[i].rel.clone() })
            })
            .collect();
        let mut fresh = Vec::with_capacity(read.len());
        for (&i, (guide, notes)) in changed.iter().zip(read) {
            let guide = guide.ok_or("a guide that cannot be read")?;
            let (old, new) = (&guides[i].front, &guide.front);
            let same_place =
                new.slug == old.slug && new.aliases == old.aliases && new.redirect_from == old.redirect_from;
            if !same_place || new.draft || notes.iter().any(Diagnostic::is_error) {
                return Err("a guide's address, aliases, draft state or front matter");
            }
            fresh.push((guide, notes));
        }
        Ok(fresh)
    }

    /// The redirect pages once guides are renamed (their titles are on the redirect pages); a
    /// full build when the plan finds a problem. Addresses and old addresses have not changed
    /// (`read_again`), so the plan is made from the guides as they are, with the new titles.
    fn redirects_renamed(&self, reoutlined: &Reoutlined) -> Result<Vec<Redirect>, &'static str> {
        let model = &self.analysis;
        let renamed: HashMap<GuideId, &str> = reoutlined.names().map(|(i, title, _)| (i, title)).collect();
        let title = |g| renamed.get(&g).copied().unwrap_or(&model.guides[g].title);
        let root = &self.options.root;
        let (redirects, problems) =
            analysis::plan_redirects(&model.config, root, &model.content.guides, &title, &model.tree);
        if !problems.is_empty() {
            return Err("redirects that collide");
        }
        Ok(redirects)
    }

    /// Whether an edited guide now links to a content file the site does not hold yet (only
    /// linked files are published): the full build copies it.
    fn links_unpublished_file(&self, reoutlined: &Reoutlined) -> bool {
        let content = &self.analysis.paths.content;
        let published: HashSet<String> = self
            .analysis
            .copies
            .iter()
            .filter(|found| found.path == content.join(&found.rel))
            .map(|found| found.rel.to_string_lossy().replace('\\', "/"))
            .collect();
        reoutlined.linked_files().any(|file| !published.contains(file))
    }

    /// Takes a prepared edit in: the guides' new text, outlines and links, the reading order and
    /// the redirects. Nothing here can fail.
    fn take_in(&mut self, edit: Edit) -> Changes {
        let Edit { changed, fresh, reoutlined, renamed, redirects } = edit;
        let model = &mut self.analysis.analysis;
        for (&i, (guide, notes)) in changed.iter().zip(fresh) {
            model.content.guides[i] = guide;
            self.load_notes[i] = notes;
        }
        let old_order = model.tree.reading_order.clone();
        let updated = model.guides.take_in(reoutlined, &model.content.guides, &model.tree);
        model.tree.order(&analysis::guide_infos(&model.content.guides), |g| &model.guides[g].title);
        if let Some(redirects) = redirects {
            model.redirects = redirects;
        }
        Changes { updated, renamed, old_order }
    }

    /// Writes the pages whose view or HTML `changes` changed, and the generated files (sidebar,
    /// sitemap, redirect pages) when titles or the order changed: how many pages were written.
    fn write_changes(&mut self, changes: &Changes) -> Result<usize> {
        let model = &self.analysis;
        let tree = &model.tree;
        let candidates = pages_to_compare(tree, &changes.updated, &changes.renamed, &changes.old_order);
        let updated = &changes.updated;
        let new_html: HashSet<GuideId> = updated.outlined.iter().chain(&updated.relinked).copied().collect();
        let views = PageViews::new(page_inputs(
            tree,
            &model.guides,
            &model.config,
            &self.site,
            model.history.as_ref(),
        ));
        let fresh_views: Vec<(PageRef, PageView)> =
            candidates.into_par_iter().map(|page| (page, views.view(page))).collect();
        let mut pages = Vec::new();
        for (page, view) in fresh_views {
            let html_changed = views.guide_of(page).is_some_and(|g| new_html.contains(&g));
            if html_changed || self.views.get(&page) != Some(&view) {
                pages.push(page);
                self.views.insert(page, view);
            }
        }
        let dir = &model.paths.output;
        let sink = |rel: &str, bytes: Vec<u8>| write_in_place(dir, rel, &bytes);
        let writer = PageWriter {
            theme: &model.theme,
            site: &self.site,
            live_reload: self.options.live_reload,
            guides: &model.guides,
            sources: &model.content.guides,
            renderer: &model.renderer,
            sink: &sink,
        };
        let errors = writer.write_pages(&views, &pages);
        if !errors.is_empty() {
            return Err(Error::Build(errors));
        }
        if !changes.renamed.is_empty() || tree.reading_order != changes.old_order {
            for (rel, bytes) in generated_files(model, &self.site) {
                let hash = hash(&bytes);
                if self.written.get(&rel) != Some(&hash) {
                    write_in_place(dir, &rel, &bytes)?;
                    self.written.insert(rel, hash);
                }
            }
        }
        Ok(pages.len())
    }

    /// Every diagnostic of the site as it now stands.
    fn diagnostics(&self) -> Vec<Diagnostic> {
        let guides = &self.analysis.guides;
        let mut all = self.folder_notes.clone();
        for (i, notes) in self.load_notes.iter_enumerated() {
            all.extend(notes.iter().cloned());
            all.extend(guides[i].notes.iter().cloned());
            all.extend(guides[i].links.diagnostics.iter().cloned());
        }
        all
    }

    /// Everything the site in memory holds, written out, to compare it before and after.
    #[cfg(test)]
    fn state(&self) -> String {
        let model = &self.analysis;
        let views: std::collections::BTreeMap<String, String> =
            self.views.iter().map(|(page, view)| (format!("{page:?}"), format!("{view:?}"))).collect();
        let written: std::collections::BTreeMap<_, _> = self.written.iter().collect();
        format!(
            "{:?}",
            (
                &model.content.guides,
                &model.guides,
                &model.tree,
                &model.redirects,
                &self.load_notes,
                views,
                written
            )
        )
    }

    /// Waits until the search index is up to date.
    #[cfg(test)]
    fn wait_for_search(&self) {
        self.search.wait_idle();
    }
}

/// A search index to write, made of parts shared with the site in memory.
struct SearchJob {
    dir: PathBuf,
    /// One per guide, in order.
    pages: Vec<SearchPage>,
}

/// What the search index holds of one guide.
struct SearchPage {
    title: String,
    url: String,
    headings: Arc<Vec<Heading>>,
    sections: Arc<Vec<Section>>,
}

/// One thread that writes the search index of the latest job, skipping jobs overtaken by a newer
/// one, on a single core of its own: the next update never waits for it.
struct SearchWorker {
    shared: Arc<SearchShared>,
}

#[derive(Default)]
struct SearchShared {
    state: Mutex<SearchState>,
    changed: Condvar,
}

#[derive(Default)]
struct SearchState {
    next: Option<SearchJob>,
    busy: bool,
    stop: bool,
}

impl SearchWorker {
    fn start(on_error: impl Fn(Error) + Send + 'static) -> SearchWorker {
        let shared = Arc::new(SearchShared::default());
        let worker = shared.clone();
        std::thread::spawn(move || {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().ok();
            // Hash of each index file as last written by this worker.
            let mut written: HashMap<String, u64> = HashMap::new();
            while let Some(job) = worker.take() {
                let result = match &pool {
                    Some(pool) => pool.install(|| write_index(&job, &mut written, &worker)),
                    None => write_index(&job, &mut written, &worker),
                };
                if let Err(err) = result {
                    on_error(err);
                }
                worker.done();
            }
        });
        SearchWorker { shared }
    }

    fn submit(&self, job: SearchJob) {
        let mut state = self.shared.lock();
        state.next = Some(job);
        self.shared.changed.notify_all();
    }

    #[cfg(test)]
    fn wait_idle(&self) {
        let mut state = self.shared.lock();
        while state.busy || state.next.is_some() {
            state = self.shared.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }
}

impl Drop for SearchWorker {
    /// Stops the worker without waiting: it writes no more files.
    fn drop(&mut self) {
        self.shared.lock().stop = true;
        self.shared.changed.notify_all();
    }
}

impl SearchShared {
    fn lock(&self) -> std::sync::MutexGuard<'_, SearchState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The next job, once there is one; `None` when stopped.
    fn take(&self) -> Option<SearchJob> {
        let mut state = self.lock();
        loop {
            if state.stop {
                return None;
            }
            if let Some(job) = state.next.take() {
                state.busy = true;
                return Some(job);
            }
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn done(&self) {
        self.lock().busy = false;
        self.changed.notify_all();
    }

    fn stopped(&self) -> bool {
        self.lock().stop
    }
}

/// Writes the index of `job`, only the files that changed since the last one.
fn write_index(job: &SearchJob, written: &mut HashMap<String, u64>, worker: &SearchShared) -> Result<()> {
    let pages: Vec<search::PageInput> = (job.pages.iter())
        .map(|page| search::PageInput {
            title: &page.title,
            url: &page.url,
            headings: &page.headings,
            sections: Arc::clone(&page.sections),
        })
        .collect();
    let index = search::build_index(pages);
    let files = Mutex::new(Vec::new());
    assets::write_search_index_to(
        &|rel, bytes| {
            files.lock().unwrap_or_else(|e| e.into_inner()).push((rel.to_string(), bytes));
            Ok(())
        },
        &index,
    )?;
    let files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    let produced: HashSet<String> = files.iter().map(|(rel, _)| rel.clone()).collect();
    for (rel, bytes) in files {
        if worker.stopped() {
            return Ok(());
        }
        let hash = hash(&bytes);
        if written.get(&rel) != Some(&hash) {
            write_in_place(&job.dir, &rel, &bytes)?;
            written.insert(rel, hash);
        }
    }
    // Shards the index no longer has (fewer words, fewer pages).
    let folder = job.dir.join(assets::PREVIEW_SEARCH_DIR);
    for entry in walkdir::WalkDir::new(&folder).into_iter().filter_map(|e| e.ok()) {
        let rel =
            entry.path().strip_prefix(&job.dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
        if entry.file_type().is_file() && !produced.contains(&rel) {
            std::fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
            written.remove(&rel);
        }
    }
    Ok(())
}

/// The pages whose view an update may have changed: those showing a guide outlined or
/// cross-linked again, those a re-linked guide links to (backlinks), those whose neighbours
/// changed in the reading order, and around a guide whose title or description changed: its
/// neighbours, the folder listing it and, for a landing page, its whole folder (breadcrumbs).
fn pages_to_compare(
    tree: &SiteTree,
    updated: &Updated,
    renamed: &[GuideId],
    old_order: &[PageRef],
) -> Vec<PageRef> {
    let mut pages: HashSet<PageRef> = HashSet::new();
    let guides = updated.outlined.iter().chain(&updated.relinked).chain(&updated.link_targets);
    pages.extend(guides.map(|&g| tree.page_of_guide(g)));
    let order = &tree.reading_order;
    let neighbours = |order: &[PageRef], at: usize| {
        [at.checked_sub(1), Some(at + 1)]
            .into_iter()
            .flatten()
            .filter_map(|k| order.get(k).copied())
            .collect::<Vec<_>>()
    };
    if order != old_order {
        // The folders list their guides in reading order.
        pages.extend(tree.sections.ids().map(PageRef::Section));
        let old_position: HashMap<PageRef, usize> =
            old_order.iter().enumerate().map(|(k, &p)| (p, k)).collect();
        for (k, page) in order.iter().enumerate() {
            let old = old_position.get(page).map(|&o| neighbours(old_order, o));
            if old.as_ref() != Some(&neighbours(order, k)) {
                pages.insert(*page);
            }
        }
    }
    let new_position: HashMap<PageRef, usize> = if renamed.is_empty() {
        HashMap::new()
    } else {
        order.iter().enumerate().map(|(k, &p)| (p, k)).collect()
    };
    for &g in renamed {
        let page = tree.page_of_guide(g);
        if let Some(&k) = new_position.get(&page) {
            pages.extend(neighbours(order, k));
        }
        if let Some(k) = old_order.iter().position(|p| *p == page) {
            pages.extend(neighbours(old_order, k));
        }
        let section = tree.guide_section[g];
        pages.insert(PageRef::Section(section));
        if let PageRef::Section(s) = page {
            pages.extend(tree.sections[s].parent.map(PageRef::Section));
            pages.extend(tree.pages_under(s));
        }
    }
    pages.into_iter().collect()
}

/// The generated files that depend on titles and order: sidebar, sitemap, redirect pages.
fn generated_files(analysis: &ReadySite, site: &SiteView) -> Vec<(String, Vec<u8>)> {
    let tree = &analysis.tree;
    let mut files = vec![emit::nav_file(site, tree, &analysis.guides)];
    files.extend(emit::sitemap_files(site, tree).into_iter().map(|(rel, bytes)| (rel.to_string(), bytes)));
    files.extend(emit::redirect_files(&analysis.redirects, site));
    files
}

fn hash(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use crate::markdown::Renderer;

    fn write(root: &Path, rel: &str, text: &str) -> PathBuf {
        let path = root.join("content").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .filter(|e| std::fs::read_to_string(e.path()).unwrap_or_default().contains(needle))
            .map(|e| e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"))
            .collect()
    }

    /// Every file of a built site, by path (the build's private folders left out).
    fn site_files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn after_any_edit_the_updated_site_is_the_site_a_full_build_makes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "index.md", "# Accueil\n\nLes guides.\n");
        let a = write(root, "a.md", "# Alpha\n\nVoir [Bravo](b.md#reglage) et `C.md`.\n");
        let b = write(root, "b.md", "# Bravo\n\n## Réglage\n\nTexte.\n");
        write(root, "C.md", "# Charlie\n\nVers [le dossier](dossier/index.md).\n");
        let d = write(root, "dossier/index.md", "# Dossier\n\nLe dossier.\n");
        write(root, "dossier/d1.md", "# Delta\n\nVoir [Alpha](../a.md).\n");
        write(root, "dossier/d2.md", "# Écho\n\nRien.\n");
        let options =
            |out: &str| BuildOptions::preview(root, root.join(out), Some("http://127.0.0.1:1111/".into()));
        let (_, built) = super::super::build_keeping(&options("live"), Arc::new(Renderer::new())).unwrap();
        let mut live = LiveSite::new(built, options("live"), |err| panic!("{err}"));
        let edits: [(&Path, &str); 7] = [
            (&b, "# Bravo\n\n## Paramètres\n\nTexte.\n"),
            (&b, "# Zoulou\n\n## Réglage\n\nAutre texte.\n"),
            (&a, "+++\nweight = -5\n+++\n# Alpha\n\nVoir [Bravo](b.md#reglage) et `C.md`.\n"),
            (&d, "# Dossier renommé\n\nUn autre résumé.\n"),
            (&a, "# Alpha\n\nPlus de lien.\n\n## Nouvelle section\n"),
            (&b, "+++\ndescription = \"Tout sur Bravo\"\n+++\n# Bravo\n\n## Réglage\n"),
            (&d, "# Dossier\n\nVoir [Delta](d1.md) et [rien](d3.md).\n"),
        ];
        for (n, (path, text)) in edits.into_iter().enumerate() {
            std::fs::write(path, text).unwrap();
            live.update(&[path]).unwrap().updated().expect("an incremental update");
            live.wait_for_search();
            super::super::build(&options("full")).unwrap();
            let (updated, full) = (site_files(&root.join("live")), site_files(&root.join("full")));
            assert_eq!(updated.keys().collect::<Vec<_>>(), full.keys().collect::<Vec<_>>(), "edit {n}");
            for (path, bytes) in &full {
                assert!(updated[path] == *bytes, "edit {n}: {path} differs from a full build");
            }
        }
    }

    #[test]
    fn an_edit_rewrites_what_it_changes_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "a.md", "# Alpha\n\nVoir [la section](b.md#reglage).\n");
        let b = write(root, "b.md", "# Bravo\n\n## Réglage\n\nTexte.\n");
        for n in 0..20 {
            write(root, &format!("autres/g{n:02}.md"), &format!("# Guide {n:02}\n\nRien à voir.\n"));
        }
        let options = BuildOptions::preview(root, root.join("out"), None);
        let (_, built) = super::super::build_keeping(&options, Arc::new(Renderer::new())).unwrap();
        let mut live = LiveSite::new(built, options, |err| panic!("{err}"));
        let out = root.join("out");
        let untouched = std::fs::metadata(out.join("autres/g05/index.html")).unwrap().modified().unwrap();

        // The heading is renamed: a's link breaks (a warning in the preview), b's page and title
        // change, and with the title the sidebar and a's backlink-free page stay as they were.
        std::fs::write(&b, "# Bravo modifié\n\n## Paramètres\n\nTexte zanzibar.\n").unwrap();
        let update = live.update(&[b.as_path()]).unwrap().updated().expect("an incremental update");
        let html = std::fs::read_to_string(out.join("b/index.html")).unwrap();
        assert!(html.contains("Bravo modifié") && html.contains("id=\"parametres\""), "{html}");
        assert!(std::fs::read_to_string(out.join("assets/nav.js")).unwrap().contains("Bravo modifié"));
        let broken: Vec<_> =
            update.summary.diagnostics.iter().filter(|d| d.message.contains("broken link")).collect();
        assert_eq!(broken.len(), 1, "{:?}", update.summary.diagnostics);
        assert!(broken[0].location.path.ends_with("a.md"));
        assert!(update.pages < 8, "{} pages written", update.pages);
        let after = std::fs::metadata(out.join("autres/g05/index.html")).unwrap().modified().unwrap();
        assert_eq!(after, untouched, "a page the edit does not concern is not rewritten");

        // The search index follows, in the background.
        live.wait_for_search();
        assert!(!files_containing(&out.join("assets"), "zanzibar").is_empty());

        // Mending the link clears the warning.
        std::fs::write(&b, "# Bravo modifié\n\n## Réglage\n\nTexte.\n").unwrap();
        let update = live.update(&[b.as_path()]).unwrap().updated().unwrap();
        assert!(update.summary.diagnostics.iter().all(|d| !d.message.contains("broken link")));

        // A new slug moves the page: that needs a full build.
        std::fs::write(&b, "+++\nslug = \"ailleurs\"\n+++\n# Bravo\n").unwrap();
        assert!(matches!(live.update(&[b.as_path()]), Ok(Outcome::NeedsFullBuild(_))));
    }

    #[test]
    fn an_edit_that_needs_a_full_build_leaves_the_site_in_memory_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let a = write(root, "a.md", "# Alpha\n\nTexte.\n");
        write(root, "b.md", "# Bravo\n\nVoir [Alpha](a.md).\n");
        write(root, "notes.txt", "Des notes que nul guide ne lie.\n");
        let options = BuildOptions::preview(root, root.join("out"), None);
        let (_, built) = super::super::build_keeping(&options, Arc::new(Renderer::new())).unwrap();
        let mut live = LiveSite::new(built, options, |err| panic!("{err}"));
        let before = live.state();

        // A new title (the order, the sidebar and b's link text follow it) and a link to a file
        // the site does not publish yet: only a full build copies it.
        std::fs::write(&a, "# Zoulou\n\nVoir [les notes](notes.txt).\n").unwrap();
        let outcome = live.update(&[a.as_path()]).unwrap();
        assert!(
            matches!(outcome, Outcome::NeedsFullBuild("a link to a file not yet published")),
            "{outcome:?}"
        );
        assert!(live.state() == before, "the site in memory changed though the edit was not taken");
    }
}
