//! Hostile front matter: refused fast, with the file and line, by the real binary.

use std::time::{Duration, Instant};

use crate::fixture::Site;

/// A guide whose YAML front matter holds `x: [[[…]]]`, `levels` deep.
fn nested_guide(levels: usize) -> String {
    format!("---\ntitle: Guide\nx: {}{}\n---\n# Guide\n\nTexte.\n", "[".repeat(levels), "]".repeat(levels))
}

#[test]
fn front_matter_of_200_kb_is_refused_at_once_naming_the_file() {
    // Regression: 200 KB of nested brackets kept `carnet build` busy for 15 s (52–66 s on a
    // slower machine) before "recursion limit exceeded".
    let site = Site::new();
    site.file("content/guide.md", nested_guide(100_000));
    let started = Instant::now();
    let run = site.carnet(&["build"]);
    let took = started.elapsed();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "guide.md:1:1: invalid front matter: front matter of 196 KiB, over the limit of 64 KiB"
        ),
        "{}",
        run.stderr
    );
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

#[test]
fn deep_nesting_under_the_size_limit_is_refused_at_once_with_its_line() {
    // 30,000 levels in 60 KB: 1.5 s of YAML scanning (release) before the limits.
    let site = Site::new();
    site.file("content/guide.md", nested_guide(30_000));
    site.file("content/autre.md", "+++\ntitle = \"Autre\"\nx = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n+++\n");
    let started = Instant::now();
    let run = site.carnet(&["check"]);
    let took = started.elapsed();
    assert_eq!(run.code, 1, "{}", run.stdout);
    for expected in [
        "guide.md:3:4: invalid front matter: front matter nested more than 32 levels deep",
        "autre.md:3:5: invalid front matter: front matter nested more than 32 levels deep",
    ] {
        assert!(run.stdout.contains(expected), "{expected}\n{}", run.stdout);
    }
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

#[test]
fn front_matter_of_other_generators_builds_as_it_is_without_a_warning_per_key() {
    let site = Site::new();
    site.file(
        "content/jekyll.md",
        "---\nlayout: page\ntitle: Installer\nnav_order: 2\nexcerpt: Installer le service.\n\
         redirect_from:\n  - /ancienne-installation/\n  - /2017/12/08/installer.html\npermalink: /installer/\n\
         tags: [serveur, debian]\n\
         last_modified_date: 2024-05-02\n---\nTexte.\n",
    )
    .file(
        "content/hugo.md",
        "+++\ntitle = \"Démarrer\"\nweight = 1\nlastmod = 2024-06-30T10:00:00Z\n+++\nTexte.\n",
    )
    .file(
        "content/grav.md",
        "---\ntitle: Administrer\ntaxonomy:\n  category: docs\nroutes:\n  aliases:\n    - '/admin'\n\
         published: true\norder: 3\n---\nVoir [l'installation](/installer) et [l'admin](/admin/).\n",
    )
    .file("content/brouillon.md", "---\ntitle: Pas prêt\npublished: false\n---\nTexte.\n")
    .file("content/docusaurus.md", "---\ntitle: Docs\nsidebar_position: 4\ntitel: Faute\n---\nTexte.\n")
    .file(
        "templates/guide.html",
        "{% extends \"base.html\" %}{% block main %}<p id=\"date\">{{ page.date | default(value=\"\") }}</p>\
         <p id=\"tags\">{% if page.extra.tags %}{{ page.extra.tags | join(sep=\", \") }}{% endif %}</p>\
         {{ page.content | safe }}{% endblock main %}",
    );
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "no warning per key:\n{}", run.stderr);
    let jekyll = site.read("jekyll/index.html");
    assert!(jekyll.contains("<p id=\"date\">2024-05-02</p>"), "{jekyll}");
    assert!(jekyll.contains("<p id=\"tags\">serveur, debian</p>"), "{jekyll}");
    assert!(jekyll.contains("content=\"Installer le service.\""), "excerpt → description");
    assert!(site.read("hugo/index.html").contains("<p id=\"date\">2024-06-30</p>"));
    assert!(!site.output("brouillon").exists(), "published: false is a draft");
    // Weights: hugo 1, jekyll 2, grav 3, docusaurus 4.
    let home = site.read("index.html");
    let order: Vec<usize> = ["Démarrer", "Installer", "Administrer", "Docs"]
        .iter()
        .map(|title| home.find(&format!(">{title}<")).unwrap_or_else(|| panic!("{title} listed")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    // Old addresses are redirected, and links written to them lead to the page itself.
    assert!(site.read("ancienne-installation/index.html").contains("jekyll/"));
    // An old address ending in `.html` (as on beta.gouv.fr) is that file, not a folder of it.
    assert!(site.output("2017/12/08/installer.html").is_file());
    assert!(site.read("2017/12/08/installer.html").contains("url=../../../jekyll/\""));
    assert!(site.read("installer/index.html").contains("jekyll/"));
    assert!(site.read("admin/index.html").contains("grav/"));
    let grav = site.read("grav/index.html");
    assert!(
        grav.contains("href=\"../jekyll/\">l&#39;installation</a>")
            || grav.contains("href=\"../jekyll/\">l'installation</a>"),
        "{grav}"
    );

    let check = site.carnet(&["check", "--strict"]);
    assert_eq!(check.code, 0, "unknown keys are no warnings:\n{}", check.stdout);
    for expected in [
        "note: front matter keys carnet does not read, kept for templates as `page.extra`:\n",
        "  layout: 1 guide(s) (./content/jekyll.md)\n",
        "  taxonomy: 1 guide(s) (./content/grav.md)\n",
        "  titel (did you mean `title`?): 1 guide(s) (./content/docusaurus.md)\n",
    ] {
        assert!(check.stdout.contains(expected), "missing `{expected}`:\n{}", check.stdout);
    }
    let json = site.carnet(&["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["unknown_keys"].as_array().unwrap().len(), 4, "{}", json.stdout);
}

#[test]
fn an_unknown_key_written_by_thousands_of_guides_is_listed_once() {
    // Regression: one warning per key per file, 29,796 lines on a real Jekyll site.
    let site = Site::new();
    for n in 0..2000 {
        site.file(&format!("content/g{n:04}.md"), format!("---\nlayout: page\nrole: r{n}\n---\n# G{n}\n"));
    }
    let run = site.carnet(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.lines().count() < 10, "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "  layout: 2,000 guide(s) (./content/g0000.md, ./content/g0001.md, ./content/g0002.md, …)\n"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("  role: 2,000 guide(s)"), "{}", run.stdout);
    let build = site.carnet(&["build"]);
    assert!(build.stderr.lines().count() <= 2, "{}", build.stderr);
}
