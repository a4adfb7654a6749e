//! `carnet fix [PATHS…]`: repair the encoding of guides on disk.
//!
//! Steps: 1. collect the files (the paths given, folders walked for `*.md`; by default the
//! content folder); 2. decode and repair each one (`content::repair`), as the build does;
//! 3. show the lines that would change (dry run, on stdout), exit 1 if any (`--check`), or
//! rewrite the file atomically (`--write`, `--backup`). `carnet fix -` filters stdin to stdout.
//! What the build refuses as a guide (binary files, NUL bytes) is skipped, never rewritten; a
//! file is replaced only when this user may write it and the new one keeps its owner and group.
//!
//! The result is always UTF-8. A UTF-8 byte order mark is kept (the author chose it); a file
//! that was UTF-16 or a legacy code page is written as UTF-8 without one.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::repair::RepairReport;
use crate::content::{decode_and_repair, looks_binary, walk, SourceText};
use crate::error::{Diagnostic, Error, Location, Result};
use crate::report::Reporter;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A file's text before and after repair.
struct Fixed {
    before: String,
    after: String,
    bytes: Vec<u8>,
    encoding: Option<&'static str>,
    report: RepairReport,
}

/// What `carnet fix` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct FixOptions {
    /// Files or folders; `-` filters stdin to stdout; none: the content folder.
    pub paths: Vec<PathBuf>,
    /// The site root, to find the content folder when no path is given.
    pub root: PathBuf,
    /// Rewrite the files in place (atomically).
    pub write: bool,
    /// With `write`, keep the original as `NAME.orig`.
    pub backup: bool,
    /// Exit 1 when anything would change.
    pub check: bool,
}

/// Repairs the files, or shows what would change; the exit code (1: `check` found changes).
pub fn run(args: &FixOptions, reporter: &Reporter) -> Result<u8> {
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        return filter_stdin(args, reporter);
    }
    let mut changed = 0usize;
    let mut not_written = 0usize;
    for path in collect(args, reporter)? {
        let original = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) => {
                reporter.error(&Error::io(&path, err));
                not_written += 1;
                continue;
            }
        };
        let fixed = match fix_text(&path, &original) {
            Ok(fixed) => fixed,
            Err(skipped) => {
                reporter.diagnostic(&skipped);
                not_written += 1;
                continue;
            }
        };
        show_diagnostics(&path, &fixed, reporter);
        if fixed.bytes == original {
            continue;
        }
        changed += 1;
        if args.write {
            match write_atomic(&path, &original, &fixed.bytes, args.backup) {
                Ok(backup) => reporter.info(written_summary(&path, &fixed, backup.as_deref())),
                Err(err) => {
                    reporter.error(&err);
                    not_written += 1;
                    changed -= 1;
                }
            }
        } else {
            print_changes(&path, &fixed).map_err(|e| Error::io("<stdout>", e))?;
        }
    }
    let verb = if args.write { "repaired" } else { "would be repaired" };
    let files = if changed == 1 { "file" } else { "files" };
    if not_written > 0 {
        reporter.info(format!("{changed} {files} {verb}; {not_written} left as they were (see above)"));
        return Ok(1);
    }
    reporter.info(format!("{changed} {files} {verb}"));
    Ok(u8::from(args.check && changed > 0))
}

/// `carnet fix -`: the repaired text on stdout, nothing else; messages on stderr.
fn filter_stdin(args: &FixOptions, reporter: &Reporter) -> Result<u8> {
    if args.paths.len() > 1 || args.write {
        return Err(Error::Usage("`carnet fix -` reads stdin alone and cannot --write".into()));
    }
    let mut original = Vec::new();
    io::stdin().read_to_end(&mut original).map_err(|e| Error::io("<stdin>", e))?;
    let fixed = fix_bytes(&original);
    show_diagnostics(Path::new("<stdin>"), &fixed, reporter);
    let mut stdout = io::stdout().lock();
    stdout.write_all(&fixed.bytes).and_then(|()| stdout.flush()).map_err(|e| Error::io("<stdout>", e))?;
    if !fixed.report.is_clean() {
        reporter.info(format!("<stdin>: {}", summary(&fixed)));
    }
    Ok(u8::from(args.check && fixed.bytes != original))
}

/// The files to repair: the paths given (folders walked), or the content folder.
fn collect(args: &FixOptions, reporter: &Reporter) -> Result<Vec<PathBuf>> {
    let roots = if args.paths.is_empty() {
        let content = Config::load(&args.root)?.content_dir;
        // `content/guide.md` rather than `./content/guide.md` in messages.
        vec![if args.root == Path::new(".") { content } else { args.root.join(content) }]
    } else {
        args.paths.clone()
    };
    let mut files = Vec::new();
    for root in roots {
        if root.is_dir() {
            let walked = walk::walk(&walk::SiteRoot::new(&root), &root);
            walked.diagnostics.iter().for_each(|d| reporter.diagnostic(d));
            files.extend(walked.guides.into_iter().map(|found| found.path));
        } else if root.is_file() {
            files.push(root);
        } else if root.exists() {
            let message = "neither a file nor a folder (a named pipe, device or socket): not a guide";
            return Err(Error::io(root, io::Error::other(message)));
        } else {
            let missing = io::Error::new(io::ErrorKind::NotFound, "no such file or folder");
            return Err(Error::io(root, missing));
        }
    }
    Ok(files)
}

/// The repair of a file's bytes, or why it is skipped: what the build refuses as a guide
/// (binary, NUL bytes in the text) is no text that carnet fix may rewrite.
fn fix_text(path: &Path, original: &[u8]) -> std::result::Result<Fixed, Diagnostic> {
    if looks_binary(original) {
        let message = "binary file, not a guide: skipped, left as it was";
        return Err(Diagnostic::error(Location::file(path), message));
    }
    let fixed = fix_bytes(original);
    if let Some(offset) = fixed.before.find('\0') {
        let count = fixed.before.matches('\0').count();
        let message =
            format!("{count} NUL byte(s) in the text: skipped, left as it was (remove them to repair it)");
        return Err(Diagnostic::error(Location::from_offset(path, &fixed.before, offset), message));
    }
    Ok(fixed)
}

/// Decodes and repairs a file's bytes as the build does, and encodes the result as UTF-8.
fn fix_bytes(original: &[u8]) -> Fixed {
    let SourceText { decoded, text: after, report } = decode_and_repair(original);
    let keep_bom = decoded.had_bom && decoded.encoding.is_none();
    let mut bytes = Vec::with_capacity(after.len() + 3);
    if keep_bom {
        bytes.extend_from_slice(UTF8_BOM);
    }
    bytes.extend_from_slice(after.as_bytes());
    Fixed { before: decoded.text, after, bytes, encoding: decoded.encoding, report }
}

/// The guesses and unrepairable spots of a file: the first `SHOWN` in full (all with `-v`).
fn show_diagnostics(path: &Path, fixed: &Fixed, reporter: &Reporter) {
    const SHOWN: usize = 20;
    let diagnostics = fixed.report.diagnostics(path, &fixed.after);
    let limit = if reporter.is_verbose() { usize::MAX } else { SHOWN };
    diagnostics.iter().take(limit).for_each(|d| reporter.diagnostic(d));
    if diagnostics.len() > limit {
        let more = diagnostics.len() - limit;
        reporter.info(format!("{}: {more} more warnings (shown with -v)", path.display()));
    }
}

/// What `--write` did to a file: the repair, and where the original was kept.
fn written_summary(path: &Path, fixed: &Fixed, backup: Option<&Path>) -> String {
    let done = format!("{}: {}", path.display(), summary(fixed));
    match backup {
        Some(backup) => format!("{done}; original kept as {}", backup.display()),
        None => done,
    }
}

fn summary(fixed: &Fixed) -> String {
    match fixed.encoding {
        Some(encoding) => format!("decoded from {encoding}, {}", fixed.report),
        None => fixed.report.to_string(),
    }
}

/// The dry run: each line that would change, before and after, on stdout.
fn print_changes(path: &Path, fixed: &Fixed) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "{}: {}", path.display(), summary(fixed))?;
    let before = fixed.before.split('\n');
    let mut after = fixed.after.split('\n');
    for (number, old) in before.enumerate() {
        let new = after.next().unwrap_or("");
        if old != new {
            let width = (number + 1).to_string().len();
            writeln!(out, "  {} - {}", number + 1, old.trim_end_matches('\r'))?;
            writeln!(out, "  {:width$} + {}", "", new.trim_end_matches('\r'))?;
        }
    }
    out.flush()
}

/// Why a file was left as it was.
#[derive(Debug, thiserror::Error)]
enum NotWritten {
    #[error("read-only (no write permission bit), left as it was: make it writable to repair it")]
    ReadOnly,
    #[error(
        "not writable by this user (owner uid {uid}, mode {mode:03o}): {reason}; left as it was: \
         run carnet fix as a user who may write it"
    )]
    NotWritable { reason: io::Error, uid: u32, mode: u32 },
    #[error(
        "cannot keep the owner and group (uid {uid}, gid {gid}): {reason}; left as it was: \
         run carnet fix as root, or as its owner if they are in its group"
    )]
    OwnerNotKept { uid: u32, gid: u32, reason: io::Error },
    #[error(
        "has {0} names (hard links): the repaired file would take only this one, the others \
         would keep the old text; left as it was"
    )]
    HardLinked(u64),
    #[error("cannot create the repaired file in {}: {reason}; left as it was", dir.display())]
    NoNewFile { dir: PathBuf, reason: io::Error },
    #[error("cannot keep a backup beside it: {0}; left as it was")]
    NoBackup(io::Error),
    #[error("changed on disk while carnet was repairing it, left as it was: run carnet fix again")]
    ChangedMeanwhile,
}

/// Replaces `path`, whose bytes were `original`, with `bytes`, so that at every moment the file
/// holds either its old or its new contents: a temporary file in the same folder (same owner,
/// group and permissions), synced, renamed over the original (a symbolic link's target is
/// replaced). With `backup`, the original is kept first (see `keep_backup`); returns where.
/// Refuses a file this user may not write (see `may_replace`), a file whose owner and group the
/// new one could not keep, and a file whose contents are no longer `original` just before the
/// rename. Temporary files of earlier runs that were killed are removed first.
fn write_atomic(path: &Path, original: &[u8], bytes: &[u8], backup: bool) -> Result<Option<PathBuf>> {
    let target = fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
    let metadata = fs::metadata(&target).map_err(|e| Error::io(path, e))?;
    may_replace(&target, &metadata).map_err(|e| Error::io(path, e))?;
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let dir = target.parent().unwrap_or(Path::new("."));
    remove_stale_temporaries(dir, &name);
    let kept = match backup {
        true => Some(keep_backup(dir, &name, original, &metadata).map_err(|e| Error::io(path, e))?),
        false => None,
    };
    let unchanged = || match fs::read(&target) {
        Ok(now) if now == original => Ok(()),
        Ok(_) => Err(io::Error::other(NotWritten::ChangedMeanwhile)),
        Err(err) => Err(err),
    };
    replace_with(&target, bytes, &metadata, &unchanged).map_err(|e| Error::io(path, e))?;
    // The rename is durable once the folder is synced (not possible on every platform).
    if let Ok(folder) = fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    // The backup named as the user named the file (beside a symbolic link's target).
    Ok(kept.map(|kept| match (path.is_symlink(), kept.file_name()) {
        (false, Some(kept_name)) => path.with_file_name(kept_name),
        _ => kept,
    }))
}

/// Refuses a file without any write permission bit (even for root, who could write it anyway)
/// and, on Unix, a file with several names (hard links, which a rename would separate) and a
/// file that this user may not write (owner, mode, access lists: the kernel decides), even
/// where the folder would let a rename replace it.
fn may_replace(target: &Path, metadata: &fs::Metadata) -> io::Result<()> {
    if metadata.permissions().readonly() {
        return Err(io::Error::other(NotWritten::ReadOnly));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if metadata.nlink() > 1 {
            return Err(io::Error::other(NotWritten::HardLinked(metadata.nlink())));
        }
        if let Err(reason) = access_for_writing(target) {
            let (uid, mode) = (metadata.uid(), metadata.mode() & 0o7777);
            return Err(io::Error::other(NotWritten::NotWritable { reason, uid, mode }));
        }
    }
    Ok(())
}

/// `faccessat(W_OK)` for the effective user: whether the kernel would let this process open
/// `path` for writing.
#[cfg(unix)]
fn access_for_writing(path: &Path) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(path.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: `path` is a NUL-terminated string that outlives the call.
    let answer = unsafe { libc::faccessat(libc::AT_FDCWD, path.as_ptr(), libc::W_OK, libc::AT_EACCESS) };
    if answer == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Keeps `original` beside the file as `NAME.orig`, or the first free of `NAME.orig.1`,
/// `NAME.orig.2`…: written whole to a temporary file (owner, group and permissions of the
/// file), then linked under that name. A link never replaces an existing file, so no earlier
/// backup is overwritten, even by two runs at once, and no backup is ever half-written.
fn keep_backup(dir: &Path, name: &str, original: &[u8], like: &fs::Metadata) -> io::Result<PathBuf> {
    let temp = temporary(dir, name, ".orig");
    let kept = write_synced(&temp, original, like).and_then(|()| {
        for number in 0..u32::MAX {
            let backup = match number {
                0 => dir.join(format!("{name}.orig")),
                _ => dir.join(format!("{name}.orig.{number}")),
            };
            match fs::hard_link(&temp, &backup) {
                Ok(()) => return Ok(backup),
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(err) => return Err(io::Error::other(NotWritten::NoBackup(err))),
            }
        }
        Err(io::Error::other(NotWritten::NoBackup(io::ErrorKind::AlreadyExists.into())))
    });
    let _ = fs::remove_file(&temp);
    kept
}

/// The temporary file of this process for `name`: `.NAME.carnet-PID.tmp`, or with `suffix`
/// `.NAME.carnet-PID.orig.tmp` (hidden, so that neither the build nor a later `carnet fix`
/// takes it for a guide).
fn temporary(dir: &Path, name: &str, suffix: &str) -> PathBuf {
    dir.join(format!(".{name}.carnet-{}{suffix}.tmp", std::process::id()))
}

/// Writes `bytes` to a temporary file beside `target` and renames it over `target` once `ready`
/// agrees (a test seam may pause just before it, see `pause_before_rename`).
fn replace_with(
    target: &Path,
    bytes: &[u8],
    like: &fs::Metadata,
    ready: &dyn Fn() -> io::Result<()>,
) -> io::Result<()> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = temporary(dir, &name, "");
    let written = write_synced(&temp, bytes, like).and_then(|()| {
        pause_before_rename(target);
        ready()?;
        fs::rename(&temp, target)
    });
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written
}

/// Writes `bytes` to the new file `temp` with the owner, group and permissions of `like`, and
/// syncs it. The file is private (0600) until it has them: a private guide is never readable by
/// others, even for a moment.
fn write_synced(temp: &Path, bytes: &[u8], like: &fs::Metadata) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(temp).map_err(|reason| {
        let dir = temp.parent().unwrap_or(Path::new(".")).to_path_buf();
        io::Error::other(NotWritten::NoNewFile { dir, reason })
    })?;
    keep_owner(&file, like)?;
    file.set_permissions(like.permissions())?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Gives `file` the owner and group of `like`, or says why it cannot: root can; anyone else
/// only for their own file in one of their groups.
#[cfg(unix)]
fn keep_owner(file: &fs::File, like: &fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let (uid, gid) = (like.uid(), like.gid());
    std::os::unix::fs::fchown(file, Some(uid), Some(gid))
        .map_err(|reason| io::Error::other(NotWritten::OwnerNotKept { uid, gid, reason }))
}

#[cfg(not(unix))]
fn keep_owner(_: &fs::File, _: &fs::Metadata) -> io::Result<()> {
    Ok(())
}

/// Removes the temporary files (`.NAME.carnet-PID.tmp`, `.NAME.carnet-PID.orig.tmp`) left by a
/// `carnet fix` that was killed: those whose process is gone (Linux, where `/proc` tells;
/// elsewhere they are left alone).
fn remove_stale_temporaries(dir: &Path, name: &str) {
    if !cfg!(target_os = "linux") || !Path::new("/proc/self").exists() {
        return;
    }
    let prefix = format!(".{name}.carnet-");
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = file_name.strip_prefix(&prefix).and_then(|rest| rest.strip_suffix(".tmp")) else {
            continue;
        };
        let pid = pid.strip_suffix(".orig").unwrap_or(pid);
        if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Test seam: with `CARNET_TEST_PAUSE_BEFORE_RENAME_MS` set, says so on stderr and waits that
/// long between writing the temporary file and checking and renaming it, so that a test can
/// change the file meanwhile. Never set outside tests.
fn pause_before_rename(target: &Path) {
    let Some(ms) = std::env::var("CARNET_TEST_PAUSE_BEFORE_RENAME_MS").ok().and_then(|v| v.parse().ok())
    else {
        return;
    };
    eprintln!("pausing before replacing {}", target.display());
    std::thread::sleep(std::time::Duration::from_millis(ms));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bom_is_kept_and_legacy_files_become_utf8() {
        let fixed = fix_bytes(b"\xEF\xBB\xBFR\xC3\x83\xC2\xA9solution\r\n");
        assert_eq!(fixed.bytes, b"\xEF\xBB\xBFR\xC3\xA9solution\r\n");
        let (legacy, _, _) = encoding_rs::WINDOWS_1252.encode("Résolution déployée à l'été, mémoire\n");
        let fixed = fix_bytes(&legacy);
        assert_eq!(fixed.bytes, "Résolution déployée à l'été, mémoire\n".as_bytes());
        assert_eq!(fixed.encoding, Some("windows-1252"));
    }

    #[test]
    fn no_repair_guides_are_left_alone() {
        let text = "+++\nrepair = false\n+++\nRÃ©solution\n";
        assert_eq!(fix_bytes(text.as_bytes()).bytes, text.as_bytes());
        let text = "<!-- carnet: no-repair -->\nRÃ©solution\n";
        assert_eq!(fix_bytes(text.as_bytes()).bytes, text.as_bytes());
    }

    #[test]
    fn temporaries_of_gone_processes_are_removed_those_of_live_ones_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        let gone = [".a.md.carnet-999999999.tmp", ".a.md.carnet-999999999.orig.tmp"];
        let live = temporary(dir.path(), "a.md", ".orig");
        let other = ".b.md.carnet-999999999.tmp";
        for name in gone.iter().chain([&other]) {
            fs::write(dir.path().join(name), "x").expect("file written");
        }
        fs::write(&live, "x").expect("file written");
        remove_stale_temporaries(dir.path(), "a.md");
        for name in gone {
            assert!(!dir.path().join(name).exists(), "{name} left");
        }
        assert!(live.exists(), "this process's temporary file was removed");
        assert!(dir.path().join(other).exists(), "another file's temporary file was removed");
    }
}
