//! `carnet init`: a new documentation repository that builds as it is, and a refusal to write
//! into a folder that is not empty.

use std::path::Path;
use std::process::{Command, Output};

fn carnet(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carnet")).args(args).current_dir(dir).output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every file under `dir`, relative, sorted, with its contents.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn init_then_build_of_the_new_repository_succeeds_without_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let init = carnet(dir.path(), &["init", "Docs Équipe"]);
    assert!(init.status.success(), "{}", stderr(&init));
    let root = dir.path().join("Docs Équipe");
    let names: Vec<String> = tree(&root).into_iter().map(|(name, _)| name).collect();
    assert_eq!(
        names,
        [
            ".gitignore",
            "carnet.toml",
            "content/RESOLUTION_LIEN_CASSE.md",
            "render.yaml",
            "scripts/render-build.sh"
        ]
    );
    for name in &names {
        assert!(stderr(&init).contains(name.as_str()), "init names what it creates: {}", stderr(&init));
    }
    let gitignore = std::fs::read_to_string(root.join(".gitignore")).unwrap();
    assert!(gitignore.lines().any(|l| l == "/public/"), "{gitignore}");
    assert!(gitignore.lines().any(|l| l == "/.public.carnet-previous/"), "{gitignore}");
    assert!(std::fs::read_to_string(root.join("render.yaml")).unwrap().contains("    name: docs-equipe\n"));

    let build = carnet(&root, &["build", "--strict"]);
    assert!(build.status.success(), "{}", stderr(&build));
    assert!(!stderr(&build).contains("warning"), "{}", stderr(&build));
    assert!(stderr(&build).contains("Built 3 pages"), "{}", stderr(&build));
    let guide = std::fs::read_to_string(root.join("public/resolution-lien-casse/index.html")).unwrap();
    assert!(guide.contains("Résolution : la construction échoue sur un lien cassé"));
    assert!(guide.contains("<h2 id=\"symptomes\""), "a troubleshooting guide: symptoms, cause, fix");
    let check = carnet(&root, &["check", "--strict"]);
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success() && report.contains("0 error(s), 0 warning(s)"), "{report}");
}

#[test]
fn init_without_a_folder_starts_the_repository_in_the_current_one_even_after_git_init() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let init = carnet(dir.path(), &["init"]);
    assert!(init.status.success(), "a folder holding only .git counts as empty: {}", stderr(&init));
    assert!(dir.path().join("carnet.toml").is_file() && dir.path().join("content").is_dir());
    assert!(carnet(dir.path(), &["build"]).status.success());
}

#[test]
fn init_into_a_folder_that_is_not_empty_refuses_names_what_is_there_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "à garder").unwrap();
    std::fs::write(dir.path().join("carnet.toml"), "title = \"Le mien\"\n").unwrap();
    let before = tree(dir.path());
    let init = carnet(dir.path(), &["init", "."]);
    assert_eq!(init.status.code(), Some(1), "{}", stderr(&init));
    let message = stderr(&init);
    assert!(
        message.contains("carnet.toml: already exists") && message.contains("notes.txt: already exists"),
        "{message}"
    );
    assert!(message.contains("nothing written"), "{message}");
    assert_eq!(tree(dir.path()), before, "nothing written, nothing replaced");

    std::fs::write(dir.path().join("fichier"), "").unwrap();
    let not_a_folder = carnet(dir.path(), &["init", "fichier"]);
    assert_eq!(not_a_folder.status.code(), Some(2), "{}", stderr(&not_a_folder));
}

#[test]
fn init_in_an_application_repository_points_at_its_guides_and_replaces_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (rel, text) in [
        ("README.md", "# Application\n\nVoir `GUIDE_RENDER_COMPLET.md`.\n"),
        ("GUIDE_RENDER_COMPLET.md", "# Guide Render complet\n\nRetour au `README.md`.\n"),
        ("core/wsgi.py", "application = None\n"),
        ("Procfile", "web: gunicorn core.wsgi\n"),
        ("render.yaml", "services: []\n"),
        (".gitignore", "*.log\nnode_modules/"),
        ("node_modules/pkg/README.md", "# Paquet\n"),
    ] {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let init = carnet(root, &["init"]);
    assert!(init.status.success(), "{}", stderr(&init));
    let config = std::fs::read_to_string(root.join("carnet.toml")).unwrap();
    assert!(config.lines().any(|l| l == "content_dir = \".\""), "{config}");
    assert_eq!(std::fs::read_to_string(root.join("render.yaml")).unwrap(), "services: []\n", "kept");
    assert!(stderr(&init).contains("kept"), "{}", stderr(&init));
    let gitignore = std::fs::read_to_string(root.join(".gitignore")).unwrap();
    assert!(gitignore.starts_with("*.log\nnode_modules/\n# carnet"), "appended: {gitignore}");
    assert!(gitignore.lines().any(|l| l == "/public/"), "{gitignore}");
    assert!(!root.join("content").exists(), "no example guide in a repository that has guides");

    let build = carnet(root, &["build"]);
    assert!(build.status.success(), "{}", stderr(&build));
    assert!(root.join("public/guide-render-complet/index.html").is_file());
    assert!(!root.join("public/core").exists() && !root.join("public/node_modules").exists());
    // Run again: nothing to add, nothing replaced.
    let again = carnet(root, &["init"]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(std::fs::read_to_string(root.join(".gitignore")).unwrap(), gitignore);
    assert_eq!(std::fs::read_to_string(root.join("carnet.toml")).unwrap(), config);
}
