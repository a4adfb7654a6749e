//! Jekyll's collections, read from the `_config.yml` of a content folder written for Jekyll, so
//! that the addresses its guides link to lead somewhere: a document of collection `api` (folder
//! `_api/`, inside `collections_dir` when set) is published by Jekyll at `/api/<path>/` (or
//! `.html`), and `{% link _api/x.md %}` names it from `collections_dir`.
//!
//! Only what addresses need is read: `collections_dir`, the collections' names and their own
//! `permalink` templates. carnet publishes the guides at its own addresses; these are only more
//! ways to name them in a link.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::walk::SiteRoot;
use crate::error::{Diagnostic, Location};

/// Jekyll's configuration file, at the root of the Jekyll site.
pub const CONFIG_FILE: &str = "_config.yml";

/// The collections of a Jekyll site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Collections {
    /// `collections_dir`, relative to the content folder, without slashes around ("": none).
    dir: String,
    /// Each collection's name and its `permalink` template, if it sets one.
    collections: Vec<(String, Option<String>)>,
}

/// What `_config.yml` says of collections (the rest is Jekyll's).
#[derive(Deserialize, Default)]
struct JekyllConfig {
    #[serde(default)]
    collections_dir: Option<String>,
    #[serde(default)]
    collections: Option<CollectionList>,
}

/// Jekyll takes collections as a list of names or as a map of name → metadata.
#[derive(Deserialize)]
#[serde(untagged)]
enum CollectionList {
    Names(Vec<String>),
    Map(BTreeMap<String, Option<CollectionMeta>>),
}

#[derive(Deserialize, Default)]
struct CollectionMeta {
    #[serde(default)]
    permalink: Option<String>,
}

/// The collections declared by `content_dir/_config.yml`; `None` without such a file or with no
/// collections in it, with a warning when it cannot be read as YAML.
pub fn collections(root: &SiteRoot, content_dir: &Path) -> (Option<Collections>, Option<Diagnostic>) {
    let path = content_dir.join(CONFIG_FILE);
    if !path.is_file() || !root.admits(&path) {
        return (None, None);
    }
    let Ok(text) = std::fs::read_to_string(&path) else { return (None, None) };
    match parse(&text) {
        Ok(collections) => (collections, None),
        Err(err) => {
            let message = format!(
                "Jekyll's configuration could not be read ({err}): links to the addresses of its \
                 collections are not recognised"
            );
            (None, Some(Diagnostic::warning(Location::file(&path), message)))
        }
    }
}

/// The collections declared by the text of a `_config.yml`.
pub fn parse(text: &str) -> Result<Option<Collections>, serde_yaml_ng::Error> {
    let config: JekyllConfig = serde_yaml_ng::from_str::<Option<JekyllConfig>>(text)?.unwrap_or_default();
    let collections: Vec<(String, Option<String>)> = match config.collections {
        None => Vec::new(),
        Some(CollectionList::Names(names)) => names.into_iter().map(|name| (name, None)).collect(),
        Some(CollectionList::Map(map)) => {
            map.into_iter().map(|(name, meta)| (name, meta.unwrap_or_default().permalink)).collect()
        }
    };
    let dir = config.collections_dir.unwrap_or_default().trim_matches('/').to_string();
    let dir = if dir == "." { String::new() } else { dir };
    Ok((!collections.is_empty()).then_some(Collections { dir, collections }))
}

impl Collections {
    /// The addresses Jekyll gives the guide at `rel` (relative to the content folder, with `/`),
    /// as paths from the site root without a leading slash: its path from `collections_dir`
    /// (`_api/intro.md`, what `{% link %}` names) and its published address (`api/intro`,
    /// `api/intro.html`). None for a guide outside the collections.
    pub fn addresses(&self, rel: &str) -> Vec<String> {
        let in_dir = match self.dir.as_str() {
            "" => Some(rel),
            dir => rel.strip_prefix(dir).and_then(|rest| rest.strip_prefix('/')),
        };
        let Some(in_dir) = in_dir else { return Vec::new() };
        let Some((folder, path)) = in_dir.split_once('/') else { return Vec::new() };
        let Some((name, permalink)) =
            self.collections.iter().find(|(name, _)| folder.strip_prefix('_') == Some(name.as_str()))
        else {
            return Vec::new();
        };
        let Some(stem) = path.strip_suffix(".md") else { return Vec::new() };
        let mut addresses = Vec::new();
        if !self.dir.is_empty() {
            addresses.push(in_dir.to_string());
        }
        match permalink {
            Some(template) => addresses.extend(expand(template, name, stem)),
            // Posts are published by date and title, which this does not reckon.
            None if name == "posts" => {}
            None => addresses.extend([format!("{name}/{stem}"), format!("{name}/{stem}.html")]),
        }
        addresses
    }
}

/// A collection's `permalink` template for one document: `:collection`, `:path` and `:name`
/// (the file name without extension), `:output_ext` (`.html`). `None` when it uses anything
/// else (dates, titles, categories): that address is left unknown rather than guessed.
fn expand(template: &str, collection: &str, stem: &str) -> Option<String> {
    let name = stem.rsplit('/').next().unwrap_or(stem);
    let mut out = String::new();
    let mut rest = template;
    while let Some(at) = rest.find(':') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let len = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
        match &after[..len] {
            "collection" => out.push_str(collection),
            "path" => out.push_str(stem),
            "name" => out.push_str(name),
            "output_ext" => out.push_str(".html"),
            _ => return None,
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    Some(out.trim_start_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The collections part of etalab/doc.data.gouv.fr's `_config.yml` (MIT licence), trimmed.
    const DATA_GOUV: &str = "title: data.gouv.fr - documentation\npermalink: pretty\n\
        collections_dir: articles\ncollections:\n  a-propos:\n    title: À propos\n    output: true\n\
        \x20   order: 1\n  moissonnage:\n    title: Moissonnage\n    output: true\n";

    #[test]
    fn a_collection_document_is_named_from_collections_dir_and_by_its_published_address() {
        let collections = parse(DATA_GOUV).unwrap().unwrap();
        assert_eq!(
            collections.addresses("articles/_moissonnage/dcat.md"),
            ["_moissonnage/dcat.md", "moissonnage/dcat", "moissonnage/dcat.html"]
        );
        assert_eq!(collections.addresses("articles/_a-propos/faq/compte.md")[1], "a-propos/faq/compte");
        // Outside the collections: a folder that is not one, or outside `collections_dir`.
        assert!(collections.addresses("articles/_brouillons/x.md").is_empty());
        assert!(collections.addresses("_moissonnage/dcat.md").is_empty());
        assert!(collections.addresses("index.md").is_empty());
    }

    #[test]
    fn collections_as_a_list_without_collections_dir() {
        let collections = parse("collections:\n  - recettes\n").unwrap().unwrap();
        assert_eq!(collections.addresses("_recettes/tarte.md"), ["recettes/tarte", "recettes/tarte.html"]);
        let posts = parse("collections_dir: my\ncollections: [posts]\n").unwrap().unwrap();
        assert_eq!(posts.addresses("my/_posts/2017-12-08-alpha1.md"), ["_posts/2017-12-08-alpha1.md"]);
    }

    #[test]
    fn a_collection_permalink_is_followed_or_the_address_left_unknown() {
        let text =
            "collections:\n  guides:\n    permalink: /docs/:name/\n  notes:\n    permalink: /:year/:title/\n";
        let collections = parse(text).unwrap().unwrap();
        assert_eq!(collections.addresses("_guides/a/b.md"), ["docs/b/"]);
        assert!(collections.addresses("_notes/x.md").is_empty());
        assert_eq!(expand("/:collection/:path:output_ext", "api", "a/b").as_deref(), Some("api/a/b.html"));
    }

    #[test]
    fn a_config_without_collections_gives_none_and_bad_yaml_an_error() {
        assert_eq!(parse("title: Site\n").unwrap(), None);
        assert_eq!(parse("").unwrap(), None);
        assert!(parse("collections: [a\n").is_err());
    }
}
