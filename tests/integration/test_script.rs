//! `scripts/test.sh`, the README's test command: on a machine that lacks what the tests need
//! (here Chromium, hidden by `CHROME` naming a missing file), it installs it with apt-get when it
//! runs as root, or stops at once with the exact command when it cannot. `id`, `sudo`,
//! `apt-get` and `cargo` are stand-ins on the PATH that record their arguments, so nothing is
//! installed and no test run starts another.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A folder of stand-in commands, each printing its name and arguments to `calls.log`.
fn stand_ins(dir: &Path, uid: u32, sudo_works: bool) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.join("calls.log");
    let recorder = |name: &str, status: u8| {
        let path = bin.join(name);
        let body = format!("#!/bin/sh\necho \"{name} $*\" >> '{}'\nexit {status}\n", log.display());
        std::fs::write(&path, body).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    recorder("apt-get", 0);
    recorder("cargo", 0);
    recorder("sudo", if sudo_works { 0 } else { 1 });
    let id = bin.join("id");
    std::fs::write(&id, format!("#!/bin/sh\necho {uid}\n")).unwrap();
    std::fs::set_permissions(&id, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

fn run(dir: &Path, bin: &Path) -> Output {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/test.sh");
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    Command::new("bash")
        .arg(script)
        .arg("--no-run")
        .env("PATH", path)
        .env("CHROME", dir.join("no-chromium"))
        .output()
        .unwrap()
}

fn calls(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("calls.log")).unwrap_or_default()
}

#[test]
fn without_root_or_sudo_it_stops_at_once_with_the_command_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let bin = stand_ins(dir.path(), 1000, false);
    let out = run(dir.path(), &bin);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("apt-get update && apt-get install -y chromium"), "{stderr}");
    let calls = calls(dir.path());
    assert!(!calls.contains("apt-get") && !calls.contains("cargo"), "{calls}");
}

#[test]
fn as_root_it_installs_what_is_missing_then_runs_the_tests() {
    let dir = tempfile::tempdir().unwrap();
    let bin = stand_ins(dir.path(), 0, false);
    let out = run(dir.path(), &bin);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let calls = calls(dir.path());
    let lines: Vec<&str> = calls.lines().collect();
    assert_eq!(lines.first(), Some(&"apt-get update -q"), "{calls}");
    assert!(lines[1].starts_with("apt-get install -y -q chromium"), "{calls}");
    assert_eq!(lines.last(), Some(&"cargo test --locked --no-run"), "{calls}");
    assert!(!calls.contains("sudo"), "{calls}");
}

#[test]
fn with_password_less_sudo_it_installs_through_sudo() {
    let dir = tempfile::tempdir().unwrap();
    let bin = stand_ins(dir.path(), 1000, true);
    let out = run(dir.path(), &bin);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let calls = calls(dir.path());
    assert!(calls.contains("sudo -n apt-get install -y -q chromium"), "{calls}");
    assert!(calls.ends_with("cargo test --locked --no-run\n"), "{calls}");
}
