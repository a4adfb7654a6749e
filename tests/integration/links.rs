//! Links between guides: every way authors write them, file references, backlinks, and the
//! broken ones the build must catch.

use crate::fixture::Site;

fn linked_site() -> Site {
    let site = Site::new();
    site.file(
        "content/GUIDE_RENDER_COMPLET.md",
        "# Guide Render\n\n## Déploiement\n\n## 🔍 Causes\n\nTexte.\n",
    )
    .file("content/dossier/Autre Guide.md", "# Autre\n\n## Résolution : Erreur\n")
    .file("content/dossier/schema.png", b"png")
    .file(
        "content/dossier/source.md",
        "# Source\n\n## Liens\n\n\
         [a](../GUIDE_RENDER_COMPLET.md) [b](../GUIDE_RENDER_COMPLET) [c](<Autre Guide.md>)\n\
         [d](./Autre%20Guide.md#résolution--erreur) [e](../GUIDE_RENDER_COMPLET.md#Deploiement)\n\
         [f](../guide_render_complet.md#causes) [g](#liens) ![schéma](schema.png)\n\
         [h](https://render.com/docs) [i](mailto:equipe@example.org)\n\n\
         ## Références\n\n\
         Voir `GUIDE_RENDER_COMPLET.md`, GUIDE_RENDER_COMPLET.md et `GUIDE_ABSENT.md`.\n\
         Fichiers : `render.yaml`, `wsgi.py`, `Procfile`.\n",
    );
    site
}

#[test]
fn every_link_form_resolves_to_the_page_url() {
    let site = linked_site();
    let run = site.build();
    let html = site.read("dossier/source/index.html");
    for href in [
        "href=\"../../guide-render-complet/\">a<",
        "href=\"../../guide-render-complet/\">b<",
        "href=\"../../dossier/autre-guide/\">c<",
        "href=\"../../dossier/autre-guide/#resolution-erreur\">d<",
        "href=\"../../guide-render-complet/#deploiement\">e<",
        "href=\"../../guide-render-complet/#causes\">f<",
        "href=\"#liens\">g<",
        "src=\"../../dossier/schema.png\"",
        "href=\"https://render.com/docs\">h<",
        "href=\"mailto:equipe@example.org\">i<",
    ] {
        assert!(html.contains(href), "missing {href}");
    }
    // Inexact matches are accepted with a warning naming file, line and column.
    assert!(run.stderr.contains("source.md:6:"), "{}", run.stderr);
    assert!(run.stderr.contains("anchor `#Deploiement` taken as `#deploiement`"), "{}", run.stderr);
    assert!(run.stderr.contains("only when ignoring case"), "{}", run.stderr);
}

#[test]
fn guide_references_link_or_show_as_missing() {
    let site = linked_site();
    let run = site.build();
    let html = site.read("dossier/source/index.html");
    assert!(html.contains("<a href=\"../../guide-render-complet/\"><code>GUIDE_RENDER_COMPLET.md</code></a>"));
    assert!(html.contains("<a href=\"../../guide-render-complet/\">GUIDE_RENDER_COMPLET.md</a>"));
    assert!(html.contains("<code class=\"missing-guide\" title=\"Guide introuvable\">GUIDE_ABSENT.md</code>"));
    assert!(html.contains("<code>render.yaml</code>") && html.contains("<code>wsgi.py</code>"));
    assert!(
        run.stderr.contains("source.md:12:61:") && run.stderr.contains("missing guide `GUIDE_ABSENT.md`"),
        "{}",
        run.stderr
    );
    let strict = site.carnet(&["build", "--strict"]);
    assert_eq!(strict.code, 1, "warnings fail a strict build");
}

#[test]
fn backlinks_name_the_linking_guide_and_section() {
    let site = linked_site();
    site.build();
    let html = site.read("guide-render-complet/index.html");
    let backlinks = &html[html.find("Pages qui renvoient ici").expect("backlinks section")..];
    assert!(backlinks.contains("href=\"../dossier/source/#liens\">Source</a>"), "{backlinks}");
    assert!(backlinks.contains("— Liens"), "{backlinks}");
    assert!(backlinks.contains("href=\"../dossier/source/#references\">Source</a>"), "{backlinks}");
}

#[test]
fn broken_links_fail_the_build_with_location_text_and_suggestion() {
    let site = linked_site();
    site.build();
    let before = site.snapshot();
    site.file(
        "content/casse.md",
        "# Cassé\n\n[le guide](GUIDE_RENDER_COMPLE.md)\n\n[ancre](GUIDE_RENDER_COMPLET.md#cause)\n\n\
         ![image](absente.png)\n\n[ici](#nulle-part)\n",
    );
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for expected in [
        "casse.md:3:12: broken link « le guide » to `GUIDE_RENDER_COMPLE.md`",
        "(did you mean `GUIDE_RENDER_COMPLET.md`?)",
        "casse.md:5:9: broken link « ancre » to `GUIDE_RENDER_COMPLET.md#cause`",
        "(did you mean `#causes`?)",
        "casse.md:7:10: broken link « image » to `absente.png`",
        "casse.md:9:7: broken link « ici » to `#nulle-part`",
        "the build failed with 4 errors",
    ] {
        assert!(run.stderr.contains(expected), "missing `{expected}` in:\n{}", run.stderr);
    }
    assert_eq!(site.snapshot(), before, "a failed build keeps the previous site");
}

#[test]
fn broken_links_are_warnings_with_links_broken_warn_or_the_flag_and_the_failure_says_so() {
    let site = Site::new();
    site.file("content/a.md", "# A\n\n[cassé](absent.md) et [ancre](#nulle-part)\n");
    let failed = site.carnet(&["build"]);
    assert_eq!(failed.code, 1, "broken links fail the build by default:\n{}", failed.stderr);
    assert!(
        failed.stderr.contains(
            "help: to build the site while the links are being fixed, set `broken = \"warn\"` under \
             `[links]` in carnet.toml, or pass `--broken-links warn`"
        ),
        "{}",
        failed.stderr
    );
    let flag = site.carnet(&["build", "--broken-links", "warn"]);
    assert_eq!(flag.code, 0, "{}", flag.stderr);
    assert!(flag.stderr.contains("warning: ./content/a.md:3:9: broken link « cassé »"), "{}", flag.stderr);
    assert!(flag.stderr.contains("warning: ./content/a.md:3:31: broken link « ancre »"), "{}", flag.stderr);
    assert!(!flag.stderr.contains("help:"), "{}", flag.stderr);
    assert!(site.read("a/index.html").contains("href=\"absent.md\""), "the link is left as written");
    assert_eq!(site.carnet(&["check", "--broken-links", "warn"]).code, 0);
    assert_eq!(site.carnet(&["build", "--broken-links", "warn", "--strict"]).code, 1, "still warnings");

    site.file("carnet.toml", "[links]\nbroken = \"warn\"\n");
    assert_eq!(site.carnet(&["build"]).code, 0);
    assert_eq!(site.carnet(&["check"]).code, 0);
    assert_eq!(site.carnet(&["build", "--broken-links", "error"]).code, 1, "the flag wins");
    // Only broken links are let through: a missing guide file is still a front matter error.
    site.file("content/b.md", "+++\nweight = \"lourd\"\n+++\n# B\n");
    assert_eq!(site.carnet(&["build"]).code, 1);
}

#[test]
fn a_link_is_placed_on_itself_whatever_its_destination_looks_like() {
    // Regression: a destination not written as such (an entity, an empty one, a reference
    // link) was placed at the first `#` of the body, or in the front matter.
    let site = Site::new();
    site.file(
        "content/a.md",
        "---\ntitle: A\n---\n# Titre\n\n## Liens\n\n\
         Texte [vide]() et [entité](b&amp;c.md) puis [réf][r].\n\n`GUIDE_ABSENT.md`\n\n[r]: nulle&#45;part.md\n",
    );
    let run = site.carnet(&["check"]);
    for expected in [
        "warning: ./content/a.md:8:7: link « vide » has no destination: it leads to this page itself",
        "error: ./content/a.md:8:19: broken link « entité » to `b&c.md`",
        "error: ./content/a.md:8:45: broken link « réf » to `nulle-part.md`",
        "warning: ./content/a.md:10:2: reference to a missing guide `GUIDE_ABSENT.md`",
    ] {
        assert!(run.stdout.contains(expected), "missing `{expected}`:\n{}", run.stdout);
    }
}

#[test]
fn a_file_name_many_guides_have_is_ambiguous_not_missing_and_not_marked() {
    let site = Site::new();
    for folder in ["api", "web", "mobile"] {
        site.file(&format!("content/{folder}/CHANGELOG.md"), format!("# Changements {folder}\n"));
    }
    site.file("content/a.md", "# A\n\nVoir `CHANGELOG.md` ou `web/CHANGELOG.md`.\n");
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "warning: ./content/a.md:3:7: `CHANGELOG.md` is the name of 3 guides (`api/CHANGELOG.md`, \
             `mobile/CHANGELOG.md`, `web/CHANGELOG.md`): left as text"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("missing guide"), "{}", run.stderr);
    let html = site.read("a/index.html");
    assert!(!html.contains("missing-guide") && !html.contains("Guide introuvable"), "{html}");
    assert!(html.contains("Voir <code>CHANGELOG.md</code>"), "{html}");
    assert!(html.contains("<a href=\"../web/changelog/\"><code>web/CHANGELOG.md</code></a>"), "{html}");
}
