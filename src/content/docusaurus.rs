//! Whether a content folder is written for Docusaurus: its `docusaurus.config.*` in the folder
//! or in a folder above it, up to the site root (`website/docs/`, or a translation in
//! `website/i18n/fr/docusaurus-plugin-content-docs/current/`).
//!
//! What it changes is how Markdown links are read: Docusaurus resolves a link to a `.md` file
//! that is not found beside the guide from the docs folder too, unless it starts with `./` or
//! `../` (`[GPU](gpu/overview.md)` written in `guides/quick-start.md` leads to `gpu/overview.md`).

use std::path::Path;

use super::walk::SiteRoot;

/// The names Docusaurus looks for its configuration under.
const CONFIG_FILES: [&str; 6] = [
    "docusaurus.config.js",
    "docusaurus.config.ts",
    "docusaurus.config.mjs",
    "docusaurus.config.cjs",
    "docusaurus.config.mts",
    "docusaurus.config.cts",
];

/// True when `content_dir` belongs to a Docusaurus site inside the site root.
pub fn is_docs_folder(root: &SiteRoot, content_dir: &Path) -> bool {
    let top = root.path();
    let mut dir = Some(content_dir);
    while let Some(here) = dir {
        let config = CONFIG_FILES.iter().map(|name| here.join(name)).find(|path| path.is_file());
        if config.is_some_and(|path| root.admits(&path)) {
            return true;
        }
        if here == top || here.as_os_str().is_empty() {
            return false;
        }
        dir = here.parent();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configuration_is_found_above_the_content_folder_within_the_site() {
        let site = tempfile::tempdir().unwrap();
        let docs = site.path().join("website/i18n/fr/docusaurus-plugin-content-docs/current");
        std::fs::create_dir_all(&docs).unwrap();
        let root = SiteRoot::new(site.path());
        assert!(!is_docs_folder(&root, &docs));
        std::fs::write(site.path().join("website/docusaurus.config.ts"), "export default {};").unwrap();
        assert!(is_docs_folder(&root, &docs));
        assert!(!is_docs_folder(&root, site.path()), "not below the content folder");
        let inner = SiteRoot::new(&site.path().join("website/i18n"));
        assert!(!is_docs_folder(&inner, &docs), "not above the site root");
    }
}
