//! The site's shape: which URL each guide gets, which folder (section) it belongs to, and the
//! reading order. `SiteTree::build` needs only the guides' paths, so URLs are known before any
//! guide is rendered (links need them); `SiteTree::order` then sorts by weight and rendered title.
//! Errors are what makes the shape impossible (two guides, one URL).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Kind, Location};
use crate::slug::{fold, slugify};

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
    /// The guide that is this folder's landing page (`index.md` or `README.md`).
    pub index: Option<usize>,
    pub parent: Option<usize>,
    /// Guides of this folder in reading order (the index guide excluded).
    pub guides: Vec<usize>,
    /// Sub-folders in order.
    pub sections: Vec<usize>,
}

/// One page of the output in reading order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageRef {
    Section(usize),
    Guide(usize),
}

#[derive(Debug)]
pub struct SiteTree {
    pub sections: Vec<Section>,
    /// URL path of each guide, by guide index (index guides share their section's path).
    pub guide_paths: Vec<String>,
    /// Section of each guide, by guide index.
    pub guide_section: Vec<usize>,
    /// Every page in reading order (home first), for previous/next links.
    pub reading_order: Vec<PageRef>,
}

const INDEX_NAMES: [&str; 2] = ["index.md", "readme.md"];

/// True for `index.md` / `README.md`, the landing page of its folder.
pub fn is_index_file(rel: &Path) -> bool {
    rel.file_name().is_some_and(|n| INDEX_NAMES.contains(&n.to_string_lossy().to_lowercase().as_str()))
}

/// Title for a folder without landing page: `mes_guides` → `Mes guides`.
fn folder_title(dir: &Path) -> String {
    let name = dir.file_name().map(|n| n.to_string_lossy().replace(['_', '-'], " ")).unwrap_or_default();
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Key that orders titles as a French reader expects: no accents, no case, no leading emoji.
pub fn title_sort_key(title: &str) -> String {
    fold(title).trim_start_matches(|c: char| !c.is_alphanumeric()).to_string()
}

impl SiteTree {
    /// The tree of `guides`, or the collisions `build_all` had to settle.
    pub fn build(guides: &[GuideInfo], site_title: &str) -> Result<SiteTree, Vec<Diagnostic>> {
        let (tree, errors) = Self::build_all(guides, site_title);
        if errors.is_empty() {
            Ok(tree)
        } else {
            Err(errors)
        }
    }

    /// The tree of `guides`, always, with warnings for the collisions it settled: a folder's
    /// second landing page is one of its guides, and a guide whose address is taken gets the next
    /// free one (`mon-guide-2/`). Links name guides by file, so they still lead where meant.
    pub fn build_all(guides: &[GuideInfo], site_title: &str) -> (SiteTree, Vec<Diagnostic>) {
        let mut sections = vec![Section {
            dir: PathBuf::new(),
            path: String::new(),
            title: site_title.to_string(),
            weight: 0,
            index: None,
            parent: None,
            guides: Vec::new(),
            sections: Vec::new(),
        }];
        let mut by_dir: HashMap<PathBuf, usize> = HashMap::from([(PathBuf::new(), 0)]);
        let mut guide_section = Vec::with_capacity(guides.len());
        for guide in guides {
            let dir = guide.rel.parent().unwrap_or(Path::new("")).to_path_buf();
            guide_section.push(section_for(&dir, &mut sections, &mut by_dir));
        }
        let mut errors = Vec::new();
        for (i, guide) in guides.iter().enumerate() {
            let section = &mut sections[guide_section[i]];
            if is_index_file(&guide.rel) {
                if let Some(other) = section.index {
                    errors.push(two_landing_pages(&guides[other].rel, &guide.rel));
                    section.guides.push(i);
                    continue;
                }
                section.index = Some(i);
                section.weight = guide.weight;
            } else {
                section.guides.push(i);
            }
        }
        let guide_paths = assign_paths(guides, &sections, &guide_section, &mut errors);
        (SiteTree { sections, guide_paths, guide_section, reading_order: Vec::new() }, errors)
    }

    /// Titles folders after their landing page, sorts every folder by weight then title, and
    /// sets the reading order. `titles` are by guide index.
    pub fn order(&mut self, guides: &[GuideInfo], titles: &[String]) {
        for section in self.sections.iter_mut().filter(|s| s.parent.is_some()) {
            if let Some(index) = section.index {
                section.title = titles[index].clone();
            }
        }
        sort_children(&mut self.sections, guides, titles);
        self.reading_order.clear();
        walk_reading_order(&self.sections, 0, &mut self.reading_order);
    }

    /// The page showing guide `g`: its own, or its folder's when it is the landing page.
    pub fn page_of_guide(&self, g: usize) -> PageRef {
        let s = self.guide_section[g];
        if self.sections[s].index == Some(g) {
            PageRef::Section(s)
        } else {
            PageRef::Guide(g)
        }
    }

    /// Every page under folder `s`, its own included.
    pub fn pages_under(&self, s: usize) -> Vec<PageRef> {
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
}

/// The section of a folder, created with its ancestors when first seen.
fn section_for(dir: &Path, sections: &mut Vec<Section>, by_dir: &mut HashMap<PathBuf, usize>) -> usize {
    if let Some(&index) = by_dir.get(dir) {
        return index;
    }
    let parent = section_for(dir.parent().unwrap_or(Path::new("")), sections, by_dir);
    let segment = slugify(&dir.file_name().unwrap_or_default().to_string_lossy());
    let segment = if segment.is_empty() { "section".to_string() } else { segment };
    let index = sections.len();
    sections.push(Section {
        dir: dir.to_path_buf(),
        path: format!("{}{segment}/", sections[parent].path),
        title: folder_title(dir),
        weight: 0,
        index: None,
        parent: Some(parent),
        guides: Vec::new(),
        sections: Vec::new(),
    });
    sections[parent].sections.push(index);
    by_dir.insert(dir.to_path_buf(), index);
    index
}

fn assign_paths(
    guides: &[GuideInfo],
    sections: &[Section],
    guide_section: &[usize],
    errors: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut owners: BTreeMap<String, PathBuf> = BTreeMap::new();
    for section in sections {
        owners.insert(section.path.clone(), section.dir.clone());
    }
    let mut paths = Vec::with_capacity(guides.len());
    for (i, guide) in guides.iter().enumerate() {
        let section = &sections[guide_section[i]];
        if section.index == Some(i) {
            paths.push(section.path.clone());
            continue;
        }
        let stem = guide.rel.file_stem().unwrap_or_default().to_string_lossy();
        let segment = slugify(guide.slug.as_deref().unwrap_or(&stem));
        let segment = if segment.is_empty() { "page".to_string() } else { segment };
        let mut path = format!("{}{segment}/", section.path);
        if let Some(owner) = owners.get(&path) {
            let free = (2..)
                .map(|n| format!("{}{segment}-{n}/", section.path))
                .find(|free| !owners.contains_key(free))
                .unwrap_or_default();
            let message = format!(
                "`{}` and `{}` would both be published at /{path}: the second is published at /{free} \
                 instead; rename one or give it a `slug`",
                owner.display(),
                guide.rel.display()
            );
            errors.push(Diagnostic::warning(Location::file(&guide.rel), message).of_kind(Kind::UrlCollision));
            path = free;
        }
        owners.insert(path.clone(), guide.rel.clone());
        paths.push(path);
    }
    paths
}

fn two_landing_pages(first: &Path, second: &Path) -> Diagnostic {
    let message = format!(
        "`{}` and `{}` are both the landing page of this folder: the second is published as one of \
         its pages; keep one",
        first.display(),
        second.display()
    );
    Diagnostic::warning(Location::file(second), message).of_kind(Kind::UrlCollision)
}

fn sort_children(sections: &mut [Section], guides: &[GuideInfo], titles: &[String]) {
    let keys: Vec<(i64, String)> = sections.iter().map(|s| (s.weight, title_sort_key(&s.title))).collect();
    for section in sections.iter_mut() {
        section
            .guides
            .sort_by_cached_key(|&g| (guides[g].weight, title_sort_key(&titles[g]), guides[g].rel.clone()));
        section.sections.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    }
}

/// Home, then each folder's guides, then its sub-folders, depth first.
fn walk_reading_order(sections: &[Section], section: usize, order: &mut Vec<PageRef>) {
    order.push(PageRef::Section(section));
    order.extend(sections[section].guides.iter().map(|&g| PageRef::Guide(g)));
    for &child in &sections[section].sections {
        walk_reading_order(sections, child, order);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(rel: &str, weight: i64) -> GuideInfo {
        GuideInfo { rel: PathBuf::from(rel), weight, slug: None }
    }

    fn ordered(guides: &[(&str, &str, i64)]) -> SiteTree {
        let infos: Vec<GuideInfo> = guides.iter().map(|(rel, _, weight)| info(rel, *weight)).collect();
        let titles: Vec<String> = guides.iter().map(|(_, title, _)| title.to_string()).collect();
        let mut tree = SiteTree::build(&infos, "Docs").unwrap();
        tree.order(&infos, &titles);
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
        assert_eq!(tree.guide_paths[0], "guide-render-complet/");
        assert_eq!(tree.guide_paths[2], "dossier/ete-chaud/");
        assert_eq!(tree.guide_paths[1], "dossier/");
        assert_eq!(tree.sections[0].index, Some(4));
        assert_eq!(tree.sections[1].title, "Mon dossier");
        let order: Vec<&str> = tree.reading_order.iter().map(|&p| tree.page_path(p)).collect();
        assert_eq!(order, ["", "guide-render-complet/", "dossier/", "dossier/avant/", "dossier/ete-chaud/"]);
    }

    #[test]
    fn two_guides_one_url_names_both() {
        let guides = vec![info("Mon Guide.md", 0), info("mon-guide.md", 0)];
        let errors = SiteTree::build(&guides, "Docs").unwrap_err();
        assert!(errors[0].message.contains("Mon Guide.md"), "{}", errors[0].message);
        assert!(errors[0].message.contains("mon-guide.md"), "{}", errors[0].message);
    }

    #[test]
    fn a_collision_still_gives_every_guide_an_address_of_its_own() {
        let guides = vec![
            info("Mon Guide.md", 0),
            info("mon-guide.md", 0),
            info("mon_guide.md", 0),
            info("d/index.md", 0),
            info("d/README.md", 0),
        ];
        let (tree, errors) = SiteTree::build_all(&guides, "Docs");
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors.iter().all(|e| e.kind == Kind::UrlCollision));
        assert_eq!(tree.guide_paths[..3], ["mon-guide/", "mon-guide-2/", "mon-guide-3/"]);
        assert_eq!((tree.guide_paths[3].as_str(), tree.guide_paths[4].as_str()), ("d/", "d/readme/"));
    }

    #[test]
    fn folder_without_landing_page_gets_a_title() {
        let tree = ordered(&[("mes_guides/a.md", "A", 0)]);
        assert_eq!(tree.sections[1].title, "Mes guides");
        assert_eq!(tree.sections[1].path, "mes-guides/");
    }
}
