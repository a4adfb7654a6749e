//! What the walk leaves out beside hidden names: what git would not commit, and the folders of
//! dependencies and caches that a repository holds beside its guides.
//!
//! `IgnoreRules::of` reads, at the site root, `.git/info/exclude`, `.gitignore` and `.ignore`
//! (in that order: a later line wins), and in each folder below, its own `.gitignore` and
//! `.ignore` (a deeper file wins), with `ignore`'s gitignore matcher; `excludes` says whether a
//! path is left out. `DEPENDENCY_FOLDERS` are left out of the content folder even without an
//! ignore file, unless a `!name/` line lets one in.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;

use crate::error::{Diagnostic, Location};

/// Folders of installed dependencies, virtual environments, caches and build outputs: never
/// guides of the site, whatever `.gitignore` says (a `!name/` line publishes one again).
pub const DEPENDENCY_FOLDERS: &[&str] = &[
    "node_modules",
    "bower_components",
    "jspm_packages",
    "vendor",
    "venv",
    "virtualenv",
    "site-packages",
    "__pycache__",
    "target",
    "dist",
    "build",
    "_site",
];

/// The ignore files of a site, read once per folder as the walk reaches it.
#[derive(Debug)]
pub struct IgnoreRules {
    /// The site root, as walked paths spell it.
    root: PathBuf,
    /// Each folder's matcher, by its path from the root: its place in `matchers` (`None`: no
    /// ignore file there).
    folders: HashMap<PathBuf, Option<usize>>,
    /// The matchers read: (their folder from the root, the matcher).
    matchers: Vec<(PathBuf, Gitignore)>,
    /// The folder (from the root) of the last path asked about, and the matchers of it and of
    /// the folders above it, deepest first: the walk asks about a folder's entries one after
    /// another, and the matchers that apply to them are found once.
    above: Option<(PathBuf, Vec<usize>)>,
    /// Ignore files that could not be read whole.
    pub diagnostics: Vec<Diagnostic>,
}

/// What the ignore files say of one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A line ignores it.
    Ignored,
    /// A `!` line lets it in.
    Allowed,
    /// No line is about it.
    Unsaid,
}

impl IgnoreRules {
    /// The rules of the site at `root` (read lazily, folder by folder).
    pub fn of(root: &Path) -> IgnoreRules {
        IgnoreRules {
            root: root.to_path_buf(),
            folders: HashMap::new(),
            matchers: Vec::new(),
            above: None,
            diagnostics: Vec::new(),
        }
    }

    /// Whether the walk leaves out `path` (a folder when `is_dir`): ignored by an ignore file, or
    /// a dependency folder (`skip_dependencies`) that no `!` line lets in.
    pub fn excludes(&mut self, path: &Path, is_dir: bool, skip_dependencies: bool) -> bool {
        match self.verdict(path, is_dir) {
            Verdict::Ignored => true,
            Verdict::Allowed => false,
            Verdict::Unsaid => skip_dependencies && is_dir && is_dependency_folder(path),
        }
    }

    /// What the ignore files of `path`'s folders say of it, the deepest that says something.
    pub fn verdict(&mut self, path: &Path, is_dir: bool) -> Verdict {
        let Ok(inside) = path.strip_prefix(&self.root) else { return Verdict::Unsaid };
        let Some(folder) = inside.parent() else { return Verdict::Unsaid };
        if self.above.as_ref().is_none_or(|(known, _)| known != folder) {
            let above = self.matchers_above(folder);
            self.above = Some((folder.to_path_buf(), above));
        }
        let above = self.above.as_ref().map_or(&[][..], |(_, above)| above.as_slice());
        for &m in above {
            let (rel_folder, matcher) = &self.matchers[m];
            let rel = inside.strip_prefix(rel_folder).unwrap_or(inside);
            match matcher.matched(rel, is_dir) {
                Match::Ignore(_) => return Verdict::Ignored,
                Match::Whitelist(_) => return Verdict::Allowed,
                Match::None => {}
            }
        }
        Verdict::Unsaid
    }

    /// The matchers of `folder` (from the root) and of each folder above it, deepest first.
    fn matchers_above(&mut self, folder: &Path) -> Vec<usize> {
        let mut found = Vec::new();
        let mut folder = Some(folder);
        while let Some(rel_folder) = folder {
            found.extend(self.matcher(rel_folder));
            folder = rel_folder.parent();
        }
        found
    }

    /// The matcher of the ignore files of `rel_folder` (from the root), read the first time.
    fn matcher(&mut self, rel_folder: &Path) -> Option<usize> {
        if let Some(&known) = self.folders.get(rel_folder) {
            return known;
        }
        let read = self.read(&self.root.join(rel_folder));
        let m = read.map(|matcher| {
            self.matchers.push((rel_folder.to_path_buf(), matcher));
            self.matchers.len() - 1
        });
        self.folders.insert(rel_folder.to_path_buf(), m);
        m
    }

    fn read(&mut self, dir: &Path) -> Option<Gitignore> {
        let mut files = Vec::new();
        if dir == self.root {
            files.push(dir.join(".git/info/exclude"));
        }
        files.extend([dir.join(".gitignore"), dir.join(".ignore")]);
        let mut builder = GitignoreBuilder::new(dir);
        let mut any = false;
        for file in files.into_iter().filter(|f| f.is_file()) {
            any = true;
            if let Some(err) = builder.add(&file) {
                let message = format!("part of this ignore file is not understood, the rest applies: {err}");
                self.diagnostics.push(Diagnostic::warning(Location::file(&file), message));
            }
        }
        if !any {
            return None;
        }
        match builder.build() {
            Ok(matcher) => Some(matcher),
            Err(err) => {
                let message = format!("ignore files of this folder not understood: {err}");
                self.diagnostics.push(Diagnostic::warning(Location::file(dir), message));
                None
            }
        }
    }
}

/// Whether the last name of `path` is one of `DEPENDENCY_FOLDERS`.
fn is_dependency_folder(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|name| DEPENDENCY_FOLDERS.contains(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn root_and_nested_ignore_files_apply_the_deepest_first() {
        let dir = site(&[
            (".gitignore", "public/\n*.log\n/secret.md\n"),
            (".git/info/exclude", "local.md\n"),
            (".ignore", "brouillons/\n"),
            ("docs/.gitignore", "!garde.log\n"),
        ]);
        let root = dir.path();
        let mut rules = IgnoreRules::of(root);
        assert!(rules.excludes(&root.join("public"), true, false));
        assert!(rules.excludes(&root.join("a/b/debug.log"), false, false));
        assert!(rules.excludes(&root.join("secret.md"), false, false));
        assert!(!rules.excludes(&root.join("docs/secret.md"), false, false), "anchored to the root");
        assert!(rules.excludes(&root.join("local.md"), false, false));
        assert!(rules.excludes(&root.join("brouillons"), true, false));
        assert!(!rules.excludes(&root.join("docs/garde.log"), false, false), "a deeper `!` line wins");
        assert!(!rules.excludes(&root.join("GUIDE.md"), false, false));
        assert!(rules.diagnostics.is_empty(), "{:?}", rules.diagnostics);
    }

    #[test]
    fn dependency_folders_are_left_out_unless_a_line_lets_them_in() {
        let dir = site(&[(".gitignore", "!build/\n")]);
        let root = dir.path();
        let mut rules = IgnoreRules::of(root);
        assert!(rules.excludes(&root.join("node_modules"), true, true));
        assert!(rules.excludes(&root.join("app/__pycache__"), true, true));
        assert!(!rules.excludes(&root.join("node_modules"), true, false), "only in the content folder");
        assert!(!rules.excludes(&root.join("node_modules"), false, true), "a file of that name is kept");
        assert!(!rules.excludes(&root.join("build"), true, true), "`!build/` lets it in");
    }
}
