//! Finding the files of the content folder: guides (`*.md`) and the files that go with them,
//! without hidden files and editor leftovers.

use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Location};

/// A file found in the content folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The path on disk.
    pub path: PathBuf,
    /// The path relative to the content folder.
    pub rel: PathBuf,
}

/// Everything the walk found, sorted by relative path.
#[derive(Debug, Default)]
pub struct Walked {
    pub guides: Vec<Found>,
    pub files: Vec<Found>,
    pub diagnostics: Vec<Diagnostic>,
}

/// True for names an author never means as content: hidden files, swap and backup files, and the
/// temporary files editors write while saving (vim's `4913`, JetBrains' `___jb_tmp___`, …).
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name == "4913"
        || name.ends_with(".swp")
        || name.ends_with(".swo")
        || name.ends_with(".swx")
        || name.ends_with(".kate-swp")
        || name.ends_with(".crswap")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
}

pub fn is_guide(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("md"))
}

/// Walks `content_dir`. Symbolic links are followed only when they stay inside it.
pub fn walk(content_dir: &Path) -> Walked {
    let mut walked = Walked::default();
    let root = content_dir.canonicalize().unwrap_or_else(|_| content_dir.to_path_buf());
    let walker =
        walkdir::WalkDir::new(content_dir).follow_links(true).sort_by_file_name().into_iter().filter_entry(
            |entry| entry.depth() == 0 || !is_ignored_name(&entry.file_name().to_string_lossy()),
        );
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().unwrap_or(content_dir).to_path_buf();
                let message = if err.loop_ancestor().is_some() {
                    "symbolic link loop, not followed".to_string()
                } else {
                    err.io_error().map_or_else(|| err.to_string(), |e| e.to_string())
                };
                walked.diagnostics.push(Diagnostic::error(Location::file(path), message));
                continue;
            }
        };
        if entry.path_is_symlink() {
            let inside = entry.path().canonicalize().is_ok_and(|target| target.starts_with(&root));
            if !inside {
                let message = "symbolic link to a place outside the content folder, not followed";
                walked.diagnostics.push(Diagnostic::warning(Location::file(entry.path()), message));
                continue;
            }
        }
        let kind = entry.file_type();
        if kind.is_dir() {
            continue;
        }
        if !kind.is_file() {
            // A named pipe would block the build forever; sockets and devices are no content.
            let message = "not a regular file (a named pipe, socket or device), skipped";
            walked.diagnostics.push(Diagnostic::warning(Location::file(entry.path()), message));
            continue;
        }
        let rel = entry.path().strip_prefix(content_dir).unwrap_or(entry.path()).to_path_buf();
        let found = Found { path: entry.path().to_path_buf(), rel };
        if is_guide(&found.path) {
            walked.guides.push(found);
        } else {
            walked.files.push(found);
        }
    }
    walked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_leftovers_are_ignored() {
        for name in [".guide.md.swp", "guide.md~", ".#guide.md", "4913", "guide.md___jb_tmp___", "#guide.md#"]
        {
            assert!(is_ignored_name(name), "{name}");
        }
        for name in ["guide.md", "image.png", "GUIDE_RENDER_COMPLET.md"] {
            assert!(!is_ignored_name(name), "{name}");
        }
    }

    #[test]
    fn walk_sorts_guides_and_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("b/.cache")).unwrap();
        for name in ["b/z.md", "a.md", "b/img.png", "b/.cache/x.md", ".hidden.md", "b/x.md.swp"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        let walked = walk(dir.path());
        let guides: Vec<_> = walked.guides.iter().map(|f| f.rel.to_string_lossy().into_owned()).collect();
        assert_eq!(guides, ["a.md", "b/z.md"]);
        assert_eq!(walked.files.len(), 1);
    }
}
