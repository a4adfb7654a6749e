//! Freshness and feedback from git, on real temporary repositories: « Mis à jour le … » from each
//! guide's last commit, « Modifier cette page » and « Signaler un problème » from the remote's
//! address (or `[repository]` of carnet.toml), nothing outside git, in a shallow clone only the
//! dates of files changed after its boundary (none at `--depth 1`);
//! and the one `git log` pass for 10,000 guides under half a second, stopped once every guide
//! has its date.

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::fixture::Site;

fn git(dir: &Path, args: &[&str], author: &str, date: &str) {
    let output = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", author)
        .env("GIT_AUTHOR_EMAIL", format!("{}@example.org", author.to_lowercase()))
        .env("GIT_COMMITTER_NAME", author)
        .env("GIT_COMMITTER_EMAIL", format!("{}@example.org", author.to_lowercase()))
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("run git");
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
}

fn commit(site: &Site, author: &str, date: &str, message: &str) {
    git(site.root(), &["add", "-A"], author, date);
    git(site.root(), &["commit", "-q", "-m", message], author, date);
}

/// A site in a git repository: three commits by two authors.
fn site_in_git() -> Site {
    let site = Site::new();
    git(site.root(), &["init", "-q", "-b", "main"], "Alice", "2025-01-01T10:00:00+01:00");
    site.file("content/pare-feu.md", "# Ouvrir un port\n\nTexte.\n")
        .file("content/dossier/dns.md", "# Vérifier le DNS\n\nTexte.\n");
    commit(&site, "Alice", "2025-10-01T09:00:00+02:00", "Premiers guides");
    site.file("content/pare-feu.md", "# Ouvrir un port\n\nTexte corrigé.\n");
    commit(&site, "Bruno", "2025-11-03T23:30:00+01:00", "Pare-feu : correction");
    site.file("README.md", "Le dépôt.\n");
    commit(&site, "Alice", "2025-12-01T08:00:00+01:00", "Hors des guides");
    site
}

#[test]
fn each_guide_shows_the_date_of_its_last_commit_and_links_to_the_forge() {
    let site = site_in_git();
    git(
        site.root(),
        &["remote", "add", "origin", "git@github.com:equipe/guides.git"],
        "Alice",
        "2025-12-01T08:00:00+01:00",
    );
    site.build();
    let pare_feu = site.read("pare-feu/index.html");
    assert!(
        pare_feu.contains("Mis à jour le <time datetime=\"2025-11-03\">3 novembre 2025</time>"),
        "the committer's own day, not UTC's:\n{pare_feu}"
    );
    assert!(pare_feu.contains("href=\"https://github.com/equipe/guides/edit/main/content/pare-feu.md\""));
    assert!(pare_feu.contains(
        "href=\"https://github.com/equipe/guides/issues/new?title=Guide%20%C3%A0%20corriger%20%3A%20Ouvrir%20un%20port&amp;body=Page%20%3A%20%2Fpare-feu%2F"
    ), "{pare_feu}");
    let dns = site.read("dossier/dns/index.html");
    assert!(dns.contains("Mis à jour le <time datetime=\"2025-10-01\">1er octobre 2025</time>"), "{dns}");
    assert!(dns.contains("/edit/main/content/dossier/dns.md\""));
    assert!(!site.read("index.html").contains("Mis à jour"), "the generated home page has no date");
}

#[test]
fn carnet_toml_names_a_gitlab_repository_and_a_branch() {
    let site = site_in_git();
    site.file(
        "carnet.toml",
        "[repository]\nurl = \"https://gitlab.com/groupe/guides\"\nbranch = \"production\"\n",
    );
    site.build();
    let page = site.read("pare-feu/index.html");
    assert!(
        page.contains("href=\"https://gitlab.com/groupe/guides/-/edit/production/content/pare-feu.md\""),
        "{page}"
    );
    assert!(
        page.contains("href=\"https://gitlab.com/groupe/guides/-/issues/new?issue[title]=Guide"),
        "{page}"
    );
}

#[test]
fn without_a_known_forge_only_the_date_shows_and_outside_git_nothing() {
    let site = site_in_git();
    git(
        site.root(),
        &["remote", "add", "origin", "https://git.example.org/equipe/guides"],
        "Alice",
        "2025-12-01T08:00:00+01:00",
    );
    site.build();
    let page = site.read("pare-feu/index.html");
    assert!(page.contains("3 novembre 2025") && !page.contains("Modifier cette page"), "{page}");

    let plain = Site::new();
    plain.file("content/pare-feu.md", "# Ouvrir un port\n\nTexte.\n");
    plain.build();
    let page = plain.read("pare-feu/index.html");
    assert!(!page.contains("page-meta") && !page.contains("Mis à jour"), "{page}");
}

#[test]
fn a_shallow_clone_shows_the_links_but_no_dates() {
    let site = site_in_git();
    let clone = tempfile::tempdir().unwrap();
    let source = format!("file://{}", site.root().display());
    let target = clone.path().join("guides");
    git(
        clone.path(),
        &["clone", "-q", "--depth", "1", &source, target.to_str().unwrap()],
        "Render",
        "2025-12-02T08:00:00+01:00",
    );
    git(
        &target,
        &["remote", "set-url", "origin", "https://github.com/equipe/guides"],
        "Render",
        "2025-12-02T08:00:00+01:00",
    );
    let run = Command::new(env!("CARGO_BIN_EXE_carnet")).current_dir(&target).arg("build").output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let page = std::fs::read_to_string(target.join("public/pare-feu/index.html")).unwrap();
    assert!(!page.contains("Mis à jour"), "depth 1: every file would get the last commit's date\n{page}");
    assert!(page.contains("https://github.com/equipe/guides/edit/main/content/pare-feu.md"), "{page}");
}

#[test]
fn a_deeper_shallow_clone_dates_the_files_changed_within_it_and_only_those() {
    let site = site_in_git();
    site.file("content/dossier/dns.md", "# Vérifier le DNS\n\nTexte revu.\n");
    commit(&site, "Chloé", "2025-12-02T10:00:00+01:00", "DNS : revu");
    let clone = tempfile::tempdir().unwrap();
    let source = format!("file://{}", site.root().display());
    let target = clone.path().join("guides");
    let when = "2025-12-03T08:00:00+01:00";
    git(clone.path(), &["clone", "-q", "--depth", "2", &source, target.to_str().unwrap()], "Render", when);
    let run = Command::new(env!("CARGO_BIN_EXE_carnet")).current_dir(&target).arg("build").output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let dns = std::fs::read_to_string(target.join("public/dossier/dns/index.html")).unwrap();
    assert!(dns.contains("Mis à jour le <time datetime=\"2025-12-02\">2 décembre 2025</time>"), "{dns}");
    let pare_feu = std::fs::read_to_string(target.join("public/pare-feu/index.html")).unwrap();
    assert!(
        !pare_feu.contains("Mis à jour"),
        "last changed before the clone's boundary (3 novembre), which would say 1er décembre\n{pare_feu}"
    );
}

#[test]
fn one_git_pass_reads_the_dates_of_10000_guides_in_under_half_a_second() {
    let site = Site::new();
    git(site.root(), &["init", "-q", "-b", "main"], "Alice", "2025-01-01T10:00:00+01:00");
    for batch in 0..20 {
        for n in 0..500 {
            site.file(
                &format!("content/dossier-{batch:02}/guide-{n:03}.md"),
                format!("# Guide {batch} {n}\n"),
            );
        }
        commit(
            &site,
            if batch % 2 == 0 { "Alice" } else { "Bruno" },
            &format!("2025-10-{:02}T10:00:00+02:00", batch + 1),
            "Lot",
        );
    }
    // Then 30 commits that each touch a few guides.
    for round in 0..30 {
        site.file(
            &format!("content/dossier-{:02}/guide-{:03}.md", round % 20, round),
            format!("# Modifié {round}\n"),
        );
        commit(&site, "Chloé", &format!("2025-11-{:02}T10:00:00+01:00", round % 28 + 1), "Correction");
    }
    let content = site.root().join("content");
    let guides: HashSet<String> =
        (0..10_000).map(|i| format!("dossier-{:02}/guide-{:03}.md", i / 500, i % 500)).collect();
    let mut best = f64::MAX;
    for _ in 0..3 {
        let started = Instant::now();
        let history = carnet::site::history::read(&content, guides.clone()).expect("a repository");
        best = best.min(started.elapsed().as_secs_f64());
        assert_eq!(history.dates.len(), 10_000);
        assert_eq!(history.dates["dossier-00/guide-000.md"], "2025-11-01");
        assert_eq!(history.dates["dossier-19/guide-499.md"], "2025-10-20");
    }
    eprintln!("git history of 10,000 guides (50 commits): {:.0} ms", best * 1000.0);
    assert!(best < 0.5, "reading the history took {best:.3} s");
}

#[test]
fn a_guide_not_yet_committed_has_no_edit_link() {
    let site = site_in_git();
    git(
        site.root(),
        &["remote", "add", "origin", "https://github.com/equipe/guides"],
        "Alice",
        "2025-12-01T08:00:00+01:00",
    );
    site.file("content/nouveau.md", "# Nouveau\n\nPas encore dans git.\n");
    site.build();
    let page = site.read("nouveau/index.html");
    assert!(!page.contains("Modifier cette page") && !page.contains("Mis à jour"), "{page}");
    assert!(site.read("pare-feu/index.html").contains("Modifier cette page"));
}

#[test]
fn the_log_stops_once_every_guide_has_its_date() {
    let site = Site::new();
    git(site.root(), &["init", "-q", "-b", "main"], "Alice", "2025-01-01T10:00:00+01:00");
    site.file("content/notes-anciennes.txt", "Vieilles notes.\n").file("content/a.md", "# A\n");
    commit(&site, "Alice", "2024-03-01T10:00:00+01:00", "Début");
    for day in 1..=20 {
        site.file("content/journal.txt", format!("Jour {day}\n"));
        commit(&site, "Bruno", &format!("2025-02-{day:02}T10:00:00+01:00"), "Journal");
    }
    site.file("content/a.md", "# A, corrigé\n").file("content/b.md", "# B\n");
    commit(&site, "Chloé", "2025-06-01T10:00:00+02:00", "Guides");
    let content = site.root().join("content");

    let guides = HashSet::from(["a.md".to_string(), "b.md".to_string()]);
    let history = carnet::site::history::read(&content, guides).expect("a repository");
    assert_eq!(history.dates["a.md"], "2025-06-01");
    assert_eq!(history.dates["b.md"], "2025-06-01");
    assert!(
        !history.dates.contains_key("journal.txt") && !history.dates.contains_key("notes-anciennes.txt"),
        "older commits are not read once both guides are dated: {:?}",
        history.dates
    );

    // A guide git does not have: the whole log is read, every file gets its date.
    let guides = HashSet::from(["a.md".to_string(), "nouveau.md".to_string()]);
    let history = carnet::site::history::read(&content, guides).expect("a repository");
    assert_eq!(history.dates["a.md"], "2025-06-01");
    assert_eq!(history.dates["journal.txt"], "2025-02-20");
    assert_eq!(history.dates["notes-anciennes.txt"], "2024-03-01");
    assert!(!history.dates.contains_key("nouveau.md"));
}
