//! `carnet init [DIR]`: starts a documentation repository that builds and deploys as it is.
//!
//! Writes `carnet.toml`, an example French guide in `content/`, `render.yaml` (the Blueprint of
//! `site::blueprint`, with the service named after the folder), its build command
//! `scripts/render-build.sh` and a `.gitignore` for the output.
//! A folder holding only `.git` (after `git init`, or a clone of an empty repository) is empty.
//! In a repository that already has guides (`*.md` at its root or in `docs/`), it adds carnet's
//! files around them instead, replacing nothing (`existing`). It refuses any other folder that
//! is not empty, naming what is there, and then writes nothing.

use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Error, Location, Result};
use crate::report::Reporter;

mod existing;
mod files;

use files::write_new_in_folder;
pub use files::{files, BLUEPRINT, RENDER_BUILD_SCRIPT};

/// Starts a repository in `dir` (or adds carnet's files around its guides); the exit code.
pub fn run(dir: &Path, reporter: &Reporter) -> Result<u8> {
    let present = entries(dir)?;
    if !present.is_empty() {
        let Some(content_dir) = existing::guides_folder(dir) else {
            for path in &present {
                reporter.diagnostic(&Diagnostic::error(Location::file(path), "already exists"));
            }
            reporter.diagnostic(&Diagnostic::error(
                Location::file(dir),
                "carnet init starts a repository in an empty folder, or adds carnet to one that has \
                 guides (`*.md` at its root or in docs/); this one has neither: nothing written",
            ));
            return Ok(1);
        };
        existing::adopt(dir, &content_dir, &files(dir), reporter)?;
        print_next(dir, reporter);
        return Ok(0);
    }
    for (rel, text) in files(dir) {
        let path = dir.join(rel);
        write_new_in_folder(&path, &text)?;
        reporter.info(format!("created {}", path.display()));
    }
    print_next(dir, reporter);
    Ok(0)
}

fn print_next(dir: &Path, reporter: &Reporter) {
    let shown = dir.display();
    let serve = if cfg!(feature = "serve") {
        format!("`carnet serve --root {shown}` shows the site while you write (it reloads on every save); ")
    } else {
        String::new()
    };
    reporter.info(format!(
        "Next: {serve}`carnet build --root {shown}` builds the site into {}; push the repository and \
         create a Blueprint from it on Render (render.yaml).",
        dir.join("public").display()
    ));
}

/// What is in `dir` (sorted), or nothing when it does not exist yet.
fn entries(dir: &Path) -> Result<Vec<PathBuf>> {
    match std::fs::read_dir(dir) {
        Ok(read) => {
            let mut paths: Vec<PathBuf> = read
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|path| path.file_name().is_none_or(|name| name != ".git"))
                .collect();
            paths.sort();
            Ok(paths)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            Err(Error::Usage(format!("{}: not a folder", dir.display())))
        }
        Err(e) => Err(Error::io(dir, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_service_is_named_after_the_folder() {
        assert_eq!(files::service_name(Path::new("/tmp/Docs Équipe")), "docs-equipe");
        assert_eq!(files::service_name(Path::new("/")), "docs");
        let files = files(Path::new("/srv/guides-support"));
        let yaml = &files.iter().find(|(rel, _)| *rel == "render.yaml").unwrap().1;
        assert!(yaml.contains("    name: guides-support\n"), "{yaml}");
        assert!(!yaml.contains("{name}"));
    }
}
