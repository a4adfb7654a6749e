//! Search: the index files a build writes, and the Node tests of the query engine run over the
//! search fixture (`tests/fixtures/search/`) built by the real binary.

use std::path::Path;
use std::process::Command;

use crate::fixture::Site;

/// Copies the search fixture into a temporary site.
fn search_fixture() -> Site {
    let site = Site::new();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/search");
    for entry in walkdir::WalkDir::new(&from).into_iter().map(|e| e.expect("read the search fixture")) {
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(&from).unwrap().to_string_lossy().replace('\\', "/");
            site.file(&rel, std::fs::read(entry.path()).unwrap());
        }
    }
    site
}

#[test]
fn node_tests_of_the_query_engine_pass_over_the_built_fixture() {
    let site = search_fixture();
    site.build();
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/search");
    let output = Command::new("node")
        .arg("--test")
        .arg(&tests)
        .env("CARNET_SEARCH_SITE", site.output(""))
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `node` ({e}): the search engine's tests need Node.js 18 or later and are never \
                 skipped. Install it (`sudo apt-get install nodejs`) and run `cargo test` again."
            )
        });
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "node --test tests/search/ failed ({}):\n{stdout}{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("# pass") && !stdout.contains("# pass 0"), "node ran no test:\n{stdout}");
}

#[test]
fn build_writes_the_index_beside_the_assets_and_pages_stay_small() {
    let site = search_fixture();
    site.build();
    let search = site.output("assets/search");
    for file in ["manifest.js", "engine.js", "p/0.js", "v/0.js"] {
        assert!(search.join(file).is_file(), "missing assets/search/{file}");
    }
    let manifest = site.read("assets/search/manifest.js");
    assert!(manifest.starts_with("CARNET_SEARCH_SHARD(\"manifest\",{"), "{manifest}");
    let engine = site.read("assets/search/engine.js");
    assert!(
        engine.contains("window.CarnetSearch = {") && !engine.contains("\nexport "),
        "engine.js is a classic script"
    );
    // Every page carries the same small search box, never the index.
    let page = site.read("memoire-gunicorn/index.html");
    assert!(page.contains(r#"<input id="search-input" class="search-input" type="search""#));
    assert!(page.contains("data-search-results"));
    assert!(page.contains(r#"<script src="../assets/search.js" defer></script>"#));
    assert!(!page.contains("CARNET_SEARCH_SHARD"));
}

#[test]
fn the_index_is_the_same_from_one_build_to_the_next() {
    let site = search_fixture();
    site.build();
    let first: Vec<_> = site.snapshot().into_iter().filter(|(p, _)| p.contains("assets/search/")).collect();
    site.build();
    let second: Vec<_> = site.snapshot().into_iter().filter(|(p, _)| p.contains("assets/search/")).collect();
    assert!(!first.is_empty());
    assert!(first == second, "the search index changed between two builds of the same site");
}
