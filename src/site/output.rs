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
        if self.output.is_dir() && exchange(&self.dir, &self.output).is_ok() {
            // One atomic step: the output folder is the new site, the staging path the old one.
            // Killed at any moment, a reader finds a whole site at the output path.
            self.committed = true;
            return remove_tree(&self.dir).map_err(|e| Error::io(&self.dir, e));
        }
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
            remove_tree(&old).map_err(|e| Error::io(&old, e))?;
        }
        Ok(())
    }
}

/// Swaps two paths atomically (Linux `renameat2` with `RENAME_EXCHANGE`); an error where the
/// system or the file system cannot, and the caller renames in two steps.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    let b = CString::new(b.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    // SAFETY: two valid NUL-terminated paths, relative to the current folder.
    let done = unsafe {
        libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE)
    };
    if done == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_tree(&self.dir);
        }
    }
}

/// Where a build hands its files: `(path from the output root, contents)`; called from several
/// threads. A full build writes into a `Staging` folder, `carnet serve`'s updates in place
/// (`write_in_place`).
pub type Sink<'s> = &'s (dyn Fn(&str, Vec<u8>) -> Result<()> + Sync);

/// Replaces one file of a served folder at once: written beside it, then renamed over it, so a
/// reader gets the old file or the new one, never half of one.
pub fn write_in_place(dir: &Path, rel: &str, contents: &[u8]) -> Result<()> {
    let path = dir.join(rel);
    let parent = path.parent().unwrap_or(dir);
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = parent.join(format!(".{name}.carnet-{}.tmp", std::process::id()));
    std::fs::write(&temporary, contents).map_err(|e| Error::io(&temporary, e))?;
    std::fs::rename(&temporary, &path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        Error::io(&path, e)
    })
}

/// How many removals are in flight at once. Removal is bound by the disk's latency, not the CPU:
/// on disks where each unlink or rmdir waits (ext4 with `discard`, network file systems), many at
/// once make removing a 10,000-page site several times faster than one after the other.
const REMOVAL_THREADS: usize = 32;

/// Removes a folder and everything under it: files first, then folders, deepest first.
pub fn remove_tree(dir: &Path) -> std::io::Result<()> {
    let mut files = Vec::new();
    let mut dirs: Vec<(usize, PathBuf)> = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry
            .map_err(|e| e.into_io_error().unwrap_or_else(|| std::io::Error::other("file system loop")))?;
        if entry.file_type().is_dir() {
            dirs.push((entry.depth(), entry.into_path()));
        } else {
            files.push(entry.into_path());
        }
    }
    in_parallel(&files, |file| std::fs::remove_file(file))?;
    dirs.sort_by_key(|d| std::cmp::Reverse(d.0));
    for level in dirs.chunk_by(|a, b| a.0 == b.0) {
        in_parallel(level, |(_, dir)| std::fs::remove_dir(dir))?;
    }
    Ok(())
}

/// Runs `op` on every item from `REMOVAL_THREADS` threads; the first error wins.
fn in_parallel<T: Sync>(items: &[T], op: impl Fn(&T) -> std::io::Result<()> + Sync) -> std::io::Result<()> {
    if items.len() < 64 {
        return items.iter().try_for_each(op);
    }
    let chunk = items.len().div_ceil(REMOVAL_THREADS);
    std::thread::scope(|scope| {
        let workers: Vec<_> =
            items.chunks(chunk).map(|part| scope.spawn(|| part.iter().try_for_each(&op))).collect();
        workers.into_iter().try_for_each(|w| {
            w.join().unwrap_or_else(|_| Err(std::io::Error::other("removal thread panicked")))
        })
    })
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

    #[test]
    fn in_place_writes_replace_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        write_in_place(dir.path(), "a/b/index.html", b"one").unwrap();
        write_in_place(dir.path(), "a/b/index.html", b"two").unwrap();
        assert_eq!(std::fs::read(dir.path().join("a/b/index.html")).unwrap(), b"two");
        let names: Vec<_> =
            std::fs::read_dir(dir.path().join("a/b")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["index.html"], "no temporary file is left");
    }

    #[test]
    fn remove_tree_removes_deep_and_wide_trees() {
        let dir = tempfile::tempdir().unwrap();
        let tree = dir.path().join("old");
        for i in 0..300 {
            let page = tree.join(format!("section-{}/guide-{i}", i % 7));
            std::fs::create_dir_all(&page).unwrap();
            std::fs::write(page.join("index.html"), "x").unwrap();
        }
        remove_tree(&tree).unwrap();
        assert!(!tree.exists());
        assert!(remove_tree(&tree).is_err(), "a missing folder is an error");
    }
}
