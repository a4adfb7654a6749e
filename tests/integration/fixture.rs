//! A fixture site in a temporary folder, and the real `carnet` binary run over it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Site {
    dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Site {
    pub fn new() -> Site {
        Site { dir: tempfile::tempdir().expect("temporary folder") }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file of the site (folders created as needed).
    pub fn file(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Site {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.dir.path().join(rel)).unwrap();
    }

    /// Runs `carnet <args>` in the site root.
    pub fn carnet(&self, args: &[&str]) -> Run {
        self.carnet_with_env(args, &[])
    }

    /// Runs `carnet <args>` in the site root with the environment variables `env` set.
    pub fn carnet_with_env(&self, args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> Run {
        let output: Output = Command::new(env!("CARGO_BIN_EXE_carnet"))
            .args(args)
            .current_dir(self.dir.path())
            .envs(env.iter().copied())
            .output()
            .expect("run carnet");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `carnet build`, which must succeed.
    pub fn build(&self) -> Run {
        let run = self.carnet(&["build"]);
        assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
        run
    }

    pub fn output(&self, rel: &str) -> PathBuf {
        self.dir.path().join("public").join(rel)
    }

    /// A file of the built site, as text.
    pub fn read(&self, rel: &str) -> String {
        let path = self.output(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The path from the site root of the fingerprinted asset `name` (`carnet.css`, `nav.js`) that
    /// the home page loads.
    pub fn asset(&self, name: &str) -> String {
        asset_in(&self.read("index.html"), name)
    }

    /// Every file under the output folder with its contents, sorted.
    pub fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        let public = self.dir.path().join("public");
        let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&public)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(&public).unwrap().to_string_lossy().into_owned();
                (rel, std::fs::read(e.path()).unwrap())
            })
            .collect();
        files.sort();
        files
    }
}

/// The path from the site root of the asset `name` (`carnet.css`) that `html` names:
/// `assets/immutable/carnet.<8 hex digits>.css` in a build, `assets/carnet.css` in the preview
/// (which keeps plain names), whatever the prefix leading to the root.
pub fn asset_in(html: &str, name: &str) -> String {
    let plain = format!("assets/{name}");
    if html.contains(&format!("/{plain}\"")) || html.contains(&format!("\"{plain}\"")) {
        return plain;
    }
    let (stem, ext) = name.rsplit_once('.').unwrap();
    let needle = format!("assets/immutable/{stem}.");
    html.match_indices(&needle)
        .find_map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            let hash = rest.get(..8)?;
            let fits =
                hash.chars().all(|c| c.is_ascii_hexdigit()) && rest[8..].starts_with(&format!(".{ext}\""));
            fits.then(|| format!("{needle}{hash}.{ext}"))
        })
        .unwrap_or_else(|| panic!("no fingerprinted {name} in the page:\n{html}"))
}
