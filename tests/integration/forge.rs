//! Markdown as people write it on GitHub and GitLab: email autolinks, HTML anchors, `#` and
//! `#top`, links and images in raw HTML, unknown link schemes, CR-only line endings, `{…}`
//! after a heading, and ```` ```mermaid ```` diagrams. Each test builds a small site with the
//! real binary and looks at what readers get and what authors are told.

use crate::fixture::Site;

fn guide_site(body: &str) -> Site {
    let site = Site::new();
    site.file("content/index.md", "# Accueil\n").file("content/guide.md", body);
    site
}

#[test]
fn email_autolinks_are_mailto_links_and_are_not_checked_as_files() {
    let site =
        guide_site("# Contact\n\nÉcrivez à <equipe@exemple.fr> ou à <support.dsi@ville-exemple.gouv.fr>.\n");
    let run = site.build();
    let html = site.read("guide/index.html");
    assert!(html.contains("<a href=\"mailto:equipe@exemple.fr\">equipe@exemple.fr</a>"), "{html}");
    assert!(html.contains("href=\"mailto:support.dsi@ville-exemple.gouv.fr\""), "{html}");
    assert!(!run.stderr.contains("equipe@exemple.fr"), "nothing to say about an email: {}", run.stderr);
    assert_eq!(site.carnet(&["check", "--strict"]).code, 0);
}

#[test]
fn html_anchors_are_link_targets_on_the_page_and_from_other_pages() {
    let site = Site::new();
    site.file(
        "content/index.md",
        "# Accueil\n\n[tarifs](guide.md#tarifs) [prix](guide.md#prix) [bas](guide.md#bas-de-page)\n",
    )
    .file(
        "content/guide.md",
        "# Guide\n\n## Tarifs <a name=\"tarifs\"></a>\n\n<h3 id=\"prix\">Prix</h3>\n\n\
         Texte.<a id=\"bas-de-page\"></a>\n\n[voir](#tarifs), [prix](#prix), [bas](#bas-de-page)\n",
    );
    site.build();
    let home = site.read("index.html");
    for href in ["guide/#tarifs\">tarifs", "guide/#prix\">prix", "guide/#bas-de-page\">bas"] {
        assert!(home.contains(&format!("href=\"{href}")), "{href} in {home}");
    }
    let guide = site.read("guide/index.html");
    assert!(guide.contains("<a name=\"tarifs\"></a>") && guide.contains("<h3 id=\"prix\">"), "{guide}");
    assert!(guide.contains("href=\"#bas-de-page\">bas</a>"), "{guide}");

    // An anchor nobody declares is still a broken link, with the nearest one suggested.
    site.file("content/index.md", "# Accueil\n\n[tarif](guide.md#tarif)\n");
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("no heading `#tarif`") && run.stderr.contains("`#tarifs`"), "{}", run.stderr);
}

#[test]
fn empty_and_top_fragments_are_the_top_of_the_page() {
    let site = Site::new();
    site.file("content/index.md", "# Accueil\n\n[haut](guide.md#top)\n").file(
        "content/guide.md",
        "# Guide\n\n[rien](#) [haut](#top) [HAUT](#Top)\n\n<a href=\"#\">retour</a> <a href=\"#top\">haut</a>\n",
    );
    let run = site.build();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let guide = site.read("guide/index.html");
    for link in ["href=\"#\">rien", "href=\"#top\">haut", "href=\"#Top\">HAUT", "href=\"#\">retour"] {
        assert!(guide.contains(link), "{link} in {guide}");
    }
    assert!(site.read("index.html").contains("href=\"guide/#top\">haut"));
}

#[test]
fn links_and_images_in_raw_html_are_rewritten_like_markdown_ones() {
    let site = Site::new();
    site.file("content/index.md", "# Accueil\n")
        .file("content/dossier/img/logo.png", b"png")
        .file("content/dossier/autre.md", "# Autre\n\n## Étapes\n")
        .file(
            "content/dossier/guide.md",
            "# Guide\n\n<p align=\"center\">\n  <a href=\"autre.md#étapes\"><img\n    src=\"img/logo.png\" \
             alt=\"Logo\"></a>\n</p>\n\nVoir <a href='../index.md'>l'accueil</a> et \
             <a href=\"https://exemple.fr/a.md\">ailleurs</a>.\n\n<!-- <a href=\"absent.md\"> -->\n",
        );
    let run = site.build();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let html = site.read("dossier/guide/index.html");
    assert!(
        html.contains("<a href=\"../../dossier/autre/#etapes\"><img\n    src=\"../../dossier/img/logo.png\""),
        "{html}"
    );
    assert!(html.contains("<a href='../../'>l'accueil</a>"), "{html}");
    assert!(html.contains("<a href=\"https://exemple.fr/a.md\">ailleurs</a>"), "{html}");
    assert!(html.contains("<!-- <a href=\"absent.md\"> -->"), "comments are left alone: {html}");
    // The linked page counts the link as a backlink, like a Markdown one.
    assert!(site.read("dossier/autre/index.html").contains("Pages qui renvoient ici"));
}

#[test]
fn broken_links_in_raw_html_fail_the_build_at_their_line_and_column() {
    let site = guide_site(
        "# Guide\n\nTexte.\n\n<a href=\"absent.md\">x</a> <img src=\"img/absente.png\" alt=\"\">\n",
    );
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("guide.md:5:10: broken link to `absent.md`"), "{}", run.stderr);
    assert!(run.stderr.contains("guide.md:5:37: broken link to `img/absente.png`"), "{}", run.stderr);
    let check = site.carnet(&["check"]);
    assert_eq!(check.code, 1);
    assert!(
        check.stdout.contains("absent.md") || check.stderr.contains("absent.md"),
        "{check:?}",
        check = check.stderr
    );
}

#[test]
fn unknown_schemes_are_warned_once_per_scheme_for_the_whole_site() {
    let site = Site::new();
    site.file("content/index.md", "# Accueil\n\n[ouvrir](vscode://file/x) [canal](slack://channel?id=1)\n")
        .file("content/a.md", "# A\n\n[ouvrir](vscode://file/a) <a href=\"vscode://file/b\">b</a>\n")
        .file("content/b.md", "# B\n\n[appeler](tel:+33100000000) [écrire](mailto:a@exemple.fr)\n");
    let run = site.build();
    let warnings: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("warning")).collect();
    assert_eq!(warnings.len(), 2, "one warning per unknown scheme: {}", run.stderr);
    assert!(run.stderr.contains("scheme `vscode:` (3 link(s) in 2 guide(s)"), "{}", run.stderr);
    assert!(run.stderr.contains("scheme `slack:` (1 link(s) in 1 guide(s)"), "{}", run.stderr);
    assert!(site.read("a/index.html").contains("href=\"vscode://file/a\""), "left as written");
}

#[test]
fn cr_only_line_endings_are_line_breaks() {
    let site = guide_site("# Guide\r\r## Causes\r\rTexte [haut](#causes).\r");
    let run = site.build();
    // The loader says how the file was read (content::load); nothing else to say.
    let warnings: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("warning")).collect();
    assert_eq!(warnings.len(), 1, "{}", run.stderr);
    assert!(warnings[0].contains("carriage return alone"), "{}", run.stderr);
    let html = site.read("guide/index.html");
    assert!(html.contains("<h2 id=\"causes\">") && html.contains("href=\"#causes\">haut"), "{html}");
}

#[test]
fn braces_after_a_heading_are_attributes_only_when_they_are_an_attribute_list() {
    let site = guide_site(
        "# Guide\n\n## Options {a, b}\n\n## Option {force}\n\n## Réglages {#reglages .large}\n\n\
         [options](#options-a-b) [force](#option-force) [réglages](#reglages)\n",
    );
    let run = site.build();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let html = site.read("guide/index.html");
    assert!(html.contains("<h2 id=\"options-a-b\">Options {a, b}<a class=\"anchor\""), "{html}");
    assert!(html.contains("<h2 id=\"option-force\">Option {force}<a"), "{html}");
    assert!(html.contains("<h2 id=\"reglages\" class=\"large\">"), "{html}");
    assert!(html.contains("Réglages<a class=\"anchor\" href=\"#reglages\""), "{html}");
}

#[test]
fn mermaid_blocks_become_diagrams_and_only_their_pages_load_the_library() {
    let site = Site::new();
    site.file("content/index.md", "# Accueil\n\n```yaml\nservices: []\n```\n").file(
        "content/flux.md",
        "# Flux\n\n```mermaid\ngraph TD\n  A[Début] --> B{OK ?}\n```\n\n```Mermaid\nsequenceDiagram\n  A->>B: x\n```\n",
    );
    site.build();
    let flux = site.read("flux/index.html");
    assert_eq!(flux.matches("<div class=\"diagram\" data-diagram=\"mermaid\">").count(), 2, "{flux}");
    assert!(flux.contains("<summary>Source du diagramme</summary>"), "{flux}");
    assert!(flux.contains("A[Début] --&gt; B{OK ?}"), "the source is kept: {flux}");
    assert!(flux.contains("class=\"code-copy\""), "with its copy button");
    let library = crate::fixture::asset_in(&flux, "mermaid.min.js");
    assert!(library.starts_with("assets/immutable/mermaid.min."), "fingerprinted: {library}");
    assert!(site.output(&library).is_file());
    assert!(site.output("assets/mermaid/LICENSE").is_file(), "its licence is published beside it");
    let home = site.read("index.html");
    assert!(!home.contains("mermaid") && !home.contains("diagrams."), "no diagram, no library: {home}");

    // A site without any diagram does not carry the library at all.
    site.file("content/flux.md", "# Flux\n\nPlus de diagramme.\n");
    site.build();
    let files: Vec<String> = site.snapshot().into_iter().map(|(name, _)| name).collect();
    assert!(files.iter().all(|f| !f.contains("mermaid") && !f.contains("diagrams.")), "{files:?}");
}
