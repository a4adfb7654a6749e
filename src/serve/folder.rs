//! The preview's private folder in the system's temporary folder: `carnet-serve-PID-NONCE`.
//!
//! `PreviewFolder::create` 1. removes the folders of previews that were killed before they could
//! clean up (`remove_stale`), 2. creates a new one, readable by its owner only (mode 0700), and
//! 3. holds a lock on it (`flock`, Linux) for as long as the process lives. A folder is stale only
//! if carnet made it (its name), it belongs to this user, the process named in it is gone and
//! nobody holds its lock: a running preview's folder is never touched. `remove_when_stopped`
//! then watches the folders still in use for a moment: a preview killed just before this one
//! started may still be exiting.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::error::{Error, Result};
#[cfg(target_os = "linux")]
use crate::site::output::{lock_folder, FolderLock};

const PREFIX: &str = "carnet-serve-";

/// The folder of this preview, locked while it lives; `remove` deletes it.
#[derive(Debug)]
pub struct PreviewFolder {
    path: PathBuf,
    /// Stale folders removed before this one was made.
    pub cleaned: Vec<PathBuf>,
    /// The other previews' folders, in use when this one was made (see `remove_when_stopped`).
    pub in_use: Vec<Folder>,
    #[cfg(target_os = "linux")]
    _lock: FolderLock,
}

impl PreviewFolder {
    /// Cleans up after killed previews in `parent`, then makes this process's folder there.
    pub fn create(parent: &Path) -> Result<PreviewFolder> {
        let (cleaned, in_use) = remove_stale(parent);
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_nanos();
        let mut attempt = 0u32;
        loop {
            let nonce = nanos as u64 ^ u64::from(attempt).rotate_left(32);
            let path = parent.join(format!("{PREFIX}{}-{nonce:x}", std::process::id()));
            match create_private(&path) {
                Ok(()) => return PreviewFolder::locked(path, cleaned, in_use),
                // Someone made that name first: never reuse a folder we did not create.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 16 => attempt += 1,
                Err(e) => return Err(Error::io(&path, e)),
            }
        }
    }

    #[cfg(target_os = "linux")]
    fn locked(path: PathBuf, cleaned: Vec<PathBuf>, in_use: Vec<Folder>) -> Result<PreviewFolder> {
        match lock_folder(&path) {
            Ok(Some(lock)) => Ok(PreviewFolder { path, cleaned, in_use, _lock: lock }),
            Ok(None) => Err(Error::io(&path, std::io::Error::other("locked by another process"))),
            Err(e) => Err(Error::io(&path, e)),
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn locked(path: PathBuf, cleaned: Vec<PathBuf>, in_use: Vec<Folder>) -> Result<PreviewFolder> {
        Ok(PreviewFolder { path, cleaned, in_use })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Deletes the folder and everything in it (the lock goes with the value).
    pub fn remove(self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A new folder at `path` (never an existing one), readable and writable by its owner only.
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(0o700).create(path)?;
        // The umask can only take bits away; set the mode whatever it was.
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    builder.create(path)
}

/// The process id in a preview folder's name, if carnet could have made it:
/// `carnet-serve-<pid>-<hex nonce>`.
pub fn owner_pid(name: &str) -> Option<u32> {
    let (pid, nonce) = name.strip_prefix(PREFIX)?.split_once('-')?;
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    if !digits(pid, 10) || !digits(nonce, 16) {
        return None;
    }
    pid.parse().ok()
}

/// Another preview's folder: its path and the process named in it.
pub type Folder = (PathBuf, u32);

/// Removes the folders in `parent` of previews that stopped without cleaning up; returns those
/// removed, and the other previews' folders, still in use.
#[cfg(target_os = "linux")]
fn remove_stale(parent: &Path) -> (Vec<PathBuf>, Vec<Folder>) {
    let (mut removed, mut in_use) = (Vec::new(), Vec::new());
    for (path, pid) in other_previews(parent) {
        if remove_if_stopped(&path, pid) {
            removed.push(path);
        } else if path.exists() {
            in_use.push((path, pid));
        }
    }
    (removed, in_use)
}

#[cfg(not(target_os = "linux"))]
fn remove_stale(_parent: &Path) -> (Vec<PathBuf>, Vec<Folder>) {
    (Vec::new(), Vec::new())
}

/// Watches `in_use` for up to `patience` and removes each folder whose preview stops meanwhile:
/// one killed just before this start may take a moment to exit and let go of its lock.
pub fn remove_when_stopped(mut in_use: Vec<Folder>, patience: Duration) -> Vec<PathBuf> {
    let deadline = Instant::now() + patience;
    let mut removed = Vec::new();
    while !in_use.is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
        in_use.retain(|(path, pid)| {
            let gone = remove_if_stopped(path, *pid);
            if gone {
                removed.push(path.clone());
            }
            !gone && path.exists()
        });
    }
    removed
}

/// The preview folders in `parent` that carnet could have made for this user, this process's
/// aside: real folders (not links) named `carnet-serve-PID-NONCE`.
#[cfg(target_os = "linux")]
fn other_previews(parent: &Path) -> Vec<Folder> {
    use std::os::unix::fs::MetadataExt;

    let Ok(entries) = std::fs::read_dir(parent) else { return Vec::new() };
    // SAFETY: `geteuid` only reads the process's user id.
    let me = unsafe { libc::geteuid() };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let Some(pid) = owner_pid(&entry.file_name().to_string_lossy()) else { continue };
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        if meta.is_dir() && meta.uid() == me && pid != std::process::id() {
            found.push((path, pid));
        }
    }
    found
}

/// Removes `path` if the preview that made it stopped: its process is gone and nobody holds
/// its lock (held until the folder is gone, so that a preview starting meanwhile skips it).
#[cfg(target_os = "linux")]
fn remove_if_stopped(path: &Path, pid: u32) -> bool {
    if process_exists(pid) {
        return false;
    }
    match lock_folder(path) {
        Ok(Some(_lock)) => std::fs::remove_dir_all(path).is_ok(),
        _ => false,
    }
}

#[cfg(not(target_os = "linux"))]
fn remove_if_stopped(_path: &Path, _pid: u32) -> bool {
    false
}

/// Whether a process `pid` runs (in this process's view of the system); a zombie, killed and
/// not yet waited for by its parent, does not.
#[cfg(target_os = "linux")]
fn process_exists(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // `pid (command) state …`: the command may hold spaces and parentheses.
        Ok(stat) => {
            !matches!(stat.rsplit_once(')').map(|(_, rest)| rest.trim_start()), Some(s) if s.starts_with(['Z', 'X']))
        }
        Err(e) => e.kind() != std::io::ErrorKind::NotFound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_carnet_gives_are_preview_folders() {
        assert_eq!(owner_pid("carnet-serve-20668-18ee1f5906911c40"), Some(20668));
        assert_eq!(owner_pid("carnet-serve-1-0"), Some(1));
        for other in [
            "carnet-serve-",
            "carnet-serve-20668",
            "carnet-serve-20668-",
            "carnet-serve--abc",
            "carnet-serve-x1-abc",
            "carnet-serve-12-xyz",
            "carnet-serve-12-ab-cd",
            "carnet-serve-99999999999-ab",
            "carnet-live-12-ab",
            "mes-notes",
        ] {
            assert_eq!(owner_pid(other), None, "{other}");
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_folder_is_private_locked_and_stale_ones_go_but_live_ones_stay() {
        use std::os::unix::fs::PermissionsExt;

        let parent = tempfile::tempdir().unwrap();
        // A killed preview: no process 4194304 (above Linux's highest pid), nobody holds its lock.
        let stale = parent.path().join("carnet-serve-4194304-ab12");
        std::fs::create_dir_all(stale.join("a/guide")).unwrap();
        // Not carnet's, or another running preview's (this very process), or a file.
        let notes = parent.path().join("carnet-serve-notes");
        let running = parent.path().join(format!("carnet-serve-{}-cd34", std::process::id()));
        let file = parent.path().join("carnet-serve-4194305-ef56");
        std::fs::create_dir(&notes).unwrap();
        std::fs::create_dir(&running).unwrap();
        std::fs::write(&file, "x").unwrap();

        let folder = PreviewFolder::create(parent.path()).unwrap();
        assert_eq!(folder.cleaned, std::slice::from_ref(&stale));
        assert!(!stale.exists() && notes.is_dir() && running.is_dir() && file.is_file());
        let mode = std::fs::metadata(folder.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "{mode:o}");
        assert!(lock_folder(folder.path()).unwrap().is_none(), "held while the preview runs");

        // A folder whose process is gone but whose lock is held (another pid namespace) stays.
        let foreign = parent.path().join("carnet-serve-4194306-aa");
        std::fs::create_dir(&foreign).unwrap();
        let held = lock_folder(&foreign).unwrap().unwrap();
        let second = PreviewFolder::create(parent.path()).unwrap();
        assert!(second.cleaned.is_empty() && foreign.is_dir() && folder.path().is_dir());
        let in_use: Vec<&Path> = second.in_use.iter().map(|(path, _)| path.as_path()).collect();
        assert_eq!(in_use, [foreign.as_path()], "this process's folders are not candidates");
        // Its process lets go of the lock (it finished exiting): the folder goes.
        let watch = second.in_use.clone();
        let removing = std::thread::spawn(move || remove_when_stopped(watch, Duration::from_secs(5)));
        std::thread::sleep(Duration::from_millis(200));
        assert!(foreign.is_dir(), "kept while locked");
        drop(held);
        assert_eq!(removing.join().unwrap(), std::slice::from_ref(&foreign));
        assert!(!foreign.exists() && folder.path().is_dir() && second.path().is_dir());
        let path = folder.path().to_path_buf();
        folder.remove();
        assert!(!path.exists());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_killed_process_not_yet_waited_for_is_gone() {
        let mut child = std::process::Command::new("sleep").arg("60").spawn().unwrap();
        assert!(process_exists(child.id()) && process_exists(std::process::id()));
        child.kill().unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while process_exists(child.id()) {
            assert!(std::time::Instant::now() < deadline, "a zombie counts as running");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(std::fs::metadata(format!("/proc/{}", child.id())).is_ok(), "a zombie until waited for");
        child.wait().unwrap();
        assert!(!process_exists(4_194_304));
    }
}
