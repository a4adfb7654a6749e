//! The output folder: a build writes into a staging folder beside it, and `Staging::commit`
//! swaps it in only when everything succeeded. A failed build leaves the previous site exactly
//! as it was and removes its staging folder; a successful one leaves no stale file.
//!
//! On Linux the staging folder starts as the site two builds old, written over in place
//! (`recycle`), and the site a commit replaces is kept for the next build instead of deleted.
//! Only folders carnet made are ever replaced, reused or removed (`guard`).

pub mod guard;
#[cfg(target_os = "linux")]
mod recycle;
mod removal;
#[cfg(target_os = "linux")]
pub use recycle::{lock_folder, FolderLock};
pub use removal::remove_tree;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::error::{Error, Result};
use guard::{MARK, MARK_TEXT};

/// A staging folder that becomes the output folder on `commit`. Dropped without a commit (a failed
/// build), it is removed, but for a kept site the build never wrote into, which is kept again.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    committed: bool,
    /// The folder is the kept previous site, borrowed for this build.
    borrowed: bool,
    /// Whether this build has written, copied or renamed anything in the folder.
    touched: AtomicBool,
    /// The first file that could not be written because the disk was full.
    disk_full: OnceLock<PathBuf>,
    /// When the folder started as an old site: the files written by this build (paths from the
    /// staging folder), to tell them from the old ones left over.
    written: Option<Mutex<HashSet<PathBuf>>>,
    /// The old site's cleaning (`recycle::sanitize`), running while the build reads the guides.
    cleaning: Mutex<Option<std::thread::JoinHandle<std::io::Result<()>>>>,
    /// Set once the folder is ready to be written (the cleaning done, or nothing to clean).
    ready: OnceLock<std::result::Result<(), (std::io::ErrorKind, String)>>,
    /// Held while the build runs: tells other builds this folder is not abandoned (Linux).
    #[cfg(target_os = "linux")]
    held_lock: Option<recycle::FolderLock>,
}

impl Staging {
    /// Creates the staging folder next to `output`: the site two builds old when one was kept
    /// (Linux), else an empty folder.
    pub fn create(output: &Path) -> Result<Staging> {
        let parent = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let dir = parent.join(format!(".{name}.carnet-staging-{}", std::process::id()));
        if let Ok(meta) = std::fs::symlink_metadata(&dir) {
            // Left by a process of the same id, long gone: removed if carnet made it.
            if !meta.is_dir() || !guard::is_carnet_folder(&dir) {
                let message =
                    format!("{} is in the way of the build and carnet did not make it", dir.display());
                return Err(Error::Usage(message));
            }
            remove_tree(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        let mut staging = Staging {
            dir,
            output: output.to_path_buf(),
            committed: false,
            borrowed: false,
            touched: AtomicBool::new(false),
            disk_full: OnceLock::new(),
            written: None,
            cleaning: Mutex::new(None),
            ready: OnceLock::new(),
            #[cfg(target_os = "linux")]
            held_lock: None,
        };
        if staging.reuse_previous() {
            staging.written = Some(Mutex::default());
        } else {
            std::fs::create_dir(&staging.dir)
                .map_err(|e| staging.explain(staging.failed(&staging.dir, e)))?;
            // Marked at once: an interrupted build's folder is known to be carnet's.
            staging.write(MARK, MARK_TEXT).map_err(|e| staging.explain(e))?;
        }
        #[cfg(target_os = "linux")]
        if staging.held_lock.is_none() {
            staging.held_lock = recycle::lock_folder(&staging.dir).ok().flatten();
        }
        Ok(staging)
    }

    /// Takes the kept site as the staging folder (renamed: a build running at the same time
    /// cannot take it too), else the folder of a build that never finished (killed, interrupted),
    /// and starts cleaning it; false when there is neither. Other abandoned folders are removed
    /// by the same cleaning, so that an interrupted build never leaves a copy of the site behind
    /// for good. A folder carnet did not make is never taken (`guard::is_carnet_folder`).
    #[cfg(target_os = "linux")]
    fn reuse_previous(&mut self) -> bool {
        let previous = recycle::previous_path(&self.output);
        let mut reused = std::fs::symlink_metadata(&previous).is_ok_and(|m| m.is_dir())
            && guard::is_carnet_folder(&previous)
            && std::fs::rename(&previous, &self.dir).is_ok();
        self.borrowed = reused;
        let mut leftovers = Vec::new();
        for (path, folder_lock) in recycle::abandoned_stagings(&self.output, &self.dir) {
            if !reused && std::fs::rename(&path, &self.dir).is_ok() {
                // Renamed, the locked folder is now this build's own.
                self.held_lock = Some(folder_lock);
                reused = true;
            } else {
                leftovers.push((path, folder_lock));
            }
        }
        if !reused && leftovers.is_empty() {
            return false;
        }
        let dir = reused.then(|| self.dir.clone());
        *lock(&self.cleaning) = Some(std::thread::spawn(move || {
            for (path, _held_until_removed) in leftovers {
                let _ = remove_tree(&path);
            }
            dir.map_or(Ok(()), |dir| recycle::sanitize(&dir))
        }));
        reused
    }

    #[cfg(not(target_os = "linux"))]
    fn reuse_previous(&mut self) -> bool {
        false
    }

    /// Waits for the old site's cleaning; if it failed, starts from an empty folder instead.
    fn ready(&self) -> Result<()> {
        let ready = self.ready.get_or_init(|| {
            let cleaned = match lock(&self.cleaning).take() {
                Some(cleaning) => {
                    cleaning.join().unwrap_or_else(|_| Err(std::io::Error::other("cleaning panicked")))
                }
                None => Ok(()),
            };
            if cleaned.is_ok() {
                return Ok(());
            }
            let _ = remove_tree(&self.dir);
            self.touched.store(true, Ordering::Relaxed);
            std::fs::create_dir(&self.dir)
                .and_then(|()| std::fs::write(self.dir.join(MARK), MARK_TEXT))
                .map_err(|e| (e.kind(), e.to_string()))
        });
        ready.clone().map_err(|(kind, message)| self.failed(&self.dir, std::io::Error::new(kind, message)))
    }

    /// The error for `path`, noting a full disk.
    fn failed(&self, path: &Path, err: std::io::Error) -> Error {
        if is_disk_full(&err) {
            let _ = self.disk_full.set(path.to_path_buf());
        }
        Error::io(path, err)
    }

    /// `err`, or what it comes from: a full disk, once one was met. Every write error of a
    /// build that filled the disk comes from it, and one message says so and where.
    pub fn explain(&self, err: Error) -> Error {
        match self.disk_full.get() {
            Some(path) => {
                let folder = self.dir.parent().unwrap_or(Path::new(".")).to_path_buf();
                let path = match path.strip_prefix(&self.dir) {
                    Ok(rel) if !rel.as_os_str().is_empty() => rel.to_path_buf(),
                    _ => path.clone(),
                };
                Error::DiskFull { folder, path }
            }
            None => err,
        }
    }

    /// Writes a file at `rel` inside the staging folder, creating its folders.
    pub fn write(&self, rel: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> Result<()> {
        self.ready()?;
        let (rel, contents) = (rel.as_ref(), contents.as_ref());
        let path = self.dir.join(rel);
        self.touched.store(true, Ordering::Relaxed);
        if self.reused(rel) && self.overwrite(&path, contents)? {
            return Ok(());
        }
        self.create_parent(&path)?;
        std::fs::write(&path, contents).map_err(|e| self.failed(&path, e))
    }

    /// Copies a file into the staging folder at `rel`.
    pub fn copy(&self, from: &Path, rel: impl AsRef<Path>) -> Result<()> {
        self.ready()?;
        let rel = rel.as_ref();
        let path = self.dir.join(rel);
        self.touched.store(true, Ordering::Relaxed);
        if self.reused(rel) {
            // Copied files are few: replaced, never written over (`copy` follows links).
            match std::fs::symlink_metadata(&path) {
                Ok(meta) if meta.is_dir() => remove_tree(&path).map_err(|e| Error::io(&path, e))?,
                Ok(_) => std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?,
                Err(_) => {}
            }
        }
        self.create_parent(&path)?;
        std::fs::copy(from, &path).map(|_| ()).map_err(|e| match is_disk_full(&e) {
            true => self.failed(&path, e),
            false => Error::io(from, e),
        })
    }

    /// Renames a folder of the staging folder, if there is one (`from` and `to` from its root);
    /// a folder already at `to` is replaced.
    pub fn rename_dir(&self, from: &str, to: &str) -> Result<()> {
        self.ready()?;
        let (from_path, to_path) = (self.dir.join(from), self.dir.join(to));
        if !from_path.is_dir() {
            return Ok(());
        }
        self.touched.store(true, Ordering::Relaxed);
        if self.written.is_some() && to_path.exists() {
            remove_tree(&to_path).map_err(|e| Error::io(&to_path, e))?;
        }
        std::fs::rename(&from_path, &to_path).map_err(|e| self.failed(&to_path, e))?;
        if let Some(written) = &self.written {
            let mut written = lock(written);
            let moved: Vec<PathBuf> = written.iter().filter(|p| p.starts_with(from)).cloned().collect();
            for path in moved {
                written.remove(&path);
                let rest = path.strip_prefix(from).unwrap_or(&path);
                written.insert(Path::new(to).join(rest));
            }
        }
        Ok(())
    }

    /// When the staging folder started as an old site: moves its folder `parent/<prefix>…` (one
    /// whose name starts with `prefix`, other than `to`) to `to`, so that what the build writes
    /// there goes over the old files. Used for folders named after their contents.
    pub fn adopt_dir(&self, parent: &str, prefix: &str, to: &str) -> Result<()> {
        self.ready()?;
        if self.written.is_none() {
            return Ok(());
        }
        let to_path = self.dir.join(to);
        if to_path.exists() {
            return Ok(());
        }
        let Ok(entries) = std::fs::read_dir(self.dir.join(parent)) else { return Ok(()) };
        let found = entries.flatten().find(|e| {
            e.file_name().to_string_lossy().starts_with(prefix) && e.file_type().is_ok_and(|t| t.is_dir())
        });
        if let Some(entry) = found {
            self.touched.store(true, Ordering::Relaxed);
            std::fs::rename(entry.path(), &to_path).map_err(|e| self.failed(&to_path, e))?;
        }
        Ok(())
    }

    /// Notes `rel` as written; whether the staging folder started as an old site.
    fn reused(&self, rel: &Path) -> bool {
        match &self.written {
            Some(written) => {
                lock(written).insert(rel.to_path_buf());
                true
            }
            None => false,
        }
    }

    #[cfg(target_os = "linux")]
    fn overwrite(&self, path: &Path, contents: &[u8]) -> Result<bool> {
        recycle::overwrite(path, contents).map_err(|e| self.failed(path, e))
    }

    #[cfg(not(target_os = "linux"))]
    fn overwrite(&self, _: &Path, _: &[u8]) -> Result<bool> {
        Ok(false)
    }

    fn create_parent(&self, path: &Path) -> Result<()> {
        let Some(parent) = path.parent() else { return Ok(()) };
        let created = std::fs::create_dir_all(parent);
        #[cfg(target_os = "linux")]
        let created = match created {
            // An old site's file may stand where a folder is now needed.
            Err(_) if self.written.is_some() => {
                recycle::clear_way(&self.dir, path).and_then(|()| std::fs::create_dir_all(parent))
            }
            other => other,
        };
        created.map_err(|e| self.failed(parent, e))
    }

    /// Marks the site as carnet's and replaces the output folder with it; the site it replaces
    /// is kept for the next build to write over (Linux), else deleted.
    pub fn commit(mut self) -> Result<()> {
        self.swap().map_err(|e| self.explain(e))
    }

    fn swap(&mut self) -> Result<()> {
        self.write(MARK, MARK_TEXT)?;
        if let Some(written) = self.written.take() {
            let written = written.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
            self.remove_stale(&written)?;
        }
        if self.output.is_dir() && exchange(&self.dir, &self.output).is_ok() {
            // One atomic step: the output folder is the new site, the staging path the old one.
            // Killed at any moment, a reader finds a whole site at the output path.
            self.committed = true;
            return self.keep_or_remove(&self.dir);
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
            self.keep_or_remove(&old)?;
        }
        Ok(())
    }

    /// Removes what the old site held and this build did not write.
    #[cfg(target_os = "linux")]
    fn remove_stale(&self, written: &HashSet<PathBuf>) -> Result<()> {
        recycle::remove_stale(&self.dir, written).map_err(|e| Error::io(&self.dir, e))
    }

    #[cfg(not(target_os = "linux"))]
    fn remove_stale(&self, _: &HashSet<PathBuf>) -> Result<()> {
        Ok(())
    }

    /// Keeps a replaced site as the next build's starting point (Linux), or deletes it. A folder
    /// carnet did not make (replaced with `--replace-output`) is deleted, never kept.
    fn keep_or_remove(&self, old: &Path) -> Result<()> {
        #[cfg(target_os = "linux")]
        if guard::is_carnet_folder(old) && std::fs::rename(old, recycle::previous_path(&self.output)).is_ok()
        {
            return Ok(());
        }
        remove_tree(old).map_err(|e| Error::io(old, e))
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
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
    /// A failed build's folder is removed, so that it never fills the disk nor becomes the next
    /// build's starting point; a kept site borrowed by a build that failed before writing
    /// anything is kept again (Linux).
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        let _ = self.ready();
        #[cfg(target_os = "linux")]
        if self.borrowed
            && !self.touched.load(Ordering::Relaxed)
            && std::fs::rename(&self.dir, recycle::previous_path(&self.output)).is_ok()
        {
            return;
        }
        let _ = remove_tree(&self.dir);
    }
}

/// Whether `err` says that the disk (or the user's quota on it) is full.
fn is_disk_full(err: &std::io::Error) -> bool {
    #[cfg(target_os = "linux")]
    if err.raw_os_error() == Some(libc::EDQUOT) {
        return true;
    }
    err.kind() == std::io::ErrorKind::StorageFull
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

#[cfg(test)]
mod tests;
