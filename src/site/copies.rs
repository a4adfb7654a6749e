//! The site's own files a build copies as they are: content files beside their pages, `static/`
//! at the output root.
//!
//! `generated` lists what the build writes itself (pages, `404.html`, `robots.txt`,
//! `sitemap.xml`, redirect pages, theme assets, the search index and the folders it owns);
//! `plan` leaves out, with a warning naming the file, every copy that would land on one of them
//! (the generated file wins), and every static file at the place of a content file (the content
//! file wins: guides' links were checked against it).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::assets::{self, IMMUTABLE_DIR, PREVIEW_SEARCH_DIR};
use super::emit;
use super::redirects::Redirect;
use super::tree::SiteTree;
use crate::content::Found;
use crate::error::{Diagnostic, Location};
use crate::search;
use crate::theme::Theme;

/// Output paths taken, file by file and folder by folder, each with what took it.
#[derive(Debug, Default)]
pub struct Claims {
    files: HashMap<String, String>,
    folders: HashSet<String>,
    /// Folders taken whole (`assets/immutable/`), with what took them.
    owned: Vec<(&'static str, &'static str)>,
}

impl Claims {
    /// Takes `rel` (a path from the output root, `/`-separated) for `owner`.
    fn take(&mut self, rel: String, owner: String) {
        let mut folder = rel.as_str();
        while let Some((parent, _)) = folder.rsplit_once('/') {
            self.folders.insert(parent.to_string());
            folder = parent;
        }
        self.files.entry(rel).or_insert(owner);
    }

    /// What already took `rel`, or the folder `rel` would need, or the place of a folder `rel`
    /// names.
    fn holder(&self, rel: &str) -> Option<String> {
        if let Some(owner) = self.files.get(rel) {
            return Some(owner.clone());
        }
        if self.folders.contains(rel) {
            return Some(format!("the folder {rel}/ of generated files"));
        }
        if let Some((_, owner)) = self.owned.iter().find(|(folder, _)| rel.starts_with(folder)) {
            return Some((*owner).to_string());
        }
        let mut parent = rel;
        while let Some((up, _)) = parent.rsplit_once('/') {
            if let Some(owner) = self.files.get(up) {
                return Some(format!("{owner} at {up}, a file where this one needs a folder"));
            }
            parent = up;
        }
        None
    }
}

/// Every path the build writes itself, for `theme`'s assets under their plain names (those of
/// the preview; a build's fingerprinted ones are all under `assets/immutable/`).
pub fn generated(tree: &SiteTree, redirects: &[Redirect], has_base_url: bool, theme: &Theme) -> Claims {
    let mut claims = Claims {
        owned: vec![
            (IMMUTABLE_DIR, "the build's folder of fingerprinted assets"),
            (PREVIEW_SEARCH_DIR, "the preview's search index"),
        ],
        ..Claims::default()
    };
    for &page in &tree.reading_order {
        claims.take(emit::page_file(tree.page_path(page)), "a page of the site".into());
    }
    claims.take(emit::NOT_FOUND_FILE.into(), "the 404 page".into());
    for redirect in redirects {
        claims.take(emit::page_file(&redirect.from), "a redirect page".into());
    }
    if has_base_url {
        claims.take(emit::SITEMAP_FILE.into(), "the sitemap".into());
    }
    claims.take(emit::ROBOTS_FILE.into(), "the generated robots.txt".into());
    claims.take(search::MANIFEST.into(), "the search manifest".into());
    for (rel, _) in assets::theme_assets(&theme.static_files, "", "", false, true).files {
        claims.take(rel, "a file of the theme".into());
    }
    claims
}

/// The files of `content_files` that a guide links to (`linked`: paths from the content folder,
/// with `/`), in their order: a file no guide names is not published.
pub fn linked_files<'a>(content_files: &[Found], linked: impl IntoIterator<Item = &'a String>) -> Vec<Found> {
    let linked: HashSet<&str> = linked.into_iter().map(String::as_str).collect();
    content_files.iter().filter(|file| linked.contains(output_path(&file.rel).as_str())).cloned().collect()
}

/// The copies to make: `content_files` (paths from the content folder) then `static_files`
/// (from `static/`), each at its path from the output root, but for those the build or a
/// content file already takes (left out with a warning naming them).
pub fn plan(
    content_files: &[Found],
    static_files: &[Found],
    mut claims: Claims,
) -> (Vec<Found>, Vec<Diagnostic>) {
    let mut copies = Vec::with_capacity(content_files.len() + static_files.len());
    let mut diagnostics = Vec::new();
    for files in [content_files, static_files] {
        for file in files {
            let rel = output_path(&file.rel);
            if let Some(holder) = claims.holder(&rel) {
                let message = format!(
                    "would be published at {rel}, already taken by {holder}: this file is left out (rename \
                     or move it)"
                );
                diagnostics.push(Diagnostic::warning(Location::file(&file.path), message));
                continue;
            }
            claims.take(rel, file.path.display().to_string());
            copies.push(file.clone());
        }
    }
    (copies, diagnostics)
}

fn output_path(rel: &Path) -> String {
    rel.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn found(path: &str) -> Found {
        let rel = PathBuf::from(path.split_once('/').unwrap().1);
        Found { path: PathBuf::from(path), rel }
    }

    fn claims(files: &[&str]) -> Claims {
        let mut claims = Claims { owned: vec![(IMMUTABLE_DIR, "the build's folder")], ..Claims::default() };
        for file in files {
            claims.take(file.to_string(), format!("the generated {file}"));
        }
        claims
    }

    #[test]
    fn generated_files_win_and_each_file_left_out_is_named() {
        let generated = claims(&["index.html", "guide/index.html", "404.html", "robots.txt"]);
        let content = [found("content/robots.txt"), found("content/img.png"), found("content/guide")];
        let statics = [
            found("static/index.html"),
            found("static/img.png"),
            found("static/404.html/x.png"),
            found("static/assets/immutable/carnet.css"),
            found("static/favicon.ico"),
        ];
        let (copies, warnings) = plan(&content, &statics, generated);
        let kept: Vec<&Path> = copies.iter().map(|f| f.path.as_path()).collect();
        assert_eq!(kept, [Path::new("content/img.png"), Path::new("static/favicon.ico")]);
        let shown: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 6, "{shown:#?}");
        for (file, holder) in [
            ("content/robots.txt", "the generated robots.txt"),
            ("content/guide", "the folder guide/"),
            ("static/index.html", "the generated index.html"),
            ("static/img.png", "content/img.png"),
            (
                "static/404.html/x.png",
                "the generated 404.html at 404.html, a file where this one needs a folder",
            ),
            ("static/assets/immutable/carnet.css", "the build's folder"),
        ] {
            assert!(
                shown.iter().any(|s| s.starts_with(&format!("warning: {file}: ")) && s.contains(holder)),
                "{file}: {shown:#?}"
            );
        }
    }
}
