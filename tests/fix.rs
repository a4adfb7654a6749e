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

#[test]
fn fix_write_keeps_line_endings_the_final_newline_or_its_absence_and_permissions() {
    let site = tempfile::tempdir().expect("temp dir");
    let cases: [(&str, &str, &str, u32); 4] = [
        ("crlf.md", "# RÃ©solution\r\nLa mÃ©moire\r\n", "# Résolution\r\nLa mémoire\r\n", 0o600),
        ("sans-fin.md", "# RÃ©solution\nLa mÃ©moire", "# Résolution\nLa mémoire", 0o644),
        ("melange.md", "a\r\nRÃ©solution\nb\r\n\r\n", "a\r\nRésolution\nb\r\n\r\n", 0o755),
        ("cr-seuls.md", "RÃ©solution\rmÃ©moire\r", "Résolution\rmémoire\r", 0o640),
    ];
    for (name, before, _, mode) in cases {
        let path = site.path().join(name);
        fs::write(&path, before).expect("file written");
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).expect("chmod");
    }
    let out = carnet(&["fix", "--write", "."], site.path(), b"");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    for (name, _, after, mode) in cases {
        let path = site.path().join(name);
        assert_eq!(fs::read_to_string(&path).expect("read"), after, "{name}");
        assert_eq!(fs::metadata(&path).expect("meta").permissions().mode() & 0o7777, mode, "{name}");
    }
}

#[test]
fn fix_write_reports_read_only_files_leaves_them_and_repairs_the_others() {
    // "Read-only" is the file's permission bits, also for root (whom chmod does not stop).
    let site = site_with(&[("lecture-seule.md", DAMAGED), ("autre.md", DAMAGED)]);
    let locked = site.path().join("content/lecture-seule.md");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o444)).expect("chmod");
    let out = carnet(&["fix", "--write"], site.path(), b"");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/lecture-seule.md: read-only"), "{stderr}");
    assert!(stderr.contains("1 left as they were"), "{stderr}");
    assert_eq!(fs::read_to_string(&locked).expect("read"), DAMAGED);
    assert_eq!(fs::metadata(&locked).expect("meta").permissions().mode() & 0o777, 0o444);
    assert_eq!(fs::read_to_string(site.path().join("content/autre.md")).expect("read"), REPAIRED);
}

#[test]
fn fix_write_does_not_overwrite_a_file_changed_while_it_worked() {
    let site = site_with(&[("guide.md", DAMAGED)]);
    let path = site.path().join("content/guide.md");
    let mut child = Command::new(env!("CARGO_BIN_EXE_carnet"))
        .args(["fix", "--write"])
        .current_dir(site.path())
        .env("CARNET_TEST_PAUSE_BEFORE_RENAME_MS", "1500")
        .stderr(Stdio::piped())
        .spawn()
        .expect("carnet runs");
    let mut stderr = std::io::BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    while !line.contains("pausing before replacing") {
        line.clear();
        assert!(
            std::io::BufRead::read_line(&mut stderr, &mut line).expect("stderr") > 0,
            "no pause announced"
        );
    }
    // The author saves meanwhile.
    let saved = "# Réécrit par l'auteur pendant la réparation\n";
    fs::write(&path, saved).expect("the author's save");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).expect("stderr");
    let status = child.wait().expect("carnet ends");
    assert_eq!(status.code(), Some(1), "{rest}");
    assert!(rest.contains("content/guide.md: changed on disk while carnet was repairing it"), "{rest}");
    assert_eq!(fs::read_to_string(&path).expect("read"), saved, "the author's save is kept");
    assert_eq!(fs::read_dir(path.parent().unwrap()).expect("list").count(), 1, "no temporary file left");
}

/// A small random number generator (xorshift), seeded from the clock: each run of the test
/// kills at other moments.
fn random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn fix_write_killed_at_any_moment_leaves_old_or_new_files_and_the_next_run_cleans_up() {
    const FILES: usize = 150;
    let old = DAMAGED.repeat(2_000); // about 100 kB each
    let new = REPAIRED.repeat(2_000);
    let site = tempfile::tempdir().expect("temp dir");
    let content = site.path().join("content");
    let reset = || {
        let _ = fs::remove_dir_all(&content);
        fs::create_dir_all(&content).expect("folder");
        for i in 0..FILES {
            fs::write(content.join(format!("guide-{i:03}.md")), &old).expect("file written");
        }
    };
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_carnet"))
            .args(["-q", "fix", "--write"])
            .current_dir(site.path())
            .stderr(Stdio::null())
            .spawn()
            .expect("carnet runs")
    };
    reset();
    let started = std::time::Instant::now();
    assert!(run().wait().expect("carnet ends").success());
    let whole = started.elapsed().as_micros() as u64;
    let mut seed =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
    let (mut partial, mut temporaries) = (0, 0);
    for iteration in 0..12 {
        reset();
        let mut child = run();
        let delay = random(&mut seed) % whole.max(1);
        std::thread::sleep(std::time::Duration::from_micros(delay));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let mut repaired = 0;
        for entry in fs::read_dir(&content).expect("list") {
            let path = entry.expect("entry").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".tmp") {
                temporaries += 1;
                continue;
            }
            let bytes = fs::read(&path).expect("read");
            assert!(
                bytes == old.as_bytes() || bytes == new.as_bytes(),
                "iteration {iteration}, killed after {delay} µs: {name} is neither old nor new ({} bytes)",
                bytes.len()
            );
            repaired += usize::from(bytes == new.as_bytes());
        }
        partial += usize::from(repaired > 0 && repaired < FILES);
        // The next run finishes the work and removes what the killed one left.
        let out = Command::new(env!("CARGO_BIN_EXE_carnet"))
            .args(["fix", "--write"])
            .current_dir(site.path())
            .output();
        assert_eq!(out.expect("carnet ends").status.code(), Some(0));
        let mut names: Vec<String> = fs::read_dir(&content)
            .expect("list")
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.retain(|n| !n.starts_with("guide-") || !n.ends_with(".md"));
        assert!(names.is_empty(), "left behind after the next run: {names:?}");
        for i in 0..FILES {
            assert_eq!(fs::read(content.join(format!("guide-{i:03}.md"))).expect("read"), new.as_bytes());
        }
    }
    eprintln!("a whole run takes {whole} µs; {partial} of 12 kills landed mid-way; {temporaries} temporary files seen");
    assert!(partial > 0, "no kill landed in the middle of a run: make the run longer");
}
