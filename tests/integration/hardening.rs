//! Bad input gets a clear answer naming the file, the right exit code and no panic; the
//! previous output survives a build that cannot be correct.

use crate::fixture::Site;

fn ok_site() -> Site {
    let site = Site::new();
    site.file("content/a.md", "# A\n\nTexte.\n");
    site
}

#[test]
fn a_binary_file_named_md_is_an_error_naming_it_and_keeps_the_previous_site() {
    let site = ok_site();
    site.build();
    let before = site.snapshot();
    let mut elf = b"\x7FELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0".to_vec();
    elf.extend((0..4000u32).map(|i| (i * 7 % 256) as u8));
    site.file("content/programme.md", elf);
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("programme.md: binary file, not a guide"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"));
    assert_eq!(site.snapshot(), before);
}

#[test]
fn nul_bytes_and_invalid_sequences_are_reported_with_their_line() {
    let site = ok_site();
    site.file("content/nul.md", "# Titre\n\nAvec un \0 NUL\n");
    site.file("content/octets.md", b"# Octets \xC3\n\n\xFF\xFE au milieu \xE2\x82 et \xF0\x9F\n");
    let run = site.build();
    assert!(run.stderr.contains("nul.md:3:9: 1 NUL byte(s) in the text"), "{}", run.stderr);
    assert!(site.read("nul/index.html").contains("Avec un \u{FFFD} NUL"));
    assert!(site.output("octets/index.html").is_file());
}

#[test]
fn many_headings_with_many_links_build_in_linear_time() {
    // Regression: anchors were looked up by scanning every id of the page, so a page with
    // 300,000 headings each linking to another took minutes.
    let mut text = String::from("# Énorme\n\n");
    for i in 0..20_000 {
        text.push_str(&format!("## Section {i}\n\n[précédente](#section-{})\n\n", i.max(1) - 1));
    }
    let site = Site::new();
    site.file("content/enorme.md", text);
    site.build();
    assert!(site.read("enorme/index.html").contains("id=\"section-19999\""));
}

#[test]
fn deep_nesting_long_lines_and_empty_guides_build() {
    let site = Site::new();
    let deep = format!(
        "# Profond\n\n{} x\n\n{}",
        ">".repeat(10_000),
        (0..2_000).map(|i| format!("{}- x\n", "  ".repeat(i))).collect::<String>()
    );
    site.file("content/profond.md", deep)
        .file("content/ligne.md", format!("# Ligne\n\n{}\n", "mot ".repeat(250_000)))
        .file("content/vide.md", "")
        .file("content/entete.md", "+++\ntitle = \"Seulement l'en-tête\"\n+++\n");
    let run = site.build();
    assert!(!run.stderr.contains("panicked"));
    assert!(site.read("vide/index.html").contains("<h1>vide</h1>"));
    assert!(site.read("entete/index.html").contains("Seulement l"));
}

#[test]
fn file_names_with_spaces_accents_emoji_and_capitals_get_clean_urls() {
    let site = Site::new();
    site.file("content/🚀 Été Brûlant.md", "# A\n")
        .file("content/Mon Dossier/GUIDE Complet.md", "# B\n\n[a](<../🚀 Été Brûlant.md>)\n");
    site.build();
    assert!(site.output("ete-brulant/index.html").is_file());
    assert!(site.output("mon-dossier/guide-complet/index.html").is_file());
    assert!(site.read("mon-dossier/guide-complet/index.html").contains("href=\"../../ete-brulant/\""));
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_content_are_not_followed_and_loops_are_reported() {
    let site = ok_site();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "# Secret\n").unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.md"), site.root().join("content/lien.md"))
        .unwrap();
    std::fs::create_dir(site.root().join("content/boucle")).unwrap();
    std::os::unix::fs::symlink(site.root().join("content"), site.root().join("content/boucle/retour"))
        .unwrap();
    let run = site.carnet(&["build"]);
    assert!(
        run.stderr.contains("lien.md: symbolic link to a place outside the content folder, not followed"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("symbolic link loop"), "{}", run.stderr);
    assert_eq!(run.code, 1, "a loop is an error: {}", run.stderr);
    assert!(!site.output("lien").exists());
}

#[test]
fn output_folders_that_would_destroy_sources_are_refused() {
    let site = ok_site();
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    let root = site.root().to_string_lossy().into_owned();
    for output in ["/", ".", "content", "content/site", "..", home.as_str(), root.as_str()] {
        let run = site.carnet(&["build", "--output", output]);
        assert_eq!(run.code, 2, "--output {output}: {}", run.stderr);
        assert!(run.stderr.contains("refusing output folder"), "{}", run.stderr);
    }
    site.file("carnet.toml", "content_dir = \"public/content\"\n");
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 2, "content inside the output folder: {}", run.stderr);
}

#[test]
fn an_empty_content_folder_builds_a_home_page() {
    let site = Site::new();
    std::fs::create_dir(site.root().join("content")).unwrap();
    site.build();
    assert!(site.read("index.html").contains("lang=\"fr\""));
}
