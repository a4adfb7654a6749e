//! The sidebar tree, written once as `assets/nav.js` (`window.CARNET_NAV = …`) and shared by
//! every page, so that a page's size does not grow with the number of guides.

use serde::Serialize;

use super::outline::OutlinedGuides;
use super::tree::{SectionId, SiteTree};

/// A node of the sidebar: `t` title, `u` path from the site root, `c` children (folders only).
#[derive(Debug, Serialize)]
struct NavNode<'a> {
    t: &'a str,
    u: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    c: Vec<NavNode<'a>>,
}

/// The script defining `window.CARNET_NAV`.
pub fn nav_script(tree: &SiteTree, guides: &OutlinedGuides) -> String {
    let root = section_node(tree, guides, SectionId::ROOT);
    let json = serde_json::to_string(&root).unwrap_or_else(|_| "null".into());
    // `</` cannot close a script element when the file is inlined somewhere.
    format!("window.CARNET_NAV={};\n", json.replace("</", "<\\/"))
}

fn section_node<'a>(tree: &'a SiteTree, guides: &'a OutlinedGuides, section: SectionId) -> NavNode<'a> {
    let s = &tree.sections[section];
    let pages =
        s.guides.iter().map(|&g| NavNode { t: &guides[g].title, u: &tree.guide_paths[g], c: Vec::new() });
    let folders = s.sections.iter().map(|&child| section_node(tree, guides, child));
    NavNode { t: &s.title, u: &s.path, c: pages.chain(folders).collect() }
}
