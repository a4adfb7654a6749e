//! A crawl of built sites: every internal `href`/`src` of every page leads to a file of the
//! output, and every `#fragment` to an element id of the target page. The sidebar tree too.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::fixture::Site;

/// Values of the attribute `attr` of the elements of an HTML text (`None`: of any element),
/// unescaped, read as a browser does (text that merely looks like a tag, in `<code>`, is not).
fn attribute_values(html: &str, attr: &str, element: Option<&str>) -> Vec<String> {
    let mut values = Vec::new();
    for token in html5gum::Tokenizer::new(html).flatten() {
        if let html5gum::Token::StartTag(tag) = token {
            if element.is_some_and(|e| tag.name.as_slice() != e.as_bytes()) {
                continue;
            }
            if let Some(value) = tag.attributes.get(attr.as_bytes()) {
                values.push(String::from_utf8_lossy(value).into_owned());
            }
        }
    }
    values
}

/// What a fragment may name: the page's ids, and the names of its `<a name>` anchors.
fn ids_of(html: &str) -> Vec<String> {
    let mut ids = attribute_values(html, "id", None);
    ids.extend(attribute_values(html, "name", Some("a")));
    ids
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// The file a link resolves to, the way a static host serves it.
fn target_file(output: &Path, page: &Path, link: &str) -> PathBuf {
    let path = percent_decode(link.split(['#', '?']).next().unwrap_or(""));
    let base =
        if path.starts_with('/') { output.to_path_buf() } else { page.parent().unwrap().to_path_buf() };
    let mut target = base.join(path.trim_start_matches('/'));
    if link.split(['#', '?']).next().unwrap_or("").is_empty() {
        target = page.to_path_buf();
    } else if target.is_dir() {
        target = target.join("index.html");
    }
    target
}

/// Crawls every HTML page of `output`; returns how many links were followed and the broken ones.
fn crawl(output: &Path) -> (usize, Vec<String>) {
    let pages: Vec<PathBuf> = walkdir::WalkDir::new(output)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    assert!(!pages.is_empty(), "no page in {}", output.display());
    let mut ids: HashMap<PathBuf, Vec<String>> = HashMap::new();
    let mut broken = Vec::new();
    let mut followed = 0;
    for page in &pages {
        let html = std::fs::read_to_string(page).unwrap();
        let links =
            attribute_values(&html, "href", None).into_iter().chain(attribute_values(&html, "src", None));
        for link in links.filter(|l| !l.contains("://") && !l.starts_with("mailto:")) {
            followed += 1;
            let target = target_file(output, page, &link);
            let target = std::fs::canonicalize(&target).unwrap_or(target);
            if !target.is_file() {
                broken.push(format!("{}: {link} → no file {}", page.display(), target.display()));
                continue;
            }
            if let Some(fragment) =
                // `#` and `#top` are the top of any page.
                link
                    .split_once('#')
                    .map(|(_, f)| percent_decode(f))
                    .filter(|f| !f.is_empty() && f != "top")
            {
                let target_ids = ids
                    .entry(target.clone())
                    .or_insert_with(|| ids_of(&std::fs::read_to_string(&target).unwrap_or_default()));
                if !target_ids.contains(&fragment) {
                    broken.push(format!("{}: {link} → no id `{fragment}`", page.display()));
                }
            }
        }
    }
    let home = std::fs::read_to_string(output.join("index.html")).unwrap();
    let nav = std::fs::read_to_string(output.join(crate::fixture::asset_in(&home, "nav.js"))).unwrap();
    let json = nav.trim().strip_prefix("window.CARNET_NAV=").unwrap().trim_end_matches(';');
    let tree: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut stack = vec![&tree];
    while let Some(node) = stack.pop() {
        let page = output.join(node["u"].as_str().unwrap()).join("index.html");
        if !page.is_file() {
            broken.push(format!("nav.js: {} → no file", node["u"]));
        }
        stack.extend(node["c"].as_array().into_iter().flatten());
    }
    (followed, broken)
}

#[test]
fn every_link_of_the_bundled_site_resolves() {
    let output = tempfile::tempdir().unwrap();
    let public = output.path().join("public");
    let run = Command::new(env!("CARGO_BIN_EXE_carnet"))
        .args(["build", "--root", env!("CARGO_MANIFEST_DIR"), "--output"])
        .arg(&public)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let (followed, broken) = crawl(&public);
    assert!(followed > 100, "only {followed} links followed");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_link_of_a_linked_fixture_resolves() {
    let site = Site::new();
    site.file(
        "content/A.md",
        "# A\n\n## Un {#un}\n\n[b](dossier/B.md#deux) `dossier/B.md` ![x](img/x.png)\n",
    )
    .file("content/img/x.png", b"png")
    .file("content/dossier/B.md", "# B\n\n## Deux\n\n[a](../A.md#un) [soi](#deux) [fichier](../img/x.png)\n")
    .file("content/dossier/sous/index.md", "# Sous\n\n[retour](../../A.md)\n")
    .file("content/Été à l'eau.md", "# Été\n\n[a](A.md)\n");
    site.build();
    let (followed, broken) = crawl(&site.root().join("public"));
    assert!(followed > 30, "only {followed} links followed");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}
