//! What a first query downloads, measured by the browser (issue 18): on the bundled site
//! (`content/` of the repository) under 30 KB, on a generated site of 10,000 guides under
//! 150 KB; the sum of `transferSize` of every resource the page loads from the moment the reader
//! focuses the search box until the results of their query show (engine, manifest, vocabulary
//! shards, postings, result pages). The same queries run from a `file://` copy of the bundled site.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::chrome::{Chrome, Page};
use crate::server;

#[path = "../../benches/corpus/mod.rs"]
#[allow(dead_code)]
mod generator;

const RESULTS: &str = "[data-search-results]";

/// Builds the site rooted at `root` into `root/public` with the real binary.
fn build(root: &Path) -> PathBuf {
    let public = root.join("public");
    let output = Command::new(env!("CARGO_BIN_EXE_carnet"))
        .args(["build", "--quiet", "--root"])
        .arg(root)
        .arg("--output")
        .arg(&public)
        .output()
        .expect("run the carnet binary");
    assert!(
        output.status.success(),
        "carnet build of {} failed: {}",
        root.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    public
}

fn work_dir(name: &str) -> PathBuf {
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    if work.exists() {
        std::fs::remove_dir_all(&work).unwrap_or_else(|e| panic!("cannot clear {}: {e}", work.display()));
    }
    std::fs::create_dir_all(&work).unwrap();
    work
}

/// The bundled site: the repository's own `content/` and `carnet.toml`.
fn bundled_site() -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = work_dir("bundled-site");
    std::fs::copy(repo.join("carnet.toml"), work.join("carnet.toml")).unwrap();
    copy_dir(&repo.join("content"), &work.join("content"));
    build(&work)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// Types `query` into a fresh page at `url` and returns the bytes transferred from the focus of
/// the box to the results, the files, and the links of the first three sections shown.
fn first_query(chrome: &Chrome, url: &str, query: &str) -> (u64, Vec<String>, String) {
    let page: Page = chrome.page();
    page.open(url);
    page.wait_until("document.readyState === 'complete'", "the page to load");
    page.run("performance.setResourceTimingBufferSize(100000); performance.clearResourceTimings();");
    page.run(&format!(
        "const i = document.querySelector('input[type=search]'); i.focus(); i.value = {query:?}; \
         i.dispatchEvent(new Event('input'));"
    ));
    page.wait_until(
        &format!("document.querySelector('{RESULTS}').dataset.query === {query:?}"),
        &format!("the results for {query:?}"),
    );
    let entries: Vec<(String, f64, f64)> = page.eval(
        "performance.getEntriesByType('resource').map(e => [e.name, e.transferSize, e.encodedBodySize])",
    );
    let first: String = page.eval(&format!(
        "[...document.querySelectorAll('{RESULTS} a.search-hit:not(.search-hit-page)')].slice(0, 3).map(a => a.href).join(' ')"
    ));
    assert_eq!(page.errors(), Vec::<String>::new());
    // From file:// there are no transfers: count the bodies.
    let bytes = entries
        .iter()
        .map(|(_, transfer, body)| if *transfer > 0.0 { *transfer } else { *body })
        .sum::<f64>();
    let files = entries
        .into_iter()
        .map(|(name, _, _)| name.rsplit('/').take(2).collect::<Vec<_>>().join("<"))
        .collect();
    (bytes as u64, files, first)
}

/// Queries a reader types in an incident, accentless, misspelt, abbreviated, pasted.
const QUERIES: &[&str] = &[
    "memoire",
    "gunicron",
    "config",
    "carnet",
    "render",
    "mot de passe admin",
    "[2020-09-12 05:37:52 +0000] [18] [ERROR] Worker (pid:21) was sent SIGKILL! Perhaps out of memory?",
    // tests/fixtures/real/logs/nginx.log and render.log (openwrt/packages #9279; Render's build;
    // sympy/sympy-bot #102, the costliest of the 59 lines of the fixture on this site).
    "2019/06/20 23:06:58 [error] 1816#0: *418 upstream prematurely closed connection while reading response header from upstream, client: 172.20.0.212, server: localhost, request: \"GET /cgi-bin/luci HTTP/1.1\", upstream: \"uwsgi://unix:////var/run/uwsgi.sock:\", host: \"172.20.0.1\"",
    "Exited with status 1 while building your code. Check your deploy logs for more information.",
    "Dec 9 03:03:10 PM  error: failed to solve: process \"/bin/bash -c /render/build-scripts/apply-buildpacks.py ${HEROKU_STACK}\" did not complete successfully: exit code: 1",
];

#[test]
fn a_first_query_on_the_bundled_site_downloads_under_30_kb_over_http_and_works_from_file() {
    let public = bundled_site();
    let addr = server::serve(&public);
    let chrome = Chrome::launch();
    let mut worst = 0;
    for query in QUERIES {
        let (bytes, files, first) = first_query(&chrome, &format!("http://{addr}/"), query);
        crate::chrome::tell(&format!(
            "bundled site, first query {query:?}: {bytes} bytes in {} files → {first}",
            files.len()
        ));
        assert!(bytes < 30_000, "{query:?}: {bytes} bytes, over 30 KB: {files:?}");
        worst = worst.max(bytes);
    }
    let (_, _, first) = first_query(&chrome, &format!("http://{addr}/"), "gunicron");
    assert!(first.contains("/resolution-erreur-oom-render/"), "gunicron → {first}");
    let file_url = format!("file://{}/index.html", public.display());
    let (bytes, _, first) = first_query(&chrome, &file_url, "gunicron");
    assert!(
        first.starts_with("file://") && first.contains("resolution-erreur-oom-render/index.html?q=gunicron"),
        "{first}"
    );
    assert!(bytes < 30_000, "from file://: {bytes} bytes");
    crate::chrome::tell(&format!("bundled site: worst first query {worst} bytes"));
}

#[test]
fn a_first_query_on_10000_generated_guides_downloads_under_150_kb() {
    let work = work_dir("generated-10000-site");
    generator::write(&generator::generate(10_000, 1, 0.0), &work.join("content")).expect("write the corpus");
    std::fs::write(work.join("carnet.toml"), "title = \"Dix mille guides\"\n").unwrap();
    let public = build(&work);
    let addr = server::serve(&public);
    let chrome = Chrome::launch();
    let queries = [
        "memoire",
        "fuite memoire",
        "gunicron",
        "acces refuse api publique",
        "config",
        "certificat ssl expire",
        "2024-05-18T09:10:29 app[release.3]: R14 Memory quota exceeded",
        "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe9",
    ];
    let mut worst = 0;
    for query in queries {
        let (bytes, files, first) = first_query(&chrome, &format!("http://{addr}/"), query);
        crate::chrome::tell(&format!(
            "10,000 guides, first query {query:?}: {bytes} bytes in {} files → {first}",
            files.len()
        ));
        assert!(!first.is_empty(), "{query:?}: no result");
        assert!(bytes < 150_000, "{query:?}: {bytes} bytes, over 150 KB: {files:?}");
        worst = worst.max(bytes);
    }
    crate::chrome::tell(&format!("10,000 guides: worst first query {worst} bytes"));
}
