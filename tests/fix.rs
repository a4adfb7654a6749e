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

/// `count` bytes that look like nothing but noise (xorshift from a fixed seed): what the build
/// rejects as "binary file, not a guide".
fn noise(count: usize) -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    (0..count).map(|_| random(&mut state) as u8).collect()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn fix_skips_binary_files_walked_or_named_and_leaves_them_byte_for_byte() {
    let site = site_with(&[("guide.md", DAMAGED)]);
    let binary = noise(20_000);
    fs::write(site.path().join("content/aleatoire.md"), &binary).expect("file written");
    fs::write(site.path().join("donnees.bin"), &binary).expect("file written");

    let dry = carnet(&["fix"], site.path(), b"");
    let stdout = String::from_utf8_lossy(&dry.stdout);
    let stderr = String::from_utf8_lossy(&dry.stderr);
    assert_eq!(dry.status.code(), Some(1), "{stderr}");
    assert!(!stdout.contains("aleatoire.md"), "a binary file shows no diff: {stdout}");
    assert!(stdout.contains("content/guide.md"), "{stdout}");
    assert!(stderr.contains("content/aleatoire.md: binary file, not a guide: skipped"), "{stderr}");
    assert!(!stderr.contains("restored"), "no repair warnings about a binary file: {stderr}");

    let write = carnet(&["fix", "--write"], site.path(), b"");
    let stderr = String::from_utf8_lossy(&write.stderr);
    assert_eq!(write.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/aleatoire.md: binary file, not a guide: skipped"), "{stderr}");
    assert!(stderr.contains("1 left as they were"), "{stderr}");
    assert!(
        fs::read(site.path().join("content/aleatoire.md")).expect("read") == binary,
        "binary file rewritten"
    );
    assert_eq!(fs::read_to_string(site.path().join("content/guide.md")).expect("read"), REPAIRED);

    let named = carnet(&["fix", "--write", "--backup", "donnees.bin"], site.path(), b"");
    let stderr = String::from_utf8_lossy(&named.stderr);
    assert_eq!(named.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("donnees.bin: binary file, not a guide: skipped"), "{stderr}");
    assert!(
        fs::read(site.path().join("donnees.bin")).expect("read") == binary,
        "named binary file rewritten"
    );
    assert!(!site.path().join("donnees.bin.orig").exists(), "no backup of a skipped file");
}

#[test]
fn fix_skips_text_with_nul_bytes_and_names_the_first_one() {
    let site = site_with(&[("nul.md", "# RÃ©solution\n\nUn octet \0 nul.\n"), ("guide.md", DAMAGED)]);
    let path = site.path().join("content/nul.md");
    let before = fs::read(&path).expect("read");
    let out = carnet(&["fix", "--write"], site.path(), b"");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/nul.md:3:10: 1 NUL byte(s) in the text: skipped"), "{stderr}");
    assert_eq!(fs::read(&path).expect("read"), before, "a file with NUL bytes is left byte for byte");
    assert_eq!(fs::read_to_string(site.path().join("content/guide.md")).expect("read"), REPAIRED);
}

#[test]
fn fix_write_backup_never_overwrites_an_earlier_backup() {
    let site = site_with(&[("guide.md", DAMAGED), ("guide.md.orig", "la sauvegarde de l'auteur\n")]);
    let content = site.path().join("content");
    let out = carnet(&["fix", "--write", "--backup", "content/guide.md"], site.path(), b"");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("original kept as content/guide.md.orig.1"), "{stderr}");
    assert_eq!(
        fs::read_to_string(content.join("guide.md.orig")).expect("read"),
        "la sauvegarde de l'auteur\n"
    );
    assert_eq!(fs::read_to_string(content.join("guide.md.orig.1")).expect("read"), DAMAGED);
    assert_eq!(fs::read_to_string(content.join("guide.md")).expect("read"), REPAIRED);

    let damaged_again = "# MÃ©moire\n";
    fs::write(content.join("guide.md"), damaged_again).expect("file written");
    let out = carnet(&["fix", "--write", "--backup"], site.path(), b"");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(fs::read_to_string(content.join("guide.md.orig.1")).expect("read"), DAMAGED);
    assert_eq!(fs::read_to_string(content.join("guide.md.orig.2")).expect("read"), damaged_again);
    assert_eq!(names_in(&content), ["guide.md", "guide.md.orig", "guide.md.orig.1", "guide.md.orig.2"]);
}

#[test]
fn fix_write_backup_keeps_the_permissions_of_the_original() {
    let site = site_with(&[("prive.md", DAMAGED)]);
    let path = site.path().join("content/prive.md");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).expect("chmod");
    let out = carnet(&["fix", "--write", "--backup"], site.path(), b"");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let backup = fs::metadata(site.path().join("content/prive.md.orig")).expect("backup");
    assert_eq!(backup.permissions().mode() & 0o777, 0o600, "a private guide's backup stays private");
}

/// Who runs the tests below: they need root (CI runs as root) to hand files to other users.
const NOBODY: u32 = 65534;

fn require_root(test: &str) {
    // SAFETY: `geteuid` has no preconditions.
    let euid = unsafe { libc::geteuid() };
    assert_eq!(
        euid, 0,
        "{test} must run as root (CI does): it gives files to other owners and runs carnet as uid {NOBODY}"
    );
}

/// `carnet <args>` in `dir` as user and group 65534 with no supplementary groups, the way an
/// ordinary user would run it.
fn carnet_as_nobody(args: &[&str], dir: &Path) -> Output {
    use std::os::unix::process::CommandExt;
    let mut command = Command::new(env!("CARGO_BIN_EXE_carnet"));
    command.args(args).current_dir(dir);
    // SAFETY: only async-signal-safe system calls between fork and exec.
    unsafe {
        command.pre_exec(|| {
            if libc::setgroups(0, std::ptr::null()) != 0
                || libc::setgid(NOBODY) != 0
                || libc::setuid(NOBODY) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    command.output().expect("carnet runs as uid 65534")
}

/// A folder that uid 65534 may write in (the temporary folder itself is private to root).
fn folder_open_to_nobody() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o777)).expect("chmod");
    dir
}

fn give(path: &Path, uid: u32, gid: u32, mode: u32) {
    std::os::unix::fs::chown(path, Some(uid), Some(gid)).expect("chown");
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
}

#[test]
fn fix_write_leaves_a_file_the_user_cannot_write_even_in_a_folder_they_can() {
    require_root("fix_write_leaves_a_file_the_user_cannot_write_even_in_a_folder_they_can");
    let dir = folder_open_to_nobody();
    let roots = dir.path().join("a-root.md");
    let theirs = dir.path().join("a-nobody.md");
    fs::write(&roots, DAMAGED).expect("file written");
    fs::write(&theirs, DAMAGED).expect("file written");
    give(&roots, 0, 0, 0o644);
    give(&theirs, NOBODY, NOBODY, 0o644);

    let out = carnet_as_nobody(&["fix", "--write", "--backup", "."], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("./a-root.md: not writable by this user"), "{stderr}");
    assert!(stderr.contains("1 left as they were"), "{stderr}");
    assert_eq!(fs::read_to_string(&roots).expect("read"), DAMAGED);
    let meta = fs::metadata(&roots).expect("meta");
    assert_eq!((meta.uid(), meta.gid(), meta.mode() & 0o777), (0, 0, 0o644), "root's file is still root's");
    // The premise: the same process could write in the folder.
    assert_eq!(fs::read_to_string(&theirs).expect("read"), REPAIRED, "{stderr}");
    assert_eq!(
        names_in(dir.path()),
        ["a-nobody.md", "a-nobody.md.orig", "a-root.md"],
        "no backup or temporary file for the refused one"
    );
}

#[test]
fn fix_write_keeps_owner_and_group_or_leaves_the_file() {
    require_root("fix_write_keeps_owner_and_group_or_leaves_the_file");
    let dir = folder_open_to_nobody();
    // Root repairs a user's file: it stays the user's.
    let users = dir.path().join("utilisateur.md");
    fs::write(&users, DAMAGED).expect("file written");
    give(&users, NOBODY, NOBODY, 0o640);
    let out = carnet(&["fix", "--write", "--backup", "utilisateur.md"], dir.path(), b"");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(fs::read_to_string(&users).expect("read"), REPAIRED);
    for name in ["utilisateur.md", "utilisateur.md.orig"] {
        let meta = fs::metadata(dir.path().join(name)).expect("meta");
        assert_eq!((meta.uid(), meta.gid(), meta.mode() & 0o777), (NOBODY, NOBODY, 0o640), "{name}");
    }

    // A user's file in a group the user is not in: the repaired file could not keep the group.
    let shared = dir.path().join("partage.md");
    fs::write(&shared, DAMAGED).expect("file written");
    give(&shared, NOBODY, 0, 0o664);
    let out = carnet_as_nobody(&["fix", "--write", "--backup", "partage.md"], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("partage.md: cannot keep the owner and group (uid 65534, gid 0)"), "{stderr}");
    assert_eq!(fs::read_to_string(&shared).expect("read"), DAMAGED);
    let meta = fs::metadata(&shared).expect("meta");
    assert_eq!((meta.uid(), meta.gid(), meta.mode() & 0o777), (NOBODY, 0, 0o664));
    assert_eq!(
        names_in(dir.path()),
        ["partage.md", "utilisateur.md", "utilisateur.md.orig"],
        "no backup or temporary file left for the refused one"
    );
}

#[test]
fn fix_write_leaves_a_hard_linked_file_whose_other_names_a_rename_would_separate() {
    let site = site_with(&[("guide.md", DAMAGED)]);
    let path = site.path().join("content/guide.md");
    let other = site.path().join("ailleurs.md");
    fs::hard_link(&path, &other).expect("hard link");
    let out = carnet(&["fix", "--write", "content"], site.path(), b"");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/guide.md: has 2 names (hard links)"), "{stderr}");
    assert_eq!(
        fs::metadata(&path).expect("meta").ino(),
        fs::metadata(&other).expect("meta").ino(),
        "still one file"
    );
    assert_eq!(fs::read_to_string(&path).expect("read"), DAMAGED);
}

#[test]
fn fix_names_a_path_that_is_neither_file_nor_folder_and_never_reads_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = std::ffi::CString::new(dir.path().join("tube.md").into_os_string().into_encoded_bytes())
        .expect("path");
    // SAFETY: `fifo` is a NUL-terminated path that outlives the call.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0, "mkfifo");
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.md")).expect("symlink");
    for name in ["tube.md", "zero.md"] {
        let out = carnet(&["fix", "--write", name], dir.path(), b"");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(&format!("{name}: neither a file nor a folder")), "{stderr}");
    }
}

#[test]
fn fix_write_names_the_folder_it_cannot_create_the_repaired_file_in() {
    require_root("fix_write_names_the_folder_it_cannot_create_the_repaired_file_in");
    let dir = folder_open_to_nobody();
    let closed = dir.path().join("ferme");
    fs::create_dir(&closed).expect("folder");
    fs::set_permissions(&closed, fs::Permissions::from_mode(0o755)).expect("chmod");
    let path = closed.join("guide.md");
    fs::write(&path, DAMAGED).expect("file written");
    give(&path, NOBODY, NOBODY, 0o644);
    let out = carnet_as_nobody(&["fix", "--write", "--backup", "ferme/guide.md"], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let expected =
        format!("ferme/guide.md: cannot create the repaired file in {}: Permission denied", closed.display());
    assert!(stderr.contains(&expected), "{stderr}");
    assert_eq!(fs::read_to_string(&path).expect("read"), DAMAGED);
}
