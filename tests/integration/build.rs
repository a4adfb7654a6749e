//! `carnet build` over fixture sites: URLs, sections, assets, errors and the staging swap.

use crate::fixture::Site;

fn nested_site() -> Site {
    let site = Site::new();
    site.file("content/GUIDE_RENDER_COMPLET.md", "# 🚀 Guide Render\n\nDéployer sur Render.\n")
        .file(
            "content/dossier/README.md",
            "# Mon dossier\n\nLes guides du dossier.\n\n![Schéma](schema.png)\n",
        )
        .file("content/dossier/Sous Guide.md", "+++\ntitle = \"Zèbre\"\nweight = 1\n+++\nCorps.\n")
        .file("content/dossier/avant.md", "---\ntitle: Avant\nweight: -1\n---\nCorps.\n")
        .file("content/dossier/brouillon.md", "+++\ndraft = true\n+++\n# Brouillon\n")
        .file("content/dossier/profond/x.md", "# Profond\n")
        .file("content/dossier/schema.png", b"\x89PNG fake")
        .file("content/dossier/.guide.md.swp", "swap")
        .file("content/dossier/guide.md~", "backup")
        .file("content/4913", "vim probe");
    site
}

#[test]
fn pretty_urls_sections_and_assets() {
    let site = nested_site();
    let run = site.build();
    for page in [
        "index.html",
        "guide-render-complet/index.html",
        "dossier/index.html",
        "dossier/sous-guide/index.html",
        "dossier/avant/index.html",
        "dossier/profond/index.html",
        "dossier/profond/x/index.html",
        "404.html",
        "robots.txt",
        "assets/search-manifest.js",
        "dossier/schema.png",
    ] {
        assert!(site.output(page).is_file(), "{page} missing");
    }
    for asset in ["carnet.css", "carnet.js", "nav.js", "search.js", "search-engine.js"] {
        let path = site.asset(asset);
        assert!(site.output(&path).is_file(), "{path} missing");
    }
    assert!(!site.output("dossier/brouillon").exists(), "drafts are not published");
    assert!(!site.output("sitemap.xml").exists(), "no sitemap without base_url");
    let names: Vec<String> = site.snapshot().into_iter().map(|(name, _)| name).collect();
    assert!(!names.iter().any(|n| n.contains("swp") || n.ends_with('~') || n.contains("4913")), "{names:?}");
    assert!(run.stderr.contains("Built 8 pages"), "{}", run.stderr);
}

#[test]
fn sidebar_tree_is_one_shared_script_in_reading_order() {
    let site = nested_site();
    site.build();
    let nav = site.read(&site.asset("nav.js"));
    let json = nav.strip_prefix("window.CARNET_NAV=").unwrap().trim_end().trim_end_matches(';');
    let tree: serde_json::Value = serde_json::from_str(json).unwrap();
    let top: Vec<&str> = tree["c"].as_array().unwrap().iter().map(|n| n["t"].as_str().unwrap()).collect();
    assert_eq!(top, ["🚀 Guide Render", "Mon dossier"]);
    let folder: Vec<&str> =
        tree["c"][1]["c"].as_array().unwrap().iter().map(|n| n["u"].as_str().unwrap()).collect();
    assert_eq!(folder, ["dossier/avant/", "dossier/sous-guide/", "dossier/profond/"]);
    // The page itself does not carry the list of guides.
    let page = site.read("guide-render-complet/index.html");
    assert!(!page.contains("dossier/avant/"), "pages must not embed the whole sidebar");
}

#[test]
fn sitemap_robots_and_canonical_with_base_url() {
    let site = nested_site();
    let run = site.carnet(&["build", "--base-url", "https://docs.example.org/equipe"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://docs.example.org/equipe/dossier/avant/</loc>"), "{sitemap}");
    assert!(site.read("robots.txt").contains("Sitemap: https://docs.example.org/equipe/sitemap.xml"));
    let page = site.read("dossier/avant/index.html");
    assert!(page.contains("https://docs.example.org/equipe/dossier/avant/"), "canonical URL missing");
    assert!(site.read("404.html").contains("/equipe/"), "404 links to the base path");
}

#[test]
fn failed_build_leaves_previous_site_untouched() {
    let site = nested_site();
    site.build();
    let before = site.snapshot();
    site.file("content/nouveau.md", "# Nouveau\n");
    site.file("templates/guide.html", "{% extends \"base.html\" %}\n{% block main %}{{ page.title }\n");
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("templates/guide.html:2:"), "error names file and line:\n{}", run.stderr);
    assert_eq!(site.snapshot(), before, "the previous output must stay exactly as it was");
    let leftovers: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "staging folder left behind: {leftovers:?}");
}

#[test]
fn successful_build_leaves_no_stale_file() {
    let site = nested_site();
    site.build();
    assert!(site.output("dossier/avant/index.html").exists());
    site.remove("content/dossier/avant.md");
    site.build();
    assert!(!site.output("dossier/avant").exists(), "page of a deleted guide must disappear");
}

#[test]
fn a_build_over_the_site_two_builds_old_equals_a_fresh_build() {
    let site = nested_site();
    site.file("content/nouveau.md", "# Nouveau\n\nVoir [avant](dossier/avant.md).\n");
    site.build();
    site.file("content/dossier/avant.md", "# Avant\n\nPlus court.\n");
    site.build();
    site.remove("content/nouveau.md");
    site.file("static/img/logo.svg", "<svg/>");
    // This build starts from the first one's folder, kept beside the output (Linux): the page
    // of `nouveau`, the old search index and the old stylesheet must all go.
    site.build();
    if cfg!(target_os = "linux") {
        assert!(site.root().join(".public.carnet-previous").is_dir(), "the replaced site is kept");
    }
    let rebuilt = site.snapshot();
    std::fs::remove_dir_all(site.root().join("public")).unwrap();
    let _ = std::fs::remove_dir_all(site.root().join(".public.carnet-previous"));
    site.build();
    let fresh = site.snapshot();
    let names = |files: &[(String, Vec<u8>)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&rebuilt), names(&fresh), "the same files");
    assert!(rebuilt == fresh, "the same contents");
}

#[test]
fn site_template_overrides_the_theme() {
    let site = nested_site();
    site.file(
        "templates/guide.html",
        "{% extends \"base.html\" %}{% block main %}<p id=\"surcharge\">{{ page.title }}</p>{% endblock %}",
    );
    site.build();
    assert!(site.read("guide-render-complet/index.html").contains("<p id=\"surcharge\">🚀 Guide Render</p>"));
}

#[test]
fn static_folder_is_copied_to_the_output_root() {
    let site = nested_site();
    site.file("static/favicon.ico", b"ico").file("static/img/logo.svg", "<svg/>");
    site.build();
    assert_eq!(std::fs::read(site.output("favicon.ico")).unwrap(), b"ico");
    assert!(site.output("img/logo.svg").is_file());
}

#[test]
fn static_dir_names_another_folder_published_at_the_root() {
    // An Eleventy site's `public/` (cartes.gouv.fr's documentation): `/img/x.png` is its file.
    let site = Site::new();
    site.file("content/guide.md", "# Guide\n\n![Carte](/img/carte.png) et [le plan](/data/plan.pdf).\n")
        .file("public/img/carte.png", b"png")
        .file("public/data/plan.pdf", b"pdf");
    // Its default output, `public/`, is that folder: refused, nothing touched.
    site.file("carnet.toml", "static_dir = \"public\"\n");
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("refusing output folder ./public: it is the public/ folder"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read(site.root().join("public/img/carte.png")).unwrap(), b"png");
    site.file("carnet.toml", "static_dir = \"public\"\noutput_dir = \"_site\"\n");
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = site.root().join("_site");
    assert_eq!(std::fs::read(out.join("img/carte.png")).unwrap(), b"png");
    assert_eq!(std::fs::read(out.join("data/plan.pdf")).unwrap(), b"pdf");
    let page = std::fs::read_to_string(out.join("guide/index.html")).unwrap();
    assert!(
        page.contains("src=\"../img/carte.png\"") && page.contains("href=\"../data/plan.pdf\""),
        "{page}"
    );
}

#[test]
fn every_error_is_listed_with_its_file() {
    let site = Site::new();
    site.file("content/a.md", "+++\ntitle = 3\n+++\n")
        .file("content/b.md", "---\nweight: [\n---\n")
        .file("content/Mon Guide.md", "x")
        .file("content/mon-guide.md", "y");
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for needle in ["a.md:2:9", "b.md:", "Mon Guide.md", "mon-guide.md", "invalid front matter"] {
        assert!(run.stderr.contains(needle), "missing `{needle}` in:\n{}", run.stderr);
    }
}

#[test]
fn bad_config_names_key_and_line() {
    let site = nested_site();
    site.file("carnet.toml", "title = \"Docs\"\nbase_ulr = \"x\"\n");
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("carnet.toml:2:1"), "{}", run.stderr);
    assert!(run.stderr.contains("base_ulr"), "{}", run.stderr);
}

#[test]
fn config_sets_title_language_and_folders() {
    let site = Site::new();
    site.file(
        "carnet.toml",
        "title = \"Guides de l'équipe\"\ncontent_dir = \"docs\"\noutput_dir = \"site\"\n",
    )
    .file("docs/a.md", "# A\n");
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let home = std::fs::read_to_string(site.root().join("site/index.html")).unwrap();
    assert!(home.contains("Guides de l&#x27;équipe") || home.contains("Guides de l'équipe"), "{home}");
    assert!(home.contains("lang=\"fr\""));
}

#[test]
fn usage_errors_exit_2_and_dangerous_outputs_are_refused() {
    let site = nested_site();
    assert_eq!(site.carnet(&["build", "--frobnicate"]).code, 2);
    assert_eq!(site.carnet(&["nope"]).code, 2);
    for output in ["/", ".", "content", "content/public"] {
        let run = site.carnet(&["build", "--output", output]);
        assert_eq!(run.code, 2, "--output {output} must be refused: {}", run.stderr);
        assert!(run.stderr.contains("refusing output folder"), "{}", run.stderr);
    }
    assert!(site.root().join("content/GUIDE_RENDER_COMPLET.md").exists());
}

#[test]
fn help_and_version() {
    let site = Site::new();
    let help = site.carnet(&["--help"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("build"));
    let version = site.carnet(&["--version"]);
    assert_eq!(version.code, 0);
    assert!(version.stdout.starts_with("carnet "), "{}", version.stdout);
}

#[test]
fn missing_content_folder_is_an_error() {
    let site = Site::new();
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("content"), "{}", run.stderr);
}

#[test]
fn the_damaged_seed_guide_is_repaired_in_the_site_and_not_on_disk() {
    let site = Site::new();
    let seed = include_bytes!("../fixtures/repair/RESOLUTION_ERREUR_OOM_RENDER.md");
    site.file("content/RESOLUTION_ERREUR_OOM_RENDER.md", seed);
    let run = site.build();
    assert!(run.stderr.contains("82 sequences repaired (windows-1254), 2 guessed"), "{}", run.stderr);
    assert!(
        run.stderr.contains("RESOLUTION_ERREUR_OOM_RENDER.md:7:4: lost byte restored as 🔍"),
        "{}",
        run.stderr
    );
    let html = site.read("resolution-erreur-oom-render/index.html");
    assert!(
        html.contains("<title>🔧 Résolution : Erreur &quot;Out of Memory&quot; sur Render"),
        "title repaired"
    );
    assert!(html.contains("id=\"causes\""));
    assert!(
        html.contains("📝 Alternatives pour l&#x27;Initialisation")
            || html.contains("📝 Alternatives pour l'Initialisation")
    );
    for mojibake in ["Ã", "ğŸ", "Â"] {
        assert!(!html.contains(mojibake), "mojibake `{mojibake}` left in the page");
    }
    let nav = site.read(&site.asset("nav.js"));
    assert!(nav.contains("🔧 Résolution"), "{nav}");
    assert_eq!(std::fs::read(site.root().join("content/RESOLUTION_ERREUR_OOM_RENDER.md")).unwrap(), seed);
    assert_eq!(site.carnet(&["build", "--strict"]).code, 1, "guesses fail a strict build");
}

#[test]
fn renamed_guides_keep_their_old_addresses_as_redirect_pages() {
    let site = Site::new();
    site.file(
        "content/NOUVEAU_GUIDE.md",
        "+++\naliases = [\"GUIDE_ANCIEN.md\", \"/vieux/chemin/\"]\n+++\n# Nouveau\n",
    )
    .file("content/dossier/b.md", "# B\n")
    .file("carnet.toml", "[redirects]\n\"dossier/ancien-b/\" = \"dossier/b.md\"\n");
    let run = site.carnet(&["build", "--base-url", "https://docs.example.org/"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let old = site.read("guide-ancien/index.html");
    assert!(old.contains("<meta http-equiv=\"refresh\" content=\"0; url=../nouveau-guide/\">"), "{old}");
    assert!(old.contains("<link rel=\"canonical\" href=\"https://docs.example.org/nouveau-guide/\">"));
    assert!(site.read("vieux/chemin/index.html").contains("url=../../nouveau-guide/"));
    assert!(site.read("dossier/ancien-b/index.html").contains("url=../../dossier/b/"));
    assert!(!site.read("sitemap.xml").contains("guide-ancien"), "redirects are not in the sitemap");
}

#[test]
fn an_alias_on_an_existing_page_is_an_error() {
    let site = Site::new();
    site.file("content/a.md", "+++\naliases = [\"b.md\"]\n+++\n# A\n").file("content/b.md", "# B\n");
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("a.md: alias `b.md` is the address of an existing page (/b/)"),
        "{}",
        run.stderr
    );
}
