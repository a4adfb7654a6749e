//! `scripts/render-build.sh`, render.yaml's build command, on its prebuilt path: a release served
//! by a local file server (`static_host`), the real `carnet` binary as the release, its real
//! SHA-256. A tampered download or a missing release falls back to compiling, and is never run;
//! the PATH has no cargo and rustup is forbidden (`CARNET_NO_RUSTUP=1`), so the fallback stops at
//! the toolchain, saying so, and no test downloads anything from the internet.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sha2::{Digest, Sha256};

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/render-build.sh")
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A site with one guide, and a folder served on 127.0.0.1 as the release host.
struct Stage {
    _dir: tempfile::TempDir,
    site: PathBuf,
    served: PathBuf,
    base_url: String,
}

fn stage() -> Stage {
    let dir = tempfile::tempdir().unwrap();
    let (site, served) = (dir.path().join("site"), dir.path().join("served"));
    std::fs::create_dir_all(site.join("content")).unwrap();
    std::fs::create_dir_all(&served).unwrap();
    std::fs::write(site.join("carnet.toml"), "title = \"Guides\"\n").unwrap();
    std::fs::write(
        site.join("content/RESOLUTION_DISQUE_PLEIN.md"),
        "# Disque plein\n\nLibérez de la place avec `du -sh *`.\n",
    )
    .unwrap();
    let base_url = format!("http://{}", crate::static_host::serve(&served));
    Stage { _dir: dir, site, served, base_url }
}

/// Runs the script in the site with `url` and `sha256` pinned, a PATH without cargo, rustup
/// forbidden.
fn run_script(stage: &Stage, url: &str, sha256: &str) -> Output {
    Command::new("/bin/bash")
        .arg(script())
        .current_dir(&stage.site)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("HOME", stage.site.join("home"))
        .env("CARNET_RELEASE_VERSION", "0.0.0-test")
        .env("CARNET_RELEASE_URL", url)
        .env("CARNET_RELEASE_SHA256", sha256)
        .env("CARNET_NO_RUSTUP", "1")
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The fallback was taken, stopped at the missing toolchain, and nothing downloaded is kept.
fn assert_fell_back_without_running(stage: &Stage, out: &Output) {
    let err = stderr(out);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("path: compiling carnet (no usable prebuilt release)"), "{err}");
    assert!(
        err.contains("cargo is missing and CARNET_NO_RUSTUP=1: cannot install the Rust toolchain"),
        "{err}"
    );
    assert!(!err.contains("path: prebuilt"), "{err}");
    assert!(!stage.site.join(".carnet/bin/carnet").exists(), "no binary kept");
    assert!(!stage.site.join(".carnet/bin/carnet.download").exists(), "the download is deleted");
    assert!(!stage.site.join("public").exists(), "no site built");
}

#[test]
fn a_pinned_release_with_its_checksum_is_downloaded_and_builds_the_site_without_cargo() {
    let stage = stage();
    let binary = std::fs::read(env!("CARGO_BIN_EXE_carnet")).unwrap();
    std::fs::write(stage.served.join("carnet-x86_64-unknown-linux-musl"), &binary).unwrap();
    let url = format!("{}/carnet-x86_64-unknown-linux-musl", stage.base_url);
    let out = run_script(&stage, &url, &sha256_hex(&binary));
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains(&format!("downloading carnet 0.0.0-test from {url}")), "{err}");
    assert!(err.contains("path: prebuilt carnet 0.0.0-test (SHA-256 verified)"), "{err}");
    assert!(!err.contains("compiling"), "{err}");
    assert_eq!(std::fs::read(stage.site.join(".carnet/bin/carnet")).unwrap(), binary);
    let page = std::fs::read_to_string(stage.site.join("public/index.html")).unwrap();
    assert!(page.contains("Disque plein"), "the site is built");
}

#[test]
fn a_tampered_release_is_never_run_and_the_script_falls_back_to_compiling() {
    let stage = stage();
    let marker = stage.site.join("tampered-binary-ran");
    // What an attacker would serve: a program that leaves a trace when run.
    let tampered = format!("#!/bin/sh\ntouch '{}'\n", marker.display());
    std::fs::write(stage.served.join("carnet"), &tampered).unwrap();
    let genuine = std::fs::read(env!("CARGO_BIN_EXE_carnet")).unwrap();
    let out = run_script(&stage, &format!("{}/carnet", stage.base_url), &sha256_hex(&genuine));
    let err = stderr(&out);
    assert!(err.contains(&format!("checksum mismatch: expected {}", sha256_hex(&genuine))), "{err}");
    assert!(err.contains(&format!("got {}", sha256_hex(tampered.as_bytes()))), "{err}");
    assert_fell_back_without_running(&stage, &out);
    assert!(!marker.exists(), "the tampered binary ran");
}

#[test]
fn a_missing_release_falls_back_to_compiling() {
    let stage = stage();
    let out = run_script(&stage, &format!("{}/v9.9.9/carnet", stage.base_url), &"0".repeat(64));
    let err = stderr(&out);
    assert!(err.contains("404") && err.contains("download failed"), "{err}");
    assert_fell_back_without_running(&stage, &out);
}

#[test]
fn without_a_pinned_release_the_script_says_so_and_compiles() {
    let stage = stage();
    let out = run_script(&stage, "", "");
    let err = stderr(&out);
    assert!(err.contains("no release pinned (CARNET_RELEASE_URL and CARNET_RELEASE_SHA256)"), "{err}");
    assert!(!err.contains("downloading"), "{err}");
    assert_fell_back_without_running(&stage, &out);
}

/// The `cargo build` and `cargo install` command lines of a script or workflow: (the command
/// line after `cargo `, its `--` flags).
fn carnet_builds(text: &str) -> Vec<(String, Vec<String>)> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.starts_with('#') && !line.starts_with("say "))
        .filter_map(|line| line.split_once("cargo ").map(|(_, rest)| rest))
        .filter(|rest| rest.starts_with("build ") || rest.starts_with("install "))
        .map(|rest| {
            let flags = rest.split_whitespace().filter(|w| w.starts_with("--")).map(str::to_string).collect();
            (rest.to_string(), flags)
        })
        .collect()
}

/// The feature flags of a cargo command line: what the binary can do.
fn feature_flags(flags: &[String]) -> Vec<&str> {
    flags.iter().map(String::as_str).filter(|f| f.contains("features")).collect()
}

#[test]
fn the_release_workflow_and_the_fallback_compile_build_the_same_features_locked() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workflow = std::fs::read_to_string(root.join(".github/workflows/release.yml")).unwrap();
    let released = carnet_builds(&workflow);
    let compiled = carnet_builds(&std::fs::read_to_string(script()).unwrap());
    assert_eq!(released.len(), 1, "one carnet build in release.yml: {released:?}");
    assert_eq!(compiled.len(), 2, "cargo build and cargo install in render-build.sh: {compiled:?}");
    let release_features = feature_flags(&released[0].1);
    assert_eq!(release_features, ["--no-default-features"]);
    for (line, flags) in compiled.iter().chain(&released) {
        assert!(flags.iter().any(|f| f == "--locked"), "without --locked: cargo {line}");
        assert_eq!(feature_flags(flags), release_features, "cargo {line}");
    }
    for (line, _) in &compiled {
        assert!(line.contains("--profile deploy"), "fallback without the deploy profile: cargo {line}");
    }
}
