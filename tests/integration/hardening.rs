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
    // A guide without title is named after its file, with a capital letter.
    assert!(site.read("vide/index.html").contains("<h1>Vide</h1>"));
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
fn symlinks_out_of_content_are_not_followed_and_loops_are_warned_about() {
    let site = ok_site();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "# Secret\n").unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.md"), site.root().join("content/lien.md"))
        .unwrap();
    std::fs::create_dir(site.root().join("content/boucle")).unwrap();
    std::os::unix::fs::symlink(site.root().join("content"), site.root().join("content/boucle/retour"))
        .unwrap();
    let run = site.build();
    let target = outside.path().join("secret.md").display().to_string();
    assert!(
        run.stderr.contains(&format!("lien.md: symbolic link to `{target}` leads outside the site root")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("retour: symbolic link to"), "{}", run.stderr);
    assert!(run.stderr.contains("makes a loop: not followed"), "{}", run.stderr);
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

/// `carnet <args>` in the site root, as a process that cannot read a file whose permission bits
/// say so. As root (CI runs as root), whom `chmod 000` does not stop, the child keeps root but
/// loses CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from its bounding set before `exec`, so the
/// kernel applies the permission bits to it as to anyone. The premise is checked, never assumed.
#[cfg(target_os = "linux")]
fn bound_by_permissions(site: &Site, program: &str, args: &[&str]) -> std::process::Output {
    use std::os::unix::process::CommandExt;
    let mut command = std::process::Command::new(program);
    command.args(args).current_dir(site.root());
    // SAFETY: `geteuid` has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        const CAP_DAC_OVERRIDE: libc::c_ulong = 1;
        const CAP_DAC_READ_SEARCH: libc::c_ulong = 2;
        // SAFETY: only async-signal-safe system calls between fork and exec.
        unsafe {
            command.pre_exec(|| {
                for capability in [CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH] {
                    if libc::prctl(libc::PR_CAPBSET_DROP, capability, 0, 0, 0) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                Ok(())
            });
        }
    }
    command.output().unwrap_or_else(|e| panic!("cannot run {program} without DAC override: {e}"))
}

#[cfg(target_os = "linux")]
#[test]
fn an_unreadable_guide_is_an_error_naming_it_and_keeps_the_previous_site() {
    use std::os::unix::fs::PermissionsExt;
    let site = ok_site();
    site.file("content/dossier/verrouille.md", "# Verrouillé\n\nTexte.\n");
    site.build();
    let before = site.snapshot();
    let locked = site.root().join("content/dossier/verrouille.md");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let cat = bound_by_permissions(&site, "cat", &["content/dossier/verrouille.md"]);
    assert!(!cat.status.success(), "the premise: the file must be unreadable for the test's carnet");

    let carnet = env!("CARGO_BIN_EXE_carnet");
    let build = bound_by_permissions(&site, carnet, &["build"]);
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert_eq!(build.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/dossier/verrouille.md: cannot read this guide: Permission denied"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(site.snapshot(), before, "the previous site is left as it was");

    let check = bound_by_permissions(&site, carnet, &["check"]);
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("error: ./content/dossier/verrouille.md: cannot read this guide"), "{stdout}");
    let fix = bound_by_permissions(&site, carnet, &["fix"]);
    let stderr = String::from_utf8_lossy(&fix.stderr);
    assert_eq!(fix.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/dossier/verrouille.md: Permission denied"), "{stderr}");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[cfg(unix)]
#[test]
fn a_named_pipe_named_md_is_skipped_with_a_warning_instead_of_blocking_the_build() {
    let site = ok_site();
    let fifo = std::ffi::CString::new(site.root().join("content/tube.md").to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0, "mkfifo");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_carnet"))
        .arg("build")
        .current_dir(site.root())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let id = child.id();
    let watchdog = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(60));
        // SAFETY: plain kill(2) of our own child, if it still runs.
        unsafe { libc::kill(id as i32, libc::SIGKILL) };
    });
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "the build must not block on the pipe: {stderr}");
    assert!(
        stderr.contains("tube.md: not a regular file (a named pipe, socket or device), skipped"),
        "{stderr}"
    );
    drop(watchdog);
}

/// The URLs of the sidebar (`nav.js`), each of which must be a page of the site.
fn nav_urls(site: &Site) -> Vec<String> {
    let home = site.read("index.html");
    let nav = site.read(&crate::fixture::asset_in(&home, "nav.js"));
    nav.split("\"u\":\"").skip(1).filter_map(|rest| rest.split('"').next()).map(str::to_string).collect()
}

#[test]
fn a_folder_that_vanishes_during_builds_never_gives_a_half_site_or_a_panic() {
    let site = ok_site();
    site.build();
    let volatile = site.root().join("content/volatile");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // A thread makes the folder appear (60 guides, an image, a subfolder) and vanish, again and
    // again, with pauses of varying length, while the builds run.
    let churn = {
        let (volatile, stop) = (volatile.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut round = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                for i in 0..60 {
                    let path = volatile.join(format!("sous-{}/guide-{i}.md", i % 3));
                    let _ = std::fs::create_dir_all(path.parent().unwrap());
                    let _ = std::fs::write(&path, format!("# Guide {i}\n\nVoir [a](../../../a.md).\n"));
                }
                let _ = std::fs::write(volatile.join("image.png"), [0x89, b'P', b'N', b'G']);
                std::thread::sleep(std::time::Duration::from_micros(round * 7919 % 20_000));
                let _ = std::fs::remove_dir_all(&volatile);
                std::thread::sleep(std::time::Duration::from_micros(round * 104_729 % 15_000));
                round += 1;
            }
        })
    };
    let (mut built, mut refused) = (0, 0);
    for attempt in 0..30 {
        let before = site.snapshot();
        let run = site.carnet(&["build"]);
        assert!(!run.stderr.contains("panicked"), "attempt {attempt}: {}", run.stderr);
        match run.code {
            0 => {
                built += 1;
                for url in nav_urls(&site) {
                    assert!(
                        site.output(&format!("{url}index.html")).is_file(),
                        "attempt {attempt}: {url} missing"
                    );
                }
                assert!(site.output("index.html").is_file() && site.output("a/index.html").is_file());
            }
            1 => {
                refused += 1;
                assert!(
                    run.stderr.contains("content/volatile"),
                    "attempt {attempt}: no path named:\n{}",
                    run.stderr
                );
                assert_eq!(site.snapshot(), before, "attempt {attempt}: a failed build touched the site");
            }
            other => panic!("attempt {attempt}: exit code {other}:\n{}", run.stderr),
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    churn.join().unwrap();
    eprintln!("30 builds while a folder came and went: {built} complete sites, {refused} refused");
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("carnet-staging"))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left behind: {leftovers:?}");
}

#[test]
fn a_50_mb_guide_builds_into_one_page() {
    let paragraph = "La mémoire du service dépasse la limite : redémarrez le worker et vérifiez. ".repeat(8);
    let mut text = String::with_capacity(51 << 20);
    text.push_str("# Énorme guide\n\n");
    let mut part = 0;
    while text.len() < 50 << 20 {
        if part % 50 == 0 {
            text.push_str(&format!("## Partie {}\n\n", part / 50));
        }
        text.push_str(&paragraph);
        text.push_str("\n\n");
        part += 1;
    }
    let site = Site::new();
    site.file("content/enorme.md", text);
    let run = site.build();
    assert!(!run.stderr.contains("panicked"));
    let page = site.read("enorme/index.html");
    assert!(page.len() > 50 << 20, "the whole guide is on its page ({} bytes)", page.len());
    assert!(page.contains("id=\"partie-1000\""));
}

#[test]
fn a_page_with_100000_headings_builds_with_unique_ids() {
    let text: String = std::iter::once("# Titres\n\n".to_string())
        .chain((0..100_000).map(|i| format!("## Étape {}\n\nTexte.\n\n", i % 50_000)))
        .collect();
    let site = Site::new();
    site.file("content/titres.md", text);
    site.build();
    let page = site.read("titres/index.html");
    assert!(
        page.contains("id=\"etape-49999\"") && page.contains("id=\"etape-49999-1\""),
        "repeated headings get -1"
    );
    assert_eq!(page.matches("<h2 id=").count(), 100_000);
}

#[test]
fn a_link_written_with_an_escape_after_accents_does_not_crash_the_build() {
    // Regression (fuzz): `ab\_c.md` is read as `ab_c.md`, which is not in the text; the link
    // recorder then moved its cursor by 7 bytes, into the middle of an `é`, and the next link
    // panicked.
    let site = ok_site();
    site.file("content/ab_c.md", "# AB\n")
        .file("content/accents.md", "éééé [x](ab\\_c.md) [y](a.md) ñ [z](ab\\_c.md)\n");
    let run = site.build();
    assert!(!run.stderr.contains("panicked"));
    let page = site.read("accents/index.html");
    assert!(page.contains("href=\"../ab-c/\"") && page.contains("href=\"../a/\""), "{page}");
}
