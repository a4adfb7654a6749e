//! The fixture site, built once per test run with the real `carnet` binary and served over HTTP.
//!
//! `site()` copies `tests/fixtures/browser/` into `$CARGO_TARGET_TMPDIR/browser-site/` (wiped
//! first), runs `carnet build --root <copy> --output <copy>/public`, and starts the static server.
//! The built site stays there after the run, so it can be opened by hand.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::server;

pub struct Site {
    /// The built output folder (`public/`).
    pub public: PathBuf,
    /// `http://127.0.0.1:PORT/`, with the trailing slash.
    pub base: String,
}

impl Site {
    /// The URL of a page given by its path from the site root (`""`, `"deploiement/"`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The `file://` URL of a file of the built site.
    pub fn file_url(&self, path: &str) -> String {
        format!("file://{}/{path}", self.public.display())
    }
}

/// The shared built site; the first test to ask builds it.
pub fn site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(build)
}

fn build() -> Site {
    let public = build_fixture("browser", "browser-site");
    let addr = server::serve(&public);
    let site = Site { public, base: format!("http://{addr}/") };
    crate::chrome::tell(&format!(
        "browser fixture site built in {}, served at {}",
        site.public.display(),
        site.base
    ));
    site
}

/// Builds `tests/fixtures/<fixture>/` in `$CARGO_TARGET_TMPDIR/<work>/` (wiped first) with the
/// real binary; returns its output folder.
pub fn build_fixture(fixture: &str, work: &str) -> PathBuf {
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join(work);
    if work.exists() {
        std::fs::remove_dir_all(&work).unwrap_or_else(|e| panic!("cannot clear {}: {e}", work.display()));
    }
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(fixture);
    copy_dir(&fixture, &work);
    let public = work.join("public");
    let output = Command::new(env!("CARGO_BIN_EXE_carnet"))
        .arg("build")
        .arg("--root")
        .arg(&work)
        .arg("--output")
        .arg(&public)
        .output()
        .expect("run the carnet binary");
    assert!(
        output.status.success(),
        "carnet build of the {} fixture failed ({}):\n{}{}",
        fixture.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    public
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("cannot create {}: {e}", to.display()));
    let entries = std::fs::read_dir(from).unwrap_or_else(|e| panic!("cannot read {}: {e}", from.display()));
    for entry in entries {
        let entry = entry.expect("read a fixture entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("fixture entry type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("cannot copy {}: {e}", entry.path().display()));
        }
    }
}
