//! The canary: a fixture site surrounded by planted files that it must never publish (outside
//! its root, behind symbolic links of every kind, in hidden folders and editor leftovers, in the
//! environment) is built, checked, fixed and served. No canary may reach the output, a server
//! answer or the terminal, and no file outside the site may change.

use std::collections::BTreeMap;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use crate::fixture::{Run, Site};
use crate::serve::Server;

/// The environment variable every carnet process of the test gets.
const ENV_CANARY: (&str, &str) = ("CARNET_TEST_CANARY", "CANARY-env-b41c");

/// Every planted secret: what it holds is unique, so a leak names where it came from.
const CANARIES: [&str; 13] = [
    "CANARY-outside-file-9e2a",
    "CANARY-outside-guide-9e2a",
    "CANARY-outside-dir-9e2a",
    "CANARY-outside-dir-guide-9e2a",
    "CANARY-hidden-git-9e2a",
    "CANARY-hidden-env-9e2a",
    "CANARY-hidden-folder-guide-9e2a",
    "CANARY-editor-leftover-9e2a",
    "CANARY-backup-9e2a",
    "CANARY-static-env-9e2a",
    "CANARY-static-git-9e2a",
    "CANARY-outside-template-9e2a",
    ENV_CANARY.1,
];

/// The folder outside the site: its files, which must stay as they are.
struct Outside {
    dir: tempfile::TempDir,
}

impl Outside {
    fn plant() -> Outside {
        let outside = Outside { dir: tempfile::tempdir().expect("temporary folder") };
        outside.file("secret.txt", CANARIES[0]);
        outside.file("guide.md", &format!("# Secret\n\nRÃ©solution {}\n", CANARIES[1]));
        outside.file("dir/s.txt", CANARIES[2]);
        outside.file("dir/page.md", &format!("# Dehors\n\nÃ  jour {}\n", CANARIES[3]));
        outside.file("dir/image.png", CANARIES[2]);
        outside.file("template.html", &format!("{} {{{{ page.title }}}}", CANARIES[11]));
        outside
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn file(&self, rel: &str, text: &str) {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Every file and its bytes.
    fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        walkdir::WalkDir::new(self.path())
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
            .collect()
    }

    /// The path of `rel` from `from` (a folder of the site), through the common temporary folder.
    fn relative(&self, site: &Site, from: &str, rel: &str) -> PathBuf {
        let depth = Path::new(from).components().count() + 1;
        let mut path: PathBuf = std::iter::repeat_n("..", depth).collect();
        assert_eq!(site.root().parent(), self.path().parent(), "both in the temporary folder");
        path.push(self.path().file_name().unwrap());
        path.push(rel);
        path
    }
}

fn link(site: &Site, rel: &str, target: impl AsRef<Path>) {
    let path = site.root().join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    symlink(target, path).unwrap();
}

/// The site: two guides (one damaged, so that `fix --write` has work), a static file, and the
/// planted secrets around them.
fn hostile_site(outside: &Outside) -> Site {
    let site = Site::new();
    site.file("carnet.toml", "title = \"Canari\"\n")
        .file("content/guide.md", "# Guide\n\nRÃ©solution du problÃ¨me. Voir [l'autre](autre.md).\n")
        .file("content/autre.md", "# Autre\n\nTexte.\n")
        .file("static/robots-extra.txt", "visible\n")
        // Hidden files, editor leftovers and backups, in content/ and static/.
        .file("content/.git/config", CANARIES[4])
        .file("content/.env", CANARIES[5])
        .file("content/.brouillons/page.md", format!("# Brouillon\n\n{}\n", CANARIES[6]))
        .file("content/guide.md~", CANARIES[7])
        .file("content/.guide.md.swp", CANARIES[7])
        .file("content/#guide.md#", CANARIES[7])
        .file("content/guide.md.orig", CANARIES[8])
        .file("content/guide.md.orig.1", CANARIES[8])
        .file("static/.env", CANARIES[9])
        .file("static/.git/HEAD", CANARIES[10])
        .file("static/style.css~", CANARIES[7]);
    let abs = |rel: &str| outside.path().join(rel);
    // Folders outside, absolute and relative; files outside, guides and others.
    link(&site, "content/lien", abs("dir"));
    link(&site, "content/relatif", outside.relative(&site, "content", "dir"));
    link(&site, "content/secret.md", abs("guide.md"));
    link(&site, "content/secret.txt", abs("secret.txt"));
    link(&site, "content/image.png", outside.relative(&site, "content", "dir/image.png"));
    // A chain that stays inside for one hop, then leaves.
    link(&site, "static/relais.txt", abs("secret.txt"));
    link(&site, "content/relais.txt", "../static/relais.txt");
    // The system's secrets.
    link(&site, "static/env.txt", "/proc/self/environ");
    link(&site, "static/passwd", "/etc/passwd");
    link(&site, "static/dossier", abs("dir"));
    // A template that leads outside (the theme folder's own links: tests/integration/publish_rule.rs).
    link(&site, "templates/guide.html", abs("template.html"));
    // Dangling links and loops.
    link(&site, "content/cassé.md", abs("nowhere.md"));
    link(&site, "content/boucle", "boucle");
    link(&site, "content/sous/haut", "..");
    site
}

/// The canaries found in `text`.
fn leaks(text: &str) -> Vec<&'static str> {
    CANARIES.iter().copied().filter(|c| text.contains(c)).collect()
}

fn assert_no_canary_in_terminal(what: &str, run: &Run) {
    let found = leaks(&format!("{}{}", run.stdout, run.stderr));
    assert!(found.is_empty(), "{what} printed {found:?}:\n{}\n{}", run.stdout, run.stderr);
}

/// Every file under `dir` (links not followed): none holds a canary, and none is a link.
fn assert_no_canary_in_folder(dir: &Path) {
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        let path = entry.path();
        assert!(!entry.path_is_symlink(), "{} is a symbolic link", path.display());
        if entry.file_type().is_file() {
            let text = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
            let found = leaks(&text);
            assert!(found.is_empty(), "{} holds {found:?}", path.display());
        }
    }
}

fn carnet(site: &Site, args: &[&str]) -> Run {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_carnet"))
        .args(args)
        .current_dir(site.root())
        .env(ENV_CANARY.0, ENV_CANARY.1)
        .output()
        .expect("run carnet");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The addresses a curious reader would try, and every file of the built site.
fn probes(site: &Site) -> Vec<String> {
    let mut paths: Vec<String> = [
        "/lien/s.txt",
        "/lien/page/",
        "/relatif/s.txt",
        "/relatif/page/",
        "/secret/",
        "/secret.txt",
        "/image.png",
        "/relais.txt",
        "/env.txt",
        "/passwd",
        "/dossier/s.txt",
        "/.env",
        "/.git/config",
        "/.git/HEAD",
        "/brouillons/page/",
        "/.brouillons/page/",
        "/guide.md~",
        "/guide.md.orig",
        "/guide.md.orig.1",
        "/style.css~",
        "/../secret.txt",
        "/%2e%2e/secret.txt",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    let public = site.root().join("public");
    for entry in walkdir::WalkDir::new(&public).into_iter().map(|e| e.unwrap()) {
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(&public).unwrap();
            paths.push(format!("/{}", rel.to_string_lossy()));
        }
    }
    paths
}

#[test]
fn no_canary_reaches_the_output_the_server_or_the_terminal() {
    let outside = Outside::plant();
    let before = outside.snapshot();
    let site = hostile_site(&outside);

    let build = carnet(&site, &["build"]);
    assert_eq!(build.code, 0, "the site builds, refusing what leads outside:\n{}", build.stderr);
    assert_no_canary_in_terminal("carnet build", &build);
    assert!(build.stderr.contains("lien"), "the refused folder link is named:\n{}", build.stderr);
    assert!(build.stderr.contains("env.txt"), "the refused static link is named:\n{}", build.stderr);
    assert_no_canary_in_folder(&site.root().join("public"));
    assert!(site.output("robots-extra.txt").is_file(), "static files inside the site are published");
    assert!(site.read("guide/index.html").contains("Résolution"), "the guide is built and repaired");

    for args in [&["check"][..], &["fix"], &["fix", "--write"], &["fix", "--check"]] {
        let run = carnet(&site, args);
        assert_no_canary_in_terminal(&format!("carnet {}", args.join(" ")), &run);
    }
    assert!(
        std::fs::read_to_string(site.root().join("content/guide.md")).unwrap().contains("Résolution"),
        "fix --write repairs the guide inside the site"
    );
    assert_eq!(outside.snapshot(), before, "a file outside the site changed");

    // `carnet serve` inherits the canary from the environment of the test process.
    std::env::set_var(ENV_CANARY.0, ENV_CANARY.1);
    let server = Server::start(&site, &["-v"]);
    for path in probes(&site) {
        let response = server.get(&path);
        let found = leaks(&format!("{}{}", response.head, response.body));
        assert!(found.is_empty(), "GET {path} answered {found:?}");
    }
    let stderr = server.stderr();
    let found = leaks(&stderr);
    assert!(found.is_empty(), "carnet serve printed {found:?}:\n{stderr}");
    let preview = stderr.lines().find_map(|l| l.strip_prefix("preview folder: ")).map(PathBuf::from);
    assert_no_canary_in_folder(&preview.expect("carnet serve -v names its preview folder"));
    drop(server);
    assert_eq!(outside.snapshot(), before, "a file outside the site changed");
}
