//! What readers meet every day, on the `tests/fixtures/reading/` site (built by the real binary,
//! served over HTTP): the phone header, the tap targets, « Sur cette page » marking the heading
//! reached by a link or a click (and keeping it in view in a long list), images of `static/`,
//! the favicon, the home page listing the guides inside its folders.
//! Checked at 320, 375 and 1280 px; screenshots in `target/screenshots/reading-*.png`.

use std::sync::OnceLock;

use crate::chrome::{self, Chrome, Page};
use crate::site::{build_fixture, Site};

const SEED: &str = "resolution-erreur-oom-render/";
const LONG: &str = "longue-page/";
const TAP: f64 = 44.0;

fn reading() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let public = build_fixture("reading", "reading-site");
        let addr = crate::server::serve(&public);
        Site { public, base: format!("http://{addr}/") }
    })
}

fn shot(page: &Page, name: &str) {
    let dir = crate::screenshot_dir();
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    let file = dir.join(format!("reading-{name}.png"));
    page.screenshot(&file);
    chrome::tell(&format!("screenshot {}", file.display()));
}

// ---------------------------------------------------------------------------------------------
// Phone header

#[test]
fn phone_header_shows_the_whole_site_name_and_a_wide_search_box() {
    let chrome = Chrome::launch();
    let page = chrome.page();
    for width in [320, 375] {
        for scheme in ["light", "dark"] {
            page.viewport(width, 740, true).color_scheme(scheme);
            page.open(&reading().url(SEED));
            let title: (String, f64, f64, f64, f64) = page.eval(
                "(() => { const t = document.querySelector('.site-title'); \
                 return [t.textContent, t.scrollWidth, t.clientWidth, t.scrollHeight, t.clientHeight]; })()",
            );
            assert_eq!(title.0, "Guides de dépannage");
            assert!(
                title.1 <= title.2 && title.3 <= title.4 + 1.0,
                "{width} px: the site name is cut (scroll/client width, scroll/client height) = {title:?}"
            );
            let search: f64 =
                page.eval("document.querySelector('.search-input').getBoundingClientRect().width");
            assert!(
                search >= 0.75 * f64::from(width),
                "{width} px: the search box is {search} px wide, not most of the screen"
            );
            let (scroll, inner): (f64, f64) = page.eval("[document.documentElement.scrollWidth, innerWidth]");
            assert!(scroll <= inner, "{width} px: the page scrolls sideways ({scroll} > {inner})");
            shot(&page, &format!("guide-{width}-{scheme}"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tap targets

#[test]
fn every_control_a_finger_taps_is_at_least_44_px_on_a_phone() {
    let chrome = Chrome::launch();
    let page = chrome.page();
    let controls = [
        ("menu", ".menu-toggle"),
        ("theme", ".theme-toggle"),
        ("Copier", ".code-copy"),
        ("Télécharger", ".code-download"),
        ("breadcrumb", ".breadcrumb a"),
        ("contents toggle", ".toc-inline summary"),
    ];
    for width in [320, 375] {
        page.viewport(width, 740, true);
        page.open(&reading().url("reseau/pare-feu/"));
        let mut sizes = Vec::new();
        for (name, selector) in controls {
            let size: Option<(f64, f64)> = page.eval(&format!(
                "(() => {{ const e = document.querySelector({selector:?}); if (!e) return null; \
                 const r = e.getBoundingClientRect(); return [r.width, r.height]; }})()"
            ));
            let (w, h) = size.unwrap_or_else(|| panic!("no {name} ({selector}) on reseau/pare-feu/"));
            sizes.push(format!("{name} {w:.0}×{h:.0}"));
            assert!(w >= TAP && h >= TAP, "{width} px: {name} ({selector}) is {w}×{h} px, under 44×44");
        }
        chrome::tell(&format!("tap targets at {width} px: {}", sizes.join(", ")));
    }
}

// ---------------------------------------------------------------------------------------------
// Theme: following the system

/// (body background luminance, theme button's name, visible icon's class) on `page`.
fn theme_state(page: &Page) -> (f64, String, String) {
    page.eval(
        "(() => { const c = getComputedStyle(document.body).backgroundColor.match(/[\\d.]+/g).map(Number); \
         const b = document.querySelector('.theme-toggle'); \
         const icon = [...b.querySelectorAll('svg')].filter(s => getComputedStyle(s).display !== 'none'); \
         return [0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2], b.getAttribute('aria-label'), \
         icon.map(s => s.getAttribute('class')).join(' ')]; })()",
    )
}

#[test]
fn in_the_system_state_the_page_follows_the_system_colour_scheme_live() {
    let chrome = Chrome::launch();
    let page = chrome.page();
    for width in [320, 375, 1280] {
        page.viewport(width, 740, width < 1000).color_scheme("light");
        page.open(&reading().url(SEED));
        page.run("localStorage.removeItem('carnet-theme')");
        page.reload();
        let (light, label, icon) = theme_state(&page);
        assert_eq!(label, "Thème : suit le système (clair en ce moment)", "{width} px");
        assert_eq!(icon, "icon-system", "{width} px: one icon, the system's");
        assert!(light > 200.0, "{width} px: a light system gives a light page ({light})");
        shot(&page, &format!("theme-system-{width}-light"));

        page.color_scheme("dark");
        page.wait_until(
            "document.querySelector('.theme-toggle').getAttribute('aria-label').includes('sombre en ce moment')",
            "the button to say the system is dark now",
        );
        let (dark, label, icon) = theme_state(&page);
        assert!(dark < 60.0, "{width} px: a dark system darkens the page without reload ({dark})");
        assert_eq!(label, "Thème : suit le système (sombre en ce moment)");
        assert_eq!(icon, "icon-system");
        let bar: Vec<String> =
            page.eval("[...document.querySelectorAll('meta[name=theme-color]')].map(m => m.content)");
        assert_eq!(bar, ["#ffffff", "#16181d"], "the browser bar colours stay the system's pair");
        shot(&page, &format!("theme-system-{width}-dark"));

        // One click: the opposite of what the system shows, said by the button.
        page.click(".theme-toggle");
        let (chosen, label, icon) = theme_state(&page);
        assert!(chosen > 200.0 && label == "Thème : clair" && icon == "icon-sun", "{chosen} {label} {icon}");
        let bar: Vec<String> =
            page.eval("[...document.querySelectorAll('meta[name=theme-color]')].map(m => m.content)");
        assert_eq!(bar, ["rgb(255, 255, 255)", "rgb(255, 255, 255)"], "the browser bar follows the choice");
        if width < 1000 {
            let (w, h): (f64, f64) = page.eval(
                "(() => { const r = document.querySelector('.theme-toggle').getBoundingClientRect(); \
                 return [r.width, r.height]; })()",
            );
            assert!(w >= TAP && h >= TAP, "{width} px: the theme button is {w}×{h}");
        }
        // Two more: dark, then the system again.
        page.click(".theme-toggle");
        page.click(".theme-toggle");
        let (back, label, _) = theme_state(&page);
        assert!(back < 60.0 && label.starts_with("Thème : suit le système"), "{back} {label}");
        page.color_scheme("light");
        page.wait_until(
            "getComputedStyle(document.body).backgroundColor === 'rgb(255, 255, 255)'",
            "light again",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// « Sur cette page »

/// The text of the marked entry of the side list, once one is marked.
fn marked(page: &Page) -> String {
    page.wait_until(
        "document.querySelector('.toc-side a[aria-current=\"true\"]')",
        "« Sur cette page » to mark an entry",
    );
    page.eval("document.querySelector('.toc-side a[aria-current=\"true\"]').textContent.trim()")
}

/// Waits until the window stops scrolling (smooth scrolling), then a frame more.
fn settle(page: &Page) {
    page.run(
        "window.__lastY = -1; window.__still = 0; clearInterval(window.__settle);
         window.__settle = setInterval(() => { window.__still = scrollY === window.__lastY ? window.__still + 1 : 0; \
         window.__lastY = scrollY; }, 50);",
    );
    page.wait_until("window.__still >= 6", "the window to stop scrolling");
}

#[test]
fn contents_marks_the_heading_reached_by_the_address_or_a_click() {
    let chrome = Chrome::launch();
    let page = chrome.page();
    for (width, height) in [(1280, 900), (1920, 1080)] {
        page.viewport(width, height, false);
        for (fragment, heading) in [("procfile", "Procfile"), ("monitoring", "📊 Monitoring")] {
            page.open(&reading().url(&format!("{SEED}#{fragment}")));
            settle(&page);
            assert_eq!(marked(&page), heading, "{width}×{height}, opening #{fragment}");
        }
        page.open(&reading().url(SEED));
        page.click(".toc-side a[href=\"#causes\"]");
        settle(&page);
        assert_eq!(marked(&page), "🔍 Causes", "{width}×{height}, after clicking « Causes »");
        page.click(".toc-side a[href=\"#si-rien-ne-fonctionne\"]");
        settle(&page);
        assert_eq!(marked(&page), "🆘 Si Rien ne Fonctionne", "{width}×{height}, near the end of the page");
    }
    // Scrolling by hand moves the mark again.
    page.viewport(1280, 900, false);
    page.open(&reading().url(&format!("{SEED}#procfile")));
    settle(&page);
    page.run("document.getElementById('causes').scrollIntoView({behavior: 'instant'}); dispatchEvent(new WheelEvent('wheel'));");
    page.wait_until(
        "(document.querySelector('.toc-side a[aria-current=\"true\"]') || {}).textContent === '🔍 Causes'",
        "the mark to follow a scroll by hand",
    );
}

#[test]
fn the_marked_entry_of_a_long_contents_list_stays_in_view() {
    let chrome = Chrome::launch();
    let page = chrome.page();
    page.viewport(1280, 900, false);
    page.open(&reading().url(LONG));
    let count: usize = page.eval("document.querySelectorAll('.toc-side .toc-list a').length");
    assert_eq!(count, 48, "the long guide has 48 headings in its list");
    let overflows: bool =
        page.eval("(() => { const t = document.querySelector('.toc-side'); return t.scrollHeight > t.clientHeight; })()");
    assert!(overflows, "test setup: the list of 48 headings is taller than the window");
    for step in [40, 48, 12, 1] {
        page.run(&format!(
            "document.getElementById('etape-{step}').scrollIntoView({{behavior: 'instant'}}); dispatchEvent(new WheelEvent('wheel'));"
        ));
        page.wait_until(
            &format!("(document.querySelector('.toc-side a[aria-current=\"true\"]') || {{}}).textContent === 'Étape {step}'"),
            &format!("« Étape {step} » to be marked"),
        );
        page.wait_until(
            "(() => { const t = document.querySelector('.toc-side'), a = t.querySelector('a[aria-current=\"true\"]'); \
             const box = t.getBoundingClientRect(), r = a.getBoundingClientRect(); \
             return r.top >= box.top && r.bottom <= box.bottom; })()",
            &format!("the marked « Étape {step} » to be scrolled into the visible list"),
        );
    }
    shot(&page, "long-contents-1280");
}

// ---------------------------------------------------------------------------------------------
// Files of static/

#[test]
fn images_of_static_show_whether_written_from_the_root_the_file_or_the_page() {
    let chrome = Chrome::launch();
    let page = chrome.page();
    page.viewport(1280, 800, false);
    page.open(&reading().url("identite/"));
    page.wait_until("[...document.images].every(i => i.complete)", "the images of identite/ to load");
    let images: Vec<(String, u32)> =
        page.eval("[...document.querySelectorAll('.prose img')].map(i => [i.alt, i.naturalWidth])");
    assert_eq!(
        images,
        [("Logo".to_string(), 40), ("Logo relatif".to_string(), 40), ("Logo parent".to_string(), 40)],
        "/logos/logo.png, logos/logo.png and ../logos/logo.png all show static/logos/logo.png (40 px wide)"
    );
    let link: String = page.eval(
        "[...document.querySelectorAll('.prose a')].find(a => a.textContent === 'le fichier du logo').href",
    );
    assert_eq!(link, reading().url("logos/logo.png"));
    assert_eq!(page.errors(), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------------------
// Favicon

#[test]
fn every_page_declares_an_icon_that_loads() {
    let chrome = Chrome::launch();
    let page = chrome.page();
    for path in ["", SEED, "reseau/dns/", "introuvable/"] {
        page.open(&reading().url(path));
        let icon: (String, u16, String) = page.eval(
            "(async () => { const href = document.querySelector('link[rel=icon]').href; \
             const r = await fetch(href); return [href, r.status, r.headers.get('content-type') || '']; })()",
        );
        assert_eq!(icon.0, reading().url("assets/favicon.svg"), "/{path}");
        assert_eq!(icon.1, 200, "/{path}: the icon loads");
        assert_eq!(page.errors(), Vec::<String>::new(), "/{path}");
    }
}

// ---------------------------------------------------------------------------------------------
// Home page

#[test]
fn the_home_page_lists_the_guides_inside_each_folder_card() {
    let chrome = Chrome::launch();
    let page = chrome.page();
    for (width, scheme) in [(1280, "light"), (375, "dark"), (320, "light")] {
        page.viewport(width, 800, width < 1000).color_scheme(scheme);
        page.open(&reading().url(""));
        let inside: Vec<(String, String)> = page.eval(
            "[...document.querySelectorAll('.card-section')].filter(c => c.querySelector('.card-link').getAttribute('href') === 'reseau/') \
             .flatMap(c => [...c.querySelectorAll('.card-guides a')].map(a => [a.textContent.trim(), a.href]))",
        );
        let titles: Vec<&str> = inside.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(titles.len(), 3, "{width} px: the folder card lists its three guides: {inside:?}");
        assert!(
            titles.contains(&"Vérifier la résolution DNS") && titles.contains(&"Ouvrir un port"),
            "{titles:?}"
        );
        // A title longer than the card wraps, and its list marker stays on its first line (an
        // inline block put it on its last): a probe at the start of the item sits on the line
        // the marker is drawn on.
        let (height, probe): (f64, f64) = page.eval(
            "(() => { const a = [...document.querySelectorAll('.card-guides a')].find(a => a.textContent.includes('certificat du VPN')); \
             const li = a.closest('li'), probe = document.createElement('span'); probe.textContent = '\\u200b'; \
             li.insertBefore(probe, li.firstChild); const r = a.getBoundingClientRect(); \
             const down = probe.getBoundingClientRect().bottom - r.top; probe.remove(); return [r.height, down]; })()",
        );
        assert!(height > 40.0, "{width} px: the long title wraps ({height} px high)");
        assert!(
            probe < 36.0,
            "{width} px: the marker's line is {probe} px below the title's top, not its first line"
        );
        shot(&page, &format!("home-{width}-{scheme}"));
    }
    // The guide's own link wins over the card's link to the folder.
    page.viewport(1280, 800, false);
    page.open(&reading().url(""));
    page.click(".card-guides a[href$=\"reseau/dns/\"]");
    page.wait_until("location.pathname === '/reseau/dns/'", "the click to open the guide, not the folder");
}

// ---------------------------------------------------------------------------------------------
// Wide tables on a phone

#[test]
fn a_wide_table_on_a_phone_says_it_scrolls_and_scrolls_from_the_keyboard() {
    let chrome = Chrome::launch();
    let page = chrome.page();
    page.viewport(375, 740, true);
    page.open(&reading().url("reseau/dns/"));
    let wrapper: (bool, Option<String>, Option<String>) = page.eval(
        "(() => { const w = document.querySelector('.table-wrapper'); \
         return [w.classList.contains('is-scrollable'), w.getAttribute('tabindex'), w.getAttribute('aria-label')]; })()",
    );
    assert!(wrapper.0, "the wide table is marked scrollable (shadow on the hidden side)");
    assert_eq!(wrapper.1.as_deref(), Some("0"), "the table can be reached with Tab");
    assert!(wrapper.2.is_some_and(|l| l.contains("défiler")), "it says it scrolls");
    page.run("document.querySelector('.table-wrapper').focus()");
    page.press("ArrowRight");
    page.wait_until(
        "document.querySelector('.table-wrapper').scrollLeft > 0",
        "ArrowRight on the focused table to scroll it",
    );
    shot(&page, "wide-table-375");
    page.viewport(1280, 800, false);
    page.open(&reading().url("identite/"));
    let none: usize = page.eval("document.querySelectorAll('.table-wrapper[tabindex]').length");
    assert_eq!(none, 0, "a table that fits is no tab stop");
}
