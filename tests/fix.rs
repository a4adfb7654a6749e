//! `carnet fix` driven through the real binary over temporary folders.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Output, Stdio};

const SEED: &[u8] = include_bytes!("fixtures/repair/RESOLUTION_ERREUR_OOM_RENDER.md");
const SEED_FIXED: &[u8] = include_bytes!("fixtures/repair/RESOLUTION_ERREUR_OOM_RENDER.fixed.md");
const DAMAGED: &str = "# RÃ©solution\r\n\r\nLa mÃ©moire dÃ©passe la limite.\r\n";
const REPAIRED: &str = "# Résolution\r\n\r\nLa mémoire dépasse la limite.\r\n";

fn carnet(args: &[&str], dir: &Path, stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_carnet"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("carnet runs");
    child.stdin.take().expect("stdin").write_all(stdin).expect("stdin written");
    child.wait_with_output().expect("carnet ends")
}

fn site_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let path = dir.path().join("content").join(name);
        fs::create_dir_all(path.parent().expect("parent")).expect("folder");
        fs::write(path, text).expect("file written");
    }
    dir
}

#[test]
fn fix_stdin_prints_the_real_guide_repaired_byte_for_byte() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = carnet(&["fix", "-"], dir.path(), SEED);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout == SEED_FIXED, "stdout differs: {}", String::from_utf8_lossy(&out.stdout));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("<stdin>:7:4: lost byte restored as 🔍"), "{stderr}");
    assert!(stderr.contains("<stdin>:44:4: lost byte restored as 📝"), "{stderr}");
}

#[test]
fn fix_dry_run_shows_lines_before_and_after_and_changes_nothing() {
    let site = site_with(&[("guide.md", DAMAGED), ("propre.md", "Déjà propre.\n")]);
    let out = carnet(&["fix"], site.path(), b"");
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("content/guide.md: 3 sequences repaired"), "{stdout}");
    assert!(stdout.contains("  3 - La mÃ©moire dÃ©passe la limite."), "{stdout}");
    assert!(stdout.contains("    + La mémoire dépasse la limite."), "{stdout}");
    assert!(!stdout.contains("propre.md"), "{stdout}");
    assert_eq!(fs::read_to_string(site.path().join("content/guide.md")).expect("read"), DAMAGED);
}

#[test]
fn fix_write_replaces_the_file_atomically_and_keeps_its_permissions() {
    let site = site_with(&[("dossier/guide.md", DAMAGED)]);
    let path = site.path().join("content/dossier/guide.md");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");
    let inode_before = fs::metadata(&path).expect("meta").ino();
    let out = carnet(&["fix", "--write", "content"], site.path(), b"");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(fs::read_to_string(&path).expect("read"), REPAIRED);
    let meta = fs::metadata(&path).expect("meta");
    assert_eq!(meta.permissions().mode() & 0o777, 0o640);
    assert_ne!(meta.ino(), inode_before, "the file must be replaced by a rename, not rewritten in place");
    let names: Vec<String> = fs::read_dir(path.parent().expect("parent"))
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["guide.md".to_string()], "no temporary or backup file left");
    assert!(out.stdout.is_empty());
}

#[test]
fn fix_write_backup_keeps_the_original_as_orig() {
    let site = site_with(&[("guide.md", DAMAGED)]);
    let out = carnet(&["fix", "--write", "--backup", "content/guide.md"], site.path(), b"");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(fs::read_to_string(site.path().join("content/guide.md")).expect("read"), REPAIRED);
    assert_eq!(fs::read_to_string(site.path().join("content/guide.md.orig")).expect("read"), DAMAGED);
}

#[test]
fn fix_check_exits_1_when_something_would_change_and_0_otherwise() {
    let damaged = site_with(&[("guide.md", DAMAGED)]);
    assert_eq!(carnet(&["fix", "--check"], damaged.path(), b"").status.code(), Some(1));
    assert_eq!(fs::read_to_string(damaged.path().join("content/guide.md")).expect("read"), DAMAGED);
    let clean = site_with(&[("guide.md", REPAIRED)]);
    assert_eq!(carnet(&["fix", "--check"], clean.path(), b"").status.code(), Some(0));
    assert_eq!(carnet(&["fix", "--check", "-"], clean.path(), DAMAGED.as_bytes()).status.code(), Some(1));
}

#[test]
fn fix_walks_only_markdown_and_names_missing_paths() {
    let site = site_with(&[("guide.md", DAMAGED), ("notes.txt", DAMAGED)]);
    let out = carnet(&["fix", "--write"], site.path(), b"");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(fs::read_to_string(site.path().join("content/notes.txt")).expect("read"), DAMAGED);
    let out = carnet(&["fix", "absent.md"], site.path(), b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("absent.md"));
}

#[test]
fn fix_keeps_a_utf8_bom_and_crlf() {
    let site = tempfile::tempdir().expect("temp dir");
    let path = site.path().join("guide.md");
    fs::write(&path, [b"\xEF\xBB\xBF".as_slice(), DAMAGED.as_bytes()].concat()).expect("file written");
    let out = carnet(&["fix", "--write", "guide.md"], site.path(), b"");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(fs::read(&path).expect("read"), [b"\xEF\xBB\xBF".as_slice(), REPAIRED.as_bytes()].concat());
}
