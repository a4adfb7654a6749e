//! Titles and names that are HTML, shown as text by the theme's scripts in a real browser: the
//! sidebar (built from nav.js) and the search results (built from the index). Each payload sets
//! `window.__pwned` if it ever runs; none may.

use std::path::Path;
use std::process::Command;

use crate::chrome::{Chrome, Page};
use crate::server;

const TITLE: &str = "Vulnérable <img src=x onerror=\"window.__pwned='title'\">";
const HEADING: &str = "Étape &lt;img src=x onerror=window.__pwned='heading'&gt; vulnérable";

/// Builds a small site whose titles, folder and text are HTML, and serves it.
fn hostile_site() -> String {
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-escaping");
    if work.exists() {
        std::fs::remove_dir_all(&work).unwrap();
    }
    let write = |rel: &str, text: &str| {
        let path = work.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "content/piege.md",
        &format!(
            "+++\ntitle = \"{}\"\n+++\nUn guide vulnérable &lt;script&gt;window.__pwned='body'&lt;/script&gt;.\n\n\
             ## {HEADING}\n\nLe texte vulnérable &lt;img src=x onerror=window.__pwned='snippet'&gt; ici.\n",
            TITLE.replace('"', "\\\"")
        ),
    );
    write(
        "content/<b>Dossier vulnérable/<img src=x onerror=window.__pwned='file'>.md",
        "Texte vulnérable.\n",
    );
    let public = work.join("public");
    let output = Command::new(env!("CARGO_BIN_EXE_carnet"))
        .arg("build")
        .arg("--root")
        .arg(&work)
        .output()
        .expect("run carnet");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    format!("http://{}/", server::serve(&public))
}

fn assert_nothing_ran(page: &Page, where_: &str) {
    let pwned: Option<String> = page.eval("window.__pwned === undefined ? null : String(window.__pwned)");
    assert_eq!(pwned, None, "a payload ran in {where_}");
    let images: usize = page.eval("document.querySelectorAll('img[src=x], img[onerror]').length");
    assert_eq!(images, 0, "an <img> was made from text in {where_}");
}

#[test]
fn html_in_titles_shows_as_text_in_the_sidebar_and_the_search_results_and_never_runs() {
    let base = hostile_site();
    let chrome = Chrome::launch();
    let page = chrome.page();
    page.viewport(1280, 800, false);
    page.open(&format!("{base}piege/"));
    page.wait_until("document.querySelectorAll('.nav-tree a').length >= 3", "the sidebar");
    let sidebar: Vec<String> =
        page.eval("[...document.querySelectorAll('.nav-tree a')].map(a => a.textContent)");
    assert!(sidebar.contains(&TITLE.to_string()), "the title, as text, in the sidebar: {sidebar:?}");
    assert!(sidebar.iter().any(|t| t == "<b>Dossier vulnérable"), "{sidebar:?}");
    let heading: String = page.eval("document.querySelector('main h1').textContent");
    assert_eq!(heading, TITLE);
    let title: String = page.eval("document.title");
    assert!(title.starts_with(TITLE), "{title}");
    page.click(".nav-fold");
    page.wait_until(
        "[...document.querySelectorAll('.nav-tree a')].some(a => a.textContent.startsWith('<img'))",
        "the folder's pages",
    );
    assert_nothing_ran(&page, "the guide and its sidebar");

    page.run("const i = document.querySelector('input[type=search]'); i.value = ''; i.focus();");
    page.tab.type_str("vulnérable").expect("type the query");
    page.wait_until(
        "!document.querySelector('[data-search-results]').hidden && document.querySelectorAll('[data-search-results] a').length >= 3",
        "the search results",
    );
    let shown: String = page.eval("document.querySelector('[data-search-results]').textContent");
    assert!(shown.contains("<img src=x onerror=\"window.__pwned='title'\">"), "title as text: {shown}");
    assert!(shown.contains("<img src=x onerror=window.__pwned='heading'>"), "heading as text: {shown}");
    assert!(shown.contains("<img src=x onerror=window.__pwned='snippet'>"), "snippet as text: {shown}");
    // The title made from the file name (underscores read as spaces, runs of spaces made one).
    assert!(shown.contains("<img src=x onerror=window. pwned='file'>"), "file name as text: {shown}");
    let marks: usize = page.eval("document.querySelectorAll('[data-search-results] mark').length");
    assert!(marks > 0, "the searched word is still highlighted");
    assert_nothing_ran(&page, "the search results");

    // Opening a result highlights the words in the page: text nodes only.
    page.press("Enter");
    page.wait_until("document.querySelectorAll('main mark.search-mark').length > 0", "the highlighted words");
    assert_nothing_ran(&page, "the opened result");
    assert_eq!(page.errors(), Vec::<String>::new(), "no JS error");
}
