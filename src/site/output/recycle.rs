//! Reusing an old site's files (Linux): a full build starts its staging folder from the site two
//! builds old, kept beside the output folder (`.public.carnet-previous`), and writes over its
//! files in place instead of creating every file anew.
//!
//! Creating and deleting a site's files is most of what the file system does in a build: each
//! new file and folder takes its parent folder's lock and a fresh inode, each deleted one frees
//! its blocks (with `discard`, waiting for the disk), and on ext4 without a journal a new inode
//! avoids the numbers freed in the last minutes, so finding one gets slower with every deletion.
//! Writing over the same files keeps their inodes, their folders and most of their blocks.
//!
//! What keeps it safe:
//! - the kept folder is cleaned of anything that is not a plain file or folder before use
//!   (`sanitize`), and files are opened with `O_NOFOLLOW`: no write follows a link out of it;
//! - a file with other hard links is replaced, not written over: a snapshot taken with `cp -al`
//!   stays as it was;
//! - what the build did not write is removed before the swap (`remove_stale`): the new site is
//!   exactly what an empty start gives.

use std::collections::HashSet;
use std::fs::OpenOptions;
use std::io::{ErrorKind, IoSlice, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::guard;
use super::removal::{in_parallel, remove_tree};

/// Where the site two builds old is kept: `.public.carnet-previous` beside `public`.
pub(super) fn previous_path(output: &Path) -> PathBuf {
    let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    output.with_file_name(format!(".{name}.carnet-previous"))
}

/// An exclusive lock on a folder, held while a process uses it (a build its staging folder, a
/// preview its private folder). The system releases it when the process ends, however it ends
/// (killed, interrupted with Ctrl-C), so an unlocked folder is one no process is using.
#[derive(Debug)]
pub struct FolderLock(#[allow(dead_code)] std::fs::File);

/// Locks `dir`; `Ok(None)` when another process holds it.
pub fn lock_folder(dir: &Path) -> std::io::Result<Option<FolderLock>> {
    let file = std::fs::File::open(dir)?;
    // SAFETY: `flock` on a descriptor this function owns.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
        return Ok(Some(FolderLock(file)));
    }
    let err = std::io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::EWOULDBLOCK) => Ok(None),
        _ => Err(err),
    }
}

/// A staging folder younger than this is never taken as abandoned: its build may not have
/// locked it yet.
const ABANDONED_AFTER: Duration = Duration::from_secs(10);

/// Staging folders beside `output` left by builds that never finished (killed or interrupted):
/// named like `own` but for the process id, unlocked, not brand new and carnet's (marked, or
/// empty). Each comes locked.
pub(super) fn abandoned_stagings(output: &Path, own: &Path) -> Vec<(PathBuf, FolderLock)> {
    let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let prefix = format!(".{name}.carnet-staging-");
    let parent = own.parent().unwrap_or(Path::new("."));
    let Ok(entries) = std::fs::read_dir(parent) else { return Vec::new() };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = file_name.strip_prefix(&prefix) else { continue };
        let path = entry.path();
        if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) || path == own {
            continue;
        }
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        let old =
            meta.modified().ok().and_then(|m| m.elapsed().ok()).is_some_and(|age| age >= ABANDONED_AFTER);
        if !meta.is_dir() || !old || !guard::is_carnet_folder(&path) {
            continue;
        }
        if let Ok(Some(lock)) = lock_folder(&path) {
            found.push((path, lock));
        }
    }
    found
}

/// Removes from a kept site everything that is not a regular file or a folder (links, pipes).
/// It runs while the build reads and renders the guides (`Staging::create`).
pub(super) fn sanitize(dir: &Path) -> std::io::Result<()> {
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.map_err(walk_error)?;
        let kind = entry.file_type();
        if !kind.is_file() && !kind.is_dir() {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// Writes `contents` over the file at `path` when there is one to reuse; `Ok(false)` when there
/// is none (anything else found there is removed), and the caller creates the file.
pub(super) fn overwrite(path: &Path, contents: &[u8]) -> std::io::Result<bool> {
    let opened = OpenOptions::new().write(true).custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK).open(path);
    let mut file = match opened {
        Ok(file) => file,
        Err(e) if e.kind() == ErrorKind::NotFound || e.raw_os_error() == Some(libc::ENOTDIR) => {
            return Ok(false);
        }
        Err(e) if e.raw_os_error() == Some(libc::EISDIR) => {
            remove_tree(path)?;
            return Ok(false);
        }
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) || e.raw_os_error() == Some(libc::ENXIO) => {
            std::fs::remove_file(path)?;
            return Ok(false);
        }
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    if !meta.is_file() || meta.nlink() > 1 {
        drop(file);
        std::fs::remove_file(path)?;
        return Ok(false);
    }
    // Whole blocks only: writing part of a block the old file used makes the kernel read that
    // block from the disk first (with a cold cache, one wait per file). The zeros past the end
    // are cut off right after, in memory.
    let block = (meta.blksize() as usize).clamp(512, ZEROS.len());
    let padding = (block - contents.len() % block) % block;
    write_all(&mut file, contents, &ZEROS[..padding])?;
    if padding > 0 || meta.len() > contents.len() as u64 {
        file.set_len(contents.len() as u64)?;
    }
    Ok(true)
}

static ZEROS: [u8; 1 << 16] = [0; 1 << 16];

/// Writes `head` then `tail` with as few calls as possible (one, nearly always), so that each
/// block is written whole by one call.
fn write_all(file: &mut std::fs::File, head: &[u8], tail: &[u8]) -> std::io::Result<()> {
    let total = head.len() + tail.len();
    let mut done = 0;
    while done < total {
        let slices = if done < head.len() {
            [IoSlice::new(&head[done..]), IoSlice::new(tail)]
        } else {
            [IoSlice::new(&tail[done - head.len()..]), IoSlice::new(&[])]
        };
        match file.write_vectored(&slices) {
            Ok(0) => return Err(ErrorKind::WriteZero.into()),
            Ok(n) => done += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Makes way for the folders of `path` inside `root`: a file of the old site standing where a
/// folder is now needed is removed.
pub(super) fn clear_way(root: &Path, path: &Path) -> std::io::Result<()> {
    let Ok(rel) = path.strip_prefix(root) else { return Ok(()) };
    let mut at = root.to_path_buf();
    for part in rel.parent().into_iter().flat_map(Path::components) {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(meta) if !meta.is_dir() => return std::fs::remove_file(&at),
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Removes every file and folder under `dir` that is not in `written` (paths from `dir`) or
/// above one of them.
pub(super) fn remove_stale(dir: &Path, written: &HashSet<PathBuf>) -> std::io::Result<()> {
    let needed: HashSet<&Path> = written.iter().flat_map(|p| p.ancestors().skip(1)).collect();
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.map_err(walk_error)?;
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        if entry.file_type().is_dir() {
            if !needed.contains(rel) {
                dirs.push((entry.depth(), entry.path().to_path_buf()));
            }
        } else if !written.contains(rel) {
            files.push(entry.path().to_path_buf());
        }
    }
    in_parallel(&files, |file| std::fs::remove_file(file))?;
    // Deepest first: a stale folder holds only stale things.
    dirs.sort_by_key(|d| std::cmp::Reverse(d.0));
    for level in dirs.chunk_by(|a, b| a.0 == b.0) {
        in_parallel(level, |(_, dir)| std::fs::remove_dir(dir))?;
    }
    Ok(())
}

fn walk_error(e: walkdir::Error) -> std::io::Error {
    e.into_io_error().unwrap_or_else(|| std::io::Error::other("file system loop"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_written_over_holds_exactly_the_new_bytes_whatever_the_sizes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.html");
        std::fs::write(&path, vec![b'o'; 9000]).unwrap();
        let inode = std::fs::metadata(&path).unwrap().ino();
        for (i, size) in [5000, 4096, 8193, 1, 0, 12_288, 70_000, 4095].into_iter().enumerate() {
            let contents: Vec<u8> = (0..size).map(|n| b'a' + ((n + i) % 26) as u8).collect();
            assert!(overwrite(&path, &contents).unwrap(), "the file is reused");
            assert_eq!(std::fs::read(&path).unwrap(), contents, "{size} bytes");
        }
        assert_eq!(std::fs::metadata(&path).unwrap().ino(), inode);
        assert!(!overwrite(&dir.path().join("missing.html"), b"x").unwrap());
    }
}
