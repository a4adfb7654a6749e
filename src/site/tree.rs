//! The site's shape: which URL each guide gets, which folder (section) it belongs to, and the
//! reading order. `SiteTree::build` needs only the guides' paths, so URLs are known before any
//! guide is rendered (links need them): 1. a section per folder, 2. each folder's landing page
//! (`landing_rank`), 3. addresses, folder by folder, without the authors' ordering prefixes
//! (`slug::OrderedName`) unless that makes two pages meet. `SiteTree::order` then sorts by
//! weight, ordering number and rendered title. Errors are what makes the shape impossible (two
//! guides, one URL); warnings (`SiteTree::notes`) what the author may not expect.

use std::collections::{HashMap, HashSet};
use std::ops::{Index, IndexMut};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::content::{GuideId, PerGuide};
use crate::error::{Diagnostic, Kind, Location};
use crate::slug::{fold, slugify, OrderedName};

/// What the tree needs to know about one guide.
#[derive(Debug, Clone)]
pub struct GuideInfo {
    pub rel: PathBuf,
    pub weight: i64,
    pub slug: Option<String>,
}

/// A folder of the content, with its landing page.
#[derive(Debug, Clone)]
pub struct Section {
    /// Folder relative to the content folder (empty for the root).
    pub dir: PathBuf,
    /// URL path from the site root: `""` for the root, `dossier/`.
    pub path: String,
    pub title: String,
    pub weight: i64,
    /// The ordering numbers of the folder's name (`10-install` → `[10]`), empty without.
    pub numbers: Vec<u32>,
    /// The guide that is this folder's landing page (see `landing_rank`).
    pub index: Option<GuideId>,
    pub parent: Option<SectionId>,
    /// Guides of this folder in reading order (the index guide excluded).
    pub guides: Vec<GuideId>,
    /// Sub-folders in order.
    pub sections: Vec<SectionId>,
}

/// A folder, by its place among the site's folders: the content folder is `SectionId::ROOT`,
/// and a parent always comes before its sub-folders. Like `GuideId` for guides, it keeps a
/// folder's number from being taken for a guide's or a heading's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SectionId(u32);

impl SectionId {
    /// The content folder, whose landing page is the home page.
    pub const ROOT: SectionId = SectionId(0);

    fn new(n: usize) -> SectionId {
        SectionId(u32::try_from(n).expect("fewer than 2³² folders"))
    }

    /// The folder's place, from 0.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    pub fn is_root(self) -> bool {
        self == SectionId::ROOT
    }
}

/// Every folder of the site, indexed by `SectionId` only.
#[derive(Debug, Clone, Default)]
pub struct Sections(Vec<Section>);

impl Sections {
    /// Adds a folder and returns its id.
    fn push(&mut self, section: Section) -> SectionId {
        let id = SectionId::new(self.0.len());
        self.0.push(section);
        id
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every folder's id, in order.
    pub fn ids(&self) -> impl DoubleEndedIterator<Item = SectionId> + ExactSizeIterator {
        (0..self.0.len()).map(SectionId::new)
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Section> {
        self.0.iter()
    }

    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, Section> {
        self.0.iter_mut()
    }
}

impl Index<SectionId> for Sections {
    type Output = Section;
    fn index(&self, id: SectionId) -> &Section {
        &self.0[id.index()]
    }
}

impl IndexMut<SectionId> for Sections {
    fn index_mut(&mut self, id: SectionId) -> &mut Section {
        &mut self.0[id.index()]
    }
}

/// One page of the output in reading order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageRef {
    Section(SectionId),
    Guide(GuideId),
}

#[derive(Debug)]
pub struct SiteTree {
    pub sections: Sections,
    /// URL path of each guide (index guides share their section's path).
    pub guide_paths: PerGuide<String>,
    /// Section of each guide.
    pub guide_section: PerGuide<SectionId>,
    /// Every page in reading order (home first), for previous/next links.
    pub reading_order: Vec<PageRef>,
    /// Warnings about the shape: landing pages set aside, ordering prefixes kept.
    pub notes: Vec<Diagnostic>,
}

/// Rank of a guide whose `slug` is its own folder's address from the root (`slug: /` in the
/// content folder, how Docusaurus makes a guide the home page; `slug: /install` in `install/`):
/// the author's word, before any name.
const SLUG_OF_FOLDER: usize = 0;

/// The names of a folder's landing page, by precedence (compared without case), ranked after
/// `SLUG_OF_FOLDER`.
const INDEX_NAMES: [&str; 5] = ["index.md", "index.mdx", "_index.md", "readme.md", "readme.mdx"];

/// Rank of a guide named after its folder (`install/install.md`, `10-install/install.md`):
/// a landing page only when the folder has none of `INDEX_NAMES`.
const NAMED_AFTER_FOLDER: usize = INDEX_NAMES.len() + 1;

/// Rank of a guide beside a folder of its name (`tutoriels.md` and `tutoriels/`, as Eleventy and
/// MkDocs publish them: the page at `tutoriels/`, the folder's pages under it): that folder's
/// landing page when the folder has no other.
const BESIDE_FOLDER: usize = NAMED_AFTER_FOLDER + 1;

/// Rank of a folder's only page when its file name is a page template of the site (`docs.md`,
/// `chapter.md` in a Grav site, see `page_templates`): after every other claim.
const PAGE_TEMPLATE: usize = BESIDE_FOLDER + 1;

/// Folders in which one file name must be the only page before it counts as a page template.
const PAGE_TEMPLATE_FOLDERS: usize = 3;

/// True for `index.md`, `_index.md` and `README.md`, the landing page of its folder by name.
pub fn is_index_file(rel: &Path) -> bool {
    index_name_rank(rel).is_some()
}

fn index_name_rank(rel: &Path) -> Option<usize> {
    let name = rel.file_name()?.to_string_lossy().to_lowercase();
    INDEX_NAMES.iter().position(|n| *n == name).map(|at| SLUG_OF_FOLDER + 1 + at)
}

/// How strongly a guide claims to be its folder's landing page, lowest first: a `slug` that is
/// the folder's address, `index.md`, `_index.md`, `README.md`, then a guide named after the
/// folder (not at the root); `None` for any other guide.
fn landing_rank(guide: &GuideInfo) -> Option<usize> {
    let rel = guide.rel.as_path();
    if guide.slug.as_deref().is_some_and(|slug| slug_is_folder(slug, rel)) {
        return Some(SLUG_OF_FOLDER);
    }
    if let Some(rank) = index_name_rank(rel) {
        return Some(rank);
    }
    let folder = rel.parent()?.file_name()?.to_string_lossy();
    let stem = rel.file_stem()?.to_string_lossy();
    (address_key(&stem) == address_key(&folder)).then_some(NAMED_AFTER_FOLDER)
}

/// Whether `slug`, written from the root (`/`, `/install/`), is the address of the folder of
/// the guide `rel`, compared as addresses are (`10-Install/` is `install`).
fn slug_is_folder(slug: &str, rel: &Path) -> bool {
    let Some(absolute) = slug.strip_prefix('/') else { return false };
    let wanted = absolute.split('/').filter(|s| !s.is_empty()).map(address_key);
    let folders = rel.parent().into_iter().flat_map(Path::components);
    let folders = folders.map(|c| address_key(&c.as_os_str().to_string_lossy()));
    wanted.eq(folders)
}

/// The address segment a guide's `slug` asks for: the slug itself, or the last segment of one
/// written from the root (`/guides/depannage` in Docusaurus; carnet keeps the guide in its
/// folder); `None` when nothing is left (`/`).
fn slug_segment(slug: &str) -> Option<&str> {
    let segment = match slug.strip_prefix('/') {
        Some(absolute) => absolute.trim_end_matches('/').rsplit('/').next().unwrap_or_default(),
        None => slug,
    };
    (!segment.trim().is_empty()).then_some(segment)
}

/// Title for a page named after its file or folder: `02_mes-guides` → `Mes guides`.
pub fn title_from_name(name: &str) -> String {
    let name = OrderedName::parse(name).name.replace(['_', '-'], " ");
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Key that orders titles as a French reader expects: no accents, no case, no leading emoji.
pub fn title_sort_key(title: &str) -> String {
    fold(title).trim_start_matches(|c: char| !c.is_alphanumeric()).to_string()
}

/// Where a name stands among its siblings: numbered names first, by number, then the others.
fn number_key(name: &str) -> (bool, Vec<u32>) {
    let numbers = OrderedName::parse(name).numbers;
    (numbers.is_empty(), numbers)
}

impl SiteTree {
    /// The tree of `guides`, or the address collisions `build_all` had to settle.
    pub fn build(guides: &PerGuide<GuideInfo>, site_title: &str) -> Result<SiteTree, Vec<Diagnostic>> {
        let tree = Self::build_all(guides, site_title);
        if tree.notes.iter().any(|note| note.kind == Kind::UrlCollision) {
            return Err(tree.notes.into_iter().filter(|note| note.kind == Kind::UrlCollision).collect());
        }
        Ok(tree)
    }

    /// The tree of `guides`, always, with warnings (`notes`) for what the author may not expect:
    /// a folder's landing page set aside, an ordering prefix kept, and the address collisions it
    /// settled (a guide or folder whose address is taken gets the next free one, `mon-guide-2/`).
    pub fn build_all(guides: &PerGuide<GuideInfo>, site_title: &str) -> SiteTree {
        let mut sections = Sections::default();
        sections.push(Section {
            dir: PathBuf::new(),
            path: String::new(),
            title: site_title.to_string(),
            weight: 0,
            numbers: Vec::new(),
            index: None,
            parent: None,
            guides: Vec::new(),
            sections: Vec::new(),
        });
        let mut by_dir: HashMap<PathBuf, SectionId> = HashMap::from([(PathBuf::new(), SectionId::ROOT)]);
        let mut guide_section = PerGuide::with_capacity(guides.len());
        for guide in guides {
            let dir = guide.rel.parent().unwrap_or(Path::new("")).to_path_buf();
            guide_section.push(section_for(&dir, &mut sections, &mut by_dir));
        }
        let mut diagnostics = choose_landing_pages(guides, &mut guide_section, &mut sections);
        let guide_paths = assign_paths(guides, &mut sections, &mut diagnostics);
        SiteTree { sections, guide_paths, guide_section, reading_order: Vec::new(), notes: diagnostics }
    }

    /// Titles folders after their landing page, sorts every folder by weight, ordering number,
    /// then title (`title` of a guide), and sets the reading order.
    pub fn order<'t>(&mut self, guides: &PerGuide<GuideInfo>, title: impl Fn(GuideId) -> &'t str + Sync) {
        for section in self.sections.iter_mut().filter(|s| s.parent.is_some()) {
            if let Some(index) = section.index {
                section.title = title(index).to_string();
            }
        }
        sort_children(&mut self.sections, guides, title);
        self.reading_order.clear();
        walk_reading_order(&self.sections, SectionId::ROOT, &mut self.reading_order);
    }

    /// The page showing guide `g`: its own, or its folder's when it is the landing page.
    pub fn page_of_guide(&self, g: GuideId) -> PageRef {
        let s = self.guide_section[g];
        if self.sections[s].index == Some(g) {
            PageRef::Section(s)
        } else {
            PageRef::Guide(g)
        }
    }

    /// Every page under folder `s`, its own included.
    pub fn pages_under(&self, s: SectionId) -> Vec<PageRef> {
        let mut pages = Vec::new();
        walk_reading_order(&self.sections, s, &mut pages);
        pages
    }

    /// URL path of a page from the site root.
    pub fn page_path(&self, page: PageRef) -> &str {
        match page {
            PageRef::Section(s) => &self.sections[s].path,
            PageRef::Guide(g) => &self.guide_paths[g],
        }
    }

    /// Each folder that has a landing page, relative to the content folder with `/`, and that
    /// page's guide: a link to the folder (`10-install/`) leads there.
    pub fn landing_pages(&self) -> impl Iterator<Item = (String, GuideId)> + '_ {
        self.sections.iter().filter_map(|s| s.index.map(|g| (s.dir.to_string_lossy().replace('\\', "/"), g)))
    }

    /// Each folder without a landing page (whose page lists its pages): (folder with `/`, its
    /// address).
    pub fn folder_pages(&self) -> impl Iterator<Item = (String, String)> + '_ {
        let listed = self.sections.iter().filter(|s| s.index.is_none());
        listed.map(|s| (s.dir.to_string_lossy().replace('\\', "/"), s.path.clone()))
    }
}

/// The section of a folder, created with its ancestors when first seen (a parent always comes
/// before its sub-folders). Its address is set later, by `assign_paths`.
fn section_for(dir: &Path, sections: &mut Sections, by_dir: &mut HashMap<PathBuf, SectionId>) -> SectionId {
    if let Some(&index) = by_dir.get(dir) {
        return index;
    }
    let parent = section_for(dir.parent().unwrap_or(Path::new("")), sections, by_dir);
    let name = dir.file_name().unwrap_or_default().to_string_lossy();
    let index = sections.push(Section {
        dir: dir.to_path_buf(),
        path: String::new(),
        title: title_from_name(&name),
        weight: 0,
        numbers: OrderedName::parse(&name).numbers,
        index: None,
        parent: Some(parent),
        guides: Vec::new(),
        sections: Vec::new(),
    });
    sections[parent].sections.push(index);
    by_dir.insert(dir.to_path_buf(), index);
    index
}

/// Gives each folder the guide with the lowest `landing_rank` (then the first by name) as its
/// landing page; the other guides are its pages. A guide beside a folder of its name
/// (`BESIDE_FOLDER`) that becomes its landing page moves into it (`guide_section`). An
/// `index.md`, `_index.md` or `README.md` set aside gets a warning: it is published as an
/// ordinary page.
fn choose_landing_pages(
    guides: &PerGuide<GuideInfo>,
    guide_section: &mut PerGuide<SectionId>,
    sections: &mut Sections,
) -> Vec<Diagnostic> {
    let templates = page_templates(guides, guide_section);
    // Slugging file and folder names: on every core.
    let ranks: Vec<Option<usize>> = guides.as_slice().par_iter().map(landing_rank).collect();
    let mut candidates: Vec<(SectionId, usize, GuideId)> = Vec::new();
    for ((g, guide), rank) in guides.iter_enumerated().zip(ranks) {
        let section = guide_section[g];
        let template = (!section.is_root() && templates.contains(&g)).then_some(PAGE_TEMPLATE);
        match rank.or(template) {
            Some(rank) if !section.is_root() || rank < NAMED_AFTER_FOLDER => {
                candidates.push((section, rank, g))
            }
            _ => match folder_beside(sections, section, &guide.rel) {
                Some(folder) => candidates.push((folder, BESIDE_FOLDER, g)),
                None => sections[section].guides.push(g),
            },
        }
    }
    candidates.sort_by(|a, b| (a.0, a.1, &guides[a.2].rel).cmp(&(b.0, b.1, &guides[b.2].rel)));
    let mut notes = Vec::new();
    for (s, rank, g) in candidates {
        let section = &mut sections[s];
        let Some(winner) = section.index else {
            section.index = Some(g);
            section.weight = guides[g].weight;
            guide_section[g] = s;
            continue;
        };
        if rank == BESIDE_FOLDER {
            // A page of its own folder, then, at the address of the other folder.
            sections[guide_section[g]].guides.push(g);
            continue;
        }
        let section = &mut sections[s];
        section.guides.push(g);
        if rank < NAMED_AFTER_FOLDER {
            notes.push(set_aside_note(&guides[winner], &guides[g]));
        }
    }
    notes
}

/// The warning for a guide that claimed its folder's landing page (by its name or its `slug`)
/// and is published as an ordinary page, `kept` having won.
fn set_aside_note(kept: &GuideInfo, set_aside: &GuideInfo) -> Diagnostic {
    let why = if landing_rank(kept) == Some(SLUG_OF_FOLDER) {
        "its `slug` is the folder's address"
    } else {
        "the first of index.md, _index.md, README.md, a guide named after the folder"
    };
    let message = format!(
        "`{}` is published as an ordinary page: `{}` is this folder's landing page ({why})",
        set_aside.rel.display(),
        kept.rel.display()
    );
    Diagnostic::warning(Location::file(&set_aside.rel), message)
}

/// The sub-folder of `section` that the guide `rel` (one of its guides) is named after:
/// `tutoriels/` for `tutoriels.md`, compared as addresses are (`Mes Guides.md`, `mes-guides/`).
fn folder_beside(sections: &Sections, section: SectionId, rel: &Path) -> Option<SectionId> {
    let wanted = address_key(&rel.file_stem()?.to_string_lossy());
    sections[section].sections.iter().copied().find(|&child| {
        sections[child].dir.file_name().is_some_and(|name| address_key(&name.to_string_lossy()) == wanted)
    })
}

/// What a file or folder name gives its address: no ordering number, slugged (`10-Install` and
/// `install` are one).
fn address_key(name: &str) -> String {
    slugify(OrderedName::parse(name).name)
}

/// Guides that are the only page of their folder under a file name that is the only page of at
/// least `PAGE_TEMPLATE_FOLDERS` numbered folders: Grav names a page's file after its template
/// and numbers the folders it orders (`01.basics/02.requirements/docs.md`), so the folder is the
/// page. Variants of that file for a language or a version (`docs.fr.md`, `docs.17.md`) stay
/// pages of their own and do not count as other pages. Folders without numbers never make a
/// template (`api/CHANGELOG.md`, `web/CHANGELOG.md`… stay pages of their folders).
fn page_templates(guides: &PerGuide<GuideInfo>, guide_section: &PerGuide<SectionId>) -> HashSet<GuideId> {
    let mut stems_by_section: HashMap<SectionId, Vec<(String, GuideId)>> = HashMap::new();
    for (g, guide) in guides.iter_enumerated() {
        let Some(stem) = guide.rel.file_stem().map(|s| s.to_string_lossy().to_lowercase()) else { continue };
        stems_by_section.entry(guide_section[g]).or_default().push((stem, g));
    }
    let base = |stem: &str| stem.split_once('.').map_or(stem, |(base, _)| base).to_string();
    let mut sole: Vec<(String, GuideId)> = Vec::new();
    for pages in stems_by_section.values() {
        let bases: HashSet<String> = pages.iter().map(|(stem, _)| base(stem)).collect();
        if bases.len() != 1 {
            continue;
        }
        // The plain file, or when the folder only has variants, the first of them (by name).
        let page = pages.iter().find(|(stem, _)| !stem.contains('.')).or_else(|| pages.iter().min());
        if let Some((stem, g)) = page {
            sole.push((base(stem), *g));
        }
    }
    let numbered = |g: GuideId| {
        let folder = guides[g].rel.parent().and_then(Path::file_name).map(|f| f.to_string_lossy());
        folder.is_some_and(|f| !OrderedName::parse(&f).numbers.is_empty())
    };
    let mut folders: HashMap<&str, usize> = HashMap::new();
    for (stem, _) in sole.iter().filter(|(_, g)| numbered(*g)) {
        *folders.entry(stem.as_str()).or_default() += 1;
    }
    let is_template = |stem: &str| folders.get(stem).is_some_and(|&n| n >= PAGE_TEMPLATE_FOLDERS);
    sole.iter().filter(|(stem, _)| is_template(stem)).map(|(_, g)| *g).collect()
}

/// What competes for an address inside a folder: a sub-folder, or a guide that is not the
/// folder's landing page.
#[derive(Debug, Clone, Copy)]
enum Claimant {
    Folder(SectionId),
    Guide(GuideId),
}

#[derive(Debug)]
struct Claim {
    claimant: Claimant,
    /// The name as written, for messages: `02-intro.md`, `10-install/`.
    shown: String,
    /// The last segment of the address made of the whole name, or of the guide's `slug`.
    full: String,
    /// The segment made of the name without its ordering prefix, when it had one.
    stripped: Option<String>,
}

/// `slugify(name)`, or `fallback` when nothing is left of it (a name of emoji only).
fn segment(name: &str, fallback: &str) -> String {
    let slug = slugify(name);
    if slug.is_empty() {
        fallback.to_string()
    } else {
        slug
    }
}

impl Claim {
    fn new(
        claimant: Claimant,
        shown: String,
        name: &str,
        explicit_slug: Option<&str>,
        fallback: &str,
    ) -> Self {
        if let Some(slug) = explicit_slug {
            return Claim { claimant, shown, full: segment(slug, fallback), stripped: None };
        }
        let ordered = OrderedName::parse(name);
        let stripped = ordered.is_stripped(name).then(|| segment(ordered.name, fallback));
        Claim { claimant, shown, full: segment(name, fallback), stripped }
    }
}

/// The address of every folder and guide, folder by folder from the root (a folder's address
/// is known before its sub-folders are reached). Landing pages take their folder's address.
fn assign_paths(
    guides: &PerGuide<GuideInfo>,
    sections: &mut Sections,
    diagnostics: &mut Vec<Diagnostic>,
) -> PerGuide<String> {
    let mut guide_paths = guides.map(|_| String::new());
    for s in sections.ids() {
        let claims = claims_in(&sections[s], guides, sections);
        let parent_path = sections[s].path.clone();
        let segments = settle(&claims, &parent_path, diagnostics);
        for (claim, segment) in claims.iter().zip(segments) {
            let path = format!("{parent_path}{segment}/");
            match claim.claimant {
                Claimant::Folder(child) => sections[child].path = path,
                Claimant::Guide(g) => guide_paths[g] = path,
            }
        }
        if let Some(g) = sections[s].index {
            guide_paths[g] = parent_path;
        }
    }
    guide_paths
}

/// A folder's pages slugged by one core before another may take the rest.
const CLAIMS_PER_TASK: usize = 64;

/// A folder's pages given their sort keys by one core before another may take the rest.
const KEYS_PER_TASK: usize = 64;

/// The sub-folders and pages of `section`, by name.
fn claims_in(section: &Section, guides: &PerGuide<GuideInfo>, sections: &Sections) -> Vec<Claim> {
    let folders = section.sections.iter().map(|&child| {
        let name = sections[child].dir.file_name().unwrap_or_default().to_string_lossy();
        let shown = format!("{}/", sections[child].dir.display());
        Claim::new(Claimant::Folder(child), shown, &name, None, "section")
    });
    let pages = section.guides.par_iter().with_min_len(CLAIMS_PER_TASK).map(|&g| {
        let guide = &guides[g];
        let stem = guide.rel.file_stem().unwrap_or_default().to_string_lossy();
        let shown = guide.rel.display().to_string();
        Claim::new(Claimant::Guide(g), shown, &stem, guide.slug.as_deref().and_then(slug_segment), "page")
    });
    let mut claims: Vec<Claim> = folders.collect();
    claims.par_extend(pages);
    claims.sort_by(|a, b| a.shown.cmp(&b.shown));
    claims
}

/// The segment of each claim: its name without the ordering prefix, unless another claim of
/// the folder wants the same (then the whole name, with a warning). Two claims left on one
/// segment are an error.
fn settle(claims: &[Claim], parent_path: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<String> {
    let wanted: Vec<&str> = claims.iter().map(|c| c.stripped.as_deref().unwrap_or(&c.full)).collect();
    let mut wanted_by: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, w) in wanted.iter().enumerate() {
        wanted_by.entry(w).or_default().push(i);
    }
    let mut segments = Vec::with_capacity(claims.len());
    for (i, claim) in claims.iter().enumerate() {
        let rivals = &wanted_by[wanted[i]];
        if claim.stripped.is_none() || rivals.len() == 1 {
            segments.push(wanted[i].to_string());
            continue;
        }
        let other = rivals.iter().find(|&&j| j != i).map_or("", |&j| claims[j].shown.as_str());
        let message = format!(
            "`{}` keeps its ordering prefix in its address, /{parent_path}{}/: without it, it would \
             share /{parent_path}{}/ with `{other}`",
            claim.shown, claim.full, wanted[i]
        );
        diagnostics.push(Diagnostic::warning(Location::file(claim.shown.trim_end_matches('/')), message));
        segments.push(claim.full.clone());
    }
    settle_collisions(claims, segments, parent_path, diagnostics)
}

/// Two claims left on one segment: the later one gets the next free segment (`mon-guide-2`),
/// with a warning. Links name guides by file, so they still lead where meant.
fn settle_collisions(
    claims: &[Claim],
    mut segments: Vec<String>,
    parent_path: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut taken: HashSet<String> = segments.iter().cloned().collect();
    let mut owners: HashMap<String, usize> = HashMap::new();
    for i in 0..segments.len() {
        let Some(&first) = owners.get(&segments[i]) else {
            owners.insert(segments[i].clone(), i);
            continue;
        };
        let segment = &segments[i];
        let free =
            (2..).map(|n| format!("{segment}-{n}")).find(|free| !taken.contains(free)).unwrap_or_default();
        diagnostics.push(same_address(&claims[first], &claims[i], parent_path, segment, &free));
        taken.insert(free.clone());
        owners.insert(free.clone(), i);
        segments[i] = free;
    }
    segments
}

fn same_address(first: &Claim, second: &Claim, parent_path: &str, segment: &str, free: &str) -> Diagnostic {
    let advice = match second.claimant {
        Claimant::Guide(_) => "rename one or give it a `slug`",
        Claimant::Folder(_) => "rename one",
    };
    let message = format!(
        "`{}` and `{}` would both be published at /{parent_path}{segment}/: the second is published at \
         /{parent_path}{free}/ instead; {advice}",
        first.shown, second.shown
    );
    let at = Location::file(second.shown.trim_end_matches('/'));
    Diagnostic::warning(at, message).of_kind(Kind::UrlCollision)
}

fn sort_children<'t>(
    sections: &mut Sections,
    guides: &PerGuide<GuideInfo>,
    title: impl Fn(GuideId) -> &'t str + Sync,
) {
    let keys: Vec<(i64, bool, Vec<u32>, String)> = sections
        .iter()
        .map(|s| (s.weight, s.numbers.is_empty(), s.numbers.clone(), title_sort_key(&s.title)))
        .collect();
    let guide_key = |&g: &GuideId| {
        let stem = guides[g].rel.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        let (unnumbered, numbers) = number_key(&stem);
        ((guides[g].weight, unnumbered, numbers, title_sort_key(title(g)), guides[g].rel.clone()), g)
    };
    for section in sections.iter_mut() {
        // Keys made on every core (folding titles); no two are equal (the file paths differ),
        // so the order is the one a stable sort would give.
        let mut keyed: Vec<_> =
            section.guides.par_iter().with_min_len(KEYS_PER_TASK).map(guide_key).collect();
        keyed.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        section.guides = keyed.into_iter().map(|(_, g)| g).collect();
        section.sections.sort_by(|&a, &b| keys[a.index()].cmp(&keys[b.index()]));
    }
}

/// Home, then each folder's guides, then its sub-folders, depth first.
fn walk_reading_order(sections: &Sections, section: SectionId, order: &mut Vec<PageRef>) {
    order.push(PageRef::Section(section));
    order.extend(sections[section].guides.iter().map(|&g| PageRef::Guide(g)));
    for &child in &sections[section].sections {
        walk_reading_order(sections, child, order);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: usize) -> GuideId {
        GuideId::new(n)
    }

    fn info(rel: &str, weight: i64) -> GuideInfo {
        GuideInfo { rel: PathBuf::from(rel), weight, slug: None }
    }

    fn ordered(guides: &[(&str, &str, i64)]) -> SiteTree {
        let infos: PerGuide<GuideInfo> = guides.iter().map(|(rel, _, weight)| info(rel, *weight)).collect();
        let titles: Vec<String> = guides.iter().map(|(_, title, _)| title.to_string()).collect();
        let mut tree = SiteTree::build(&infos, "Docs").unwrap();
        tree.order(&infos, |g| &titles[g.index()]);
        tree
    }

    #[test]
    fn paths_sections_and_order() {
        let tree = ordered(&[
            ("GUIDE_RENDER_COMPLET.md", "Guide Render", 0),
            ("dossier/README.md", "Mon dossier", 0),
            ("dossier/Été chaud.md", "🔥 Été", 0),
            ("dossier/avant.md", "Zèbre", -1),
            ("index.md", "Accueil", 0),
        ]);
        assert_eq!(tree.guide_paths[id(0)], "guide-render-complet/");
        assert_eq!(tree.guide_paths[id(2)], "dossier/ete-chaud/");
        assert_eq!(tree.guide_paths[id(1)], "dossier/");
        assert_eq!(tree.sections[SectionId::ROOT].index, Some(id(4)));
        assert_eq!(tree.sections[SectionId::new(1)].title, "Mon dossier");
        let order: Vec<&str> = tree.reading_order.iter().map(|&p| tree.page_path(p)).collect();
        assert_eq!(order, ["", "guide-render-complet/", "dossier/", "dossier/avant/", "dossier/ete-chaud/"]);
    }

    #[test]
    fn two_guides_one_url_names_both() {
        let guides: PerGuide<GuideInfo> =
            PerGuide::from(vec![info("Mon Guide.md", 0), info("mon-guide.md", 0)]);
        let errors = SiteTree::build(&guides, "Docs").unwrap_err();
        assert!(errors[0].message.contains("Mon Guide.md"), "{}", errors[0].message);
        assert!(errors[0].message.contains("mon-guide.md"), "{}", errors[0].message);
    }

    #[test]
    fn a_grav_page_file_is_its_folder_s_page() {
        let tree = by_file_name(&[
            "01.basics/chapter.md",
            "01.basics/01.what-is-grav/docs.md",
            "01.basics/02.requirements/docs.md",
            "01.basics/05.grav-configuration/docs.md",
            "01.basics/05.grav-configuration/docs.17.md",
            "02.content/chapter.md",
            "03.themes/chapter.md",
            "notes/docs.md",
            "notes/autre.md",
            "01.basics/08.updates/docs.17.md",
        ]);
        let path = |g: usize| tree.page_path(tree.page_of_guide(id(g)));
        assert_eq!(path(0), "basics/");
        assert_eq!(path(1), "basics/what-is-grav/");
        assert_eq!(path(2), "basics/requirements/");
        assert_eq!(path(3), "basics/grav-configuration/");
        assert_eq!(path(4), "basics/grav-configuration/docs-17/", "a version of the page stays a page");
        assert_eq!(path(5), "content/");
        assert_eq!(path(7), "notes/docs/", "not the only page of its folder");
        assert_eq!(path(9), "basics/updates/", "a folder with only a version of the page");
        // A file name alone in fewer than three numbered folders is no template.
        let tree = by_file_name(&["1-a/setup.md", "2-b/setup.md", "c/setup.md", "d/setup.md"]);
        assert_eq!(tree.page_path(tree.page_of_guide(id(0))), "a/setup/");
        let tree = by_file_name(&["api/CHANGELOG.md", "web/CHANGELOG.md", "mobile/CHANGELOG.md"]);
        assert_eq!(tree.page_path(tree.page_of_guide(id(1))), "web/changelog/");
    }

    #[test]
    fn folder_without_landing_page_gets_a_title() {
        let tree = ordered(&[("mes_guides/a.md", "A", 0)]);
        assert_eq!(tree.sections[SectionId::new(1)].title, "Mes guides");
        assert_eq!(tree.sections[SectionId::new(1)].path, "mes-guides/");
    }

    /// Builds the tree of guides whose title is their file name, in reading order.
    fn by_file_name(rels: &[&str]) -> SiteTree {
        let infos: PerGuide<GuideInfo> = rels.iter().map(|rel| info(rel, 0)).collect();
        let titles: Vec<String> =
            infos.iter().map(|g| title_from_name(&g.rel.file_stem().unwrap().to_string_lossy())).collect();
        let mut tree = SiteTree::build(&infos, "Docs").unwrap();
        tree.order(&infos, |g| &titles[g.index()]);
        tree
    }

    fn reading_order(tree: &SiteTree) -> Vec<&str> {
        tree.reading_order.iter().map(|&p| tree.page_path(p)).collect()
    }

    #[test]
    fn ordering_prefixes_order_and_leave_the_addresses() {
        let tree = by_file_name(&[
            "10.install/README.md",
            "10.install/10-docker.md",
            "10.install/2_debian.md",
            "2-concepts/01_Intro.md",
            "2-concepts/12.1-bgp.md",
            "2-concepts/12-routage.md",
            "2-concepts/3-nat.md",
            "faq.md",
            "404.md",
            "2024.md",
        ]);
        assert_eq!(
            reading_order(&tree),
            [
                "",
                "2024/",
                "404/",
                "faq/",
                "concepts/",
                "concepts/intro/",
                "concepts/nat/",
                "concepts/routage/",
                "concepts/12-1-bgp/",
                "install/",
                "install/debian/",
                "install/docker/",
            ]
        );
        let concepts = tree.sections.iter().find(|s| s.path == "concepts/").unwrap();
        assert_eq!(concepts.title, "Concepts");
        assert_eq!(title_from_name("01_Intro"), "Intro");
        assert_eq!(title_from_name("02_mes-guides"), "Mes guides");
        assert_eq!(title_from_name("404"), "404");
        assert_eq!(title_from_name("01--mon__guide-"), "01 mon guide");
        assert!(tree.notes.is_empty(), "{:?}", tree.notes);
    }

    #[test]
    fn numbered_guides_come_before_the_others_but_after_a_lower_weight() {
        let infos: PerGuide<GuideInfo> =
            [info("b.md", 0), info("2-a.md", 0), info("10-c.md", 0), info("z.md", -1)].into_iter().collect();
        let titles = ["B", "A", "C", "Z"].map(String::from);
        let mut tree = SiteTree::build(&infos, "Docs").unwrap();
        tree.order(&infos, |g| &titles[g.index()]);
        assert_eq!(reading_order(&tree), ["", "z/", "a/", "c/", "b/"]);
    }

    #[test]
    fn a_name_whose_prefix_cannot_go_keeps_it_with_a_warning() {
        let rels = ["01-intro.md", "intro.md", "1-bilan.md", "2-bilan.md", "05-sur.md"];
        let tree = by_file_name(&rels);
        let paths: Vec<&str> = tree.guide_paths.iter().map(String::as_str).collect();
        assert_eq!(paths, ["01-intro/", "intro/", "1-bilan/", "2-bilan/", "sur/"]);
        let messages: Vec<&str> = tree.notes.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages.contains(
            &"`01-intro.md` keeps its ordering prefix in its address, /01-intro/: without it, it \
              would share /intro/ with `intro.md`"
        ));
    }

    #[test]
    fn two_folders_one_address_is_an_error() {
        let guides: PerGuide<GuideInfo> = PerGuide::from(vec![
            info("01-install/a.md", 0),
            info("install/b.md", 0),
            info("Mon Dossier/c.md", 0),
        ]);
        let tree = SiteTree::build(&guides, "Docs").unwrap();
        assert_eq!(
            tree.sections.iter().map(|s| s.path.as_str()).collect::<Vec<_>>(),
            ["", "01-install/", "install/", "mon-dossier/"]
        );
        let guides: PerGuide<GuideInfo> =
            PerGuide::from(vec![info("Mon Dossier/a.md", 0), info("mon-dossier/b.md", 0)]);
        let errors = SiteTree::build(&guides, "Docs").unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            errors[0].message,
            "`Mon Dossier/` and `mon-dossier/` would both be published at /mon-dossier/: the second is \
             published at /mon-dossier-2/ instead; rename one"
        );
    }

    #[test]
    fn a_guide_beside_a_folder_of_its_name_is_its_landing_page_unless_it_has_one() {
        // cartes.gouv.fr's Eleventy documentation: `tutoriels.md` is the page of `tutoriels/`.
        let guides: PerGuide<GuideInfo> = PerGuide::from(vec![
            info("fr/tutoriels.md", 0),
            info("fr/tutoriels/divers.md", 0),
            info("fr/tutoriels/divers/astuces.md", 0),
            info("fr/tutoriels/Gestion Raster.md", 0),
            info("fr/tutoriels/gestion-raster/mnt.md", 0),
            info("fr/tutoriels/autre.md", 0),
            info("guides.md", 0),
            info("guides/index.md", 0),
            info("guides/a.md", 0),
        ]);
        let tree = SiteTree::build_all(&guides, "Docs");
        let paths: Vec<&str> = tree.guide_paths.iter().map(String::as_str).collect();
        assert_eq!(
            paths,
            [
                "fr/tutoriels/",
                "fr/tutoriels/divers/",
                "fr/tutoriels/divers/astuces/",
                "fr/tutoriels/gestion-raster/",
                "fr/tutoriels/gestion-raster/mnt/",
                "fr/tutoriels/autre/",
                "guides/",
                "guides-2/",
                "guides-2/a/",
            ]
        );
        let section_of = |g: usize| &tree.sections[tree.guide_section[GuideId::new(g)]];
        assert_eq!(section_of(0).dir, Path::new("fr/tutoriels"));
        assert_eq!(section_of(0).index, Some(GuideId::new(0)));
        // `guides/` has its own landing page: `guides.md` stays a page of the root, and its
        // address is taken.
        assert_eq!(section_of(6).dir, Path::new(""));
        let messages: Vec<&str> = tree.notes.iter().map(|d| d.message.as_str()).collect();
        assert!(messages.iter().any(|m| m.contains("would both be published at /guides/")), "{messages:?}");
    }

    #[test]
    fn slugs_written_from_the_root_as_docusaurus_reads_them() {
        let slugged = |rel: &str, slug: &str| GuideInfo { slug: Some(slug.into()), ..info(rel, 0) };
        let guides: PerGuide<GuideInfo> = PerGuide::from(vec![
            // IGN_LIDAR_HD_DATASET's `intro.md`: `slug: /` is the home page.
            slugged("intro.md", "/"),
            info("index.md", 0),
            slugged("guides/premiers-pas.md", "/guides/"),
            slugged("guides/depannage.md", "/guides/resoudre"),
            slugged("10-api/cli.md", "/api"),
            slugged("api2/ailleurs.md", "/"),
        ]);
        let tree = SiteTree::build(&guides, "Docs").unwrap();
        let path_of = |n: usize| tree.guide_paths[id(n)].as_str();
        assert_eq!(path_of(0), "", "`slug: /` at the root is the home page");
        assert_eq!(path_of(1), "index/");
        assert_eq!(path_of(2), "guides/");
        assert_eq!(path_of(3), "guides/resoudre/", "the last segment, in the guide's folder");
        assert_eq!(path_of(4), "api/", "folders compare as addresses (`10-api` is `api`)");
        assert_eq!(path_of(5), "api2/ailleurs/", "not its folder: the file's name");
        let message = &tree.notes.iter().find(|n| n.location.path == Path::new("index.md")).unwrap().message;
        assert!(message.contains("`intro.md` is this folder's landing page (its `slug` is"), "{message}");
    }

    #[test]
    fn landing_pages_by_precedence_and_warnings_for_the_others() {
        let guides: PerGuide<GuideInfo> = PerGuide::from(vec![
            info("a/README.md", 0),
            info("a/index.md", 0),
            info("a/_index.md", 0),
            info("b/_index.md", 0),
            info("b/readme.md", 0),
            info("10-install/install.md", 0),
            info("10-install/debian.md", 0),
            info("c/c.md", 0),
            info("c/README.md", 0),
            info("d/autre.md", 0),
            info("README.md", 0),
            info("docs.md", 0),
        ]);
        let tree = SiteTree::build(&guides, "Docs").unwrap();
        let landing = |dir: &str| {
            let s = tree.sections.iter().find(|s| s.dir == Path::new(dir)).unwrap();
            s.index.map(|g| guides[g].rel.to_string_lossy().into_owned())
        };
        assert_eq!(landing("").as_deref(), Some("README.md"));
        assert_eq!(landing("a").as_deref(), Some("a/index.md"));
        assert_eq!(landing("b").as_deref(), Some("b/_index.md"));
        assert_eq!(landing("10-install").as_deref(), Some("10-install/install.md"));
        assert_eq!(landing("c").as_deref(), Some("c/README.md"));
        assert_eq!(landing("d"), None);
        let path_of =
            |rel: &str| &tree.guide_paths[id(guides.iter().position(|g| g.rel == Path::new(rel)).unwrap())];
        assert_eq!(path_of("10-install/install.md"), "install/");
        assert_eq!(path_of("a/README.md"), "a/readme/");
        assert_eq!(path_of("a/_index.md"), "a/index/");
        assert_eq!(path_of("c/c.md"), "c/c/");
        let warned: Vec<String> = tree.notes.iter().map(|d| d.location.path.display().to_string()).collect();
        assert_eq!(warned, ["a/_index.md", "a/README.md", "b/readme.md"]);
        assert_eq!(
            tree.notes[0].message,
            "`a/_index.md` is published as an ordinary page: `a/index.md` is this folder's landing \
             page (the first of index.md, _index.md, README.md, a guide named after the folder)"
        );
        let folders: HashMap<String, GuideId> = tree.landing_pages().collect();
        assert_eq!(folders["10-install"], id(5));
        assert_eq!(folders[""], id(10));
    }
}
