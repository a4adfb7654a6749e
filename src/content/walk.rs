//! The one rule for what a build may read and publish, and the walk that applies it to the
//! content folder, `static/`, the theme folder and `templates/` alike.
//!
//! A file is taken only if its real path, every symbolic link resolved, is inside the site root
//! (`SiteRoot`). A link that leads outside it, into a hidden folder of it, nowhere or round in a
//! loop is refused with a warning naming the link and its target, and never descended into.
//! Hidden files, editor leftovers and backup copies (`is_ignored_name`) are skipped; a name with
//! a `\` is refused with a warning; a name that is not UTF-8 is taken, with a warning. What the
//! site's ignore files ignore (`.gitignore`, `.ignore`, `.git/info/exclude`) is skipped, and in
//! the content folder the dependency and build folders too (`ignored`).

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use super::ignored::IgnoreRules;
use crate::error::{Diagnostic, Location};

/// A file found in a walked folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The path on disk.
    pub path: PathBuf,
    /// The path relative to the walked folder.
    pub rel: PathBuf,
}

/// Everything the walk of a content folder found, sorted by relative path.
#[derive(Debug, Default)]
pub struct Walked {
    pub guides: Vec<Found>,
    pub files: Vec<Found>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The files of a folder that may be read, sorted by relative path, and why others were not.
#[derive(Debug, Default)]
pub struct Listing {
    pub files: Vec<Found>,
    pub diagnostics: Vec<Diagnostic>,
}

/// True for names an author never means to publish: hidden files (but `.well-known`, the folder
/// RFC 8615 reserves for files a site publishes, and `.gitbook`, where GitBook keeps the images
/// of the guides: its files are published only when a guide links to them), swap and backup files, the temporary files
/// editors write while saving (vim's `4913`, JetBrains' `___jb_tmp___`, …), and the copies
/// `carnet fix --backup`, `patch` and merge tools leave (`NAME.orig`, `NAME.orig.1`, `*.bak`,
/// `*.rej`).
pub fn is_ignored_name(name: &str) -> bool {
    (name.starts_with('.') && name != ".well-known" && name != GITBOOK_FOLDER)
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
        || is_backup_name(name)
}

/// `NAME.orig`, `NAME.orig.<n>`, `NAME.bak`, `NAME.rej`.
fn is_backup_name(name: &str) -> bool {
    let numbered = name
        .rsplit_once('.')
        .filter(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .map_or(name, |(stem, _)| stem);
    numbered.ends_with(".orig") || name.ends_with(".bak") || name.ends_with(".rej")
}

/// GitBook's folder of images (`.gitbook/assets/`) and reusable blocks (`.gitbook/includes/`).
const GITBOOK_FOLDER: &str = ".gitbook";

/// A Markdown file (`.md`, or MDX's `.mdx`), but GitBook's reusable blocks: they are pieces of
/// other pages, not pages.
pub fn is_guide(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("md") || ext.eq_ignore_ascii_case("mdx"))
        && !path.components().any(|c| c.as_os_str() == GITBOOK_FOLDER)
}

/// The folder passed by `--root` (the one holding `carnet.toml`), resolved: nothing outside it
/// is ever read or published.
#[derive(Debug, Clone)]
pub struct SiteRoot {
    /// As given, for messages and joins (`./templates`).
    path: PathBuf,
    real: PathBuf,
    /// The output folder, when it is inside: what the build wrote is never read back.
    output: Option<PathBuf>,
}

/// Why a path may not be read.
#[derive(Debug)]
enum Refusal {
    Outside(PathBuf),
    Hidden(PathBuf),
    Output(PathBuf),
    Loop,
    Unresolved(String),
}

impl SiteRoot {
    pub fn new(root: &Path) -> SiteRoot {
        let real =
            root.canonicalize().or_else(|_| std::path::absolute(root)).unwrap_or_else(|_| root.to_path_buf());
        SiteRoot { path: root.to_path_buf(), real, output: None }
    }

    /// Refuses the output folder `output` too (and its previous site, a hidden folder anyway).
    pub fn with_output(mut self, output: &Path) -> SiteRoot {
        self.output = output.canonicalize().ok();
        self
    }

    /// The site root as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True when `path`, every link resolved, is a place of the site that may be read.
    pub fn admits(&self, path: &Path) -> bool {
        self.resolve(path).is_ok()
    }

    /// True for the output folder itself, by whatever path.
    fn is_output(&self, dir: &Path) -> bool {
        self.output.as_ref().is_some_and(|output| dir.canonicalize().is_ok_and(|real| &real == output))
    }

    /// The real path of `path`, when it is inside the site root and in no hidden folder of it.
    fn resolve(&self, path: &Path) -> Result<PathBuf, Refusal> {
        let real = path.canonicalize().map_err(|err| Refusal::Unresolved(err.to_string()))?;
        let Ok(inside) = real.strip_prefix(&self.real) else { return Err(Refusal::Outside(real)) };
        if self.output.as_ref().is_some_and(|output| real.starts_with(output)) {
            return Err(Refusal::Output(real));
        }
        if inside.components().any(|c| is_ignored_name(&c.as_os_str().to_string_lossy())) {
            return Err(Refusal::Hidden(real));
        }
        Ok(real)
    }

    /// The warning for a symbolic link that may not be followed, naming its target.
    fn link_refusal(&self, link: &Path, refusal: Refusal) -> Diagnostic {
        let target = std::fs::read_link(link).map_or_else(|_| "?".to_string(), |t| t.display().to_string());
        let why = match refusal {
            Refusal::Outside(real) => {
                format!("leads outside the site root {} (to {})", self.real.display(), real.display())
            }
            Refusal::Hidden(real) => {
                format!("leads to a hidden or ignored file of the site ({})", real.display())
            }
            Refusal::Output(real) => format!("leads into the output folder ({})", real.display()),
            Refusal::Loop => "makes a loop".to_string(),
            Refusal::Unresolved(err) => format!("leads nowhere ({err})"),
        };
        let message =
            format!("symbolic link to `{target}` {why}: not followed, nothing of it is read or published");
        Diagnostic::warning(Location::file(link), message)
    }

    /// A folder to walk must itself be inside the site root (a folder named in `carnet.toml`, or a
    /// link to one; hidden names are the author's choice here): `Err` says why not.
    pub fn check_folder(&self, dir: &Path) -> Result<(), FolderRefused> {
        match self.resolve(dir) {
            Ok(_) | Err(Refusal::Hidden(_) | Refusal::Output(_)) => Ok(()),
            Err(Refusal::Outside(real)) => Err(FolderRefused::Outside { root: self.real.clone(), real }),
            Err(Refusal::Loop | Refusal::Unresolved(_)) => Err(FolderRefused::Unresolved),
        }
    }
}

/// Why a folder to walk is refused (`SiteRoot::check_folder`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FolderRefused {
    #[error(
        "this folder is outside the site root {root} (it is {real}): nothing in it is read",
        root = .root.display(),
        real = .real.display()
    )]
    Outside { root: PathBuf, real: PathBuf },
    #[error("this folder cannot be resolved (a broken symbolic link?): nothing in it is read")]
    Unresolved,
}

/// Lists the files of `dir` that the rule lets through (see the module comment), down to
/// `max_depth` levels (1: the folder's own files) when given. A missing folder lists nothing.
pub fn list(root: &SiteRoot, dir: &Path, max_depth: Option<usize>) -> Listing {
    list_with(root, dir, max_depth, false)
}

/// `list`, leaving out the dependency and build folders too when `skip_dependencies`.
fn list_with(root: &SiteRoot, dir: &Path, max_depth: Option<usize>, skip_dependencies: bool) -> Listing {
    let mut listing = Listing::default();
    if std::fs::symlink_metadata(dir).is_err() {
        return listing;
    }
    if let Err(refused) = root.check_folder(dir) {
        listing.diagnostics.push(Diagnostic::warning(Location::file(dir), refused.to_string()));
        return listing;
    }
    let diagnostics = RefCell::new(Vec::new());
    let rules = RefCell::new(IgnoreRules::of(root.path()));
    // By file name, as `sort_by_file_name` orders them: the entries sorted together are one
    // folder's, whose paths differ only after the folder's, so their bytes compare as their
    // names do, without parsing a name out of each path at every comparison.
    let by_name = |a: &walkdir::DirEntry, b: &walkdir::DirEntry| {
        a.path().as_os_str().as_encoded_bytes().cmp(b.path().as_os_str().as_encoded_bytes())
    };
    let mut walker = walkdir::WalkDir::new(dir).follow_links(true).sort_by(by_name);
    if let Some(depth) = max_depth {
        walker = walker.max_depth(depth);
    }
    let admitted = walker.into_iter().filter_entry(|entry| {
        entry.depth() == 0
            || (!rules.borrow_mut().excludes(entry.path(), entry.file_type().is_dir(), skip_dependencies)
                && admit_entry(root, entry, &diagnostics))
    });
    for entry in admitted {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                diagnostics.borrow_mut().push(walk_error(root, dir, &err));
                continue;
            }
        };
        let kind = entry.file_type();
        if kind.is_dir() {
            continue;
        }
        if !kind.is_file() {
            // A named pipe would block the build forever; sockets and devices are no content.
            let message = "not a regular file (a named pipe, socket or device), skipped";
            diagnostics.borrow_mut().push(Diagnostic::warning(Location::file(entry.path()), message));
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path()).to_path_buf();
        listing.files.push(Found { path: entry.path().to_path_buf(), rel });
    }
    listing.diagnostics = diagnostics.into_inner();
    listing.diagnostics.append(&mut rules.into_inner().diagnostics);
    listing
}

/// Whether the walk may take (or go into) `entry`; what it has to say goes to `diagnostics`.
fn admit_entry(root: &SiteRoot, entry: &walkdir::DirEntry, diagnostics: &RefCell<Vec<Diagnostic>>) -> bool {
    let name = entry.file_name();
    let shown = name.to_string_lossy();
    if is_ignored_name(&shown) {
        return false;
    }
    let refused = if shown.contains('\\') {
        let message = "a `\\` in a file name is read as a folder separator by links and on Windows: \
                       not published (rename it)";
        Some(Diagnostic::warning(Location::file(entry.path()), message))
    } else if entry.path_is_symlink() {
        root.resolve(entry.path()).err().map(|refusal| root.link_refusal(entry.path(), refusal))
    } else if entry.file_type().is_dir() && root.is_output(entry.path()) {
        let message = "the output folder, reached through a symbolic link: not read";
        Some(Diagnostic::warning(Location::file(entry.path()), message))
    } else {
        None
    };
    if let Some(refused) = refused {
        diagnostics.borrow_mut().push(refused);
        return false;
    }
    if name.to_str().is_none() {
        let message = "this name is not valid UTF-8 (shown with �): its address is guessed and links \
                       cannot name it; rename it in UTF-8";
        diagnostics.borrow_mut().push(Diagnostic::warning(Location::file(entry.path()), message));
    }
    true
}

/// What the walk could not follow: a dangling link or a loop is a warning naming the link, any
/// other failure (a folder that cannot be read) an error.
fn walk_error(root: &SiteRoot, dir: &Path, err: &walkdir::Error) -> Diagnostic {
    let path = err.path().unwrap_or(dir).to_path_buf();
    if err.loop_ancestor().is_some() {
        return root.link_refusal(&path, Refusal::Loop);
    }
    let message = err.io_error().map_or_else(|| err.to_string(), ToString::to_string);
    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
        return root.link_refusal(&path, Refusal::Unresolved(message));
    }
    Diagnostic::error(Location::file(path), message)
}

/// Walks a content folder (`root` is the site root): its guides and its other files.
pub fn walk(root: &SiteRoot, content_dir: &Path) -> Walked {
    let listing = list_with(root, content_dir, None, true);
    let mut walked = Walked { diagnostics: listing.diagnostics, ..Walked::default() };
    for found in listing.files {
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
    fn editor_leftovers_and_backups_are_ignored() {
        for name in [
            ".guide.md.swp",
            "guide.md~",
            ".#guide.md",
            "4913",
            "guide.md___jb_tmp___",
            "#guide.md#",
            ".env",
            ".git",
            "guide.md.orig",
            "guide.md.orig.1",
            "guide.md.orig.27",
            "config.bak",
            "guide.md.rej",
        ] {
            assert!(is_ignored_name(name), "{name}");
        }
        for name in [
            "guide.md",
            "image.png",
            "GUIDE_RENDER_COMPLET.md",
            ".well-known",
            ".gitbook",
            "origines.md",
            "guide.orig.md",
            "v1.2",
            "guide.md.orig.x",
        ] {
            assert!(!is_ignored_name(name), "{name}");
        }
    }

    #[test]
    fn walk_sorts_guides_and_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("b/.cache")).unwrap();
        for name in ["b/z.md", "a.md", "b/img.png", "b/.cache/x.md", ".hidden.md", "b/x.md.swp", "a.md.orig"]
        {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        let walked = walk(&SiteRoot::new(dir.path()), dir.path());
        let guides: Vec<_> = walked.guides.iter().map(|f| f.rel.to_string_lossy().into_owned()).collect();
        assert_eq!(guides, ["a.md", "b/z.md"]);
        assert_eq!(walked.files.len(), 1);
        assert!(walked.diagnostics.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_link_leading_out_of_the_root_is_neither_listed_nor_entered() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("s.txt"), "secret").unwrap();
        std::fs::create_dir_all(root.path().join("content/dedans")).unwrap();
        std::fs::write(root.path().join("content/dedans/ok.txt"), "ok").unwrap();
        std::os::unix::fs::symlink(outside.path(), root.path().join("content/dehors")).unwrap();
        std::os::unix::fs::symlink("dedans", root.path().join("content/alias")).unwrap();
        let listing = list(&SiteRoot::new(root.path()), &root.path().join("content"), None);
        let rels: Vec<_> = listing.files.iter().map(|f| f.rel.to_string_lossy().into_owned()).collect();
        assert_eq!(rels, ["alias/ok.txt", "dedans/ok.txt"]);
        assert_eq!(listing.diagnostics.len(), 1, "{:?}", listing.diagnostics);
        let shown = listing.diagnostics[0].to_string();
        assert!(shown.contains("content/dehors: symbolic link to"), "{shown}");
        assert!(shown.contains("outside the site root"), "{shown}");
    }
}
