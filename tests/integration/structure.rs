//! The structure authors wrote: every heading level in « Sur cette page », ordering prefixes of
//! file and folder names (`01-intro.md`, `10.install/`) ordering the sidebar and left out of
//! titles and addresses, the landing page of a folder (`index.md`, `_index.md`, `README.md`, a
//! guide named after the folder), MDX guides; on made-up sites and on trimmed copies of real documentation
//! (`tests/fixtures/real/`).

use std::path::Path;

use crate::fixture::Site;

/// « Sur cette page » of a built page as `id(children…)`: `a(a1 a2(deep)) b`.
fn toc_shape(html: &str) -> String {
    let start = html.find("<details class=\"toc toc-inline\"").expect("the page has « Sur cette page »");
    let aside = &html[start..start + html[start..].find("</details>").unwrap()];
    let list = &aside[aside.find("<ul class=\"toc-list\">").unwrap() + "<ul class=\"toc-list\">".len()..];
    let mut shape = String::new();
    let mut rest = list;
    loop {
        let next = [rest.find("href=\"#"), rest.find("<ul>"), rest.find("</ul>")];
        let Some((kind, at)) =
            next.iter().enumerate().filter_map(|(k, at)| at.map(|at| (k, at))).min_by_key(|p| p.1)
        else {
            break;
        };
        match kind {
            0 => {
                let id = &rest[at + 7..];
                let id = &id[..id.find('"').unwrap()];
                if !shape.is_empty() && !shape.ends_with('(') {
                    shape.push(' ');
                }
                shape.push_str(id);
                rest = &rest[at + 7..];
            }
            1 => {
                shape.push('(');
                rest = &rest[at + 4..];
            }
            _ => {
                shape.push(')');
                rest = &rest[at + 5..];
            }
        }
    }
    // The last `)` is the end of the list itself.
    shape.strip_suffix(')').expect("the list closes").to_string()
}

/// The sidebar (`nav.js`): one `title [path]` line per entry, indented by depth.
fn sidebar(site: &Site) -> Vec<String> {
    let script = site.read(&site.asset("nav.js"));
    let json = script.trim().trim_start_matches("window.CARNET_NAV=").trim_end_matches(';');
    let root: serde_json::Value = serde_json::from_str(json).expect("nav.js holds JSON");
    let mut lines = Vec::new();
    fn walk(node: &serde_json::Value, depth: usize, lines: &mut Vec<String>) {
        lines.push(format!(
            "{}{} [{}]",
            "  ".repeat(depth),
            node["t"].as_str().unwrap(),
            node["u"].as_str().unwrap()
        ));
        for child in node["c"].as_array().into_iter().flatten() {
            walk(child, depth + 1, lines);
        }
    }
    for child in root["c"].as_array().into_iter().flatten() {
        walk(child, 0, &mut lines);
    }
    lines
}

/// Copies `tests/fixtures/real/<name>/` into the folder `into` of the site.
fn copy_fixture(site: &Site, name: &str, into: &str) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real").join(name);
    for entry in walkdir::WalkDir::new(&from).into_iter().filter_map(Result::ok) {
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(&from).unwrap().to_string_lossy().into_owned();
            site.file(&Path::new(into).join(rel).to_string_lossy(), std::fs::read(entry.path()).unwrap());
        }
    }
}

#[test]
fn sur_cette_page_shows_every_heading_level_nested() {
    let site = Site::new();
    site.file(
        "content/parties.md",
        "# Partie 1\n\nTexte.\n\n## Étape A\n\n#### Détail A\n\n##### Plus fin\n\n## Étape B\n\n\
         # Partie 2\n\n### Sous-partie\n\n###### Minuscule\n\n# Partie 3\n",
    )
    .file("content/trois.md", "### Premier\n\n#### Un détail\n\n### Second\n")
    .file("content/titre.md", "# Le titre\n\n## Causes\n\n### Cause 1\n\n#### Précision\n\n## Solution\n");
    site.build();
    assert_eq!(
        toc_shape(&site.read("parties/index.html")),
        "partie-1(etape-a(detail-a(plus-fin)) etape-b) partie-2(sous-partie(minuscule)) partie-3",
        "a page with several H1s lists them all"
    );
    assert_eq!(toc_shape(&site.read("trois/index.html")), "premier(un-detail) second");
    assert_eq!(
        toc_shape(&site.read("titre/index.html")),
        "causes(cause-1(precision)) solution",
        "a page's one H1 is its title, not an entry"
    );
}

#[test]
fn ordering_prefixes_order_the_sidebar_and_leave_titles_and_addresses() {
    let site = Site::new();
    site.file(
        "content/index.md",
        "# Accueil\n\nVers [l'intro](01-intro.md), [la config](2_config.md#reglages) \
                                   et [l'installation](10.install/).\n",
    )
    .file("content/01-intro.md", "Sans titre de niveau 1.\n")
    .file("content/2_config.md", "## Réglages\n")
    .file("content/faq.md", "# Questions\n")
    .file("content/404.md", "Une page nommée par un nombre.\n")
    .file("content/2024.md", "L'année.\n")
    .file("content/1.2-notes.md", "Les notes de la version 1.2.\n")
    .file("content/10.install/README.md", "# Installer\n\nRetour à [l'intro](../01-intro.md).\n")
    .file("content/10.install/10-docker.md", "# Docker\n")
    .file("content/10.install/02_debian.md", "# Debian\n")
    .file("content/3-concepts/a.md", "# A\n");
    let run = site.build();
    assert_eq!(
        sidebar(&site),
        [
            "Intro [intro/]",
            "1.2 notes [1-2-notes/]",
            "Config [config/]",
            "2024 [2024/]",
            "404 [404/]",
            "Questions [faq/]",
            "Concepts [concepts/]",
            "  A [concepts/a/]",
            "Installer [install/]",
            "  Debian [install/debian/]",
            "  Docker [install/docker/]",
        ]
    );
    let home = site.read("index.html");
    assert!(home.contains("href=\"intro/\""), "a link to the prefixed file name leads to the page");
    assert!(home.contains("href=\"config/#reglages\""));
    assert!(home.contains("href=\"install/\""), "a link to the prefixed folder leads to its page");
    assert!(site.read("install/index.html").contains("href=\"../intro/\""));
    assert!(site.read("intro/index.html").contains("<h1>Intro</h1>"), "no prefix in the title");
    assert!(site.read("404/index.html").contains("<h1>404</h1>"), "a number is a name, not a prefix");
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert!(!site.output("01-intro").exists() && !site.output("10-install").exists());
}

#[test]
fn two_names_that_meet_once_unprefixed_keep_their_prefix_and_are_reported() {
    let site = Site::new();
    site.file("content/01-intro.md", "# Intro numérotée\n")
        .file("content/intro.md", "# Intro\n")
        .file("content/01-install/a.md", "# A\n")
        .file("content/02-install/b.md", "# B\n")
        .file("content/liens.md", "[un](01-intro.md), [deux](intro.md), [trois](01-install/a.md)\n");
    let run = site.build();
    assert!(site.output("01-intro/index.html").exists() && site.output("intro/index.html").exists());
    assert!(
        site.output("01-install/a/index.html").exists() && site.output("02-install/b/index.html").exists()
    );
    assert!(
        run.stderr.contains(
            "01-intro.md: `01-intro.md` keeps its ordering prefix in its address, /01-intro/: without it, \
             it would share /intro/ with `intro.md`"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.matches("keeps its ordering prefix").count(), 3, "{}", run.stderr);
    let links = site.read("liens/index.html");
    for href in ["../01-intro/", "../intro/", "../01-install/a/"] {
        assert!(links.contains(&format!("href=\"{href}\"")), "{href}");
    }

    // Without a prefix to fall back on, the second of two guides on one address takes the next
    // free one, with a warning.
    let site = Site::new();
    site.file("content/Mon Guide.md", "# Un\n").file("content/mon-guide.md", "# Deux\n");
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "`Mon Guide.md` and `mon-guide.md` would both be published at /mon-guide/: the second is \
             published at /mon-guide-2/ instead"
        ),
        "{}",
        run.stderr
    );
    assert!(site.read("mon-guide-2/index.html").contains("Deux"));
}

#[test]
fn a_folder_lands_on_index_hugo_index_readme_or_the_guide_named_after_it() {
    let site = Site::new();
    site.file("content/README.md", "# Accueil du dépôt\n\n[Hugo](hugo/), [install](10-install/)\n")
        .file("content/mkdocs/index.md", "# Page du site\n")
        .file("content/mkdocs/README.md", "# Lisez-moi du dossier\n")
        .file("content/hugo/_index.md", "+++\ntitle = \"Section Hugo\"\n+++\nLa section.\n")
        .file("content/hugo/page.md", "# Page\n")
        .file("content/gitbook/README.md", "# Chapitre\n")
        .file("content/10-install/install.md", "# Installer\n")
        .file("content/10-install/debian.md", "# Debian\n")
        .file("content/divers/autre.md", "# Autre\n");
    let run = site.build();
    assert!(
        site.read("index.html").contains("<h1 id=\"accueil-du-depot\""),
        "the root README is the home page"
    );
    assert!(site.read("mkdocs/index.html").contains("Page du site"));
    assert!(
        site.read("mkdocs/readme/index.html").contains("Lisez-moi du dossier"),
        "the README is kept as a page"
    );
    assert!(site.read("hugo/index.html").contains("<h1>Section Hugo</h1>"));
    assert!(site.read("gitbook/index.html").contains("Chapitre"));
    assert!(site.read("install/index.html").contains("Installer"));
    assert!(!site.output("install/install").exists());
    assert!(site.read("divers/index.html").contains("autre/"), "a folder without one lists its guides");
    let home = site.read("index.html");
    assert!(
        home.contains("href=\"hugo/\"") && home.contains("href=\"install/\""),
        "links to folders lead to them"
    );
    assert!(
        run.stderr.contains(
            "mkdocs/README.md: `mkdocs/README.md` is published as an ordinary page: `mkdocs/index.md` is \
             this folder's landing page (the first of index.md, _index.md, README.md, a guide named after \
             the folder)"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.matches("warning").count(), 1, "{}", run.stderr);
}

/// NDXDeveloper/formation-tcp-ip: a French course at the root of its repository, a `README.md`
/// per module folder (`01-introduction/`, `10-evolutions-tendances/`) and sub-chapters numbered
/// `12.1-`, `05.10-`.
#[test]
fn real_course_with_numbered_modules_and_readme_landing_pages() {
    let site = Site::new();
    copy_fixture(&site, "ndx-tcp-ip", "depot");
    site.file("depot/carnet.toml", "title = \"Formation TCP/IP\"\ncontent_dir = \".\"\n");
    // The output goes beside the repository: it cannot be inside its content folder.
    let run = site.carnet(&["build", "--root", "depot", "--output", "public"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("error"), "{}", run.stderr);
    let sidebar = sidebar(&site);
    let top: Vec<&str> = sidebar.iter().filter(|l| !l.starts_with(' ')).map(String::as_str).collect();
    assert_eq!(
        top,
        [
            "Table des matières - Formation TCP/IP complète [sommaire/]",
            "Module 1 : Introduction et fondamentaux des réseaux [introduction/]",
            "Module 3 : La couche Internet (IP) [couche-internet/]",
            "4. La couche Transport [couche-transport/]",
            "8. Programmation réseau (perspective développeur) [programmation-reseau/]",
            "Module 10 : Évolutions et tendances [evolutions-tendances/]",
        ],
        "the modules in the authors' order, 10 last, without their prefixes"
    );
    let chapter = |folder: &str| -> Vec<String> {
        let start = sidebar.iter().position(|l| l.ends_with(&format!("[{folder}/]"))).unwrap();
        sidebar[start + 1..].iter().take_while(|l| l.starts_with(' ')).map(|l| l.trim().to_string()).collect()
    };
    assert_eq!(
        chapter("couche-internet"),
        [
            "3.1 Rôle de la couche Internet [couche-internet/role-couche-internet/]",
            "3.2 IPv4 : structure et format des paquets [couche-internet/ipv4-structure-paquets/]",
            "3.10 Routage : concepts fondamentaux [couche-internet/routage-concepts/]",
            "3.11 Tables de routage et algorithmes [couche-internet/tables-routage/]",
            "3.12 Protocoles de routage [couche-internet/protocoles-routage/]",
            "3.12.1 Routage statique vs dynamique [couche-internet/12-1-routage-statique-dynamique/]",
            "3.12.2 Protocoles à vecteur de distance : RIP [couche-internet/12-2-protocoles-vecteur-distance/]",
        ]
    );
    let transport: Vec<String> =
        chapter("couche-transport").iter().map(|l| l.split(' ').next().unwrap().to_string()).collect();
    assert_eq!(transport, ["4.5", "4.5.1", "4.5.2", "4.5.10"]);
    // 10.1-rest.md has two H1s: both are in « Sur cette page », with what is under them.
    let rest = site.read("programmation-reseau/10-1-rest/index.html");
    let toc = toc_shape(&rest);
    assert!(
        toc.starts_with(
            "8-10-1-rest-principes-et-contraintes-reseau table-des-matieres(introduction \
             les-six-contraintes-architecturales-de-rest(1-client-serveur-client-server "
        ),
        "{toc}"
    );
    // A module's README, its folder's page, has « Sur cette page » too.
    let module = toc_shape(&site.read("couche-internet/index.html"));
    assert!(
        module.starts_with("bienvenue-dans-le-coeur-du-reseau-mondial pourquoi-cette-couche"),
        "{module}"
    );
    // A chapter's H4s are in « Sur cette page », under their H3.
    let statique = toc_shape(&site.read("couche-internet/12-1-routage-statique-dynamique/index.html"));
    assert!(
        statique.contains("avantages-du-routage-statique(1-simplicite 2-previsibilite 3-securite"),
        "{statique}"
    );
}

/// edrlab/thorium-reader-doc: Hugo's `_index.md` landing pages, `210_reading/` and
/// `211_moving.md` numbered like their `weight`, pages without H1, release notes of one H1 per
/// version.
#[test]
fn real_hugo_site_with_index_pages_and_numbered_names() {
    let site = Site::new();
    copy_fixture(&site, "thorium-doc", "");
    site.file("carnet.toml", "title = \"Thorium\"\ncontent_dir = \"content/fr/docs\"\n");
    let run = site.build();
    assert!(!run.stderr.contains("error"), "{}", run.stderr);
    assert_eq!(
        sidebar(&site),
        [
            "Lire [reading/]",
            "  Se déplacer dans un livre [reading/moving/]",
            "  Où suis-je ? [reading/whereami/]",
            "  Zoomer sur les images [reading/imagezoom/]",
            "  Faire une recherche dans un livre [reading/search/]",
            "  Paramètres de lecture [reading/readingparameters/]",
            "  Lire des mathématiques [reading/maths/]",
            "  Synthèse vocale (TTS) [reading/tts/]",
            "Organiser ses collections de livres [organizing/]",
            "  La bibliothèque [organizing/libraries/]",
            "  Accéder à des catalogues [organizing/catalogs/]",
            "  Ajouter des tags [organizing/tags/]",
            "  Rechercher parmis les livres [organizing/search/]",
            "Accessibilité [accessibility/]",
            "  Fonctions d'accessibilité natives [accessibility/natives/]",
            "  Lire avec un lecteur d'écran [accessibility/screenreaders/]",
            "Ressources [ressources/]",
            "  Formats de publication pris en charge [ressources/formats/]",
        ],
        "by number (212_ImageZoom and 212_whereAmI by title), `_index.md` as each folder's page; \
         `400_ressources/_index.md` has no `title` (`Title` is not one), so its folder names it"
    );
    assert_eq!(
        toc_shape(&site.read("organizing/catalogs/index.html")),
        "exemples-francais(openeditions gallica) exemple-de-flux-opds-avec-des-contenus-proteges-par-lcp \
         responsabilite-des-flux-opds",
        "a page whose headings start at H2"
    );
    // One H1, the first heading: the page's title, left out.
    assert_eq!(
        toc_shape(&site.read("accessibility/screenreaders/index.html")),
        "touches-rapides-pour-la-navigation texte tableaux"
    );
    assert!(site.read("reading/moving/index.html").contains("<h1>Se déplacer dans un livre</h1>"));
    assert!(site.read("index.html").contains("Bienvenue dans la documentation de Thorium Reader"));
}

/// The layout shown in `content/carnet/prise-en-main.md`, « Organiser les guides ».
#[test]
fn the_layout_of_the_french_guide_is_published_as_it_says() {
    let guide = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("content/carnet/prise-en-main.md"),
    )
    .unwrap();
    for line in [
        "├── 01-introduction.md     → introduction/, « Introduction »",
        "│   └── 02_debian.md       → installation/debian/",
    ] {
        assert!(guide.contains(line), "the guide shows `{line}`");
    }
    let site = Site::new();
    site.file("content/01-introduction.md", "Vers [l'installation](10.installation/).\n")
        .file("content/2_configuration.md", "# Configuration\n")
        .file("content/10.installation/README.md", "# Installation\n")
        .file("content/10.installation/02_debian.md", "# Debian\n")
        .file("content/12-routage.md", "# Routage\n")
        .file("content/12.1-bgp.md", "# BGP\n")
        .file("content/12.2-ospf.md", "# OSPF\n")
        .file("content/404.md", "# Introuvable\n")
        .file("content/docs/docs.md", "# La page du dossier\n");
    let run = site.build();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    for page in
        ["introduction", "configuration", "installation", "installation/debian", "12-1-bgp", "404", "docs"]
    {
        assert!(site.output(&format!("{page}/index.html")).is_file(), "{page}/");
    }
    assert!(site.read("introduction/index.html").contains("<h1>Introduction</h1>"));
    assert!(site.read("introduction/index.html").contains("href=\"../installation/\""));
    assert!(site.read("docs/index.html").contains("La page du dossier"));
    let order: Vec<String> = sidebar(&site).into_iter().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(
        order,
        [
            "Introduction [introduction/]",
            "Configuration [configuration/]",
            "Routage [routage/]",
            "BGP [12-1-bgp/]",
            "OSPF [12-2-ospf/]",
            "Introuvable [404/]",
            "Installation [installation/]",
            "La page du dossier [docs/]",
        ],
        "guides, then folders, each numbered first"
    );
}

#[test]
fn a_folder_page_beside_its_folder_lists_its_pages_and_is_no_empty_page() {
    // As cartes.gouv.fr's Eleventy documentation writes them: `tutoriels.md`, front matter only,
    // beside `tutoriels/`, whose page it is.
    let site = Site::new();
    site.file("content/tutoriels.md", "---\ntitle: Tutoriels\ndescription: Tous les tutoriels.\n---\n")
        .file("content/tutoriels/raster.md", "# Données raster\n\nAlimenter.\n")
        .file("content/tutoriels/vecteur.md", "# Données vecteur\n\nDiffuser.\n")
        .file("content/vide.md", "---\ntitle: Vide\n---\n");
    let run = site.build();
    let page = site.read("tutoriels/index.html");
    assert!(page.contains("Tous les tutoriels.") && page.contains("href=\"../tutoriels/raster/\""), "{page}");
    assert!(site.output("tutoriels/raster/index.html").is_file());
    assert!(!site.output("tutoriels-2").exists());
    assert!(!run.stderr.contains("tutoriels.md: this guide has front matter but no text"), "{}", run.stderr);
    assert!(!run.stderr.contains("would both be published"), "{}", run.stderr);
    assert!(run.stderr.contains("vide.md: this guide has front matter but no text"), "{}", run.stderr);
}

/// An MDX guide as Docusaurus sites write them (modelled on Logora's documentation, whose
/// `installation/javascript-sdk.mdx` other guides link to without its extension).
#[test]
fn an_mdx_guide_is_a_page_without_its_module_statements_and_with_a_warning_for_its_components() {
    let site = Site::new();
    site.file(
        "content/installation/javascript-sdk.mdx",
        "---\ntitle: Installation Javascript\n---\n\nimport Tabs from \"@theme/Tabs\";\nimport {\n  \
         TabItem,\n} from \"@theme/TabItem\";\n\nInsérez le **code** natif.\n\n```js\nimport x from \"y\";\n```\n\n\
         <Tabs>\n  <TabItem value=\"a\" label=\"Classique\">\n\nTexte de l'onglet.\n\n  </TabItem>\n</Tabs>\n",
    );
    site.file(
        "content/installation/drawer.md",
        "# Tiroir\n\nComme l'installation [classique](javascript-sdk).\n",
    );
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = site.read("installation/javascript-sdk/index.html");
    assert!(page.contains("<strong>code</strong>"), "{page}");
    assert!(
        !page.contains("@theme/Tabs") && !page.contains("TabItem,"),
        "module statements are not text: {page}"
    );
    assert!(page.contains(">import</span> <span class=\"v\">x</span>"), "code blocks keep theirs: {page}");
    assert!(page.contains("Texte de l&#x27;onglet.") || page.contains("Texte de l'onglet."), "{page}");
    assert!(
        run.stderr.contains(
            "javascript-sdk.mdx:16:1: MDX components shown as plain HTML elements, their text without \
             their behaviour: <Tabs>, <TabItem>"
        ),
        "{}",
        run.stderr
    );
    let drawer = site.read("installation/drawer/index.html");
    assert!(drawer.contains("href=\"../../installation/javascript-sdk/\">classique"), "{drawer}");
}

/// A guide written in a GitBook space, its block tags as GitBook's Git Sync writes them (after
/// guides.data.gouv.fr and doc.incubateur.net, where 426 pages showed them as text). The file
/// link, longer than its tag, ends the guide: its place must stay inside the guide's text.
#[test]
fn gitbook_block_tags_are_callouts_tabs_and_links_not_text() {
    let site = Site::new();
    site.file("content/.gitbook/assets/Modèle de CR (1).docx", b"PK\x03\x04 stand-in".as_slice());
    site.file(
        "content/standards/realisation.md",
        "# Réalisation du standard\n\n{% hint style=\"warning\" %}\nAvant de commencer :\n\n* lire le \
         guide,\n* réunir le groupe.\n{% endhint %}\n\n{% tabs %}\n{% tab title=\"Commande publique\" %}\n\
         Données A\n{% endtab %}\n\n{% tab title=\"Subventions\" %}\nDonnées B\n{% endtab %}\n{% endtabs %}\n\n\
         {% embed url=\"https://www.youtube.com/watch?v=abc\" %}\n\n\
         {% file src=\"../.gitbook/assets/Modèle de CR (1).docx\" %}\n",
    );
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = site.read("standards/realisation/index.html");
    assert!(!page.contains("{%"), "{page}");
    let callout = page.find("callout callout-warning").expect("the hint is a callout");
    let list_end = page.find("</ul>").unwrap();
    assert!(callout < list_end && page[list_end..].find("</div>").is_some(), "the list inside: {page}");
    assert_eq!(page.matches("<details").count(), 2, "one open <details> per tab: {page}");
    assert!(page.contains("Subventions</summary>"), "{page}");
    assert!(page.contains("Modèle de CR (1).docx</a>"), "{page}");
    assert!(site.output(".gitbook/assets/Modèle de CR (1).docx").is_file(), "the file is published");
    assert!(page.contains("href=\"https://www.youtube.com/watch?v=abc\""), "{page}");
}
