//! Guides that live at the root of an application's repository (`content_dir = "."`), as the
//! team's do: only the guides and the files they link to are published — no source, no config,
//! no dependency folder, nothing git ignores, never the output folder itself.

use crate::fixture::Site;

/// An application repository laid out like the team's, with its guides at the root naming
/// each other by file name.
fn app_repository() -> Site {
    let site = Site::new();
    site.file("carnet.toml", "title = \"Application\"\ncontent_dir = \".\"\n")
        .file(".gitignore", "public/\n*.log\n")
        .file(".git/info/exclude", "NOTES_PERSO.md\n")
        .file(".git/HEAD", "ref: refs/heads/main\n")
        .file(".env", "SECRET_KEY=CANARY-app-env\n")
        .file(
            "README.md",
            "# Application\n\nLes guides : `GUIDE_RENDER_COMPLET.md` et [le déploiement](docs/DEPLOIEMENT.md).\n",
        )
        .file(
            "GUIDE_RENDER_COMPLET.md",
            "# Guide Render complet\n\nLe `Procfile` lance `gunicorn core.wsgi`. Voir `GUIDE_DEPANNAGE.md` \
             et [le Blueprint](render.yaml).\n\n![Schéma du déploiement](docs/schema.png)\n",
        )
        .file("GUIDE_DEPANNAGE.md", "# Dépannage\n\nRetour au `GUIDE_RENDER_COMPLET.md`.\n")
        .file("docs/DEPLOIEMENT.md", "# Déploiement\n\n![Schéma](schema.png)\n")
        .file("docs/schema.png", "PNG")
        .file("docs/ancien.png", "PNG jamais lié")
        .file("docs/app.log", "CANARY-app-log")
        .file("NOTES_PERSO.md", "# Notes CANARY-app-exclude\n")
        .file("core/wsgi.py", "application = None  # CANARY-app-source\n")
        .file("core/__pycache__/wsgi.cpython-312.pyc", "CANARY-app-pyc")
        .file("core/__pycache__/NOTES.md", "# CANARY-app-pycache\n")
        .file("render.yaml", "services: []\n")
        .file("Procfile", "web: gunicorn core.wsgi\n")
        .file("requirements.txt", "django\n")
        .file("debug.log", "CANARY-app-log")
        .file("node_modules/pkg/README.md", "# CANARY-app-node-modules\n")
        .file("node_modules/pkg/index.js", "CANARY-app-node-modules")
        .file(".venv/lib/x.md", "# CANARY-app-venv\n")
        .file("venv/lib/y.md", "# CANARY-app-venv\n")
        .file("target/doc/z.md", "# CANARY-app-target\n");
    site
}

/// The published files, but the theme's assets (fingerprinted names) and the search index.
fn published(site: &Site) -> Vec<String> {
    site.snapshot().into_iter().map(|(rel, _)| rel).filter(|rel| !rel.starts_with("assets/")).collect()
}

#[test]
fn an_application_repository_publishes_its_guides_and_the_files_they_link_to_only() {
    let site = app_repository();
    let first = site.build();
    let expected = [
        ".carnet-site",
        "404.html",
        "docs/deploiement/index.html",
        "docs/index.html",
        "docs/schema.png",
        "guide-depannage/index.html",
        "guide-render-complet/index.html",
        "index.html",
        "render.yaml",
        "robots.txt",
    ];
    assert_eq!(published(&site), expected, "{}", first.stderr);
    for (rel, bytes) in site.snapshot() {
        assert!(!String::from_utf8_lossy(&bytes).contains("CANARY-app"), "{rel} holds a canary");
    }
    // The output folder, inside the root, is never read back.
    let second = site.build();
    assert_eq!(published(&site), expected, "{}", second.stderr);
    for run in [first, second] {
        assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    }
}

#[test]
fn the_output_folder_inside_the_root_is_refused_when_neither_configured_nor_ignored() {
    let site = app_repository();
    site.file(".gitignore", "*.log\n");
    let run = site.carnet(&["build", "--output", "site"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("it is inside the content folder"), "{}", run.stderr);
    // The configured one, ignored or not, is fine; so is one git ignores.
    site.build();
    site.file(".gitignore", "*.log\n/site/\n");
    let run = site.carnet(&["build", "--output", "site"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_link_to_a_file_git_ignores_is_broken_not_published() {
    let site = app_repository();
    site.file("GUIDE_DEPANNAGE.md", "# Dépannage\n\nLe [journal](debug.log).\n");
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("broken link « journal » to `debug.log`"), "{}", run.stderr);
}

#[test]
fn a_dependency_folder_is_published_again_when_the_gitignore_lets_it_in() {
    let site = app_repository();
    site.file(".gitignore", "public/\n*.log\n!target/\n");
    site.build();
    assert!(site.output("target/doc/z/index.html").is_file());
    assert!(!site.output("node_modules").exists());
}
