//! Removing folders fast: many unlinks in flight at once, files first, then folders deepest
//! first.

use std::path::{Path, PathBuf};

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
pub(crate) fn in_parallel<T: Sync>(
    items: &[T],
    op: impl Fn(&T) -> std::io::Result<()> + Sync,
) -> std::io::Result<()> {
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
