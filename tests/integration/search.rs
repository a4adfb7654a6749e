//! Search: the index files a build writes, and the Node tests of the query engine run over the
//! search fixture (`tests/fixtures/search/`) and the sites of the query sets (bundled site,
//! pasted-log fixture, Thorium's documentation) built by the real binary.

use std::path::Path;
use std::process::Command;

use crate::fixture::Site;

/// Copies the search fixture into a temporary site.
fn search_fixture() -> Site {
    let site = Site::new();
    copy_into(&site, "tests/fixtures/search", "");
    site
}

/// Copies the files under `from` (from the repository) into `site`, under `to`.
fn copy_into(site: &Site, from: &str, to: &str) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join(from);
    for entry in walkdir::WalkDir::new(&from).into_iter().map(|e| e.expect("read a fixture")) {
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(&from).unwrap().to_string_lossy().replace('\\', "/");
            site.file(&format!("{to}{rel}"), std::fs::read(entry.path()).unwrap());
        }
    }
}

/// The sites the query sets of `tests/search/queries/` run on (`tests/search/sites.test.mjs`):
/// the bundled site, the pasted-log fixture and the French documentation of Thorium Reader.
fn query_set_sites() -> [Site; 3] {
    let bundled = Site::new();
    copy_into(&bundled, "content", "content/");
    bundled.file(
        "carnet.toml",
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("carnet.toml")).unwrap(),
    );
    let logs = Site::new();
    copy_into(&logs, "tests/fixtures/search-logs", "");
    let thorium = Site::new();
    copy_into(&thorium, "tests/fixtures/real/thorium-doc/content", "content/");
    thorium.file("carnet.toml", "title = \"Thorium Reader\"\n");
    for site in [&bundled, &logs, &thorium] {
        site.build();
    }
    [bundled, logs, thorium]
}

#[test]
fn node_tests_of_the_query_engine_pass_over_the_built_fixture() {
    let site = search_fixture();
    site.build();
    let [bundled, logs, thorium] = query_set_sites();
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/search");
    let output = Command::new("node")
        .arg("--test")
        .arg(&tests)
        .env("CARNET_SEARCH_SITE", site.output(""))
        .env("CARNET_BUNDLED_SITE", bundled.output(""))
        .env("CARNET_LOGS_SITE", logs.output(""))
        .env("CARNET_THORIUM_SITE", thorium.output(""))
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
    // The site tests skip themselves without their built site: here every site is given.
    assert!(stdout.contains("# skipped 0"), "a node test skipped itself:\n{stdout}");
}

#[test]
fn build_writes_the_index_beside_the_assets_and_pages_stay_small() {
    let site = search_fixture();
    site.build();
    let manifest = site.read("assets/search-manifest.js");
    assert!(manifest.starts_with("CARNET_SEARCH_SHARD(\"manifest\",{"), "{manifest}");
    let shards = shards_dir(&manifest);
    assert!(shards.starts_with("assets/immutable/search-index."), "{shards}");
    for file in ["b/0.js", "v/0.js"] {
        assert!(site.output(&format!("{shards}{file}")).is_file(), "missing {shards}{file}");
    }
    let engine = site.read(&site.asset("search-engine.js"));
    assert!(
        engine.contains("window.CarnetSearch={") && !engine.contains("\nexport "),
        "the engine is a classic script"
    );
    // Every page carries the same small search box, never the index, nor its folder's name.
    let page = site.read("memoire-gunicorn/index.html");
    assert!(page.contains(r#"<input id="search-input" class="search-input" type="search""#));
    assert!(page.contains("data-search-results"));
    let script = format!(
        r#"<script src="../{}" data-search-engine="../{}" data-search-manifest="../assets/search-manifest.js" defer></script>"#,
        site.asset("search.js"),
        site.asset("search-engine.js")
    );
    assert!(page.contains(&script), "{page}");
    assert!(!page.contains("CARNET_SEARCH_SHARD") && !page.contains("search-index."));
}

/// The folder of the shards, as the manifest names it.
fn shards_dir(manifest: &str) -> String {
    let json =
        manifest.trim_end().strip_prefix("CARNET_SEARCH_SHARD(\"manifest\",").unwrap().trim_end_matches(");");
    let data: serde_json::Value = serde_json::from_str(json).unwrap();
    data["d"].as_str().unwrap().to_string()
}

#[test]
fn the_index_is_the_same_from_one_build_to_the_next() {
    let site = search_fixture();
    site.build();
    let index = |site: &Site| -> Vec<(String, Vec<u8>)> {
        site.snapshot()
            .into_iter()
            .filter(|(p, _)| p.contains("search-index.") || p.contains("search-manifest"))
            .collect()
    };
    let first = index(&site);
    site.build();
    let second = index(&site);
    assert!(first.len() > 3);
    assert!(first == second, "the search index changed between two builds of the same site");
}

#[test]
fn an_edited_guide_moves_the_index_to_a_new_folder_and_pages_do_not_change() {
    let site = search_fixture();
    site.build();
    let before = shards_dir(&site.read("assets/search-manifest.js"));
    let page = site.read("memoire-gunicorn/index.html");
    let guide = site.root().join("content/redemarrage.md");
    let mut text = std::fs::read_to_string(&guide).unwrap();
    text.push_str("\nUn mot nouveau : zygomorphe.\n");
    std::fs::write(&guide, text).unwrap();
    site.build();
    let after = shards_dir(&site.read("assets/search-manifest.js"));
    assert_ne!(before, after, "the shards' folder is named after their contents");
    assert!(site.output(&after).is_dir() && !site.output(&before).exists());
    assert_eq!(site.read("memoire-gunicorn/index.html"), page, "pages do not name the index");
}
