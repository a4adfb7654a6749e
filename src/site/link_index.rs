//! Resolving links between guides: `[texte](../AUTRE.md#section)` and bare file references such
//! as `GUIDE_RENDER_COMPLET.md`, against every guide's path, URL and heading ids.
//!
//! `LinkIndex::new` indexes the guides and content files once; `resolve` turns one link target
//! written in guide `from` into a `Resolved` target (with warnings for inexact matches), or a
//! `Broken` reason with the closest existing target as a suggestion. A page's anchors are its
//! heading ids, their forge forms and the ids its raw HTML declares; `#` and `#top` are the top
//! of any page, as in browsers.

use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use percent_encoding::percent_decode_str;
use rayon::prelude::*;

use super::tree::is_index_file;
use crate::content::{GuideId, PerGuide};
use crate::markdown::liquid::{is_template, root_path};
use crate::markdown::Heading;
use crate::slug::{fold, OrderedName};

/// What the index knows about one guide.
#[derive(Debug, Clone, Default)]
pub struct GuideTargets {
    /// Path relative to the content folder, with `/` separators: `dossier/AUTRE.md`.
    pub rel: String,
    /// URL path from the site root: `dossier/autre/`.
    pub path: String,
    /// Its headings, shared with its outline (`OutlinedGuide::headings`), not copied: each
    /// heading's id is canonical.
    pub headings: Arc<Vec<Heading>>,
    /// Other ids that land on a heading (GitHub/GitLab forms), as (heading, alias) positions in
    /// `headings`, in heading order.
    pub aliases: Vec<(u32, u32)>,
    /// Ids declared in raw HTML (`<a name="x">`, `<h3 id="x">`).
    pub anchors: Vec<String>,
}

impl GuideTargets {
    /// Its canonical heading ids, in order.
    fn ids(&self) -> impl Iterator<Item = &str> {
        self.headings.iter().map(|h| h.id.as_str())
    }
}

/// Where each heading's aliases are in `headings`: (heading, alias), in heading order.
fn alias_positions(headings: &[Heading]) -> Vec<(u32, u32)> {
    let per_heading = headings.iter().enumerate();
    let positions =
        per_heading.flat_map(|(h, heading)| (0..heading.aliases.len()).map(move |a| (h as u32, a as u32)));
    positions.collect()
}

/// Where a link leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A page of the site, with a canonical heading id.
    Guide { guide: GuideId, anchor: Option<String> },
    /// A file of the content folder, by its path relative to it.
    File { rel: String, anchor: Option<String> },
    /// A file of `static/`, by its path from the site root (where the build copies it).
    Static { path: String, anchor: Option<String> },
    /// A heading of the same page.
    Anchor(String),
    /// A page carnet writes for a folder with no guide of its own, by its address: the home
    /// page (`""`), or a folder's list of pages (`dossier/`).
    Folder { path: String, anchor: Option<String> },
    /// Anything with a scheme (`https:`, `mailto:`) or a host: left as it is.
    External,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub target: Target,
    /// Inexact matches that were accepted (case of a file name, loose anchor).
    pub warnings: Vec<String>,
}

/// What a bare guide name written in a page names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    One(GuideId),
    /// Guides in different folders with that file name.
    Several(Vec<GuideId>),
    None,
}

/// Why a link leads nowhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub message: String,
    pub suggestion: Option<String>,
    /// The guide that exists but lacks the anchor, when that is what is wrong.
    pub guide: Option<GuideId>,
}

#[derive(Debug)]
pub struct LinkIndex {
    guides: PerGuide<GuideTargets>,
    /// Per guide: every id and alias → canonical id, and the loose form of each id → id.
    anchors: PerGuide<AnchorLookup>,
    by_rel: FxHashMap<String, GuideId>,
    by_rel_folded: FxHashMap<String, GuideId>,
    by_path: FxHashMap<String, GuideId>,
    files: FxHashMap<String, String>,
    /// The files of `static/`, by their path from the site root: lowercase → as written.
    statics: FxHashMap<String, String>,
    /// Folder (`10-install`) → its landing page, whatever its name (`tree::landing_rank`).
    folders: FxHashMap<String, GuideId>,
    /// Guides and folders by `route_key`: the address Grav and directory-URL generators let
    /// authors write (`../installation` for `03.installation/docs.md`).
    by_route: FxHashMap<String, GuideId>,
    /// `content/`: a reference written from the repository root (`content/GUIDE.md`) also counts.
    content_prefix: Option<String>,
    /// Folders without a landing guide, whose page carnet writes, by `route_key` of the folder
    /// → their address; the content folder (`""`, the home page) is always one.
    folder_pages: FxHashMap<String, String>,
    /// A link to a `.md` file not found beside the guide is looked for from the content root
    /// too, unless it starts with `./` or `../` (Docusaurus).
    markdown_links_from_root: bool,
}

impl LinkIndex {
    /// `files` are the other files of the content folder, relative, with `/` separators.
    pub fn new(guides: PerGuide<GuideTargets>, files: impl IntoIterator<Item = String>) -> LinkIndex {
        let by_rel = guides.iter_enumerated().map(|(i, g)| (g.rel.clone(), i)).collect();
        let by_rel_folded = guides.iter_enumerated().map(|(i, g)| (g.rel.to_lowercase(), i)).collect();
        let by_path =
            guides.iter_enumerated().map(|(i, g)| (g.path.trim_end_matches('/').to_string(), i)).collect();
        let files = files.into_iter().map(|f| (f.to_lowercase(), f)).collect();
        let anchors = guides.map(AnchorLookup::new);
        let mut by_route = FxHashMap::default();
        for (i, guide) in guides.iter_enumerated() {
            by_route.entry(route_key(&guide.rel)).or_insert(i);
        }
        LinkIndex {
            guides,
            anchors,
            by_rel,
            by_rel_folded,
            by_path,
            files,
            statics: FxHashMap::default(),
            folders: FxHashMap::default(),
            by_route,
            content_prefix: None,
            folder_pages: FxHashMap::from_iter([(String::new(), String::new())]),
            markdown_links_from_root: false,
        }
    }

    /// Lets a link to a folder without a landing guide lead to the page carnet writes for it:
    /// (folder with `/`, its address).
    pub fn with_folder_pages(mut self, folders: impl IntoIterator<Item = (String, String)>) -> Self {
        self.folder_pages.extend(folders.into_iter().map(|(dir, path)| (route_key(&dir), path)));
        self
    }

    /// Lets a link to a `.md` file that is not found beside the guide lead to the one of that
    /// path from the content root, unless it starts with `./` or `../`: how Docusaurus resolves
    /// Markdown links (`gpu/overview.md` written in `guides/quick-start.md`).
    pub fn with_markdown_links_from_root(mut self, enabled: bool) -> Self {
        self.markdown_links_from_root = enabled;
        self
    }

    /// Lets links lead to the files of `static/`: `paths` from the site root, `/` separators.
    pub fn with_static_files(mut self, paths: impl IntoIterator<Item = String>) -> Self {
        self.statics = paths.into_iter().map(|p| (p.to_lowercase(), p)).collect();
        self
    }

    /// Lets a link to a folder lead to its landing page: (folder with `/`, guide).
    pub fn with_landing_pages(mut self, folders: impl IntoIterator<Item = (String, GuideId)>) -> Self {
        self.folders = folders.into_iter().collect();
        for (folder, &guide) in &self.folders {
            self.by_route.insert(route_key(folder), guide);
        }
        self
    }

    /// Lets references written from the repository root (`content/GUIDE.md`) resolve.
    pub fn with_content_prefix(mut self, content_dir: &str) -> Self {
        let prefix = content_dir.trim_matches('/').replace('\\', "/");
        self.content_prefix = (!prefix.is_empty() && prefix != ".").then(|| format!("{prefix}/"));
        self
    }

    /// Lets a link to an old address of a guide (`aliases`, `redirect_from`…: carnet writes a
    /// redirect there) lead to the guide itself. A page's own address wins over an old one.
    pub fn with_old_paths(mut self, old: impl IntoIterator<Item = (String, GuideId)>) -> Self {
        for (path, guide) in old {
            self.by_path.entry(path.trim_end_matches('/').to_string()).or_insert(guide);
        }
        self
    }

    /// Sets a guide's headings (their ids and aliases) and raw HTML anchors once it is outlined.
    pub fn set_headings(&mut self, guide: GuideId, headings: Arc<Vec<Heading>>, anchors: Vec<String>) {
        set_targets(&mut self.guides[guide], &mut self.anchors[guide], headings, anchors);
    }

    /// `set_headings` for every guide at once, on every core: `outlined` gives each guide's,
    /// in guide order.
    pub fn set_every_heading(&mut self, outlined: impl Iterator<Item = (Arc<Vec<Heading>>, Vec<String>)>) {
        let outlined: Vec<_> = outlined.collect();
        let targets = self.guides.par_iter_mut_enumerated().zip(self.anchors.par_iter_mut_enumerated());
        targets.zip(outlined).for_each(|(((_, target), (_, lookup)), (headings, anchors))| {
            set_targets(target, lookup, headings, anchors);
        });
    }

    pub fn guide(&self, index: GuideId) -> &GuideTargets {
        &self.guides[index]
    }

    /// Resolves `href` written in guide `from`.
    pub fn resolve(&self, from: GuideId, href: &str) -> Result<Resolved, Broken> {
        let href = href.trim();
        let templated = root_path(href);
        let href = templated.as_deref().unwrap_or(href);
        if is_external(href) || is_template(href) {
            return Ok(Resolved { target: Target::External, warnings: Vec::new() });
        }
        let (path, fragment) = match href.split_once('#') {
            Some((path, fragment)) => (path, Some(fragment)),
            None => (href, None),
        };
        let path = path.split_once('?').map_or(path, |(p, _)| p);
        let path = percent_decode_str(path).decode_utf8_lossy();
        let fragment = fragment.map(|f| percent_decode_str(f).decode_utf8_lossy().into_owned());
        let mut warnings = Vec::new();
        if path.is_empty() {
            let anchor = fragment.unwrap_or_default();
            let id = self.anchor(from, &anchor, &mut warnings)?;
            return Ok(Resolved { target: Target::Anchor(id), warnings });
        }
        let joined = join(&self.guides[from].rel, &path);
        if let Some(joined) = &joined {
            let file = || self.find_file(joined, &mut Vec::new());
            let from_page_url = || match joined.is_empty() || file().is_some() {
                true => None,
                false => self.find_from_page_url(from, &path),
            };
            if let Some(guide) = self.find_guide(joined, &mut warnings).or_else(from_page_url) {
                return self.at_guide(guide, fragment, warnings);
            }
            if let Some(rel) = self.find_file(joined, &mut warnings) {
                return Ok(Resolved { target: Target::File { rel, anchor: fragment }, warnings });
            }
            if let Some(guide) = self.markdown_link_from_root(&path) {
                return self.at_guide(guide, fragment, warnings);
            }
        }
        if let Some(path) = self.find_static(from, &path, joined.as_deref(), &mut warnings) {
            return Ok(Resolved { target: Target::Static { path, anchor: fragment }, warnings });
        }
        let Some(joined) = joined else {
            if let Some(guide) = self.find_from_page_url(from, &path) {
                return self.at_guide(guide, fragment, warnings);
            }
            return self.clamped_at_root(&path, fragment, warnings);
        };
        if let Some(path) = self.folder_pages.get(&route_key(&joined)).cloned() {
            return Ok(Resolved { target: Target::Folder { path, anchor: fragment }, warnings });
        }
        Err(Broken {
            message: format!("no guide or file `{joined}`"),
            suggestion: self.suggest_guide(&joined),
            guide: None,
        })
    }

    /// A path that climbs above the content folder, read as browsers read a URL that climbs
    /// above the site root: the extra `..` stay at the root (GitBook writes one too many). Only
    /// when that leads somewhere, with a warning; else it is broken.
    fn clamped_at_root(
        &self,
        path: &str,
        fragment: Option<String>,
        mut warnings: Vec<String>,
    ) -> Result<Resolved, Broken> {
        let outside = || Broken {
            message: format!("`{path}` leads outside the content folder"),
            suggestion: None,
            guide: None,
        };
        let climbs = path.split(['/', '\\']).take_while(|part| *part == ".." || *part == ".").count();
        let rest: Vec<&str> = path.split(['/', '\\']).skip(climbs).collect();
        let clamped = rest.join("/");
        if clamped.is_empty() || rest.contains(&"..") {
            return Err(outside());
        }
        let guide = self.find_guide(&clamped, &mut Vec::new());
        let file = || self.find_file(&clamped, &mut Vec::new());
        warnings.push(format!("`{path}` climbs above the content folder: taken as `{clamped}`"));
        match (guide, file()) {
            (Some(guide), _) => self.at_guide(guide, fragment, warnings),
            (None, Some(rel)) => Ok(Resolved { target: Target::File { rel, anchor: fragment }, warnings }),
            (None, None) => Err(outside()),
        }
    }

    /// Guide `guide`, at the heading `fragment` names when there is one.
    fn at_guide(
        &self,
        guide: GuideId,
        fragment: Option<String>,
        mut warnings: Vec<String>,
    ) -> Result<Resolved, Broken> {
        let anchor = match fragment.filter(|f| !f.is_empty()) {
            Some(anchor) => Some(self.anchor(guide, &anchor, &mut warnings)?),
            None => None,
        };
        Ok(Resolved { target: Target::Guide { guide, anchor }, warnings })
    }

    /// A file of `static/` that `path` names: from the site root (`/logos/logo.png`), from the
    /// guide's file (`joined`, as for content files), or from the page's address, as a browser
    /// reads it (`../logos/logo.png` written in `guide.md`, published at `guide/`).
    fn find_static(
        &self,
        from: GuideId,
        path: &str,
        joined: Option<&str>,
        warnings: &mut Vec<String>,
    ) -> Option<String> {
        if self.statics.is_empty() {
            return None;
        }
        let from_page = join(&format!("{}index.html", self.guides[from].path), path);
        for candidate in [joined.map(str::to_string), from_page].into_iter().flatten() {
            if let Some(actual) = self.statics.get(&candidate.to_lowercase()) {
                if *actual != candidate {
                    warnings.push(format!(
                        "`{candidate}` matches `static/{actual}` only when ignoring case; write `{actual}`"
                    ));
                }
                return Some(actual.clone());
            }
        }
        None
    }

    /// A guide by its file (with or without `.md`), its folder, or its published URL path.
    fn find_guide(&self, joined: &str, warnings: &mut Vec<String>) -> Option<GuideId> {
        let bare = joined.trim_end_matches('/');
        if let Some(guide) = guide_file_names(joined, bare).find_map(|name| self.by_rel.get(&*name)) {
            return Some(*guide);
        }
        if let Some(&guide) = self.folders.get(bare) {
            return Some(guide);
        }
        let folded =
            guide_file_names(joined, bare).find_map(|name| self.by_rel_folded.get(&name.to_lowercase()));
        if let Some(&guide) = folded {
            let actual = &self.guides[guide].rel;
            warnings.push(format!("`{joined}` matches `{actual}` only when ignoring case; write `{actual}`"));
            return Some(guide);
        }
        self.by_path.get(bare).or_else(|| self.by_route.get(&route_key(bare))).copied()
    }

    /// A relative link written for a generator that publishes `page.md` at `page/`, and so
    /// resolves links from there (MkDocs with directory URLs): `../autre/` from `dossier/page.md`
    /// means `dossier/autre.md`. Not for `index.md` or `README.md`, published at their folder's
    /// address by those generators too.
    fn find_from_page_url(&self, from: GuideId, path: &str) -> Option<GuideId> {
        if path.starts_with('/') || is_index_file(Path::new(&self.guides[from].rel)) {
            return None;
        }
        let rel = &self.guides[from].rel;
        let page_folder = rel.strip_suffix(".md").or_else(|| rel.strip_suffix(".mdx"))?;
        let joined = join(&format!("{page_folder}/"), path)?;
        self.find_guide(&joined, &mut Vec::new())
    }

    /// The guide a Markdown link names from the content root, where links are read so
    /// (`with_markdown_links_from_root`); only its exact file.
    fn markdown_link_from_root(&self, path: &str) -> Option<GuideId> {
        let relative = !path.starts_with("./") && !path.starts_with("../") && !path.starts_with('/');
        let markdown = matches!(extension(path).as_deref(), Some("md" | "mdx"));
        if !self.markdown_links_from_root || !relative || !markdown {
            return None;
        }
        self.by_rel.get(&join("", path)?).copied()
    }

    fn find_file(&self, joined: &str, warnings: &mut Vec<String>) -> Option<String> {
        let actual = self.files.get(&joined.to_lowercase())?;
        if actual != joined {
            warnings.push(format!("`{joined}` matches `{actual}` only when ignoring case; write `{actual}`"));
        }
        Some(actual.clone())
    }

    /// The canonical id for `anchor` in `guide`: exact, alias, or loose (accents, case, dashes).
    fn anchor(&self, guide: GuideId, anchor: &str, warnings: &mut Vec<String>) -> Result<String, Broken> {
        let target = &self.guides[guide];
        let lookup = &self.anchors[guide];
        if let Some(id) = lookup.exact(target, anchor) {
            return Ok(id.to_string());
        }
        if is_top(anchor) {
            return Ok(anchor.to_string());
        }
        if anchor.starts_with('/') {
            // `#/datasets/create`: a route for the page's own scripts (Swagger UI, a single-page
            // application), which no heading id starts like.
            warnings.push(format!(
                "`#{anchor}` is a route for the scripts of `{}`, not a heading: not checked",
                target.rel
            ));
            return Ok(anchor.to_string());
        }
        // GitHub prefixes every id of a rendered file: `#user-content-causes` is `#causes`.
        if let Some(id) = anchor.strip_prefix("user-content-").and_then(|a| lookup.exact(target, a)) {
            return Ok(id.to_string());
        }
        if let Some(id) = lookup.loose(target, &loose(anchor)) {
            warnings.push(format!("anchor `#{anchor}` taken as `#{id}`"));
            return Ok(id.to_string());
        }
        let ids = target.ids().chain(target.anchors.iter().map(String::as_str));
        let suggestion = closest(anchor, ids).map(|id| format!("#{id}"));
        let message = format!("no heading `#{anchor}` in `{}`", target.rel);
        Err(Broken { message, suggestion, guide: Some(guide) })
    }

    /// The existing target nearest to `joined`, of the same kind: a guide for a page (`.md`, or
    /// no extension), an image for an image, a file of the same extension for any other file.
    fn suggest_guide(&self, joined: &str) -> Option<String> {
        let wanted = extension(joined);
        if wanted.is_none() || wanted.as_deref() == Some("md") {
            return closest(joined, self.guides.iter().map(|g| g.rel.as_str())).map(str::to_string);
        }
        let same_kind = |file: &&String| {
            let found = extension(file);
            found == wanted
                || (found.as_deref().is_some_and(is_image) && wanted.as_deref().is_some_and(is_image))
        };
        closest(joined, self.files.values().filter(same_kind).map(String::as_str)).map(str::to_string)
    }

    /// A guide named by a bare reference (`GUIDE_X.md`, `dossier/AUTRE.md`) written in `from`:
    /// relative to `from`'s folder first, then from the content root, then by file name alone
    /// when only one guide has it.
    pub fn find_reference(&self, from: GuideId, name: &str) -> Option<GuideId> {
        match self.name_reference(from, name) {
            Named::One(guide) => Some(guide),
            Named::Several(_) | Named::None => None,
        }
    }

    /// What a bare reference names (see `find_reference`): one guide, several guides having
    /// its file name (none of them nearer than the others), or none.
    pub fn name_reference(&self, from: GuideId, name: &str) -> Named {
        let name =
            self.content_prefix.as_deref().and_then(|prefix| name.strip_prefix(prefix)).unwrap_or(name);
        let mut ignored = Vec::new();
        if let Some(guide) =
            join(&self.guides[from].rel, name).and_then(|j| self.find_guide(&j, &mut ignored))
        {
            return Named::One(guide);
        }
        if let Some(guide) = self.find_guide(name.trim_start_matches("./"), &mut ignored) {
            return Named::One(guide);
        }
        let file_name = name.rsplit('/').next().unwrap_or(name).to_lowercase();
        let matches: Vec<GuideId> = (self.guides.iter_enumerated())
            .filter(|(_, g)| g.rel.rsplit('/').next().is_some_and(|n| n.to_lowercase() == file_name))
            .map(|(guide, _)| guide)
            .collect();
        match matches[..] {
            [] => Named::None,
            [guide] => Named::One(guide),
            _ => Named::Several(matches),
        }
    }
}

/// A guide's headings and anchors as `set_headings` sets them, with the lookup made of them.
fn set_targets(
    target: &mut GuideTargets,
    lookup: &mut AnchorLookup,
    headings: Arc<Vec<Heading>>,
    anchors: Vec<String>,
) {
    target.aliases = alias_positions(&headings);
    (target.headings, target.anchors) = (headings, anchors);
    *lookup = AnchorLookup::new(target);
}

/// Anchor lookups of one guide in logarithmic time (a page may have 100,000 headings and links),
/// as sorted `(hash of the key, candidate)` pairs, 16 bytes each: the keys stay in the guide's
/// `GuideTargets` (candidates number its ids, then its aliases, then its raw HTML anchors), and a
/// hit is checked against the key. Among candidates with one key, the first wins.
#[derive(Debug, Default)]
struct AnchorLookup {
    /// Every id, alias and anchor as written.
    exact: Vec<(u64, u32)>,
    /// The `loose` form of every id and anchor: made the first time an anchor is not found as
    /// written (few links ever need it; folding every heading of every guide for them took 2 %
    /// of a build).
    loose: OnceLock<Vec<(u64, u32)>>,
}

impl AnchorLookup {
    fn new(guide: &GuideTargets) -> Self {
        let mut exact = Vec::new();
        let count = guide.headings.len() + guide.aliases.len() + guide.anchors.len();
        for n in 0..count {
            if let Some((key, _)) = candidate(guide, n) {
                exact.push((key_hash(key), n as u32));
            }
        }
        exact.sort_unstable();
        AnchorLookup { exact, loose: OnceLock::new() }
    }

    /// The canonical id of `anchor` written exactly (an id, an alias, an anchor).
    fn exact<'g>(&self, guide: &'g GuideTargets, anchor: &str) -> Option<&'g str> {
        first_match(&self.exact, key_hash(anchor), |n| {
            candidate(guide, n).filter(|(key, _)| *key == anchor).map(|(_, id)| id)
        })
    }

    /// The id or anchor whose `loose` form is `wanted`.
    fn loose<'g>(&self, guide: &'g GuideTargets, wanted: &str) -> Option<&'g str> {
        let table = self.loose.get_or_init(|| loose_table(guide));
        first_match(table, key_hash(wanted), |n| {
            candidate(guide, n).map(|(key, _)| key).filter(|key| loose(key) == wanted)
        })
    }
}

/// The guide files a link to `joined` may name, in the order they are tried: the name itself,
/// then `.md`, a folder's `index.md` or `README.md` (the content root's `index.md`), then MDX.
/// Made one at a time: most links name their file, found first.
fn guide_file_names<'a>(joined: &'a str, bare: &'a str) -> impl Iterator<Item = Cow<'a, str>> {
    const SUFFIXES: [&str; 5] = [".md", "/index.md", "/README.md", ".mdx", "/index.mdx"];
    let root_index = bare.is_empty().then_some(Cow::Borrowed("index.md"));
    let with_suffix = SUFFIXES.into_iter().map(move |suffix| Cow::Owned(format!("{bare}{suffix}")));
    let (md, mdx) = (with_suffix.clone().take(3), with_suffix.skip(3));
    std::iter::once(Cow::Borrowed(joined)).chain(md).chain(root_index).chain(mdx)
}

/// The `loose` form of each of a guide's ids and anchors, with its candidate number, sorted.
fn loose_table(guide: &GuideTargets) -> Vec<(u64, u32)> {
    let first_anchor = guide.headings.len() + guide.aliases.len();
    let keys = guide
        .ids()
        .enumerate()
        .chain((guide.anchors.iter().enumerate()).map(|(i, a)| (first_anchor + i, a.as_str())));
    let mut table: Vec<(u64, u32)> = keys.map(|(n, key)| (key_hash(&loose(key)), n as u32)).collect();
    table.sort_unstable();
    table
}

/// A guide's anchor candidate `n`, as (key, canonical id): its ids, then its aliases, then its
/// raw HTML anchors.
fn candidate(guide: &GuideTargets, n: usize) -> Option<(&str, &str)> {
    let (ids, aliases) = (guide.headings.len(), guide.aliases.len());
    if let Some(heading) = guide.headings.get(n) {
        return Some((&heading.id, &heading.id));
    }
    if let Some(&(h, a)) = guide.aliases.get(n - ids) {
        let heading = &guide.headings[h as usize];
        return Some((&heading.aliases[a as usize], &heading.id));
    }
    guide.anchors.get(n - ids - aliases).map(|anchor| (anchor.as_str(), anchor.as_str()))
}

/// The first candidate (in candidate order) of hash `hash` that `check` accepts.
fn first_match<'g>(
    entries: &[(u64, u32)],
    hash: u64,
    check: impl Fn(usize) -> Option<&'g str>,
) -> Option<&'g str> {
    let start = entries.partition_point(|&(h, _)| h < hash);
    entries[start..].iter().take_while(|&&(h, _)| h == hash).find_map(|&(_, n)| check(n as usize))
}

/// A fixed hash (the same on every run) of an anchor key.
fn key_hash(key: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(key)
}

/// `#` and `#top` lead to the top of any page (HTML: an empty fragment, or `top` in any case
/// when no element has that id).
fn is_top(anchor: &str) -> bool {
    anchor.is_empty() || anchor.eq_ignore_ascii_case("top")
}

/// Schemes readers' browsers open: the web, mail, phone, files shown inline, and the usual
/// protocols of technical documentation. Others (`vscode:`, `slack:`) get one warning each.
const KNOWN_SCHEMES: &[&str] = &[
    "http", "https", "mailto", "tel", "sms", "data", "ftp", "ftps", "sftp", "ssh", "git", "irc", "ircs",
    "news", "nntp", "xmpp", "geo", "magnet", "webcal", "urn", "doi",
];

/// The scheme of an external link (`vscode` for `vscode://file/x`), lower case, when it is
/// not one browsers are known to open. `//host` links have none.
pub fn unknown_scheme(href: &str) -> Option<String> {
    let href = href.trim();
    if !is_external(href) || href.starts_with("//") {
        return None;
    }
    let scheme = href[..href.find(':')?].to_ascii_lowercase();
    (!KNOWN_SCHEMES.contains(&scheme.as_str())).then_some(scheme)
}

/// `https:`, `mailto:`, `//host`: anything the site does not own.
pub fn is_external(href: &str) -> bool {
    if href.starts_with("//") {
        return true;
    }
    let scheme_end = href.find(':');
    let first_slash = href.find(['/', '#', '?']);
    match (scheme_end, first_slash) {
        (Some(colon), slash) if slash.is_none_or(|s| colon < s) => {
            let scheme = &href[..colon];
            scheme.len() > 1
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        _ => false,
    }
}

/// `path` written in the guide at `from_rel`, as a path from the content root; `None` when it
/// climbs above the root. A leading `/` means the content root.
fn join(from_rel: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        from_rel.split('/').collect::<Vec<_>>().split_last().map(|(_, dir)| dir.to_vec()).unwrap_or_default()
    };
    let trailing_slash = path.ends_with('/');
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    let mut joined = parts.join("/");
    if trailing_slash && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

/// A path as generators that number their folders route it: each segment without its ordering
/// prefix, no `.md`, no case. `01.basics/03.installation/docs.md`'s folder and
/// `basics/installation` share `basics/installation`.
fn route_key(path: &str) -> String {
    let path = path.trim_end_matches('/');
    let path = path.strip_suffix(".md").or_else(|| path.strip_suffix(".mdx")).unwrap_or(path);
    let segments: Vec<&str> =
        path.split('/').filter(|s| !s.is_empty()).map(|s| OrderedName::parse(s).name).collect();
    segments.join("/").to_lowercase()
}

/// The extension of the last segment of a path, lowercase: `dossier/Schéma.PNG` → `png`.
fn extension(path: &str) -> Option<String> {
    let name = path.trim_end_matches('/').rsplit('/').next()?;
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_lowercase())
}

fn is_image(extension: &str) -> bool {
    matches!(extension, "png" | "jpg" | "jpeg" | "gif" | "svg" | "webp" | "avif" | "bmp" | "ico")
}

/// Anchor comparison key: no accents, no case, letters and digits only.
fn loose(anchor: &str) -> String {
    fold(anchor).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The candidate nearest to `wanted`, when it is near enough to be a plausible typo.
///
/// The distance is at least the difference of the lengths, so a candidate whose length alone
/// keeps it under 0.5, or under the best score so far, is not compared (a site with many broken
/// links and thousands of guides spent most of its outline here); ties are still compared, so the
/// answer is the one comparing every candidate gives.
fn closest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let wanted = wanted.to_lowercase();
    let wanted_len = wanted.chars().count();
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        let lower = candidate.to_lowercase();
        let len = lower.chars().count();
        let longest = len.max(wanted_len);
        if longest > 0 {
            let bound = 1.0 - len.abs_diff(wanted_len) as f64 / longest as f64;
            if bound < 0.5 || best.is_some_and(|(score, _)| bound < score) {
                continue;
            }
        }
        let score = strsim::normalized_damerau_levenshtein(&wanted, &lower);
        // Among equals, the first in byte order: the answer does not depend on the order the
        // candidates come in (the files are a hash map's).
        let better = |(top, kept): (f64, &str)| score > top || (score == top && candidate < kept);
        if score >= 0.5 && best.is_none_or(better) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: usize) -> GuideId {
        GuideId::new(n)
    }

    fn index() -> LinkIndex {
        let guide = |rel: &str, path: &str, ids: &[&str]| {
            let heading = |id: &&str| Heading {
                level: 2,
                id: id.to_string(),
                aliases: match *id {
                    "resolution-erreur" => vec!["-résolution--erreur".into()],
                    _ => Vec::new(),
                },
                text: id.to_string(),
            };
            let headings: Vec<Heading> = ids.iter().map(heading).collect();
            GuideTargets {
                rel: rel.into(),
                path: path.into(),
                aliases: alias_positions(&headings),
                headings: Arc::new(headings),
                anchors: vec!["tarifs".into()],
            }
        };
        LinkIndex::new(
            PerGuide::from(vec![
                guide(
                    "GUIDE_RENDER_COMPLET.md",
                    "guide-render-complet/",
                    &["deploiement", "resolution-erreur"],
                ),
                guide("dossier/Autre Guide.md", "dossier/autre-guide/", &["causes"]),
                guide("dossier/README.md", "dossier/", &["intro"]),
            ]),
            ["dossier/schema.png".to_string()],
        )
    }

    fn target(from: usize, href: &str) -> Target {
        index().resolve(id(from), href).unwrap_or_else(|b| panic!("{href}: {b:?}")).target
    }

    #[test]
    fn files_of_static_are_linked_from_the_root_the_file_or_the_page_address() {
        let index = index().with_static_files(["logos/logo.png".to_string()]);
        let logo = Ok(Target::Static { path: "logos/logo.png".into(), anchor: None });
        let target = |from: usize, href: &str| index.resolve(id(from), href).map(|r| r.target);
        assert_eq!(target(0, "/logos/logo.png"), logo);
        assert_eq!(target(0, "logos/logo.png"), logo, "from the guide's file at the content root");
        assert_eq!(target(0, "../logos/logo.png"), logo, "from the page's address, guide-render-complet/");
        assert_eq!(target(1, "../../logos/logo.png"), logo, "from dossier/autre-guide/");
        assert_eq!(target(1, "../logos/logo.png"), logo, "from dossier/Autre Guide.md's folder");
        let missing = index.resolve(id(0), "/logos/absent.png").unwrap_err();
        assert_eq!(missing.message, "no guide or file `logos/absent.png`");
        let outside = index.resolve(id(0), "../../logos/logo.png").unwrap_err();
        assert!(outside.message.contains("leads outside the content folder"), "{outside:?}");
    }

    #[test]
    fn markdown_links_from_the_content_root_as_docusaurus_reads_them() {
        let from_folder = |index: &LinkIndex, href: &str| index.resolve(id(2), href).map(|r| r.target);
        let plain = index();
        assert!(from_folder(&plain, "GUIDE_RENDER_COMPLET.md").is_err(), "beside the guide only");
        let docusaurus = index().with_markdown_links_from_root(true);
        let guide = Target::Guide { guide: id(0), anchor: Some("deploiement".into()) };
        assert_eq!(from_folder(&docusaurus, "GUIDE_RENDER_COMPLET.md#deploiement"), Ok(guide));
        assert!(from_folder(&docusaurus, "./GUIDE_RENDER_COMPLET.md").is_err(), "`./` is beside the guide");
        assert!(from_folder(&docusaurus, "GUIDE_RENDER_COMPLET").is_err(), "Markdown files only");
        let beside = Target::Guide { guide: id(1), anchor: None };
        assert_eq!(from_folder(&docusaurus, "Autre%20Guide.md"), Ok(beside), "beside the guide first");
    }

    #[test]
    fn guide_links_in_every_form() {
        let autre = Target::Guide { guide: id(1), anchor: None };
        assert_eq!(target(0, "dossier/Autre Guide.md"), autre);
        assert_eq!(target(0, "./dossier/Autre%20Guide.md"), autre);
        assert_eq!(target(0, "dossier/Autre Guide"), autre);
        assert_eq!(target(2, "Autre Guide.md"), autre);
        assert_eq!(target(1, "../GUIDE_RENDER_COMPLET.md"), Target::Guide { guide: id(0), anchor: None });
        assert_eq!(target(0, "dossier/"), Target::Guide { guide: id(2), anchor: None });
        assert_eq!(target(0, "/dossier/autre-guide/"), autre);
    }

    #[test]
    fn anchors_resolve_to_canonical_ids() {
        let with = |a: &str| Target::Guide { guide: id(0), anchor: Some(a.to_string()) };
        assert_eq!(target(1, "../GUIDE_RENDER_COMPLET.md#deploiement"), with("deploiement"));
        assert_eq!(
            target(1, "../GUIDE_RENDER_COMPLET.md#-r%C3%A9solution--erreur"),
            with("resolution-erreur")
        );
        let loose = index().resolve(id(1), "../GUIDE_RENDER_COMPLET.md#Déploiement").unwrap();
        assert_eq!(loose.target, with("deploiement"));
        assert_eq!(loose.warnings.len(), 1);
        assert_eq!(target(1, "#causes"), Target::Anchor("causes".into()));
    }

    #[test]
    fn html_anchors_top_and_empty_fragments_resolve() {
        assert_eq!(target(1, "#tarifs"), Target::Anchor("tarifs".into()));
        assert_eq!(
            target(1, "../GUIDE_RENDER_COMPLET.md#tarifs"),
            Target::Guide { guide: id(0), anchor: Some("tarifs".into()) }
        );
        assert_eq!(target(1, "#"), Target::Anchor(String::new()));
        assert_eq!(target(1, "#top"), Target::Anchor("top".into()));
        assert_eq!(target(1, "#TOP"), Target::Anchor("TOP".into()));
        assert_eq!(
            target(1, "../GUIDE_RENDER_COMPLET.md#top"),
            Target::Guide { guide: id(0), anchor: Some("top".into()) }
        );
        let broken = index().resolve(id(1), "#tarif").unwrap_err();
        assert_eq!(broken.suggestion.as_deref(), Some("#tarifs"));
    }

    #[test]
    fn unknown_schemes() {
        assert_eq!(unknown_scheme("vscode://file/x"), Some("vscode".into()));
        assert_eq!(unknown_scheme("Slack:channel"), Some("slack".into()));
        for known in ["https://x.fr", "mailto:a@b.fr", "//cdn.x.org/a.js", "tel:+33", "autre.md", "#x"] {
            assert_eq!(unknown_scheme(known), None, "{known}");
        }
    }

    #[test]
    fn case_mismatch_resolves_with_a_warning() {
        let resolved = index().resolve(id(0), "guide_render_complet.md").unwrap();
        assert_eq!(resolved.target, Target::Guide { guide: id(0), anchor: None });
        assert!(resolved.warnings[0].contains("GUIDE_RENDER_COMPLET.md"));
    }

    #[test]
    fn files_externals_and_broken_links() {
        assert_eq!(target(1, "schema.png"), Target::File { rel: "dossier/schema.png".into(), anchor: None });
        for external in ["https://render.com", "mailto:a@b.fr", "//cdn.example.org/x.js", "tel:+33"] {
            assert_eq!(target(0, external), Target::External, "{external}");
        }
        let broken = index().resolve(id(0), "GUIDE_RENDER_COMPLE.md").unwrap_err();
        assert_eq!(broken.suggestion.as_deref(), Some("GUIDE_RENDER_COMPLET.md"));
        let anchor = index().resolve(id(0), "dossier/Autre Guide.md#cause").unwrap_err();
        assert_eq!(anchor.suggestion.as_deref(), Some("#causes"));
        assert!(index().resolve(id(0), "../../etc/passwd").is_err());
        let home =
            |anchor: Option<&str>| Target::Folder { path: String::new(), anchor: anchor.map(Into::into) };
        assert_eq!(target(1, "/"), home(None), "the home page, with no guide of its own");
        assert_eq!(target(1, "../#x"), home(Some("x")));
        assert!(index().resolve(id(0), "#nulle-part").is_err());
    }

    #[test]
    fn addresses_written_for_grav_and_directory_urls_resolve() {
        let guide =
            |rel: &str, path: &str| GuideTargets { rel: rel.into(), path: path.into(), ..Default::default() };
        let index = LinkIndex::new(
            PerGuide::from(vec![
                guide("01.basics/chapter.md", "basics/"),
                guide("01.basics/02.requirements/docs.md", "basics/requirements/"),
                guide("01.basics/03.installation/docs.md", "basics/installation/"),
                guide("T1_Donnees/sommaire.md", "t1-donnees/sommaire/"),
                guide("T1_Donnees/1.1_Listes/cours.md", "t1-donnees/1-1-listes/cours/"),
            ]),
            Vec::<String>::new(),
        )
        .with_landing_pages([
            ("01.basics".to_string(), id(0)),
            ("01.basics/02.requirements".to_string(), id(1)),
            ("01.basics/03.installation".to_string(), id(2)),
        ]);
        let guide_of = |from: usize, href: &str| match index.resolve(id(from), href) {
            Ok(Resolved { target: Target::Guide { guide, .. }, warnings }) if warnings.is_empty() => {
                Some(guide.index())
            }
            other => panic!("{href}: {other:?}"),
        };
        // Grav: folders named without their number, from the page's folder or the root.
        assert_eq!(guide_of(1, "../installation"), Some(2));
        assert_eq!(guide_of(1, "../../basics/installation"), Some(2));
        assert_eq!(guide_of(2, "/basics/requirements"), Some(1));
        assert_eq!(guide_of(2, "/basics"), Some(0));
        // MkDocs with directory URLs: relative to the page's own address.
        assert_eq!(guide_of(3, "../1.1_Listes/cours/"), Some(4));
        assert_eq!(guide_of(3, "1.1_Listes/cours.md"), Some(4));
        assert_eq!(guide_of(4, "../../../T1_Donnees/sommaire/"), Some(3), "above the file, not the page");
        assert!(index.resolve(id(4), "../../../../x/").unwrap_err().message.contains("outside"));
        // GitBook's one `..` too many stops at the root, as in a browser, with a warning.
        let clamped = index.resolve(id(1), "../../../../T1_Donnees/sommaire.md").unwrap();
        assert_eq!(clamped.target, Target::Guide { guide: id(3), anchor: None });
        assert!(clamped.warnings[0].contains("climbs above the content folder"), "{:?}", clamped.warnings);
        assert!(index.resolve(id(3), "../absent/").is_err());
        assert!(index.resolve(id(2), "/basics/absent").is_err());
    }

    #[test]
    fn github_s_user_content_prefix_is_the_id_itself() {
        assert_eq!(target(0, "#user-content-deploiement"), Target::Anchor("deploiement".into()));
        assert!(index().resolve(id(0), "#user-content-nulle-part").is_err());
    }

    #[test]
    fn root_expressions_of_templates_are_the_site_root_and_others_are_left_alone() {
        for (href, path) in [
            ("{{ site.baseurl }}/dossier/Autre Guide.md", Some("/dossier/Autre Guide.md")),
            ("{{site.url}}{{ site.baseurl }}/dossier/", Some("/dossier/")),
            ("{% link dossier/README.md %}", Some("/dossier/README.md")),
            ("{{ '/dossier/schema.png' | relative_url }}", Some("/dossier/schema.png")),
            ("{{ \"dossier/\" | absolute_url }}", Some("/dossier/")),
            ("{{ base_url }}/dossier", Some("/dossier")),
            ("{{ page.url }}", None),
            ("{{ site.baseurl }}{{ page.url }}", None),
            ("{% post_url 2024-01-01-x %}", None),
            ("dossier/", None),
        ] {
            assert_eq!(root_path(href).as_deref(), path, "{href}");
        }
        assert_eq!(
            target(0, "{{ site.baseurl }}/dossier/Autre Guide.md#causes"),
            Target::Guide { guide: id(1), anchor: Some("causes".into()) }
        );
        assert_eq!(target(0, "{{ p.url|e }}"), Target::External, "left as written, not checked");
    }

    #[test]
    fn the_nearest_name_is_the_one_comparing_every_candidate_gives() {
        let candidates = [
            "GUIDE_API.md",
            "guide_api.md",
            "GUIDE_APIS.md",
            "a.md",
            "GUIDE_API_ACCES_REFUSE_10.md",
            "dossier/GUIDE_API.md",
            "Érreur.md",
            "erreur.md",
            "ERREURS.md",
            "İstanbul.md",
            "",
        ];
        let brute = |wanted: &str| {
            let wanted = wanted.to_lowercase();
            candidates
                .iter()
                .map(|c| (strsim::normalized_damerau_levenshtein(&wanted, &c.to_lowercase()), *c))
                .filter(|(score, _)| *score >= 0.5)
                // The best score; among equals, the first in byte order.
                .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(a.1)))
                .map(|(_, c)| c)
        };
        for wanted in [
            "GUIDE_API.md",
            "guide-api.md",
            "GUIDE_AP.md",
            "erreur.md",
            "istanbul.md",
            "x",
            "",
            "GUIDE_API_ACCES_REFUSE_1.md",
        ] {
            assert_eq!(closest(wanted, candidates.iter().copied()), brute(wanted), "{wanted}");
        }
    }

    #[test]
    fn a_suggestion_among_equals_does_not_depend_on_the_order_of_the_candidates() {
        let names = ["guide-b.md", "guide-a.md", "guide-c.md"];
        assert_eq!(closest("guide-x.md", names.iter().copied()), Some("guide-a.md"));
        assert_eq!(closest("guide-x.md", names.iter().rev().copied()), Some("guide-a.md"));
        assert_eq!(closest("guide-b.md", names.iter().copied()), Some("guide-b.md"));
    }

    #[test]
    fn suggestions_are_of_the_kind_linked_to() {
        let index = LinkIndex::new(
            PerGuide::from(vec![GuideTargets {
                rel: "schema.md".into(),
                path: "schema/".into(),
                ..GuideTargets::default()
            }]),
            ["schema.png".to_string(), "schema.pdf".to_string()],
        );
        let suggestion = |href: &str| index.resolve(id(0), href).unwrap_err().suggestion;
        assert_eq!(suggestion("schemas.md").as_deref(), Some("schema.md"));
        assert_eq!(suggestion("schemas").as_deref(), Some("schema.md"), "a page, not an image");
        assert_eq!(suggestion("schemas.png").as_deref(), Some("schema.png"));
        assert_eq!(suggestion("schemas.jpg").as_deref(), Some("schema.png"), "an image for an image");
        assert_eq!(suggestion("schemas.pdf").as_deref(), Some("schema.pdf"));
        assert_eq!(suggestion("schemas.zip"), None);
    }

    #[test]
    fn a_file_name_several_guides_have_is_ambiguous() {
        let guide =
            |rel: &str| GuideTargets { rel: rel.into(), path: String::new(), ..GuideTargets::default() };
        let index = LinkIndex::new(
            PerGuide::from(vec![guide("a/NOTES.md"), guide("b/NOTES.md"), guide("c/x.md")]),
            [],
        );
        assert_eq!(index.name_reference(id(2), "NOTES.md"), Named::Several(vec![id(0), id(1)]));
        assert_eq!(index.name_reference(id(0), "NOTES.md"), Named::One(id(0)), "its own folder's first");
        assert_eq!(index.name_reference(id(2), "b/NOTES.md"), Named::One(id(1)));
        assert_eq!(index.name_reference(id(2), "AUTRE.md"), Named::None);
    }

    #[test]
    fn bare_references() {
        let index = index();
        assert_eq!(index.find_reference(id(1), "GUIDE_RENDER_COMPLET.md"), Some(id(0)));
        assert_eq!(index.find_reference(id(0), "dossier/Autre Guide.md"), Some(id(1)));
        assert_eq!(index.find_reference(id(0), "Autre Guide.md"), Some(id(1)));
        assert_eq!(index.find_reference(id(0), "GUIDE_INITIALISATION_INTERFACE_WEB.md"), None);
        let index = index.with_content_prefix("content");
        assert_eq!(index.find_reference(id(1), "content/GUIDE_RENDER_COMPLET.md"), Some(id(0)));
    }
}
