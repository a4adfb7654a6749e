//! The output folder: carnet replaces only what it made. Folders of the user's, source folders,
//! files and links are refused as output, `~` is the home folder, and a build that fills the
//! disk (a real, small tmpfs) removes what it wrote and says so.

use std::path::Path;

use crate::fixture::{Run, Site};

fn site() -> Site {
    let site = Site::new();
    site.file("content/a.md", "# A\n\nTexte.\n").file("static/logo.svg", "<svg/>");
    site.file("templates/.keep", "").file("themes/.keep", "");
    site
}

/// Every file under `dir` (links as `-> target`), with its contents, sorted.
fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            match e.path_is_symlink() {
                true => (rel, format!("-> {}", std::fs::read_link(e.path()).unwrap().display()).into_bytes()),
                false => (rel, std::fs::read(e.path()).unwrap()),
            }
        })
        .collect();
    files.sort();
    files
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn assert_refused(run: &Run, output: &str, reason: &str) {
    assert_eq!(run.code, 2, "--output {output} must be refused as a usage error:\n{}", run.stderr);
    let expected = format!("refusing output folder {output}: {reason}");
    assert!(run.stderr.contains(&expected), "expected `{expected}` in:\n{}", run.stderr);
}

#[test]
fn a_folder_of_the_user_s_is_refused_as_output_unless_replace_output_is_given() {
    let site = site();
    site.file("v/notes.txt", "précieux").file("v/photos/a.jpg", "jpeg");
    for _ in 0..2 {
        let run = site.carnet(&["build", "--output", "v"]);
        assert_refused(&run, "v", "it holds files carnet did not make (notes.txt, photos/)");
        assert!(run.stderr.contains("--replace-output"), "the message names the flag:\n{}", run.stderr);
    }
    assert_eq!(std::fs::read_to_string(site.root().join("v/notes.txt")).unwrap(), "précieux");
    assert!(!site.root().join(".v.carnet-previous").exists(), "nothing was moved aside");

    let run = site.carnet(&["build", "--output", "v", "--replace-output"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.root().join("v/a/index.html").is_file());
    assert!(!site.root().join("v/notes.txt").exists(), "replaced, as asked");
    assert!(!site.root().join(".v.carnet-previous").exists(), "a folder carnet did not make is never kept");
    // From now on the folder is carnet's: no flag needed.
    let mark = std::fs::read_to_string(site.root().join("v/.carnet-site")).unwrap();
    assert!(mark.contains("built by carnet"), "{mark}");
    assert_eq!(site.carnet(&["build", "--output", "v"]).code, 0);
}

#[test]
fn an_empty_folder_and_a_site_built_by_an_older_carnet_are_taken() {
    let site = site();
    std::fs::create_dir(site.root().join("vide")).unwrap();
    let run = site.carnet(&["build", "--output", "vide"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    // public/ as carnet wrote it before the mark: fingerprinted assets, then plain names.
    site.build();
    site.remove("public/.carnet-site");
    let _ = std::fs::remove_dir_all(site.root().join(".public.carnet-previous"));
    site.file("public/ancienne-page/index.html", "old");
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 0, "a site of an older carnet is carnet's:\n{}", run.stderr);
    assert!(!site.output("ancienne-page").exists());
    for layout in [
        &["index.html", "assets/search-manifest.js", "assets/immutable/carnet.0123abcd.css"][..],
        &["index.html", "assets/carnet.css", "assets/nav.js"][..],
    ] {
        std::fs::remove_dir_all(site.root().join("public")).unwrap();
        let _ = std::fs::remove_dir_all(site.root().join(".public.carnet-previous"));
        for rel in layout {
            site.file(&format!("public/{rel}"), "old");
        }
        let run = site.carnet(&["build"]);
        assert_eq!(run.code, 0, "{layout:?}:\n{}", run.stderr);
    }
}

#[test]
fn source_folders_files_and_links_are_refused_and_left_as_they_were() {
    let site = site();
    site.file("notes.txt", "à moi");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("keep.txt"), "keep").unwrap();
    std::os::unix::fs::symlink(outside.path(), site.root().join("lien")).unwrap();
    let before = files_under(site.root());
    let root = site.root().to_string_lossy().into_owned();
    let refusals = [
        ("static", "it is the static/ folder"),
        ("./static/", "it is the static/ folder"),
        ("static/site", "it is inside the static/ folder"),
        ("templates", "it is the templates/ folder"),
        ("themes/default", "it is inside the themes/ folder"),
        ("content", "it is the content folder"),
        ("content/site", "it is inside the content folder"),
        (".", "it is the site root"),
        (root.as_str(), "it is the site root"),
        ("..", "the site root is inside it"),
        ("notes.txt", "it is a file, not a folder"),
        ("lien", "it is a symbolic link"),
    ];
    for (output, reason) in refusals {
        for flags in [&[][..], &["--replace-output"][..]] {
            let run = site.carnet(&[&["build", "--output", output][..], flags].concat());
            assert_refused(&run, output, reason);
        }
    }
    site.file("carnet.toml", "output_dir = \"static\"\n");
    assert_refused(&site.carnet(&["build"]), "./static", "it is the static/ folder");
    site.remove("carnet.toml");
    assert_eq!(files_under(site.root()), before, "nothing in the site changed");
    assert_eq!(files_under(outside.path()), [("keep.txt".to_string(), b"keep".to_vec())]);
}

/// `carnet <args>` in the site root with `HOME` set to `home`.
fn carnet_at_home(site: &Site, home: &Path, args: &[&str]) -> Run {
    site.carnet_with_env(args, &[("HOME", home.as_os_str())])
}

#[test]
fn a_tilde_is_the_home_folder_never_a_folder_named_tilde() {
    let site = site();
    let home = tempfile::tempdir().unwrap();
    let run = carnet_at_home(&site, home.path(), &["build", "--output", "~/docs"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(home.path().join("docs/a/index.html").is_file());

    site.file("carnet.toml", "output_dir = \"~/site\"\n");
    let run = carnet_at_home(&site, home.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(home.path().join("site/a/index.html").is_file());

    site.file("carnet.toml", "output_dir = \"~\"\n");
    let run = carnet_at_home(&site, home.path(), &["build"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("it is your home folder"), "{}", run.stderr);
    let run = carnet_at_home(&site, home.path(), &["build", "--output", "~quelqu-un/site"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("refusing output folder ~quelqu-un/site"), "{}", run.stderr);
    assert!(!site.root().join("~").exists() && !site.root().join("~quelqu-un").exists());
}

/// A tmpfs of `size` mounted on a fresh folder, unmounted when dropped: a disk that really fills.
#[cfg(target_os = "linux")]
struct SmallDisk {
    dir: tempfile::TempDir,
}

#[cfg(target_os = "linux")]
impl SmallDisk {
    fn mount(size: &str) -> SmallDisk {
        // SAFETY: `geteuid` has no preconditions.
        let root = unsafe { libc::geteuid() } == 0;
        assert!(
            root,
            "this test fills a real file system: it mounts a small tmpfs, which needs root (CI runs as root)"
        );
        let dir = tempfile::tempdir().unwrap();
        let c = |s: &str| std::ffi::CString::new(s).unwrap();
        let (target, options) = (c(dir.path().to_str().unwrap()), c(&format!("size={size},mode=0755")));
        // SAFETY: valid NUL-terminated strings that outlive the call.
        let mounted = unsafe {
            libc::mount(c("tmpfs").as_ptr(), target.as_ptr(), c("tmpfs").as_ptr(), 0, options.as_ptr().cast())
        };
        assert_eq!(
            mounted,
            0,
            "mount -t tmpfs (root with CAP_SYS_ADMIN): {}",
            std::io::Error::last_os_error()
        );
        SmallDisk { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

#[cfg(target_os = "linux")]
impl Drop for SmallDisk {
    fn drop(&mut self) {
        let target = std::ffi::CString::new(self.dir.path().to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        unsafe { libc::umount2(target.as_ptr(), libc::MNT_DETACH) };
    }
}

/// Guides enough to need more than the small disk holds.
#[cfg(target_os = "linux")]
fn add_big_guides(site: &Site) {
    let paragraph = "Le service redémarre en boucle : vérifiez la mémoire et les journaux. ".repeat(12);
    for i in 0..40 {
        site.file(
            &format!("content/gros/guide-{i}.md"),
            format!("# Gros guide {i}\n\n{paragraph}\n\n").repeat(80),
        );
    }
}

#[cfg(target_os = "linux")]
fn build_into(site: &Site, output: &Path) -> Run {
    site.carnet(&["build", "--output", output.to_str().unwrap()])
}

#[cfg(target_os = "linux")]
fn assert_disk_full(run: &Run, disk: &Path) {
    assert_eq!(run.code, 1, "{}", run.stderr);
    let expected = format!("the disk is full: no space left in {}", disk.display());
    assert!(run.stderr.contains(&expected), "expected `{expected}` in:\n{}", run.stderr);
}

#[cfg(target_os = "linux")]
#[test]
fn a_build_that_fills_the_disk_removes_what_it_wrote_and_says_so() {
    let disk = SmallDisk::mount("2m");
    let output = disk.path().join("public");
    let site = site();
    add_big_guides(&site);
    assert_disk_full(&build_into(&site, &output), disk.path());
    assert!(names(disk.path()).is_empty(), "nothing left on the disk: {:?}", names(disk.path()));

    std::fs::remove_dir_all(site.root().join("content/gros")).unwrap();
    assert_eq!(build_into(&site, &output).code, 0);
    let before = files_under(&output);
    add_big_guides(&site);
    for _ in 0..2 {
        assert_disk_full(&build_into(&site, &output), disk.path());
        assert_eq!(names(disk.path()), ["public"], "the failed build's folder was removed");
        assert_eq!(files_under(&output), before, "the site is as it was");
    }
    // Room again for a small site: the failed builds left nothing that fills the disk.
    std::fs::remove_dir_all(site.root().join("content/gros")).unwrap();
    site.file("content/b.md", "# B\n");
    let run = build_into(&site, &output);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(output.join("b/index.html").is_file());
}
