//! The search box on the built browser fixture (the seed guide and two others): typing shows
//! results, `/` focuses the box, the keyboard moves through results and Enter opens the guide at
//! the section with the searched words marked; and the same from a `file://` copy.

use crate::chrome::{Chrome, Page};
use crate::site::site;
use crate::SEED_GUIDE;

const RESULTS: &str = "[data-search-results]";

fn open_home(chrome: &Chrome) -> Page {
    let page = chrome.page();
    page.viewport(1280, 800, false);
    page.open(&site().url(""));
    page
}

/// Focuses the box, types `query` like a reader and waits for the answer to it.
fn search(page: &Page, query: &str) {
    page.run("const i = document.querySelector('input[type=search]'); i.value = ''; i.focus();");
    page.tab.type_str(query).unwrap_or_else(|e| panic!("cannot type {query:?}: {e:#}"));
    page.wait_until(
        &format!(
            "document.querySelector('input[type=search]').value === {query:?} && !document.querySelector('{RESULTS}').hidden \
             && document.querySelector('{RESULTS}').dataset.query === {query:?}"
        ),
        &format!("the results for {query:?}"),
    );
}

/// `[href, text]` of the result links, in order.
fn results(page: &Page) -> Vec<(String, String)> {
    page.eval(&format!(
        "[...document.querySelectorAll('{RESULTS} a')].map(a => [a.getAttribute('href'), a.textContent])"
    ))
}

fn first_section(page: &Page, query: &str) -> (String, String) {
    search(page, query);
    let found = results(page);
    assert!(found.len() >= 2, "{query:?}: expected a page and its sections, got {found:?}");
    found[1].clone()
}

#[test]
fn typing_accentless_misspelt_and_code_queries_shows_the_right_section_first() {
    let chrome = Chrome::launch();
    let page = open_home(&chrome);
    // The seed guide (repaired at build time) is about memory: « mémoire » is its subject.
    let (href, text) = first_section(&page, "memoire");
    assert!(
        href.starts_with(&format!("{SEED_GUIDE}?q=memoire#")) && text.contains("mémoire"),
        "memoire → {href} {text}"
    );
    let (href, text) = first_section(&page, "gunicron");
    assert!(href.starts_with(SEED_GUIDE) && text.contains("Gunicorn"), "gunicron → {href} {text}");
    let (href, text) = first_section(&page, "--max-requests");
    // Both the seed's Procfile and the fixture's wide table hold it.
    let holders = [
        format!("{SEED_GUIDE}?q=--max-requests#procfile"),
        "deploiement/?q=--max-requests#tableau-large".into(),
    ];
    assert!(holders.contains(&href), "--max-requests → {href} {text}");
    let (href, _) = first_section(&page, "render.yaml");
    assert!(href.contains("#render-yaml"), "render.yaml → {href}");
    // A prefix: the seed's heading « Redéployer » ranks above body text saying « redéploie ».
    let (href, text) = first_section(&page, "redeploy");
    assert!(
        href == format!("{SEED_GUIDE}?q=redeploy#redeployer") && text.contains("Redéployer"),
        "prefix redeploy → {href} {text}"
    );
    page.screenshot(&crate::screenshot_dir().join("search-results-1280.png"));
    let marks: Vec<String> =
        page.eval(&format!("[...document.querySelectorAll('{RESULTS} mark')].map(m => m.textContent)"));
    assert!(!marks.is_empty(), "matched words are marked in the results");
    assert_eq!(page.errors(), Vec::<String>::new());
}

#[test]
fn results_fit_a_phone_screen() {
    let chrome = Chrome::launch();
    let page = chrome.page();
    page.viewport(360, 740, true);
    page.open(&site().url(""));
    search(&page, "gunicorn workers");
    let (left, right): (f64, f64) = page.eval(&format!(
        "(() => {{ const r = document.querySelector('{RESULTS}').getBoundingClientRect(); return [r.left, r.right]; }})()"
    ));
    assert!(left >= 0.0 && right <= 360.0, "results from {left} to {right} px on a 360 px screen");
    page.screenshot(&crate::screenshot_dir().join("search-results-360.png"));
}

#[test]
fn nothing_found_says_so_with_a_suggestion() {
    let chrome = Chrome::launch();
    let page = open_home(&chrome);
    search(&page, "gunicornnnnn");
    let text: String = page.eval(&format!("document.querySelector('{RESULTS}').textContent"));
    assert!(text.contains("Aucun résultat") && text.contains("gunicorn"), "{text}");
    assert!(results(&page).is_empty());
}

#[test]
fn slash_focuses_the_box_and_enter_opens_the_guide_at_the_section_with_the_words_marked() {
    let chrome = Chrome::launch();
    let page = open_home(&chrome);
    page.run("document.activeElement && document.activeElement.blur()");
    page.press("/");
    page.wait_until(
        "document.activeElement && document.activeElement.type === 'search'",
        "`/` to focus the search box",
    );
    page.run("document.activeElement.blur()");
    page.tab
        .press_key_with_modifiers("k", Some(&[headless_chrome::browser::tab::ModifierKey::Ctrl]))
        .expect("Ctrl+K");
    page.wait_until(
        "document.activeElement && document.activeElement.type === 'search'",
        "Ctrl+K to focus the search box",
    );

    search(&page, "gunicron");
    let found = results(&page);
    page.press("ArrowDown");
    let active: String =
        page.eval(&format!("document.querySelector('{RESULTS} a[aria-current]').getAttribute('href')"));
    assert_eq!(active, found[1].0, "ArrowDown selects the second result");
    page.press("Enter");
    page.wait_until(
        "location.pathname.endsWith('/resolution-erreur-oom-render/')",
        "Enter to open the guide",
    );
    let hash: String = page.eval("location.hash");
    assert_eq!(format!("#{}", found[1].0.split('#').nth(1).unwrap_or("")), hash);
    page.wait_until(
        "document.querySelector('main mark.search-mark')",
        "the searched words marked in the guide",
    );
    let marked: String = page.eval("document.querySelector('main mark.search-mark').textContent");
    assert_eq!(marked.to_lowercase(), "gunicorn");
    let in_view: bool = page.eval(&format!(
        "(() => {{ const r = document.getElementById({:?}).getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }})()",
        hash.trim_start_matches('#')
    ));
    assert!(in_view, "the section {hash} is in view");

    page.run("document.querySelector('input[type=search]').focus()");
    search(&page, "workers");
    page.press("Escape");
    page.wait_until(&format!("document.querySelector('{RESULTS}').hidden"), "Escape to close the results");
    assert_eq!(page.errors(), Vec::<String>::new());
}

#[test]
fn headings_with_html_show_as_text() {
    let chrome = Chrome::launch();
    let page = open_home(&chrome);
    search(&page, "script");
    let injected: bool =
        page.eval(&format!("!!document.querySelector('{RESULTS} script, {RESULTS} img, {RESULTS} b')"));
    assert!(!injected, "no element from guide text may appear in the results");
}

#[test]
fn search_works_from_a_file_url_copy_of_the_site() {
    let chrome = Chrome::launch();
    let page = chrome.page();
    page.viewport(1280, 800, false);
    page.open(&site().file_url("index.html"));
    search(&page, "memoire");
    let found = results(&page);
    assert!(found[0].0.contains("resolution-erreur-oom-render/index.html?q=memoire"), "{found:?}");
    assert_eq!(page.errors(), Vec::<String>::new());
}
