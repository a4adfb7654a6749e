//! What a reader sees on the built pages: heading ids, table of contents, previous/next,
//! callouts, code blocks with their copy buttons and file titles, meta tags, 404.

use crate::fixture::Site;

const GUIDE: &str = "# 🔧 Résolution : Erreur mémoire

Premier paragraphe qui sert de description.

## 🔍 Causes

Texte.

### Solution 1 : Désactiver le Script Startup au Démarrage

### Procfile

```
web: gunicorn core.wsgi:application --bind 0.0.0.0:$PORT
```

### render.yaml

```
services:
  - type: web
```

## Causes

## Erreur\u{202F}: mémoire\u{00A0}pleine

## Mon titre {#choisi}

## Redéployer

```console
$ git add core/wsgi.py
sortie du programme
$ git push origin main
```

> [!NOTE]
> Une remarque.

> [!TIP]
> Une astuce.

> [!IMPORTANT]
> Important.

> [!WARNING]
> Attention.

> [!CAUTION]
> Prudence.

```yaml title=\"config.yaml\" hl_lines=\"2\"
a: 1
b: 2
```
";

fn site() -> Site {
    let site = Site::new();
    site.file("content/A_PREMIER.md", "+++\nweight = 1\n+++\n# Premier\n\nUn.\n")
        .file("content/GUIDE.md", format!("+++\nweight = 2\n+++\n{GUIDE}"))
        .file("content/Z_DERNIER.md", "+++\nweight = 3\n+++\n# Dernier\n\nTrois.\n");
    site.build();
    site
}

fn ids(html: &str) -> Vec<String> {
    html.split(" id=\"").skip(1).map(|rest| rest.split('"').next().unwrap().to_string()).collect()
}

#[test]
fn french_heading_ids_duplicates_and_explicit_ids() {
    let site = site();
    let html = site.read("guide/index.html");
    let ids = ids(&html);
    for id in [
        "resolution-erreur-memoire",
        "causes",
        "solution-1-desactiver-le-script-startup-au-demarrage",
        "causes-1",
        "erreur-memoire-pleine",
        "choisi",
        "redeployer",
    ] {
        assert!(ids.iter().any(|i| i == id), "id `{id}` missing in {ids:?}");
    }
    // The GitHub form of the title also lands on it.
    assert!(ids.iter().any(|i| i == "-résolution--erreur-mémoire"), "{ids:?}");
    assert!(html.contains("class=\"anchor\" href=\"#causes\""), "permalink on headings");
}

#[test]
fn table_of_contents_lists_h2_with_h3() {
    let html = site().read("guide/index.html");
    assert!(html.contains("Sur cette page"));
    let toc = &html[html.find("toc-list").unwrap()..];
    let toc = &toc[..toc.find("</details>").expect("inline toc closes")];
    let first_causes = toc.find("href=\"#causes\"").expect("H2 in toc");
    let solution =
        toc.find("href=\"#solution-1-desactiver-le-script-startup-au-demarrage\"").expect("H3 in toc");
    assert!(first_causes < solution);
    assert!(!toc.contains("#resolution-erreur-memoire"), "the H1 is not in the toc");
}

#[test]
fn previous_and_next_follow_weights() {
    let site = site();
    let html = site.read("guide/index.html");
    assert!(html.contains("href=\"../a-premier/\" rel=\"prev\""), "prev link");
    assert!(html.contains("href=\"../z-dernier/\" rel=\"next\""), "next link");
    let first = site.read("a-premier/index.html");
    assert!(first.contains("href=\"../\" rel=\"prev\""), "the first guide goes back home");
}

#[test]
fn callouts_have_french_labels() {
    let html = site().read("guide/index.html");
    for (kind, label) in [
        ("note", "Remarque"),
        ("tip", "Astuce"),
        ("important", "Important"),
        ("warning", "Attention"),
        ("caution", "Prudence"),
    ] {
        let start = html.find(&format!("callout callout-{kind}")).unwrap_or_else(|| panic!("{kind} missing"));
        assert!(html[start..start + 200].contains(label), "{kind} label");
    }
}

#[test]
fn code_blocks_highlighted_with_classes_titles_and_buttons() {
    let html = site().read("guide/index.html");
    assert!(!html.contains("style=\""), "no inline styles");
    assert!(html.contains("<span class=\"code-title\">Procfile</span>"));
    assert!(html.contains("hl-procfile-process"));
    assert!(html.contains("<span class=\"code-title\">render.yaml</span>"));
    assert!(html.contains("data-lang=\"yaml\""));
    assert!(html.contains("data-filename=\"render.yaml\""), "download button for file blocks");
    assert!(html.contains("<span class=\"line hl\">"), "hl_lines");
    let blocks = html.matches("<figure class=\"code-block\"").count();
    let buttons =
        html.matches("<button type=\"button\" class=\"code-copy\" aria-label=\"Copier le code\">").count();
    assert_eq!(blocks, 4);
    assert_eq!(buttons, blocks, "one copy button per block");
    assert!(html.contains("<span class=\"prompt\" data-nocopy>$ </span>"), "console prompt");
    assert!(html.contains("<span class=\"line output\" data-nocopy>sortie du programme\n</span>"));
    let site = site();
    let css = site.read(&site.asset("carnet.css"));
    assert!(css.contains("pre.code .k{color:"), "highlight palette appended to the stylesheet");
    assert!(css.contains("prefers-color-scheme:dark"), "dark palette");
    assert!(!css.contains("/*") && !css.contains("\n  "), "the stylesheet is minified");
}

#[test]
fn meta_tags_title_and_description() {
    let html = site().read("guide/index.html");
    assert!(html.contains("<html lang=\"fr\""));
    assert!(html.contains("<title>🔧 Résolution : Erreur mémoire"));
    assert!(html.contains("name=\"description\" content=\"Premier paragraphe qui sert de description.\""));
    assert!(html.contains("property=\"og:title\" content=\"🔧 Résolution : Erreur mémoire\""));
    assert!(html.contains("property=\"og:description\""));
    assert_eq!(html.matches("<h1").count(), 1, "the guide's own H1, not a second one");
}

#[test]
fn home_lists_guides_with_descriptions() {
    let home = site().read("index.html");
    assert!(home.contains("href=\"guide/\""), "{home}");
    assert!(home.contains("Premier paragraphe qui sert de description."));
    assert!(home.contains("Trois."));
}

#[test]
fn not_found_page_is_french_with_a_way_home() {
    let html = site().read("404.html");
    assert!(html.contains("Page introuvable"));
    assert!(html.contains("href=\"/\""), "a link to the site root");
}

#[test]
fn page_size_does_not_grow_with_the_number_of_guides() {
    let small = Site::new();
    let large = Site::new();
    for site in [&small, &large] {
        site.file("content/a.md", "# A\n\nTexte.\n");
    }
    for i in 0..300 {
        large.file(&format!("content/guide-{i:03}.md"), format!("# Guide numéro {i}\n\nTexte.\n"));
    }
    small.build();
    large.build();
    let (a, b) = (small.read("a/index.html").len(), large.read("a/index.html").len());
    assert!(b < a + 200, "page grew from {a} to {b} bytes with 300 more guides");
}

#[test]
fn every_page_declares_the_theme_icon_unless_static_has_a_favicon() {
    let site = Site::new();
    site.file("content/index.md", "# Accueil\n\nTexte.\n")
        .file("content/dossier/guide.md", "# Guide\n\nTexte.\n");
    site.build();
    let icon = |rel: &str| {
        let html = site.read(rel);
        let at = html.find("<link rel=\"icon\"").unwrap_or_else(|| panic!("no icon in {rel}"));
        html[at..].split('>').next().unwrap().to_string()
    };
    assert_eq!(icon("index.html"), "<link rel=\"icon\" href=\"assets/favicon.svg\" type=\"image/svg+xml\"");
    assert_eq!(
        icon("dossier/guide/index.html"),
        "<link rel=\"icon\" href=\"../../assets/favicon.svg\" type=\"image/svg+xml\""
    );
    assert_eq!(icon("404.html"), "<link rel=\"icon\" href=\"/assets/favicon.svg\" type=\"image/svg+xml\"");
    let svg = std::fs::read_to_string(site.output("assets/favicon.svg")).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{svg}");
    assert!(!site.read("index.html").contains("og:image"), "no og:image unless carnet.toml sets one");

    site.file("static/favicon.png", b"\x89PNG\r\n\x1a\n").file(
        "carnet.toml",
        "base_url = \"https://docs.example.org/equipe/\"\nog_image = \"logos/apercu.png\"\n",
    );
    site.build();
    assert_eq!(icon("dossier/guide/index.html"), "<link rel=\"icon\" href=\"../../favicon.png\"");
    assert_eq!(std::fs::read(site.output("favicon.png")).unwrap(), b"\x89PNG\r\n\x1a\n");
    assert!(
        site.read("dossier/guide/index.html").contains(
            "<meta property=\"og:image\" content=\"https://docs.example.org/equipe/logos/apercu.png\">"
        ),
        "og:image is absolute with base_url"
    );
}
