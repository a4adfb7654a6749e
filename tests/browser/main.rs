//! Real-browser tests: the fixture site of `tests/fixtures/browser/`, built by the real `carnet`
//! binary, served over HTTP on 127.0.0.1 and opened in headless Chromium (Debian's `chromium`).
//!
//! What only a browser can tell: the exact text a copy button hands to the clipboard (Clipboard
//! API and the selection fallback), that a phone never scrolls sideways, dark mode, the sidebar
//! built by JS, the file:// copy of the site. The run also saves screenshots and prints where.
//! Chromium missing is a failure with an install hint, never a skip (`.ci/run` installs it).

mod chrome;
mod diagrams;
mod escaping;
#[cfg(feature = "serve")]
mod live_reload;
mod publish;
mod reading;
mod search;
mod search_bytes;
mod server;
mod site;

use std::path::PathBuf;

use chrome::{Chrome, Page};
use site::site;

/// The fixture guide with the console, render.yaml, long-line and wide-table blocks.
const FIXTURE_GUIDE: &str = "deploiement/";
/// The real guide (the seed), copied into the fixture.
const SEED_GUIDE: &str = "resolution-erreur-oom-render/";
const NESTED_GUIDE: &str = "dossier/autre-guide/";

const CONSOLE_COMMANDS: &str = "git add core/wsgi.py render.yaml Procfile\n\
                                git commit -m \"Optimisation mémoire\"\n\
                                git push origin main";
const RENDER_YAML: &str = "services:
  - type: web
    name: fmos-mfmc
    env: python
    buildCommand: pip install -r requirements.txt && python manage.py migrate --noinput
    startCommand: gunicorn core.wsgi:application --workers 1 --threads 2";
const SEED_PROCFILE: &str = concat!(
    "web: gunicorn core.wsgi:application --bind 0.0.0.0:$PORT --workers 1 --threads 2 ",
    "--worker-class sync --max-requests 1000 --max-requests-jitter 100"
);

// ---------------------------------------------------------------------------------------------
// Copy buttons

#[test]
fn copy_button_of_console_block_copies_only_the_commands() {
    let chrome = Chrome::launch();
    let page = open(&chrome, FIXTURE_GUIDE);
    let block =
        mark_block(&page, "code containing `git push origin main`", &containing("git push origin main"));
    let copied = copy_with_clipboard_api(&page, &block);
    assert_eq!(
        copied, CONSOLE_COMMANDS,
        "console block: the clipboard must get the commands only (no `$ `, no output)"
    );
}

#[test]
fn copy_button_of_render_yaml_block_copies_the_yaml_exactly() {
    let chrome = Chrome::launch();
    let page = open(&chrome, FIXTURE_GUIDE);
    let block = mark_block(&page, "the block titled render.yaml", &titled("render.yaml"));
    let copied = copy_with_clipboard_api(&page, &block);
    assert_eq!(
        copied, RENDER_YAML,
        "render.yaml block: the clipboard must get exactly the YAML, no trailing newline"
    );
}

#[test]
fn copy_button_of_the_seed_procfile_block_copies_the_command_line() {
    let chrome = Chrome::launch();
    let page = open(&chrome, SEED_GUIDE);
    let block = mark_block(&page, "the block titled Procfile", &titled("Procfile"));
    let copied = copy_with_clipboard_api(&page, &block);
    assert_eq!(copied, SEED_PROCFILE, "seed's Procfile block");
}

#[test]
fn copy_falls_back_to_a_selection_when_the_clipboard_api_is_missing() {
    let chrome = Chrome::launch();
    let page = open(&chrome, FIXTURE_GUIDE);
    let console =
        mark_block(&page, "code containing `git push origin main`", &containing("git push origin main"));
    assert_eq!(
        copy_with_exec_command(&page, &console),
        CONSOLE_COMMANDS,
        "console block, execCommand fallback"
    );
    page.reload();
    let yaml = mark_block(&page, "the block titled render.yaml", &titled("render.yaml"));
    assert_eq!(copy_with_exec_command(&page, &yaml), RENDER_YAML, "render.yaml block, execCommand fallback");
}

#[test]
fn copy_button_is_a_real_button_that_works_from_the_keyboard() {
    let chrome = Chrome::launch();
    let page = open(&chrome, FIXTURE_GUIDE);
    let block = mark_block(&page, "the block titled render.yaml", &titled("render.yaml"));
    let button: (String, String, String) = page.eval(&format!(
        "(() => {{ const b = document.querySelector('{block} button.code-copy'); \
         return [b.tagName, b.type, b.getAttribute('aria-label') || '']; }})()"
    ));
    assert_eq!(
        (button.0.as_str(), button.1.as_str()),
        ("BUTTON", "button"),
        "the copy control is a <button type=button>"
    );
    assert!(!button.2.is_empty(), "the copy button has an aria-label");
    stub_clipboard(&page);
    record_labels(&page, &block);
    page.run(&format!("document.querySelector('{block} button.code-copy').focus()"));
    page.press("Enter");
    page.wait_until("window.__copied.length > 0", "Enter on the focused copy button to copy");
    page.wait_until("window.__labels.includes('Copié !')", "the copy button to show « Copié ! »");
    assert_eq!(page.eval::<Vec<String>>("window.__copied"), [RENDER_YAML]);
}

#[test]
fn copy_button_writes_the_real_clipboard() {
    let chrome = Chrome::launch();
    let page = chrome.page();
    page.allow_clipboard(&site().base);
    page.viewport(1280, 800, false);
    page.open(&site().url(FIXTURE_GUIDE));
    let block =
        mark_block(&page, "code containing `git push origin main`", &containing("git push origin main"));
    record_labels(&page, &block);
    page.click(&format!("{block} button.code-copy"));
    page.wait_until("window.__labels.includes('Copié !')", "the copy button to show « Copié ! »");
    let pasted: String = page.eval("navigator.clipboard.readText()");
    assert_eq!(pasted, CONSOLE_COMMANDS, "what a paste gives after clicking the console block's copy button");
}

#[test]
fn download_button_saves_the_block_under_its_file_name() {
    let downloads = tempfile::tempdir().expect("temp download dir");
    let chrome = Chrome::launch();
    let page = open(&chrome, FIXTURE_GUIDE);
    page.download_into(downloads.path());
    let block = mark_block(&page, "the block titled render.yaml", &titled("render.yaml"));
    page.click(&format!("{block} button.code-download"));
    let file = downloads.path().join("render.yaml");
    let expected = format!("{RENDER_YAML}\n");
    // Chromium may create the file before it has written it: wait for the whole of it.
    let deadline = std::time::Instant::now() + chrome::TIMEOUT;
    let mut saved = String::new();
    while saved.len() < expected.len() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
        saved = std::fs::read_to_string(&file).unwrap_or_default();
    }
    assert!(file.is_file(), "no render.yaml downloaded into {}", downloads.path().display());
    assert_eq!(saved, expected, "the download is the YAML with one final newline");
}

/// JS predicate on a `figure.code-block` `f`: its code contains `text`.
fn containing(text: &str) -> String {
    format!("f.querySelector('pre code') && f.querySelector('pre code').textContent.includes({text:?})")
}

/// JS predicate on a `figure.code-block` `f`: its title is `name`.
fn titled(name: &str) -> String {
    format!(
        "f.querySelector('.code-title') && f.querySelector('.code-title').textContent.trim() === {name:?}"
    )
}

/// Marks the first code block matching `predicate` (JS, on `f`) and returns a selector for it.
fn mark_block(page: &Page, what: &str, predicate: &str) -> String {
    let found: bool = page.eval(&format!(
        "(() => {{ const f = [...document.querySelectorAll('figure.code-block')].find(f => {predicate}); \
         if (f) f.setAttribute('data-test-block', ''); return !!f; }})()"
    ));
    if !found {
        let blocks: Vec<String> = page.eval(
            "[...document.querySelectorAll('pre')].map(p => (p.closest('figure') ? p.closest('figure').outerHTML : p.outerHTML).slice(0, 300))",
        );
        panic!(
            "no `figure.code-block` with {what} on {} (CONTRACT.md code-block HTML).\nCode blocks on the page:\n{}",
            page.url(),
            blocks.join("\n---\n")
        );
    }
    "figure.code-block[data-test-block]".to_string()
}

/// Records every label the block's copy button shows from now on.
fn record_labels(page: &Page, block: &str) {
    page.run(&format!(
        "const b = document.querySelector({:?}); window.__labels = [];
         new MutationObserver(() => window.__labels.push(b.textContent.trim()))
           .observe(b, {{ childList: true, characterData: true, subtree: true }});",
        format!("{block} button.code-copy")
    ));
}

/// Clicks the copy button and asserts the "Copié !" feedback; returns what was recorded.
fn click_copy(page: &Page, block: &str) -> String {
    record_labels(page, block);
    page.click(&format!("{block} button.code-copy"));
    page.wait_until("window.__copied.length > 0", "the copy button to hand text to the clipboard");
    page.wait_until("window.__labels.includes('Copié !')", "the copy button to show « Copié ! »");
    let copied: Vec<String> = page.eval("window.__copied");
    assert_eq!(copied.len(), 1, "one click must copy once, got {copied:?}");
    copied.into_iter().next().unwrap()
}

/// Clipboard API path: `navigator.clipboard.writeText` records its argument (and succeeds).
fn copy_with_clipboard_api(page: &Page, block: &str) -> String {
    stub_clipboard(page);
    click_copy(page, block)
}

/// Replaces `navigator.clipboard.writeText` with a recorder into `window.__copied`.
fn stub_clipboard(page: &Page) {
    let has_api: bool =
        page.eval("!!(window.isSecureContext && navigator.clipboard && navigator.clipboard.writeText)");
    assert!(has_api, "http://127.0.0.1 is a secure context: navigator.clipboard.writeText must exist");
    page.run(
        "window.__copied = [];
         Object.defineProperty(navigator.clipboard, 'writeText', { configurable: true,
           value: (text) => { window.__copied.push(String(text)); return Promise.resolve(); } });",
    );
}

/// Fallback path: no `navigator.clipboard`; `execCommand('copy')` records the selected text.
fn copy_with_exec_command(page: &Page, block: &str) -> String {
    page.run(
        "Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
         window.__copied = [];
         const exec = document.execCommand.bind(document);
         document.execCommand = function (command, ...rest) {
           if (String(command).toLowerCase() === 'copy') {
             const el = document.activeElement;
             const field = el && (el.tagName === 'TEXTAREA' || el.tagName === 'INPUT');
             window.__copied.push(field ? el.value.slice(el.selectionStart, el.selectionEnd)
                                        : String(window.getSelection()));
           }
           return exec(command, ...rest);
         };",
    );
    click_copy(page, block)
}

// ---------------------------------------------------------------------------------------------
// Layout on a phone

#[test]
fn a_phone_375_or_360px_wide_never_scrolls_sideways() {
    let chrome = Chrome::launch();
    let page = chrome.page();
    for path in [FIXTURE_GUIDE, SEED_GUIDE, "", NESTED_GUIDE] {
        for width in [375, 360] {
            // A narrow window, then a phone (mobile viewport: the page would zoom out if it overflowed).
            for mobile in [false, true] {
                page.viewport(width, 812, mobile);
                page.open(&site().url(path));
                let (scroll, inner): (f64, f64) =
                    page.eval("[document.documentElement.scrollWidth, window.innerWidth]");
                assert!(
                    scroll <= inner && inner <= f64::from(width),
                    "/{path} at {width} px (mobile: {mobile}): scrollWidth {scroll}, innerWidth {inner}; overflowing: {:?}",
                    overflowing(&page, f64::from(width))
                );
            }
        }
    }
}

#[test]
fn long_code_lines_and_wide_tables_scroll_inside_their_box_on_a_phone() {
    let chrome = Chrome::launch();
    let page = chrome.page();
    page.viewport(375, 812, true);
    page.open(&site().url(FIXTURE_GUIDE));
    let block = mark_block(&page, "the long gunicorn line", &containing("--access-logfile"));
    let pre: (f64, f64, String) = page.eval(&format!(
        "(() => {{ const p = document.querySelector('{block} pre'); \
         return [p.scrollWidth, p.clientWidth, getComputedStyle(p).overflowX]; }})()"
    ));
    assert!(
        pre.0 > pre.1 && ["auto", "scroll"].contains(&pre.2.as_str()),
        "long line: the <pre> must scroll sideways (scrollWidth, clientWidth, overflow-x) = {pre:?}"
    );
    let table: Option<(f64, f64, String)> = page.eval(
        "(() => { const w = document.querySelector('.table-wrapper'); \
         return w && [w.scrollWidth, w.clientWidth, getComputedStyle(w).overflowX]; })()",
    );
    let table = table.expect("the wide table is wrapped in div.table-wrapper (CONTRACT.md)");
    assert!(
        table.0 > table.1 && ["auto", "scroll"].contains(&table.2.as_str()),
        "wide table: .table-wrapper must scroll sideways (scrollWidth, clientWidth, overflow-x) = {table:?}"
    );
    // A table written in HTML with fixed column widths, as GitBook writes them (`<th
    // width="380">`): within the page, and no word cut in two (« Dr/oit »).
    let html_table: (f64, f64, f64, f64, String) = page.eval(
        "(() => { const t = [...document.querySelectorAll('table')].find(t => !t.closest('.table-wrapper')); \
         const th = t.querySelectorAll('th')[1], line = parseFloat(getComputedStyle(th).lineHeight); \
         return [t.getBoundingClientRect().right, document.documentElement.clientWidth, \
                 th.getBoundingClientRect().height - parseFloat(getComputedStyle(th).paddingTop) \
                 - parseFloat(getComputedStyle(th).paddingBottom), line, getComputedStyle(t).overflowX]; })()",
    );
    let (right, width, header, line, overflow) = html_table.clone();
    assert!(
        right <= width + 0.5 && header < 1.5 * line && ["auto", "scroll"].contains(&overflow.as_str()),
        "HTML table: within the page, « Droit » on one line, scrolls (right, page width, header \
         height, line height, overflow-x) = {html_table:?}"
    );
}

#[test]
fn phone_menu_opens_the_sidebar_and_escape_closes_it() {
    let chrome = Chrome::launch();
    let page = chrome.page();
    page.viewport(375, 812, true);
    page.open(&site().url(FIXTURE_GUIDE));
    let current = "document.querySelector('#sidebar [aria-current=\"page\"]')";
    page.wait_until(current, "the sidebar to be built from nav.js");
    let on_top = format!(
        "(() => {{ const a = {current}, r = a.getBoundingClientRect(); \
         if (r.width === 0 || r.left < 0 || r.right > innerWidth) return false; \
         const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2); \
         return !!hit && (hit === a || a.contains(hit)); }})()"
    );
    assert!(!page.eval::<bool>(&on_top), "on a phone the sidebar is folded away until the menu opens");
    page.click(".menu-toggle");
    page.wait_until(
        "document.querySelector('.menu-toggle').getAttribute('aria-expanded') === 'true'",
        "the menu button to say it is expanded",
    );
    page.wait_until(&on_top, "the current guide to show, on top, in the opened sidebar");
    page.press("Escape");
    page.wait_until(
        "document.querySelector('.menu-toggle').getAttribute('aria-expanded') === 'false'",
        "Escape to close the menu",
    );
    page.wait_until(&format!("!{on_top}"), "the sidebar to fold away again");
}

/// The elements sticking out past `width` that no ancestor clips, for the failure message.
fn overflowing(page: &Page, width: f64) -> Vec<String> {
    page.eval(&format!(
        "[...document.body.querySelectorAll('*')].filter(e => {{
           const r = e.getBoundingClientRect();
           if (r.width === 0 || r.right <= {width} + 0.5) return false;
           for (let p = e.parentElement; p && p !== document.body; p = p.parentElement)
             if (getComputedStyle(p).overflowX !== 'visible') return false;
           return true;
         }}).slice(0, 8).map(e => e.tagName.toLowerCase() + (e.className && e.className.baseVal === undefined
           ? '.' + e.className.trim().split(/\\s+/).join('.') : '') + ' right=' + Math.round(e.getBoundingClientRect().right))",
    ))
}

// ---------------------------------------------------------------------------------------------
// Screenshots

#[test]
fn screenshots_of_home_and_guides_at_desktop_and_phone_widths_light_and_dark() {
    let dir = screenshot_dir();
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    let chrome = Chrome::launch();
    let page = chrome.page();
    let mut saved = Vec::new();
    for (name, path) in [("home", ""), ("seed-guide", SEED_GUIDE), ("fixture-guide", FIXTURE_GUIDE)] {
        for (width, height, mobile) in [(1280, 800, false), (375, 812, true)] {
            for scheme in ["light", "dark"] {
                page.viewport(width, height, mobile).color_scheme(scheme);
                page.open(&site().url(path));
                let file = dir.join(format!("{name}-{width}-{scheme}.png"));
                page.screenshot(&file);
                saved.push(file);
            }
        }
    }
    let list: Vec<String> = saved.iter().map(|f| format!("  {}", f.display())).collect();
    let message = format!("browser screenshots saved in {}:\n{}", dir.display(), list.join("\n"));
    chrome::tell(&message);
    for file in &saved {
        let bytes = std::fs::read(file).expect("read back the screenshot");
        assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 1000, "{} is not a real PNG", file.display());
    }
}

/// `<target dir>/screenshots/`: stable, outside the source tree, kept after the run.
fn screenshot_dir() -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(&tmp).join("screenshots")
}

// ---------------------------------------------------------------------------------------------
// Theme: dark mode, sidebar, table of contents

#[test]
fn dark_mode_follows_the_system_and_the_toggle_goes_light_dark_and_back_to_the_system() {
    let chrome = Chrome::launch();
    let page = chrome.page();
    page.color_scheme("light");
    page.open(&site().url(FIXTURE_GUIDE));
    let light = background_luminance(&page);
    assert_eq!(theme_attribute(&page), None, "nothing chosen: no data-theme");
    assert_eq!(theme_label(&page), "Thème : suit le système (clair en ce moment)");
    page.color_scheme("dark");
    let system_dark = background_luminance(&page);
    assert!(
        system_dark < light,
        "prefers-color-scheme: dark must darken the page (luminance {system_dark} vs {light})"
    );
    page.wait_until(
        "document.querySelector('.theme-toggle').ariaLabel.includes('sombre en ce moment')",
        "label",
    );

    // System (dark) → light: the first click always changes what the reader sees.
    page.click(".theme-toggle");
    page.wait_until("document.documentElement.getAttribute('data-theme') === 'light'", "data-theme=light");
    assert!(background_luminance(&page) > system_dark, "data-theme=light must win over a dark system");
    assert_eq!(theme_label(&page), "Thème : clair");
    page.reload();
    assert_eq!(
        theme_attribute(&page).as_deref(),
        Some("light"),
        "the light choice is remembered after reload"
    );

    // Light → dark, which stays dark when the system turns light.
    page.click(".theme-toggle");
    page.wait_until("document.documentElement.getAttribute('data-theme') === 'dark'", "data-theme=dark");
    page.color_scheme("light");
    assert!(background_luminance(&page) < light, "data-theme=dark must win over a light system");
    assert_eq!(theme_label(&page), "Thème : sombre");
    page.reload();
    assert_eq!(theme_attribute(&page).as_deref(), Some("dark"), "the dark choice is remembered after reload");

    // Dark (system dark again) → back to the system: nothing stored, the page follows it again.
    page.color_scheme("dark");
    page.click(".theme-toggle");
    page.wait_until("!document.documentElement.hasAttribute('data-theme')", "data-theme removed");
    let stored: Option<String> = page.eval("localStorage.getItem('carnet-theme')");
    assert_eq!(stored, None, "following the system stores nothing");
    assert_eq!(theme_label(&page), "Thème : suit le système (sombre en ce moment)");
    assert_eq!(background_luminance(&page), system_dark);
    page.reload();
    assert_eq!(theme_attribute(&page), None, "still following the system after reload");
    page.color_scheme("light");
    assert_eq!(background_luminance(&page), light, "and follows it when it changes");
}

fn theme_label(page: &Page) -> String {
    page.eval("document.querySelector('.theme-toggle').getAttribute('aria-label')")
}

fn theme_attribute(page: &Page) -> Option<String> {
    page.eval("document.documentElement.getAttribute('data-theme')")
}

/// Relative luminance (0–255 scale) of the body's background colour.
fn background_luminance(page: &Page) -> f64 {
    let rgb: Vec<f64> = page.eval(
        "(getComputedStyle(document.body).backgroundColor.match(/[\\d.]+/g) || []).slice(0, 3).map(Number)",
    );
    assert_eq!(rgb.len(), 3, "body background colour should be rgb(...), got {rgb:?}");
    0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
}

#[test]
fn sidebar_lists_the_guides_and_marks_the_current_one() {
    let chrome = Chrome::launch();
    let page = chrome.page();
    page.open(&site().url(FIXTURE_GUIDE));
    page.wait_until("document.querySelector('#sidebar .nav-tree a')", "the sidebar to be built from nav.js");
    let links: Vec<String> = page.eval("[...document.querySelectorAll('#sidebar a')].map(a => a.href)");
    for path in [FIXTURE_GUIDE, SEED_GUIDE, "dossier/"] {
        assert!(links.contains(&site().url(path)), "sidebar must link to /{path}; links: {links:?}");
    }
    assert_current(&page, FIXTURE_GUIDE, "Déployer sur Render");

    page.open(&site().url(NESTED_GUIDE));
    page.wait_until("document.querySelector('#sidebar .nav-tree a')", "the sidebar to be built from nav.js");
    assert_current(&page, NESTED_GUIDE, "Autre guide");
    let visible: bool =
        page.eval("!!document.querySelector('#sidebar [aria-current=\"page\"]').offsetParent");
    assert!(visible, "the current guide's folder is open in the sidebar");
}

fn assert_current(page: &Page, path: &str, title: &str) {
    let current: Vec<(String, String)> = page.eval(
        "[...document.querySelectorAll('#sidebar [aria-current=\"page\"]')].map(a => [a.href, a.textContent.trim()])",
    );
    assert_eq!(
        current,
        vec![(site().url(path), title.to_string())],
        "exactly the current guide is marked aria-current=page"
    );
}

#[test]
fn table_of_contents_lists_h2_h3_and_marks_the_section_in_view() {
    let chrome = Chrome::launch();
    let page = chrome.page();
    // Short enough that the page does not end with « Tableau large » at the top (the scrollspy
    // marks the last heading once the bottom is reached).
    page.viewport(1280, 600, false);
    page.open(&site().url(FIXTURE_GUIDE));
    let toc: Vec<(String, String, bool)> = page.eval(
        "[...document.querySelectorAll('.toc-side .toc-list a')].map(a => [a.textContent.trim(), a.getAttribute('href'), \
         !!document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)))])",
    );
    let titles: Vec<&str> = toc.iter().map(|(t, _, _)| t.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Envoyer le code",
            "Configuration",
            "render.yaml",
            "Une ligne très longue",
            "Tableau large",
            "Et ensuite"
        ],
        "« Sur cette page » lists the H2 and H3 in order"
    );
    assert!(toc.iter().all(|(_, _, target)| *target), "every TOC link lands on a heading: {toc:?}");
    let heading: bool = page.eval(
        "!!document.querySelector('.toc-side .toc-title') && document.querySelector('.toc-side .toc-title').textContent.trim() === 'Sur cette page'",
    );
    assert!(heading, "the TOC is titled « Sur cette page »");
    page.run("document.getElementById('tableau-large').scrollIntoView()");
    let at_bottom: bool = page.eval("innerHeight + scrollY >= document.documentElement.scrollHeight - 2");
    assert!(!at_bottom, "test setup: the page must not be scrolled to its very end");
    page.wait_until(
        "document.querySelector('.toc-side a[href=\"#tableau-large\"]').getAttribute('aria-current') === 'true'",
        "the TOC to mark the section scrolled into view",
    );
}

#[test]
fn printing_hides_the_navigation_and_wraps_code() {
    let chrome = Chrome::launch();
    let page = open(&chrome, FIXTURE_GUIDE);
    page.emulate_media(Some("print"), "dark");
    let shown: Vec<String> = page.eval(
        "['.site-header', '#sidebar', '.toc-side', '.pager', '.code-copy']
           .filter(s => [...document.querySelectorAll(s)].some(e => e.getClientRects().length > 0))",
    );
    assert_eq!(shown, Vec::<String>::new(), "navigation and buttons are not printed");
    let block = mark_block(&page, "the long gunicorn line", &containing("--access-logfile"));
    let pre: (f64, f64) =
        page.eval(&format!("(() => {{ const p = document.querySelector('{block} pre'); return [p.scrollWidth, p.clientWidth]; }})()"));
    assert!(pre.0 <= pre.1, "printed code wraps instead of being cut: (scrollWidth, clientWidth) = {pre:?}");
    assert!(background_luminance(&page) > 200.0, "a page is printed light even when the system is dark");
}

#[test]
fn github_style_anchor_lands_on_the_heading() {
    let chrome = Chrome::launch();
    let page = chrome.page();
    page.viewport(1280, 800, false);
    // What authors copy from a forge preview: the accent kept (`très`), not the carnet id.
    page.open(&site().url(&format!("{FIXTURE_GUIDE}#une-ligne-tr%C3%A8s-longue")));
    // The theme scrolls smoothly: wait for the heading to arrive just under the sticky header.
    page.wait_until(
        "(() => { const h = [...document.querySelectorAll('h3')].find(h => h.textContent.includes('Une ligne très longue')); \
           const top = h.getBoundingClientRect().top; return scrollY > 0 && top >= 0 && top < 200; })()",
        "#une-ligne-très-longue to scroll its heading to the top of the window",
    );
}

// ---------------------------------------------------------------------------------------------
// Every page: no JS error, nothing fetched from outside the site

#[test]
fn every_page_loads_without_js_errors_or_requests_leaving_the_site() {
    let chrome = Chrome::launch();
    let page = chrome.page();
    let missing = "un/chemin/introuvable/";
    for path in ["", FIXTURE_GUIDE, SEED_GUIDE, "dossier/", NESTED_GUIDE, missing] {
        page.open(&site().url(path));
        assert_eq!(page.errors(), Vec::<String>::new(), "/{path}: JS errors or failed loads");
        let requests: Vec<String> = page.eval("performance.getEntriesByType('resource').map(e => e.name)");
        let outside: Vec<&String> = requests.iter().filter(|r| !r.starts_with(&site().base)).collect();
        assert!(outside.is_empty(), "/{path} fetched from outside the site: {outside:?}");
        let styled: bool =
            page.eval("getComputedStyle(document.querySelector('.sr-only')).position === 'absolute'");
        assert!(styled, "/{path}: the stylesheet applies");
    }
    let main_text: Option<String> =
        page.eval("document.querySelector('main') && document.querySelector('main').textContent");
    assert!(
        main_text.is_some_and(|text| text.to_lowercase().contains("introuvable")),
        "a missing URL shows the French 404 page"
    );
}

// ---------------------------------------------------------------------------------------------
// The site opened from disk

#[test]
fn file_url_copy_of_the_site_links_to_the_guides_index_html() {
    let chrome = Chrome::launch();
    let page = chrome.page();
    page.open(&site().file_url("index.html"));
    let found: bool = page.eval(
        "(() => { const a = [...document.querySelectorAll('main a')].find(a => /(^|\\/)deploiement\\/(index\\.html)?$/.test(a.getAttribute('href'))); \
         if (a) a.setAttribute('data-test-link', ''); return !!a; })()",
    );
    assert!(found, "the home page's main content links to the guide deploiement/");
    page.click("a[data-test-link]");
    let target = site().file_url(&format!("{FIXTURE_GUIDE}index.html"));
    page.wait_until(&format!("location.href === {target:?}"), &format!("the link to land on {target}"));
    page.wait_until("document.readyState === 'complete'", "the guide to load");
    let shown: String = page.eval("document.documentElement.getAttribute('data-path')");
    assert_eq!(shown, FIXTURE_GUIDE, "the guide page itself is shown (its <html data-path>)");
    let styled: bool =
        page.eval("getComputedStyle(document.querySelector('.sr-only')).position === 'absolute'");
    assert!(styled, "the guide's stylesheet applies from file:// (.sr-only is positioned absolute)");
    page.wait_until(
        "document.querySelector('#sidebar .nav-tree a')",
        "the sidebar to be built from nav.js over file://",
    );
    let sidebar: Vec<String> =
        page.eval("[...document.querySelectorAll('#sidebar .nav-tree a')].map(a => a.href)");
    let seed = site().file_url(&format!("{SEED_GUIDE}index.html"));
    assert!(sidebar.contains(&seed), "from file:// the sidebar links to {seed}; links: {sidebar:?}");
}

/// A new tab at a 1280×800 desktop viewport showing `path` of the fixture site.
fn open(chrome: &Chrome, path: &str) -> Page {
    let page = chrome.page();
    page.viewport(1280, 800, false);
    page.open(&site().url(path));
    page
}
