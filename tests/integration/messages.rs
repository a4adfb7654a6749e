//! Messages an author meets: a front matter error shows the line with a caret under the value,
//! `serve` names a missing site root, `init` says how to preview, and `check` and `build` print
//! a finding in the same `error: file:line:col:` form.

use crate::fixture::Site;

#[test]
fn a_front_matter_error_shows_its_line_and_a_caret_under_the_value() {
    let site = Site::new();
    site.file("content/a.md", "+++\ntitle = \"Guide\"\nweight = deux\n+++\nTexte.\n");
    let run = site.carnet(&["build"]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("error: ./content/a.md:3:10: invalid front matter"), "{}", run.stderr);
    assert!(run.stderr.contains(" 3 | weight = deux\n   |          ^"), "{}", run.stderr);
    let check = site.carnet(&["check"]);
    let shown = format!("{}{}", check.stdout, check.stderr);
    assert!(shown.contains("error: ./content/a.md:3:10: invalid front matter"), "{shown}");
    assert!(shown.contains(" 3 | weight = deux"), "{shown}");
}

#[test]
fn check_and_build_print_a_broken_link_the_same_way() {
    let site = Site::new();
    site.file("content/a.md", "# A\n\n[lien](absent.md)\n");
    let first = |text: &str| text.lines().find(|l| l.contains("absent.md")).unwrap_or("").to_string();
    let build = first(&site.carnet(&["build"]).stderr);
    let check = site.carnet(&["check"]);
    let check = first(&format!("{}{}", check.stdout, check.stderr));
    assert!(build.starts_with("error: ./content/a.md:3:8: broken link"), "{build}");
    assert_eq!(build, check);
}

#[test]
fn init_says_how_to_preview_the_site() {
    let site = Site::new();
    let run = site.carnet(&["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let next = format!("{}{}", run.stdout, run.stderr);
    let next = next.lines().find(|l| l.starts_with("Next:")).unwrap_or_else(|| panic!("no Next: in {next}"));
    if cfg!(feature = "serve") {
        assert!(next.contains("`carnet serve --root .`"), "{next}");
    }
    assert!(next.contains("`carnet build --root .`"), "{next}");
}

#[cfg(feature = "serve")]
#[test]
fn serve_names_a_missing_site_root() {
    let site = Site::new();
    let missing = site.root().join("nulle-part");
    let run = site.carnet(&["serve", "--root", missing.to_str().unwrap(), "--port", "0"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("error: --root {}: no such folder", missing.display())),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("No path was found"), "{}", run.stderr);
}
