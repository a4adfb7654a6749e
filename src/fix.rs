//! `carnet fix [PATHS…]`: repair the encoding of guides on disk.
//!
//! Steps: 1. collect the files (the paths given, folders walked for `*.md`; by default the
//! content folder); 2. decode and repair each one (`content::repair`), as the build does;
//! 3. show the lines that would change (dry run, on stdout), exit 1 if any (`--check`), or
//! rewrite the file atomically (`--write`, `--backup`). `carnet fix -` filters stdin to stdout.
//!
//! The result is always UTF-8. A UTF-8 byte order mark is kept (the author chose it); a file
//! that was UTF-16 or a legacy code page is written as UTF-8 without one.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::cli::FixArgs;
use crate::config::Config;
use crate::content::repair::RepairReport;
use crate::content::{decode_and_repair, walk, SourceText};
use crate::error::{Error, Result};
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

pub fn run(args: &FixArgs, reporter: &Reporter) -> Result<u8> {
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
        let fixed = fix_bytes(&original);
        show_diagnostics(&path, &fixed, reporter);
        if fixed.bytes == original {
            continue;
        }
        changed += 1;
        if args.write {
            match write_atomic(&path, &original, &fixed.bytes, args.backup) {
                Ok(()) => reporter.info(format!("{}: {}", path.display(), summary(&fixed))),
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
fn filter_stdin(args: &FixArgs, reporter: &Reporter) -> Result<u8> {
    if args.paths.len() > 1 || args.write {
        return Err(Error::Usage("`carnet fix -` reads stdin alone and cannot --write".into()));
    }
    let mut original = Vec::new();
    std::io::stdin().read_to_end(&mut original).map_err(|e| Error::io("<stdin>", e))?;
    let fixed = fix_bytes(&original);
    show_diagnostics(Path::new("<stdin>"), &fixed, reporter);
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&fixed.bytes).and_then(|()| stdout.flush()).map_err(|e| Error::io("<stdout>", e))?;
    if !fixed.report.is_clean() {
        reporter.info(format!("<stdin>: {}", summary(&fixed)));
    }
    Ok(u8::from(args.check && fixed.bytes != original))
}

/// The files to repair: the paths given (folders walked), or the content folder.
fn collect(args: &FixArgs, reporter: &Reporter) -> Result<Vec<PathBuf>> {
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
        } else {
            let missing = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder");
            return Err(Error::io(root, missing));
        }
    }
    Ok(files)
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

fn summary(fixed: &Fixed) -> String {
    match fixed.encoding {
        Some(encoding) => format!("decoded from {encoding}, {}", fixed.report),
        None => fixed.report.to_string(),
    }
}

/// The dry run: each line that would change, before and after, on stdout.
fn print_changes(path: &Path, fixed: &Fixed) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
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
    #[error("changed on disk while carnet was repairing it, left as it was: run carnet fix again")]
    ChangedMeanwhile,
}

/// Replaces `path`, whose bytes were `original`, with `bytes`, so that at every moment the file
/// holds either its old or its new contents: a temporary file in the same folder (same
/// permissions and, where allowed, owner), synced, renamed over the original (a symbolic
/// link's target is replaced). Refuses a file without any write permission bit (even for root,
/// who could write it anyway) and a file whose contents are no longer `original` just before
/// the rename. Temporary files of earlier runs that were killed are removed first.
fn write_atomic(path: &Path, original: &[u8], bytes: &[u8], backup: bool) -> Result<()> {
    let target = fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
    let metadata = fs::metadata(&target).map_err(|e| Error::io(path, e))?;
    if metadata.permissions().readonly() {
        return Err(Error::io(path, std::io::Error::other(NotWritten::ReadOnly)));
    }
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let dir = target.parent().unwrap_or(Path::new("."));
    remove_stale_temporaries(dir, &name);
    if backup {
        let orig = dir.join(format!("{name}.orig"));
        replace_with(&orig, original, &metadata, &|| Ok(())).map_err(|e| Error::io(&orig, e))?;
    }
    let unchanged = || match fs::read(&target) {
        Ok(now) if now == original => Ok(()),
        Ok(_) => Err(std::io::Error::other(NotWritten::ChangedMeanwhile)),
        Err(err) => Err(err),
    };
    replace_with(&target, bytes, &metadata, &unchanged).map_err(|e| Error::io(path, e))?;
    // The rename is durable once the folder is synced (not possible on every platform).
    if let Ok(folder) = fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}

/// The temporary file of this process for `name`: `.NAME.carnet-PID.tmp` (hidden, so that
/// neither the build nor a later `carnet fix` takes it for a guide).
fn temporary(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!(".{name}.carnet-{}.tmp", std::process::id()))
}

/// Writes `bytes` to a temporary file beside `target` and renames it over `target` once `ready`
/// agrees (a test seam may pause just before it, see `pause_before_rename`).
fn replace_with(
    target: &Path,
    bytes: &[u8],
    like: &fs::Metadata,
    ready: &dyn Fn() -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = temporary(dir, &name);
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

fn write_synced(temp: &Path, bytes: &[u8], like: &fs::Metadata) -> std::io::Result<()> {
    let mut file = fs::OpenOptions::new().write(true).create_new(true).open(temp)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Keeps the owner when carnet runs as root over someone else's files (an error as
        // anyone else, for whom the file is theirs already).
        let _ = std::os::unix::fs::fchown(&file, Some(like.uid()), Some(like.gid()));
    }
    file.write_all(bytes)?;
    file.set_permissions(like.permissions())?;
    file.sync_all()
}

/// Removes `.NAME.carnet-PID.tmp` files left by a `carnet fix` that was killed: those whose
/// process is gone (Linux, where `/proc` tells; elsewhere they are left alone).
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
}
