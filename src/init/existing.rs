//! `carnet init` in a repository that already has guides (an application's, with its guides at
//! the root or in `docs/`): finds where they are and adds what carnet needs, never replacing a
//! file.
//!
//! `guides_folder` says where the guides are; `adopt` writes `carnet.toml` (pointing
//! `content_dir` at them) and `render.yaml` when they are missing, and adds the output folders
//! to `.gitignore` (created, or appended to).

use std::path::Path;

use crate::error::{Error, Result};
use crate::report::Reporter;

/// The `.md` files every repository has beside its code: not a sign of a guides folder.
const REPOSITORY_FILES: &[&str] =
    &["readme", "changelog", "license", "licence", "contributing", "code_of_conduct", "security", "authors"];

/// The folders where a repository's guides usually live, besides its root.
const DOCS_FOLDERS: &[&str] = &["docs", "doc"];

/// The lines `.gitignore` needs: the built site, the one kept to write over, carnet installed by
/// Render's build.
const IGNORED: &[&str] = &["/public/", "/.public.carnet-previous/", "/.carnet/"];

/// Where the guides of `dir` are, as `content_dir` would say it: `.` when its root holds guides
/// of its own (more than a README), else a docs folder holding some, else `.` when the root
/// holds at least a README; `None` when there is no guide.
pub(super) fn guides_folder(dir: &Path) -> Option<String> {
    let root_guides: Vec<String> = md_files(dir, 1);
    if root_guides.iter().any(|name| !is_repository_file(name)) {
        return Some(".".into());
    }
    if let Some(docs) = DOCS_FOLDERS.iter().find(|docs| !md_files(&dir.join(docs), 4).is_empty()) {
        return Some((*docs).to_string());
    }
    (!root_guides.is_empty()).then(|| ".".into())
}

/// The names of the `.md` files of `dir`, down to `depth` levels, hidden folders and
/// dependency folders left out.
fn md_files(dir: &Path, depth: usize) -> Vec<String> {
    let skipped = |entry: &walkdir::DirEntry| {
        let name = entry.file_name().to_string_lossy();
        entry.depth() > 0
            && (name.starts_with('.') || crate::content::ignored::DEPENDENCY_FOLDERS.contains(&name.as_ref()))
    };
    walkdir::WalkDir::new(dir)
        .max_depth(depth)
        .into_iter()
        .filter_entry(|entry| !skipped(entry))
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_type().is_file() && crate::content::walk::is_guide(entry.path()))
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect()
}

fn is_repository_file(name: &str) -> bool {
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem).to_lowercase();
    REPOSITORY_FILES.contains(&stem.as_str())
}

/// Adds carnet to the repository `dir` whose guides are in `content_dir`: `files` are those of a
/// new repository (`init::files`), of which the missing `carnet.toml`, `render.yaml` and its build script are
/// written, adapted; `.gitignore` gets the lines it lacks.
pub(super) fn adopt(
    dir: &Path,
    content_dir: &str,
    files: &[(&str, String)],
    reporter: &Reporter,
) -> Result<()> {
    let folder = if content_dir == "." { dir.to_path_buf() } else { dir.join(content_dir) };
    reporter.info(format!("guides found in {}: content_dir = \"{content_dir}\"", folder.display()));
    for (rel, text) in files {
        let path = dir.join(rel);
        let text = match *rel {
            "carnet.toml" => format!("{text}# Le dossier des guides, dans le dépôt de l'application :\ncontent_dir = \"{content_dir}\"\n"),
            "render.yaml" => blueprint_for(text, content_dir),
            super::files::RENDER_BUILD_SCRIPT => text.clone(),
            ".gitignore" => {
                add_ignored_lines(&path, text, reporter)?;
                continue;
            }
            _ => continue,
        };
        if std::fs::symlink_metadata(&path).is_ok() {
            reporter.info(format!("kept {} as it is (check that it suits carnet)", path.display()));
            continue;
        }
        super::files::write_new_in_folder(&path, &text)?;
        reporter.info(format!("created {}", path.display()));
    }
    Ok(())
}

/// The Blueprint of a new repository, building when the guides change where they are.
fn blueprint_for(text: &str, content_dir: &str) -> String {
    if content_dir == "." {
        // At the root, README.md is a guide too.
        text.replace("        - content/**\n", "        - \"**/*.md\"\n").replace("        - README.md\n", "")
    } else {
        text.replace("        - content/**\n", &format!("        - {content_dir}/**\n"))
    }
}

/// Creates `.gitignore` as `template`, or appends to it the lines of `IGNORED` it lacks.
fn add_ignored_lines(path: &Path, template: &str, reporter: &Reporter) -> Result<()> {
    let existing = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            super::files::write_new(path, template)?;
            reporter.info(format!("created {}", path.display()));
            return Ok(());
        }
        Err(e) => return Err(Error::io(path, e)),
    };
    let missing: Vec<&str> =
        IGNORED.iter().copied().filter(|line| !existing.lines().any(|l| l.trim() == *line)).collect();
    if missing.is_empty() {
        reporter.info(format!("kept {} (it already ignores the built site)", path.display()));
        return Ok(());
    }
    let separator = if existing.is_empty() || existing.ends_with('\n') { "" } else { "\n" };
    let added = format!(
        "{separator}# carnet: the built site, the previous one, carnet itself.\n{}\n",
        missing.join("\n")
    );
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().append(true).open(path).map_err(|e| Error::io(path, e))?;
    file.write_all(added.as_bytes()).map_err(|e| Error::io(path, e))?;
    reporter.info(format!("added {} to {}", missing.join(" "), path.display()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for rel in files {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "# x\n").unwrap();
        }
        dir
    }

    #[test]
    fn the_guides_are_found_at_the_root_or_in_docs() {
        let at_root = repo(&["README.md", "GUIDE_RENDER_COMPLET.md", "docs/a.md", "core/wsgi.py"]);
        assert_eq!(guides_folder(at_root.path()).as_deref(), Some("."));
        let in_docs = repo(&["README.md", "LICENSE.md", "docs/guide/installer.md"]);
        assert_eq!(guides_folder(in_docs.path()).as_deref(), Some("docs"));
        let readme_only = repo(&["README.md", "node_modules/pkg/README.md", "src/main.rs"]);
        assert_eq!(guides_folder(readme_only.path()).as_deref(), Some("."));
        let no_guides = repo(&["notes.txt", "node_modules/docs/a.md", ".venv/docs/b.md"]);
        assert_eq!(guides_folder(no_guides.path()), None);
    }

    #[test]
    fn the_blueprint_builds_when_the_guides_change() {
        let blueprint = super::super::BLUEPRINT;
        let at_root = blueprint_for(blueprint, ".");
        assert!(at_root.contains("        - \"**/*.md\"\n") && !at_root.contains("content/**"));
        assert!(!at_root.contains("- README.md"), "{at_root}");
        let in_docs = blueprint_for(blueprint, "docs");
        assert!(in_docs.contains("        - docs/**\n") && in_docs.contains("- README.md"));
    }
}
