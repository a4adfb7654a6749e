//! carnet on real documentation written for other generators (`tests/fixtures/real/`): it builds
//! as it is with `[links] broken = "warn"`, fails by default only on true broken links, and says
//! so in a screenful of lines.

use std::path::Path;

use crate::fixture::Site;

/// A site whose content folder `site/` is a copy of the fixture `name`.
fn real_site(name: &str) -> Site {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real").join(name);
    let site = Site::new();
    for entry in walkdir::WalkDir::new(&fixture).into_iter().filter_map(Result::ok) {
        let rel = entry.path().strip_prefix(&fixture).unwrap();
        if entry.file_type().is_file() && rel.extension().is_some_and(|e| e == "md") {
            site.file(&format!("site/{}", rel.display()), std::fs::read(entry.path()).unwrap());
        }
    }
    site.file("carnet.toml", "title = \"beta.gouv.fr\"\ncontent_dir = \"site\"\n");
    site
}

#[test]
fn a_jekyll_site_builds_with_broken_links_as_warnings_in_a_screenful_of_lines() {
    let site = real_site("beta-gouv");
    let strict = site.carnet(&["build"]);
    assert_eq!(strict.code, 1, "{}", strict.stderr);
    assert!(strict.stderr.contains("error: the build failed with 19 errors"), "{}", strict.stderr);
    // Every error is a link (Markdown or raw HTML) to a page this fixture does not have (or that
    // only Jekyll's collection settings place there): true broken links on the carnet site.
    let every = site.carnet(&["-v", "build"]);
    let errors: Vec<&str> = every.stderr.lines().filter(|l| l.starts_with("error: ./")).collect();
    assert_eq!(errors.len(), 19, "{}", every.stderr);
    assert!(errors.iter().all(|e| e.contains(": broken link ")), "{errors:#?}");
    for target in ["/apropos", "/en/", "/approche/", "/startups/signalement.html", "/devenir-intrapreneur"] {
        assert!(every.stderr.contains(&format!("to `{target}`")), "{target}:\n{}", every.stderr);
    }
    assert!(strict.stderr.contains("help: to build the site while the links are being fixed"));

    let run = site.carnet(&["build", "--broken-links", "warn"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.lines().count() <= 60, "{}", run.stderr);
    assert!(!run.stderr.contains("front matter key"), "no warning per unknown key:\n{}", run.stderr);
    // A `[url]()` link of the real guide, placed on itself (it was put in the front matter).
    assert!(
        run.stderr.contains(
            "warning: ./site/content/_startups/apilos.md:163:31: link « https://siap-logement.atlassian.net/wiki/x/EwBF » has no destination"
        ),
        "{}",
        run.stderr
    );
    // Links written to Jekyll permalinks (`/stats`, `/contact`) lead to the pages; `/` home.
    let accessibilite = site.read("pages/accessibilite/index.html");
    for href in ["href=\"../../pages/stats/\"", "href=\"../../pages/contact/\"", "href=\"../../\""] {
        assert!(accessibilite.contains(href), "{href}");
    }
    // The old addresses are redirected, `redirect_from` included.
    assert!(site.read("stats/index.html").contains("pages/stats/"));
    assert!(site.read("startups/appel/index.html").contains("content/startups/apilos/"));

    let check = site.carnet(&["check", "--broken-links", "warn"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    assert!(check.stdout.lines().count() <= 60, "{}", check.stdout);
    assert!(check.stdout.contains("  layout: 5 guide(s) ("), "{}", check.stdout);
}
