//! Forge Markdown on real French documentation (`tests/fixtures/real/livify-fr/`, the `doc/fr/`
//! pages of github.com/FriquetLuca/livify, MIT): its email autolinks, `<a name>` anchors, raw
//! HTML links to raw HTML ids, `{#id}` headings and mermaid diagrams all build; what is left
//! are the links that lead nowhere on GitHub too.

use std::path::Path;

use crate::fixture::Site;

fn livify() -> Site {
    let site = Site::new();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real/livify-fr/doc/fr");
    for entry in std::fs::read_dir(&fixture).expect("the livify-fr fixture") {
        let path = entry.expect("a fixture file").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        site.file(&format!("doc/fr/{name}"), std::fs::read(&path).unwrap());
    }
    site.file("carnet.toml", "title = \"Livify\"\ncontent_dir = \"doc/fr\"\n");
    site
}

#[test]
fn livify_builds_but_for_its_links_that_lead_nowhere_on_github_too() {
    let site = livify();
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let errors: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("error: ./doc/fr/")).collect();
    // `#fnref:…` targets no element of the page (its raw HTML declares only `fn:…`), and
    // `#code` names a section of another page: true broken links.
    assert_eq!(errors.len(), 3, "{}", run.stderr);
    assert!(errors[0].contains("footnotes.md:31:85: broken link to `#fnref:note`"), "{errors:?}");
    assert!(errors[0].contains("(did you mean `#fn:note`?)"), "{errors:?}");
    assert!(errors[1].contains("footnotes.md:40:110: broken link to `#fnref:longnote`"), "{errors:?}");
    assert!(errors[2].contains("link.md:41:30: broken link « `code` » to `#code`"), "{errors:?}");
    for fixed in
        ["fake@example.com", "`#mon-ancre-personnalisee`", "to `#fn:note`", "`#heading-ids`", "mermaid"]
    {
        assert!(!run.stderr.contains(fixed), "{fixed} is no error: {}", run.stderr);
    }
}

#[test]
fn livify_pages_read_as_on_github_once_its_true_broken_links_are_fixed() {
    let site = livify();
    let footnotes = std::fs::read_to_string(site.root().join("doc/fr/footnotes.md")).unwrap();
    site.file("doc/fr/footnotes.md", footnotes.replace("#fnref:", "#fn:"));
    let link = std::fs::read_to_string(site.root().join("doc/fr/link.md")).unwrap();
    site.file("doc/fr/link.md", link.replace("(#code)", "(#top)"));
    let run = site.build();
    assert!(!run.stderr.contains("error"), "{}", run.stderr);

    let link = site.read("link/index.html");
    assert!(link.contains("<a href=\"mailto:fake@example.com\">fake@example.com</a>"), "email autolink");
    assert!(link.contains("<a name=\"mon-ancre-personnalisee\"></a>"), "the anchor is kept");
    assert!(link.contains("href=\"#mon-ancre-personnalisee\">Un lien ancre personnalisé</a>"), "{link}");
    let footnotes = site.read("footnotes/index.html");
    assert!(footnotes.contains("<li id=\"fn:note\" class=\"md-fnitem\">"), "{footnotes}");
    assert!(footnotes.contains("<a class=\"md-revfn\" href=\"#fn:note\">"), "{footnotes}");
    let heading = site.read("heading/index.html");
    assert!(heading.contains("<h1 id=\"mon-id-de-titre\">"), "{{#id}} still works: {heading}");
    let diagrams = site.read("diagrams/index.html");
    assert_eq!(diagrams.matches("data-diagram=\"mermaid\"").count(), 1, "the drawn block only: {diagrams}");
    assert!(
        diagrams.contains("<span class=\"line\">```mermaid"),
        "the quoted example stays code: {diagrams}"
    );
    assert!(diagrams.contains("mermaid.min."), "its page loads the library");
    assert!(!link.contains("mermaid.min."), "pages without diagram do not");
}
