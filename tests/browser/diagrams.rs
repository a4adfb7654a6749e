//! Diagrams: a ```` ```mermaid ```` block is drawn as an SVG by the mermaid library bundled in the
//! theme, served with render.yaml's headers (its Content-Security-Policy blocks nothing the
//! library does) and from `file://`; its source stays there to copy; a page without a diagram
//! does not load the library.

use std::sync::OnceLock;

use crate::chrome::{Chrome, Page};
use crate::publish::render_yaml_headers;
use crate::server::{self, Host};
use crate::site::build_fixture;

/// The built `tests/fixtures/diagrams/` site, and where it is served with render.yaml's headers.
fn diagram_site() -> &'static (std::path::PathBuf, String) {
    static SITE: OnceLock<(std::path::PathBuf, String)> = OnceLock::new();
    SITE.get_or_init(|| {
        let public = build_fixture("diagrams", "diagram-site");
        let addr =
            server::serve_as(&public, Host { folder_without_slash: false, headers: render_yaml_headers() });
        (public, format!("http://{addr}/"))
    })
}

/// Waits until every diagram of the page is drawn, and returns how many there are.
fn drawn_diagrams(page: &Page) -> usize {
    page.wait_until(
        "document.querySelectorAll('.diagram').length > 0 && [...document.querySelectorAll('.diagram')]\
         .every(d => d.querySelector('.diagram-render svg') || d.querySelector('.diagram-error'))",
        "the diagrams to be drawn",
    );
    page.eval("document.querySelectorAll('.diagram .diagram-render svg').length")
}

#[test]
fn a_mermaid_block_is_drawn_as_svg_under_the_render_yaml_policy() {
    let (_, base) = diagram_site();
    let chrome = Chrome::launch();
    let page = chrome.page();
    page.viewport(1280, 900, false);
    page.open(base);
    assert_eq!(drawn_diagrams(&page), 2, "both diagrams are drawn: {:?}", page.errors());
    let labels: String = page.eval("document.querySelector('.diagram-render svg').textContent");
    for label in ["Push sur main", "Build réussi ?", "Site publié", "Ancien site conservé"] {
        assert!(labels.contains(label), "the flowchart shows {label:?}: {labels:?}");
    }
    let nodes: usize =
        page.eval("document.querySelector('.diagram-render svg').querySelectorAll('.node').length");
    assert_eq!(nodes, 4, "four boxes in the flowchart");
    let sequence: String = page.eval("document.querySelectorAll('.diagram-render svg')[1].textContent");
    assert!(sequence.contains("carnet build"), "{sequence:?}");
    // Drawn with its styles: the policy let mermaid's own stylesheet in.
    let fill: String = page.eval(
        "getComputedStyle(document.querySelector('.diagram-render svg .node rect, .diagram-render svg .node polygon')).fill",
    );
    assert_ne!(fill, "rgb(0, 0, 0)", "the boxes are styled, not black");
    assert_eq!(page.errors(), Vec::<String>::new(), "nothing blocked, no script error");

    // The source stays: folded under its drawing, with its copy button.
    let open: bool = page.eval("document.querySelector('.diagram-source').open");
    assert!(!open, "the source is folded once the diagram is drawn");
    let source: String = page.eval("document.querySelector('.diagram-source pre code').textContent");
    assert!(source.starts_with("flowchart TD\n    A[Push sur main] --> B{Build réussi ?}"), "{source:?}");
    let copy: usize = page.eval("document.querySelectorAll('.diagram-source .code-copy').length");
    assert_eq!(copy, 2, "each diagram's source has its copy button");
    let dir = crate::screenshot_dir();
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    let shot = dir.join("diagrams.png");
    page.screenshot(&shot);
    crate::chrome::tell(&format!("diagram screenshot saved as {}", shot.display()));
}

#[test]
fn diagrams_follow_the_dark_theme_and_a_broken_one_keeps_its_source_open() {
    let (_, base) = diagram_site();
    let chrome = Chrome::launch();
    let page = chrome.page();
    page.open(base);
    drawn_diagrams(&page);
    page.wait_until("document.querySelector('.diagram').getAttribute('data-drawn') === 'default'", "light");
    page.click(".theme-toggle");
    page.wait_until(
        "[...document.querySelectorAll('.diagram')].every(d => d.getAttribute('data-drawn') === 'dark')",
        "the diagrams drawn again in the dark theme",
    );
    let drawings: usize = page.eval("document.querySelectorAll('.diagram-render svg').length");
    assert_eq!(drawings, 2, "drawn again, not added");
    assert_eq!(page.errors(), Vec::<String>::new());

    page.open(&format!("{base}erreur/"));
    page.wait_until("document.querySelector('.diagram-error')", "the error message");
    let message: String = page.eval("document.querySelector('.diagram-error').textContent");
    assert!(message.starts_with("Ce diagramme n’a pas pu être dessiné"), "{message}");
    let open: bool = page.eval("document.querySelector('.diagram-source').open");
    assert!(open, "the source stays open to read");
}

#[test]
fn a_page_without_diagram_does_not_load_the_library() {
    let (_, base) = diagram_site();
    let chrome = Chrome::launch();
    let page = chrome.page();
    page.open(&format!("{base}sans-diagramme/"));
    page.wait_until("document.readyState === 'complete'", "the page to load");
    let loaded: Vec<String> = page.eval(
        "performance.getEntriesByType('resource').map(e => e.name).filter(n => /mermaid|diagram/.test(n))",
    );
    assert_eq!(loaded, Vec::<String>::new(), "no diagram file is fetched");
    let library: bool = page.eval("typeof window.mermaid !== 'undefined'");
    assert!(!library, "the library is not loaded");
    // The page with diagrams, for comparison, does load it.
    page.open(base);
    page.wait_until("typeof window.mermaid !== 'undefined'", "the library on the page with diagrams");
}

#[test]
fn diagrams_are_drawn_from_file_urls() {
    let (public, _) = diagram_site();
    let chrome = Chrome::launch();
    let page = chrome.page();
    page.open(&format!("file://{}/index.html", public.display()));
    assert_eq!(drawn_diagrams(&page), 2, "{:?}", page.errors());
}
