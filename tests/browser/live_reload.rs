//! `carnet serve` in a real browser: a page refreshes by itself after an edit and keeps its scroll
//! position, a stylesheet change applies without a reload, a broken template shows the overlay
//! in the page and the fix clears it; all of it under the Content-Security-Policy readers get.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::chrome::{Chrome, Page, TIMEOUT};

const GUIDE: &str = "content/RESOLUTION_ERREUR_OOM_RENDER.md";
const GUIDE_URL: &str = "resolution-erreur-oom-render/";

/// A copy of the browser fixture served by the real `carnet serve`; killed on drop.
struct Preview {
    child: Child,
    base: String,
    dir: tempfile::TempDir,
}

impl Preview {
    /// Copies the fixture, lets `prepare` add files, and starts `carnet serve --port 0`.
    fn start(prepare: impl FnOnce(&Path)) -> Preview {
        let dir = tempfile::Builder::new().prefix("carnet-live-").tempdir().expect("temporary folder");
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/browser");
        for entry in walkdir::WalkDir::new(&fixture).into_iter().map(|e| e.expect("fixture entry")) {
            let target = dir.path().join(entry.path().strip_prefix(&fixture).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
        prepare(dir.path());
        let mut child = Command::new(env!("CARGO_BIN_EXE_carnet"))
            .args(["serve", "--port", "0", "--root"])
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start carnet serve");
        let (sender, receiver) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = sender.send(line);
            }
        });
        let line = receiver.recv_timeout(TIMEOUT).expect("carnet serve printed its address");
        let base = line.split_whitespace().find(|w| w.starts_with("http://")).expect("a URL").to_string();
        Preview { child, base, dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a source file the way a plain editor saves.
    fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

impl Drop for Preview {
    /// Stops the server as Ctrl-C would (it removes its private folder), else kills it.
    fn drop(&mut self) {
        let kill = format!("kill -TERM {} 2>/dev/null", self.child.id());
        let _ = Command::new("sh").args(["-c", &kill]).status();
        let deadline = std::time::Instant::now() + TIMEOUT;
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Opens `path` and waits until its reload channel is connected; marks the document, so that a
/// reload (a new document) can be told apart from an update in place.
fn open_live(chrome: &Chrome, preview: &Preview, path: &str) -> Page {
    let page = chrome.page();
    page.viewport(1280, 700, false);
    page.open(&format!("{}{path}", preview.base));
    page.wait_until("document.documentElement.dataset.liveReload === 'connected'", "the reload channel");
    page.run("window.__sameDocument = true;");
    page
}

#[test]
fn an_edited_guide_refreshes_by_itself_and_keeps_its_scroll_position() {
    let chrome = Chrome::launch();
    let preview = Preview::start(|_| {});
    let page = open_live(&chrome, &preview, GUIDE_URL);
    page.run("window.scrollTo({ top: 1500, behavior: 'instant' });");
    let before: f64 = page.eval("window.scrollY");
    assert!(before > 1000.0, "the guide is long enough to scroll ({before})");

    let source = std::fs::read_to_string(preview.path(GUIDE)).unwrap();
    preview.write(GUIDE, &format!("{source}\n\nParagraphe ajouté pendant la lecture.\n"));
    page.wait_until(
        "!window.__sameDocument && document.body.textContent.includes('Paragraphe ajouté pendant la lecture.')",
        "the page to reload with the edit",
    );
    page.wait_until(
        "document.documentElement.hasAttribute('data-live-restored')",
        "the scroll position restored",
    );
    let after: f64 = page.eval("window.scrollY");
    assert!((after - before).abs() <= 2.0, "scroll position kept: {before} before, {after} after");
    assert_eq!(page.errors(), Vec::<String>::new(), "no JS error");
}

#[test]
fn the_preview_runs_under_the_policy_readers_get_and_it_blocks_nothing_of_carnet_s() {
    let chrome = Chrome::launch();
    let preview = Preview::start(|_| {});
    let page = open_live(&chrome, &preview, GUIDE_URL);
    let policy: Option<String> =
        page.eval("fetch(location.href).then((r) => r.headers.get('content-security-policy'))");
    let policy = policy.expect("the preview sends a Content-Security-Policy");
    assert!(policy.starts_with("default-src 'self';") && policy.contains("'sha256-"), "{policy}");
    assert!(
        page.eval::<bool>("document.documentElement.classList.contains('js')"),
        "the theme's inline script runs (its hash is in the policy)"
    );
    assert_eq!(page.errors(), Vec::<String>::new(), "nothing blocked, live reload connected");

    // The policy is in force: inline code outside its hashes does not run.
    let ran: bool = page.eval(
        "(() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true'; \
         document.head.appendChild(s); return window.__ran === true; })()",
    );
    assert!(!ran, "an inline script outside the policy's hashes is blocked");
    page.wait_until("window.__carnetErrors.length > 0", "the violation report");

    let source = std::fs::read_to_string(preview.path(GUIDE)).unwrap();
    preview.write(GUIDE, &format!("{source}\n\nAjouté sous la politique.\n"));
    page.wait_until(
        "!window.__sameDocument && document.body.textContent.includes('Ajouté sous la politique.')",
        "the page to reload with the edit",
    );
    page.wait_until(
        "document.documentElement.dataset.liveReload === 'connected'",
        "the reload channel again",
    );
    assert_eq!(page.errors(), Vec::<String>::new(), "the reloaded page: nothing blocked");
}

#[test]
fn a_stylesheet_change_applies_without_a_reload() {
    let chrome = Chrome::launch();
    let base = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html"),
    )
    .unwrap()
    .replace("</head>", "<link rel=\"stylesheet\" href=\"{{ page.root | safe }}extra.css\">\n</head>");
    let preview = Preview::start(|root| {
        std::fs::create_dir_all(root.join("templates")).unwrap();
        std::fs::write(root.join("templates/base.html"), &base).unwrap();
        std::fs::create_dir_all(root.join("static")).unwrap();
        std::fs::write(root.join("static/extra.css"), "body { outline: 0 solid rgb(1, 2, 3); }\n").unwrap();
    });
    let page = open_live(&chrome, &preview, GUIDE_URL);
    preview.write("static/extra.css", "body { outline: 7px solid rgb(1, 2, 3); }\n");
    page.wait_until("getComputedStyle(document.body).outlineWidth === '7px'", "the new stylesheet to apply");
    assert!(page.eval::<bool>("window.__sameDocument === true"), "swapped in place, not reloaded");
}

#[test]
/// The preview keeps plain asset names (the build fingerprints them): the theme's stylesheet,
/// with the highlighting palettes appended, is swapped in place under the same name.
fn a_change_of_the_theme_stylesheet_applies_without_a_reload() {
    let chrome = Chrome::launch();
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    let css = std::fs::read_to_string(theme.join("static/assets/carnet.css")).unwrap();
    let preview = Preview::start(|root| {
        // A copy of the default theme in the site replaces the embedded one.
        for entry in walkdir::WalkDir::new(&theme).into_iter().map(|e| e.expect("theme entry")) {
            let target = root.join("themes/default").join(entry.path().strip_prefix(&theme).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    });
    let page = open_live(&chrome, &preview, GUIDE_URL);
    let before: String = page.eval("document.querySelector('link[rel=stylesheet]').getAttribute('href')");
    assert_eq!(before, "../assets/carnet.css");
    preview.write(
        "themes/default/static/assets/carnet.css",
        &format!("{css}\nbody {{ outline: 7px solid rgb(1, 2, 3); }}\n"),
    );
    page.wait_until("getComputedStyle(document.body).outlineWidth === '7px'", "the new stylesheet to apply");
    assert!(page.eval::<bool>("window.__sameDocument === true"), "swapped in place, not reloaded");
    assert_eq!(page.errors(), Vec::<String>::new(), "no failed load");
}

#[test]
fn a_broken_template_shows_the_overlay_and_the_fix_clears_it() {
    let chrome = Chrome::launch();
    let preview = Preview::start(|_| {});
    let page = open_live(&chrome, &preview, GUIDE_URL);

    preview.write("templates/guide.html", "{% extends \"base.html\" %}\n{% block main %}{{ page.content }\n");
    page.wait_until("document.getElementById('carnet-live-errors')", "the error overlay");
    let text: String = page.eval("document.getElementById('carnet-live-errors').textContent");
    assert!(text.contains("La construction a échoué"), "{text}");
    assert!(text.contains("templates/guide.html:2"), "the overlay names the file and line: {text}");
    assert!(page.eval::<bool>("window.__sameDocument === true"), "the page is not reloaded on failure");
    let cover: (f64, f64, String) = page.eval(
        "(() => { const b = document.getElementById('carnet-live-errors'); const r = b.getBoundingClientRect(); \
         return [r.height, innerHeight, getComputedStyle(b).backgroundColor]; })()",
    );
    assert_eq!(cover.0, cover.1, "the overlay covers the window: {cover:?}");
    assert_eq!(page.errors(), Vec::<String>::new(), "the policy blocks nothing of the overlay");
    let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("live-reload-overlay.png");
    page.screenshot(&shots);
    crate::chrome::tell(&format!("live-reload overlay screenshot: {}", shots.display()));

    std::fs::remove_file(preview.path("templates/guide.html")).unwrap();
    page.wait_until(
        "!window.__sameDocument && document.readyState === 'complete'",
        "the page to reload after the fix",
    );
    page.wait_until(
        "document.documentElement.dataset.liveReload === 'connected'",
        "the reload channel again",
    );
    assert!(page.eval::<bool>("!document.getElementById('carnet-live-errors')"), "the overlay is gone");
}

#[test]
fn a_page_whose_guide_is_deleted_becomes_the_404_page_with_a_way_home() {
    let chrome = Chrome::launch();
    let preview = Preview::start(|_| {});
    let page = open_live(&chrome, &preview, "dossier/autre-guide/");
    std::fs::remove_file(preview.path("content/dossier/autre-guide.md")).unwrap();
    page.wait_until(
        "!window.__sameDocument && document.documentElement.dataset.kind === 'not_found'",
        "the page to become the 404 page",
    );
    let home: String = page.eval("document.querySelector('.not-found a.button').getAttribute('href')");
    assert_eq!(home, "/", "the 404 page leads home");
    page.wait_until("document.documentElement.dataset.liveReload === 'connected'", "the reload channel");
}

#[test]
fn diagnostics_holding_html_show_as_text_in_the_overlay_and_the_warnings_panel() {
    let chrome = Chrome::launch();
    let preview = Preview::start(|root| {
        // A good build with a warning whose message quotes HTML (a link without destination,
        // its text a code span holding markup).
        std::fs::write(
            root.join("content/cle.md"),
            "# Clé\n\n[`<img src=x onerror=window.__pwned='warning'>`]()\n",
        )
        .unwrap();
    });
    let page = open_live(&chrome, &preview, GUIDE_URL);
    page.wait_until("document.getElementById('carnet-live-warnings')", "the warnings panel");
    let warnings: String = page.eval("document.getElementById('carnet-live-warnings').textContent");
    assert!(warnings.contains("<img src=x onerror=window.__pwned='warning'>"), "{warnings}");

    // A failed build whose error shows a source line full of HTML.
    preview.write(
        "templates/guide.html",
        "{% extends \"base.html\" %}\n{% block main %}<img src=x onerror=\"window.__pwned='error'\">{{ page.content }\n",
    );
    page.wait_until("document.getElementById('carnet-live-errors')", "the error overlay");
    let overlay: String = page.eval("document.getElementById('carnet-live-errors').textContent");
    assert!(overlay.contains("templates/guide.html:2"), "{overlay}");
    assert!(
        overlay.contains("<img src=x onerror=\"window.__pwned='error'\">"),
        "the source line as text: {overlay}"
    );
    let pwned: Option<String> = page.eval("window.__pwned === undefined ? null : String(window.__pwned)");
    assert_eq!(pwned, None, "a payload ran");
    let images: usize =
        page.eval("document.querySelectorAll('#carnet-live-errors img, #carnet-live-warnings img').length");
    assert_eq!(images, 0);
}

#[test]
fn a_front_matter_error_shows_its_line_in_the_overlay_like_a_template_error() {
    let chrome = Chrome::launch();
    let preview = Preview::start(|_| {});
    let page = open_live(&chrome, &preview, GUIDE_URL);
    let source = std::fs::read_to_string(preview.path(GUIDE)).unwrap();
    preview.write(GUIDE, &format!("+++\ntitle = \"Déployer\"\nweight = deux\n+++\n{source}"));
    page.wait_until("document.getElementById('carnet-live-errors')", "the error overlay");
    let overlay: String = page.eval("document.getElementById('carnet-live-errors').textContent");
    assert!(overlay.contains(":3:10"), "the overlay names the line and column: {overlay}");
    assert!(overlay.contains("weight = deux"), "the overlay shows the source line: {overlay}");
    page.screenshot(&crate::screenshot_dir().join("live-front-matter-error.png"));
}
