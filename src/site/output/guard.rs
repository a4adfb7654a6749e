//! Which folder a build may replace: carnet deletes only what it made.
//!
//! `expand_home` reads `~` in the output path; `check_location` refuses outputs whose
//! replacement would destroy sources (the site root, the content, `static/`, `templates/` and
//! `themes/` folders, whatever holds one of them or lies inside one — but the content folder
//! may hold the configured output, or one git ignores, which the walk never reads) or more (`/`,
//! the home folder); `claim` refuses a file, a link, or a folder holding what carnet did not make. Every
//! build writes `MARK` into the site, so that the next one knows the folder is carnet's.

use std::path::{Component, Path, PathBuf};

use crate::content::ignored::IgnoreRules;
use crate::error::{Error, Result};

/// The file every build writes at the root of the site: the folder is carnet's to replace. It is
/// published with the site, so it says nothing but that.
pub const MARK: &str = ".carnet-site";

/// What `MARK` holds.
pub const MARK_TEXT: &str =
    "This folder is a site built by carnet. Each build replaces it whole: do not keep files here.\n";

/// The flag that lets a build replace a folder carnet did not make.
pub const REPLACE_FLAG: &str = "--replace-output";

/// `path` with a leading `~` made the home folder (`$HOME`); `~name` is refused rather than taken
/// as a folder named `~name`.
pub fn expand_home(path: &Path) -> Result<PathBuf> {
    expand_tilde(path, std::env::var_os("HOME").as_deref())
}

/// `expand_home` with the home folder given.
fn expand_tilde(path: &Path, home: Option<&std::ffi::OsStr>) -> Result<PathBuf> {
    let mut components = path.components();
    let Some(Component::Normal(first)) = components.next() else { return Ok(path.to_path_buf()) };
    if first != "~" {
        if first.as_encoded_bytes().starts_with(b"~") {
            return Err(refusal(path, "`~name` is not expanded; write the folder's full path"));
        }
        return Ok(path.to_path_buf());
    }
    match home.filter(|home| Path::new(home).is_absolute()) {
        Some(home) => Ok(Path::new(home).join(components.as_path())),
        None => Err(refusal(path, "`~` stands for the home folder, and HOME is not set to an absolute path")),
    }
}

/// Refuses output folders whose replacement would destroy sources or more. An output inside
/// the content folder (with `content_dir = "."`, `public/` is) is fine when it is the one
/// `carnet.toml` names (`configured`) or one that the site's ignore files ignore.
pub fn check_location(
    root: &Path,
    [content, statics]: [&Path; 2],
    output: &Path,
    configured: bool,
) -> Result<()> {
    let out = resolved(output);
    let root = resolved(root);
    let content_may_hold_it =
        configured || IgnoreRules::of(&root).verdict(&out, true) == crate::content::ignored::Verdict::Ignored;
    let home = std::env::var_os("HOME").map(|h| resolved(Path::new(&h)));
    let statics_name = format!("the {}/ folder", statics.file_name().unwrap_or_default().to_string_lossy());
    let sources = [
        (resolved(content), "the content folder"),
        (resolved(statics), statics_name.as_str()),
        (root.join("templates"), "the templates/ folder"),
        (root.join("themes"), "the themes/ folder"),
    ];
    let reason = if out.parent().is_none() {
        Some("it is the file system root".to_string())
    } else if home.as_deref() == Some(out.as_path()) {
        Some("it is your home folder".to_string())
    } else if out == root {
        Some("it is the site root".to_string())
    } else if root.starts_with(&out) {
        Some("the site root is inside it".to_string())
    } else {
        sources.iter().find_map(|(source, name)| {
            if out == *source {
                Some(format!("it is {name}"))
            } else if source.starts_with(&out) {
                Some(format!("{name} is inside it"))
            } else if out.starts_with(source) && !(content_may_hold_it && source == &sources[0].0) {
                Some(format!("it is inside {name}"))
            } else {
                None
            }
        })
    };
    match reason {
        Some(reason) => Err(refusal(output, &reason)),
        None => Ok(()),
    }
}

/// Refuses to replace `output` unless it is missing, empty, or a site carnet built; with
/// `replace`, a folder of anything else is taken too. A file or a link is always refused.
pub fn claim(output: &Path, replace: bool) -> Result<()> {
    let meta = match std::fs::symlink_metadata(output) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(output, e)),
    };
    if meta.is_symlink() {
        let target = std::fs::read_link(output).unwrap_or_default();
        let reason = format!(
            "it is a symbolic link (to {}); a build replaces the output folder whole, so name the folder itself",
            target.display()
        );
        return Err(refusal(output, &reason));
    }
    if !meta.is_dir() {
        return Err(refusal(output, "it is a file, not a folder"));
    }
    if replace || is_carnet_folder(output) {
        return Ok(());
    }
    let reason = format!(
        "it holds files carnet did not make ({}) and no {MARK} mark; a build replaces the whole \
         folder and would delete them. Choose another folder, empty this one, or pass {REPLACE_FLAG} \
         to replace it anyway",
        sample_entries(output)
    );
    Err(refusal(output, &reason))
}

/// Whether carnet may replace or reuse the folder `dir`: one it marked, a site an older carnet
/// built (before the mark), or an empty folder.
pub fn is_carnet_folder(dir: &Path) -> bool {
    let is_file = |rel: &str| std::fs::symlink_metadata(dir.join(rel)).is_ok_and(|m| m.is_file());
    if is_file(MARK) {
        return true;
    }
    let fingerprinted =
        is_file("assets/search-manifest.js") && holds_stylesheet(&dir.join("assets/immutable"));
    let plain = is_file("assets/carnet.css") && is_file("assets/nav.js");
    if is_file("index.html") && (fingerprinted || plain) {
        return true;
    }
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

/// Whether `dir` holds a fingerprinted stylesheet, `carnet.<hash>.css`.
fn holds_stylesheet(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else { return false };
    entries.flatten().any(|entry| {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        name.starts_with("carnet.") && name.ends_with(".css") && entry.file_type().is_ok_and(|t| t.is_file())
    })
}

/// A few names of what `dir` holds, for a message: `notes.txt, photos/ and 3 more`.
fn sample_entries(dir: &Path) -> String {
    const SHOWN: usize = 3;
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| {
            let slash = if entry.file_type().is_ok_and(|t| t.is_dir()) { "/" } else { "" };
            format!("{}{slash}", entry.file_name().to_string_lossy())
        })
        .collect();
    names.sort();
    let more = names.len().saturating_sub(SHOWN);
    names.truncate(SHOWN);
    match more {
        0 => names.join(", "),
        n => format!("{} and {n} more", names.join(", ")),
    }
}

fn refusal(output: &Path, reason: &str) -> Error {
    Error::Usage(format!("refusing output folder {}: {reason}", output.display()))
}

/// An absolute path with `.` and `..` resolved and, for the part that exists, symbolic links
/// followed: `public/../..` and a link to `/` are seen for what they are.
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut lexical = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    // Follow links on the longest existing prefix, keep the rest as written.
    let mut existing = lexical.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name().map(|n| n.to_os_string()), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return lexical,
        }
    }
    let mut real = existing.canonicalize().unwrap_or(existing);
    real.extend(rest.iter().rev());
    real
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leading_tilde_is_the_home_folder_and_tilde_names_are_refused() {
        let home = Some(std::ffi::OsStr::new("/home/ana"));
        let expand = |path: &str| expand_tilde(Path::new(path), home);
        assert_eq!(expand("~").unwrap(), Path::new("/home/ana"));
        assert_eq!(expand("~/site/x").unwrap(), Path::new("/home/ana/site/x"));
        assert_eq!(expand("./~").unwrap(), Path::new("./~"));
        assert_eq!(expand("a/~").unwrap(), Path::new("a/~"));
        let refused = expand("~bob/site").unwrap_err().to_string();
        assert!(refused.contains("refusing output folder ~bob/site"), "{refused}");
        for unusable in [None, Some(std::ffi::OsStr::new("")), Some(std::ffi::OsStr::new("relative"))] {
            let refused = expand_tilde(Path::new("~/site"), unusable).unwrap_err().to_string();
            assert!(refused.contains("HOME is not set"), "{refused}");
        }
    }

    #[test]
    fn sources_and_what_holds_them_are_refused_as_output() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        for folder in ["content/a", "static", "templates", "themes/t"] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
        }
        let content = root.join("content");
        let statics = root.join("static");
        let refused =
            |out: &str| check_location(&root, [&content, &statics], &root.join(out), false).is_err();
        for out in
            [".", "..", "content", "content/x", "./static/", "static/x", "templates", "themes", "themes/t/x"]
        {
            assert!(refused(out), "{out} must be refused");
        }
        for out in ["public", "../public", "static-site", "contents"] {
            assert!(!refused(out), "{out} is fine");
        }
        let message = check_location(&root, [&content, &statics], &root.join("./static/"), true)
            .unwrap_err()
            .to_string();
        assert!(message.ends_with("it is the static/ folder"), "{message}");
    }

    #[test]
    fn an_output_inside_the_content_folder_is_fine_when_configured_or_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("static")).unwrap();
        std::fs::write(root.join(".gitignore"), "/public/\n").unwrap();
        // `content_dir = "."`: the site root is the content folder.
        let statics = root.join("static");
        let check =
            |out: &str, configured| check_location(root, [root, &statics], &root.join(out), configured);
        assert!(check("public", false).is_ok(), "git ignores it");
        assert!(check("site", true).is_ok(), "carnet.toml names it");
        let message = check("site", false).unwrap_err().to_string();
        assert!(message.ends_with("it is inside the content folder"), "{message}");
        for source in [".", "static", "static/public"] {
            assert!(check(source, true).is_err(), "{source} must stay refused");
        }
    }

    #[test]
    fn a_folder_is_carnet_s_when_marked_built_by_an_older_carnet_or_empty() {
        let dir = tempfile::tempdir().unwrap();
        let site = |files: &[&str]| {
            let folder = tempfile::tempdir_in(dir.path()).unwrap();
            for rel in files {
                let path = folder.path().join(rel);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, "x").unwrap();
            }
            is_carnet_folder(folder.path())
        };
        assert!(site(&[]));
        assert!(site(&[MARK, "notes.txt"]));
        assert!(site(&["index.html", "assets/search-manifest.js", "assets/immutable/carnet.0a1b2c3d.css"]));
        assert!(site(&["index.html", "assets/carnet.css", "assets/nav.js"]));
        assert!(!site(&["notes.txt"]));
        assert!(!site(&["index.html", "assets/search-manifest.js"]));
        assert!(!site(&["assets/carnet.css", "assets/nav.js"]));
    }
}
