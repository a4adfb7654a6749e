//! What may be published: only files whose real path is inside the site root, in `content/`,
//! `static/`, the theme and `templates/` alike; no hidden file, editor leftover or backup copy;
//! no site file in place of one the build writes. Every refusal is a warning naming the file.
//! And the silent surprises of loading: empty guides, old Mac line endings, odd file names.

use std::path::Path;

use crate::fixture::{Run, Site};

/// What every file planted outside the site (or hidden in it) holds: it must never be published.
const CANARY: &str = "CANARY-d41c8e-never-published";

fn site() -> Site {
    let site = Site::new();
    site.file("content/index.md", "# Accueil\n\nTexte.\n").file("content/guide.md", "# Guide\n\nTexte.\n");
    site
}

/// A folder outside the site holding `secret.txt`, `secret.md` and `dossier/s.txt`.
fn outside() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("dossier")).unwrap();
    for name in ["secret.txt", "secret.md", "dossier/s.txt", "dossier/s.md"] {
        std::fs::write(dir.path().join(name), format!("# {CANARY}\n")).unwrap();
    }
    dir
}

#[cfg(unix)]
fn link(target: impl AsRef<Path>, site: &Site, rel: &str) {
    let path = site.root().join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, path).unwrap();
}

/// Fails if the canary is anywhere in the output or in what carnet printed, or if `environ`'s
/// variables leaked.
fn assert_nothing_leaked(site: &Site, run: &Run) {
    for (rel, bytes) in site.snapshot() {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(CANARY), "{rel} holds the canary");
        assert!(!text.contains("root:x:0:0"), "{rel} holds /etc/passwd");
        assert!(
            !text.contains("CARGO_MANIFEST_DIR=") && !text.contains("PATH="),
            "{rel} holds the environment"
        );
    }
    assert!(!run.stderr.contains(CANARY) && !run.stdout.contains(CANARY), "{}", run.stderr);
}

/// A warning names `file` (from the site root) and says `words`.
fn assert_warns(run: &Run, file: &str, words: &[&str]) {
    let line = run.stderr.lines().find(|l| l.starts_with(&format!("warning: ./{file}: ")));
    let line = line.unwrap_or_else(|| panic!("no warning for {file} in:\n{}", run.stderr));
    for word in words {
        assert!(line.contains(word), "`{word}` missing from: {line}");
    }
}

#[cfg(unix)]
#[test]
fn a_folder_link_leading_outside_content_is_never_descended_into() {
    let site = site();
    let outside = outside();
    link(outside.path().join("dossier"), &site, "content/lien");
    let run = site.build();
    assert!(!site.output("lien").exists(), "the folder behind the link was published");
    let target = outside.path().join("dossier").display().to_string();
    assert_warns(
        &run,
        "content/lien",
        &["symbolic link to", &target, "outside the site root", "not followed"],
    );
    assert_nothing_leaked(&site, &run);
}

#[cfg(unix)]
#[test]
fn static_links_to_secrets_anywhere_nowhere_or_in_a_loop_are_refused() {
    let site = site();
    let outside = outside();
    site.file(".env", CANARY).file(".git/config", CANARY).file("static/ok.txt", "ok");
    link("/proc/self/environ", &site, "static/env.txt");
    link("/etc/passwd", &site, "static/passwd");
    link(outside.path().join("secret.txt"), &site, "static/secret.txt");
    link(outside.path().join("dossier"), &site, "static/dehors");
    link("../../..", &site, "static/haut");
    link("/nulle/part", &site, "static/pendant");
    link("boucle", &site, "static/boucle");
    link(".", &site, "static/ici");
    link("../.env", &site, "static/config.txt");
    link("../.git", &site, "static/depot");
    let run = site.build();
    for (file, target, why) in [
        ("static/env.txt", "/proc/self/environ", "outside the site root"),
        ("static/passwd", "/etc/passwd", "outside the site root"),
        ("static/secret.txt", "secret.txt", "outside the site root"),
        ("static/dehors", "dossier", "outside the site root"),
        ("static/haut", "../../..", "outside the site root"),
        ("static/pendant", "/nulle/part", "leads nowhere"),
        ("static/boucle", "boucle", "leads nowhere"),
        ("static/ici", ".", "makes a loop"),
        ("static/config.txt", "../.env", "hidden"),
        ("static/depot", "../.git", "hidden"),
    ] {
        assert_warns(&run, file, &["symbolic link to", target, why, "not followed"]);
        let rel = file.strip_prefix("static/").unwrap();
        assert!(std::fs::symlink_metadata(site.output(rel)).is_err(), "{rel} was published");
    }
    assert_eq!(site.read("ok.txt"), "ok");
    assert_nothing_leaked(&site, &run);
}

#[cfg(unix)]
#[test]
fn links_that_stay_inside_the_site_root_keep_working() {
    let site = site();
    site.file("partage/sous/page.md", "# Page partagée\n")
        .file("partage/schema.png", "png")
        .file("images/logo.svg", "<svg/>")
        .file("content/index.md", "# Accueil\n\n[page](commun/sous/page.md) ![schéma](commun/schema.png)\n");
    link("../partage", &site, "content/commun");
    link("../images/logo.svg", &site, "static/logo.svg");
    let run = site.build();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert!(site.read("commun/sous/page/index.html").contains("Page partagée"));
    assert_eq!(site.read("commun/schema.png"), "png");
    assert_eq!(site.read("logo.svg"), "<svg/>");
}

#[cfg(unix)]
#[test]
fn templates_and_theme_files_behind_links_leading_outside_are_not_read() {
    let site = site();
    let outside = outside();
    std::fs::write(outside.path().join("guide.html"), format!("{CANARY} {{{{ page.title }}}}")).unwrap();
    link(outside.path().join("guide.html"), &site, "templates/guide.html");
    let run = site.build();
    assert_warns(&run, "templates/guide.html", &["symbolic link to", "guide.html", "outside the site root"]);
    assert!(site.read("guide/index.html").contains("<h1"), "the theme's own template is used");
    assert_nothing_leaked(&site, &run);

    // A theme of the site's own: its static files follow the same rule, and the theme folder
    // itself must be inside the site root.
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    copy_tree(&theme, &site.root().join("themes/maison"));
    link("/etc/passwd", &site, "themes/maison/static/passwd.txt");
    link(outside.path().join("dossier"), &site, "themes/maison/static/dehors");
    site.file("themes/maison/static/.env", CANARY).file("themes/maison/static/img/logo.svg", "<svg/>");
    site.file("carnet.toml", "theme = \"maison\"\n");
    let run = site.build();
    assert_warns(&run, "themes/maison/static/passwd.txt", &["/etc/passwd", "outside the site root"]);
    assert_warns(&run, "themes/maison/static/dehors", &["dossier", "outside the site root"]);
    assert!(site.output("img/logo.svg").is_file());
    assert_nothing_leaked(&site, &run);

    link(outside.path(), &site, "themes/dehors");
    site.file("carnet.toml", "theme = \"dehors\"\n");
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("error: ./themes/dehors: this folder is outside the site root"),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_content_folder_outside_the_site_root_is_an_error_naming_it() {
    let site = Site::new();
    let outside = outside();
    link(outside.path(), &site, "content");
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error: ./content: this folder is outside the site root"), "{}", run.stderr);
    assert!(!site.output("secret").exists());
    site.file("carnet.toml", format!("content_dir = {:?}\n", outside.path().display().to_string()));
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("this folder is outside the site root"), "{}", run.stderr);
}

#[test]
fn hidden_files_editor_leftovers_and_backups_are_published_from_nowhere() {
    let site = site();
    for folder in ["content", "static"] {
        for name in [
            ".env",
            ".git/config",
            ".cache/x.txt",
            "a.swp",
            ".guide.md.swp",
            "notes.txt~",
            "#notes.txt#",
            "guide.md.orig",
            "guide.md.orig.1",
            "guide.md.orig.12",
            "carnet.toml.bak",
            "guide.md.rej",
        ] {
            site.file(&format!("{folder}/{name}"), CANARY);
        }
    }
    site.file("static/.well-known/security.txt", "Contact: mailto:x@example.org\n");
    let run = site.build();
    assert_nothing_leaked(&site, &run);
    let published: Vec<String> = site.snapshot().into_iter().map(|(rel, _)| rel).collect();
    assert!(published.contains(&".well-known/security.txt".to_string()), "{published:?}");
}

#[test]
fn site_files_never_replace_nor_silently_lose_to_generated_ones() {
    let site = site();
    // Content files are published when a guide links to them: these do.
    let links = "# Liens\n\n[r](robots.txt) [n](404.html) [p](guide/index.html) [i](image.png)\n";
    site.file("carnet.toml", "base_url = \"https://docs.example.org/\"\n")
        .file("content/liens.md", links)
        .file("content/robots.txt", CANARY)
        .file("content/404.html", CANARY)
        .file("content/guide/index.html", CANARY)
        .file("static/index.html", CANARY)
        .file("static/sitemap.xml", CANARY)
        .file("static/assets/search-manifest.js", CANARY)
        .file("static/assets/immutable/carnet.css", CANARY)
        .file("static/guide", CANARY)
        .file("content/image.png", "du contenu")
        .file("static/image.png", CANARY)
        .file("static/favicon.ico", "ico");
    let run = site.build();
    for (file, taken_by) in [
        ("content/robots.txt", "robots.txt"),
        ("content/404.html", "the 404 page"),
        ("content/guide/index.html", "a page"),
        ("static/index.html", "a page"),
        ("static/sitemap.xml", "the sitemap"),
        ("static/assets/search-manifest.js", "the search manifest"),
        ("static/assets/immutable/carnet.css", "fingerprinted assets"),
        ("static/guide", "the folder guide/"),
        ("static/image.png", "content/image.png"),
    ] {
        assert_warns(&run, file, &["already taken by", taken_by, "left out"]);
    }
    assert!(site.read("robots.txt").contains("Sitemap: https://docs.example.org/sitemap.xml"));
    assert!(site.read("sitemap.xml").contains("<urlset"));
    assert_eq!(site.read("image.png"), "du contenu");
    assert_eq!(site.read("favicon.ico"), "ico");
    assert_nothing_leaked(&site, &run);
}

#[test]
fn empty_and_front_matter_only_guides_are_published_with_a_warning() {
    let site = site();
    site.file("content/vide.md", "")
        .file("content/blanc.md", " \n\n")
        .file("content/entete.md", "---\ntitle: Seul\n---\n");
    let run = site.build();
    assert_warns(&run, "content/vide.md", &["empty"]);
    assert_warns(&run, "content/blanc.md", &["empty"]);
    assert_warns(&run, "content/entete.md", &["front matter but no text"]);
    assert!(site.read("entete/index.html").contains("Seul"));
    assert!(site.output("vide/index.html").is_file());
    assert!(!run.stderr.contains("guide.md"), "{}", run.stderr);
}

#[test]
fn old_mac_line_endings_are_line_endings_with_one_warning() {
    let site = site();
    site.file(
        "content/mac.md",
        "---\rtitle: Mac\r---\r# Titre\r\rUn paragraphe.\r\r## Deux\r\rTexte deux.\r",
    )
    .file("content/windows.md", "# Windows\r\n\r\nTexte.\r\n");
    let run = site.build();
    assert_eq!(run.stderr.matches("mac.md").count(), 1, "{}", run.stderr);
    assert_warns(&run, "content/mac.md:1:4", &["old Mac line endings"]);
    assert!(!run.stderr.contains("windows.md"), "{}", run.stderr);
    let page = site.read("mac/index.html");
    assert!(page.contains("<title>Mac · Documentation</title>"), "{page}");
    assert!(page.contains(">Titre<") && page.contains(">Deux<"), "{page}");
    assert!(page.contains("<p>Un paragraphe.</p>"), "{page}");
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_named_in_a_warning() {
    use std::os::unix::ffi::OsStrExt;
    let site = site();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    std::fs::write(site.root().join("content").join(name), "# Café\n").unwrap();
    let run = site.build();
    assert_warns(&run, "content/caf\u{FFFD}.md", &["not valid UTF-8"]);
    assert!(site.read("caf/index.html").contains("Café"));
}

#[cfg(unix)]
#[test]
fn a_backslash_in_a_file_name_is_refused_with_a_warning() {
    let site = site();
    site.file("content/dossier\\image.png", "png")
        .file("content/a\\b.md", "# AB\n")
        .file("static/x\\y.txt", "xy")
        .file("content/index.md", "# Accueil\n\n![image](dossier/image.png)\n");
    let run = site.carnet(&["build"]);
    for file in ["content/dossier\\image.png", "content/a\\b.md", "static/x\\y.txt"] {
        assert_warns(&run, file, &["`\\`", "not published"]);
    }
    assert!(run.stderr.contains("broken link"), "the link does not reach a file published elsewhere");
    assert_eq!(run.code, 1);
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[cfg(unix)]
#[test]
fn site_files_linked_from_outside_the_root_are_neither_shown_nor_written_through() {
    let site = site();
    let outside = outside();
    let blueprint = format!(
        "services:\n  - name: x\n    # carnet routes: begin {CANARY}\n    routes: [{CANARY}]\n    # carnet routes: end\n"
    );
    std::fs::write(outside.path().join("render.yaml"), &blueprint).unwrap();
    link(outside.path().join("render.yaml"), &site, "render.yaml");
    let run = site.build();
    assert_warns(&run, "render.yaml", &["symbolic link leading out of the site root"]);
    assert_nothing_leaked(&site, &run);
    let run = site.carnet(&["routes", "--write"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("render.yaml: a symbolic link leading out of the site root"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(outside.path().join("render.yaml")).unwrap(), blueprint);
    assert!(!run.stderr.contains(CANARY), "{}", run.stderr);

    link(outside.path().join("secret.txt"), &site, "carnet.toml");
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("carnet.toml: a symbolic link leading out of the site root"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(CANARY), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn what_the_build_wrote_is_never_read_back() {
    let site = site();
    site.build();
    link("../public", &site, "static/ancien");
    link("..", &site, "content/racine");
    let run = site.build();
    assert_warns(&run, "static/ancien", &["symbolic link to `../public`", "leads into the output folder"]);
    assert_warns(&run, "content/racine/public", &["the output folder, reached through a symbolic link"]);
    let published: Vec<String> = site.snapshot().into_iter().map(|(rel, _)| rel).collect();
    assert!(!published.iter().any(|rel| rel.starts_with("ancien/")), "{published:?}");
    assert!(!published.iter().any(|rel| rel.contains("public/")), "{published:?}");
    site.build();
    assert_eq!(published, site.snapshot().into_iter().map(|(rel, _)| rel).collect::<Vec<_>>(), "no growth");
}
