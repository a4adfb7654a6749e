//! The output folder: a build writes into a staging folder beside it, and `Staging::commit`
//! swaps it in only when everything succeeded. A failed build drops the staging folder and leaves
//! the previous site exactly as it was; a successful one leaves no stale file.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A staging folder that becomes the output folder on `commit`, and disappears on drop otherwise.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    committed: bool,
}

impl Staging {
    /// Creates an empty staging folder next to `output`.
    pub fn create(output: &Path) -> Result<Staging> {
        let parent = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let dir = parent.join(format!(".{name}.carnet-staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        std::fs::create_dir(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Staging { dir, output: output.to_path_buf(), committed: false })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes a file at `rel` inside the staging folder, creating its folders.
    pub fn write(&self, rel: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> Result<()> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&path, contents).map_err(|e| Error::io(&path, e))
    }

    /// Copies a file into the staging folder at `rel`.
    pub fn copy(&self, from: &Path, rel: impl AsRef<Path>) -> Result<()> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::copy(from, &path).map(|_| ()).map_err(|e| Error::io(from, e))
    }

    /// Replaces the output folder with the staging folder.
    pub fn commit(mut self) -> Result<()> {
        let old = self
            .dir
            .with_file_name(format!("{}.old", self.dir.file_name().unwrap_or_default().to_string_lossy()));
        let had_output = self.output.exists();
        if had_output {
            std::fs::rename(&self.output, &old).map_err(|e| Error::io(&self.output, e))?;
        }
        if let Err(err) = std::fs::rename(&self.dir, &self.output) {
            if had_output {
                let _ = std::fs::rename(&old, &self.output);
            }
            return Err(Error::io(&self.output, err));
        }
        self.committed = true;
        if had_output {
            std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_and_drop_keeps_previous() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        std::fs::create_dir(&output).unwrap();
        std::fs::write(output.join("stale.html"), "old").unwrap();

        let failed = Staging::create(&output).unwrap();
        failed.write("index.html", "half").unwrap();
        drop(failed);
        assert_eq!(std::fs::read_to_string(output.join("stale.html")).unwrap(), "old");

        let staging = Staging::create(&output).unwrap();
        staging.write("a/index.html", "new").unwrap();
        staging.commit().unwrap();
        assert!(!output.join("stale.html").exists());
        assert_eq!(std::fs::read_to_string(output.join("a/index.html")).unwrap(), "new");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "only public/ remains");
    }
}
