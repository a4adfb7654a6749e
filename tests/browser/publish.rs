//! The built site on a host like Render's CDN: a folder named without its slash (`/deploiement`)
//! is served as it is, not redirected, and every response carries the headers of the repository's
//! render.yaml, its Content-Security-Policy included. The page adds its own slash (the inline
//! script of base.html), then its stylesheet, scripts, sidebar and search all load, and the
//! policy blocks nothing the theme does.

use std::path::Path;

use crate::chrome::Chrome;
use crate::server::{self, Host};
use crate::site::site;

/// The `headers` rules of render.yaml: `(path, name, value)`.
pub fn render_yaml_headers() -> Vec<(String, String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("render.yaml");
    let text = std::fs::read_to_string(&path).expect("read render.yaml");
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).expect("render.yaml is YAML");
    let rules = yaml["services"][0]["headers"].as_sequence().expect("render.yaml has headers");
    rules
        .iter()
        .map(|rule| {
            let field = |key: &str| {
                rule[key].as_str().unwrap_or_else(|| panic!("header rule without {key}")).to_string()
            };
            (field("path"), field("name"), field("value"))
        })
        .collect()
}

#[test]
fn a_guide_opened_without_its_slash_on_a_cdn_gets_it_and_loads_everything_under_the_csp() {
    let site = site();
    let headers = render_yaml_headers();
    assert!(headers.iter().any(|(_, name, _)| name == "Content-Security-Policy"));
    let addr = server::serve_as(&site.public, Host { folder_without_slash: true, headers });
    let chrome = Chrome::launch();
    let page = chrome.page();
    page.viewport(1280, 800, false);
    page.open(&format!("http://{addr}/deploiement"));
    page.wait_until("location.pathname === '/deploiement/'", "the page to add its slash");
    page.wait_until("document.readyState === 'complete'", "the page to load");
    page.wait_until("document.querySelector('#sidebar .nav-tree a')", "the sidebar built by the nav script");
    let rules: usize = page.eval("[...document.styleSheets].reduce((n, s) => n + s.cssRules.length, 0)");
    assert!(rules > 100, "the stylesheet applies ({rules} rules)");
    let skip: String = page.eval("getComputedStyle(document.querySelector('.skip-link')).position");
    assert_eq!(skip, "absolute", "the theme's styles apply");
    let stylesheet: String = page.eval("document.querySelector('link[rel=stylesheet]').href");
    assert!(stylesheet.starts_with(&format!("http://{addr}/assets/immutable/carnet.")), "{stylesheet}");

    // The search engine and index load under script-src 'self'.
    page.run("const i = document.getElementById('search-input'); i.focus(); i.value = 'mémoire'; i.dispatchEvent(new Event('input'));");
    page.wait_until("document.querySelector('[data-search-results] a.search-hit')", "search results");
    // The copy button's script runs (carnet.js) and the theme toggle works without inline code.
    page.wait_until("document.querySelector('.code-copy')", "the copy buttons");
    page.click(".theme-toggle");
    page.wait_until("document.documentElement.getAttribute('data-theme')", "the theme toggle to apply");
    assert_eq!(page.errors(), Vec::<String>::new(), "no failed load, no script error, nothing blocked");

    // The policy is really in force: an injected inline script does not run, and is reported.
    let ran: bool = page.eval(
        "(() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true'; \
         document.head.appendChild(s); return window.__ran === true; })()",
    );
    assert!(!ran, "an inline script outside the policy's hashes is blocked");
    page.wait_until("window.__carnetErrors.length > 0", "the violation report");
    let errors = page.errors();
    assert!(errors[0].starts_with("Content-Security-Policy blocked inline"), "{errors:?}");
}
