//! Tests of the staging folder: swaps, failed builds, and writing over kept or abandoned sites.

use super::*;

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<_> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
}

#[test]
fn commit_replaces_and_a_failed_build_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("public");
    std::fs::create_dir(&output).unwrap();
    std::fs::write(output.join(MARK), MARK_TEXT).unwrap();
    std::fs::write(output.join("stale.html"), "old").unwrap();

    let failed = Staging::create(&output).unwrap();
    failed.write("index.html", "half").unwrap();
    drop(failed);
    assert_eq!(std::fs::read_to_string(output.join("stale.html")).unwrap(), "old");
    assert_eq!(names(dir.path()), ["public"], "a failed build's folder is removed");

    let staging = Staging::create(&output).unwrap();
    staging.write("a/index.html", "new").unwrap();
    staging.commit().unwrap();
    assert!(!output.join("stale.html").exists());
    assert_eq!(std::fs::read_to_string(output.join("a/index.html")).unwrap(), "new");
    assert_eq!(std::fs::read_to_string(output.join(MARK)).unwrap(), MARK_TEXT, "the site is marked");
    if cfg!(target_os = "linux") {
        assert_eq!(names(dir.path()), [".public.carnet-previous", "public"], "the replaced site is kept");
    } else {
        assert_eq!(names(dir.path()), ["public"]);
    }
}

#[test]
#[cfg(target_os = "linux")]
fn a_failed_build_never_keeps_what_it_wrote_as_the_previous_site() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("public");
    build(&output, &[("a.html", "first")]);
    build(&output, &[("a.html", "second")]);
    let kept = dir.path().join(".public.carnet-previous");
    // Failing before writing anything: the kept site it borrowed is kept again.
    drop(Staging::create(&output).unwrap());
    assert_eq!(std::fs::read_to_string(kept.join("a.html")).unwrap(), "first");
    // Failing after writing into it: removed, never the next build's starting point.
    let failed = Staging::create(&output).unwrap();
    failed.write("a.html", "half").unwrap();
    drop(failed);
    assert_eq!(names(dir.path()), ["public"]);
    assert_eq!(std::fs::read_to_string(output.join("a.html")).unwrap(), "second");
}

#[test]
#[cfg(target_os = "linux")]
fn folders_carnet_did_not_make_are_never_reused_nor_kept() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("public");
    // A folder of the user's where carnet would keep its previous site, and one named like the
    // folder of an interrupted build.
    let kept = dir.path().join(".public.carnet-previous");
    std::fs::create_dir(&kept).unwrap();
    std::fs::write(kept.join("notes.txt"), "mine").unwrap();
    let look_alike = abandoned(dir.path(), 999_995, &[("notes.txt", "mine too")]);
    std::fs::remove_file(look_alike.join(MARK)).unwrap();
    build(&output, &[("a.html", "a")]);
    build(&output, &[("a.html", "b")]);
    assert_eq!(std::fs::read_to_string(kept.join("notes.txt")).unwrap(), "mine");
    assert_eq!(std::fs::read_to_string(look_alike.join("notes.txt")).unwrap(), "mine too");

    // A folder of the user's replaced on purpose (`--replace-output`) is deleted, never kept.
    let mine = dir.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "mine").unwrap();
    build(&mine, &[("a.html", "a")]);
    assert_eq!(tree(&mine), entries(&[("a.html", "a")]));
    assert!(!dir.path().join(".mine.carnet-previous").exists());
}

/// Every file under `dir`, with its contents (folders as `name/`).
#[cfg(target_os = "linux")]
fn tree(dir: &Path) -> Vec<(String, String)> {
    let mut all: Vec<_> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            match e.file_type().is_dir() {
                true => (format!("{rel}/"), String::new()),
                false => (rel, std::fs::read_to_string(e.path()).unwrap()),
            }
        })
        .collect();
    all.sort();
    all
}

/// What `tree` gives for a site holding `list` (sorted), with the mark every build writes.
#[cfg(target_os = "linux")]
fn entries(list: &[(&str, &str)]) -> Vec<(String, String)> {
    [(MARK, MARK_TEXT)].iter().chain(list).map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[cfg(target_os = "linux")]
fn inode(path: &Path) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(path).unwrap())
}

#[cfg(target_os = "linux")]
fn build(output: &Path, files: &[(&str, &str)]) {
    let staging = Staging::create(output).unwrap();
    for (rel, text) in files {
        staging.write(rel, text).unwrap();
    }
    staging.commit().unwrap();
}

#[test]
#[cfg(target_os = "linux")]
fn the_site_two_builds_old_is_written_over_in_place_and_ends_exact() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("public");
    let long = "a long first version of the page";
    build(&output, &[("a.html", long), ("d/e.html", "e"), ("x/y/z.html", "z"), ("p", "file")]);
    let first_a = inode(&output.join("a.html"));
    build(&output, &[("a.html", "two"), ("f.html", "f")]);
    // The third build starts from the first one's folder.
    build(&output, &[("a.html", "3"), ("d/e.html", "e3"), ("p/index.html", "dir now")]);
    let expected = [("a.html", "3"), ("d/", ""), ("d/e.html", "e3"), ("p/", ""), ("p/index.html", "dir now")];
    assert_eq!(tree(&output), entries(&expected));
    assert_eq!(inode(&output.join("a.html")), first_a, "the first build's file was written over");
    // A file where a folder was, a folder where a file was.
    build(&output, &[("a.html", "4"), ("x/y", "file now"), ("d", "file too")]);
    build(&output, &[("d", "5")]);
    assert_eq!(tree(&output), entries(&[("d", "5")]));
    let kept = dir.path().join(".public.carnet-previous");
    let expected = [("a.html", "4"), ("d", "file too"), ("x/", ""), ("x/y", "file now")];
    assert_eq!(tree(&kept), entries(&expected));
}

#[test]
#[cfg(target_os = "linux")]
fn links_in_a_kept_site_are_never_followed_nor_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("secret"), "secret").unwrap();
    std::fs::write(outside.join("e.html"), "outside e").unwrap();
    let output = dir.path().join("public");
    build(&output, &[("a.html", "a")]);
    build(&output, &[("a.html", "a")]);
    let kept = dir.path().join(".public.carnet-previous");
    std::fs::remove_file(kept.join("a.html")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret"), kept.join("a.html")).unwrap();
    std::os::unix::fs::symlink(&outside, kept.join("d")).unwrap();
    std::fs::hard_link(outside.join("secret"), kept.join("h.html")).unwrap();
    let fifo = std::ffi::CString::new(kept.join("pipe.html").into_os_string().into_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);

    build(&output, &[("a.html", "new a"), ("d/e.html", "new e"), ("h.html", "new h"), ("pipe.html", "p")]);
    assert_eq!(std::fs::read_to_string(outside.join("secret")).unwrap(), "secret");
    assert_eq!(std::fs::read_to_string(outside.join("e.html")).unwrap(), "outside e");
    let expected =
        [("a.html", "new a"), ("d/", ""), ("d/e.html", "new e"), ("h.html", "new h"), ("pipe.html", "p")];
    assert_eq!(tree(&output), entries(&expected));
}

#[test]
#[cfg(target_os = "linux")]
fn a_folder_named_after_its_contents_is_adopted_and_renamed() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("public");
    build(&output, &[("idx.aaa/p/1.js", "one"), ("idx.aaa/p/2.js", "two")]);
    build(&output, &[("other.html", "o")]);
    let first = inode(&dir.path().join(".public.carnet-previous/idx.aaa/p/1.js"));
    let staging = Staging::create(&output).unwrap();
    staging.adopt_dir("", "idx.", "idx.partial/").unwrap();
    staging.write("idx.partial/p/1.js", "one v2").unwrap();
    staging.write("idx.partial/p/3.js", "three").unwrap();
    staging.rename_dir("idx.partial/", "idx.bbb/").unwrap();
    staging.commit().unwrap();
    let expected =
        [("idx.bbb/", ""), ("idx.bbb/p/", ""), ("idx.bbb/p/1.js", "one v2"), ("idx.bbb/p/3.js", "three")];
    assert_eq!(tree(&output), entries(&expected));
    assert_eq!(inode(&output.join("idx.bbb/p/1.js")), first);
}

/// A folder as an interrupted build leaves it: named for a process, old, unlocked.
#[cfg(target_os = "linux")]
fn abandoned(parent: &Path, pid: u32, files: &[(&str, &str)]) -> PathBuf {
    let dir = parent.join(format!(".public.carnet-staging-{pid}"));
    let marked = [(MARK, MARK_TEXT)];
    for (rel, text) in marked.iter().chain(files) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::open(&dir).unwrap().set_modified(an_hour_ago).unwrap();
    dir
}

#[test]
#[cfg(target_os = "linux")]
fn the_folders_of_interrupted_builds_are_taken_up_or_removed() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("public");
    build(&output, &[("a.html", "a")]);
    let first = abandoned(dir.path(), 999_991, &[("a.html", "half"), ("x/y.html", "y")]);
    let second = abandoned(dir.path(), 999_992, &[("a.html", "other half"), ("b.html", "b")]);
    let inodes = [inode(&first.join("a.html")), inode(&second.join("a.html"))];
    build(&output, &[("a.html", "new a")]);
    assert_eq!(tree(&output), entries(&[("a.html", "new a")]));
    assert!(!first.exists() && !second.exists(), "no interrupted build's folder is left");
    assert!(inodes.contains(&inode(&output.join("a.html"))), "one of them was written over");
    assert!(dir.path().join(".public.carnet-previous").is_dir());
}

#[test]
#[cfg(target_os = "linux")]
fn a_folder_locked_by_a_running_build_or_too_young_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("public");
    let running = abandoned(dir.path(), 999_993, &[("a.html", "being written")]);
    let held = recycle::lock_folder(&running).unwrap().expect("nobody holds it yet");
    assert!(recycle::lock_folder(&running).unwrap().is_none(), "a second lock is refused");
    let young = dir.path().join(".public.carnet-staging-999994");
    std::fs::create_dir(&young).unwrap();
    build(&output, &[("a.html", "a")]);
    build(&output, &[("a.html", "a")]);
    assert_eq!(std::fs::read_to_string(running.join("a.html")).unwrap(), "being written");
    assert!(young.is_dir());
    drop(held);
    assert_eq!(recycle::abandoned_stagings(&output, &dir.path().join("x")).len(), 1, "unlocked now");
}

#[test]
fn in_place_writes_replace_whole_files() {
    let dir = tempfile::tempdir().unwrap();
    write_in_place(dir.path(), "a/b/index.html", b"one").unwrap();
    write_in_place(dir.path(), "a/b/index.html", b"two").unwrap();
    assert_eq!(std::fs::read(dir.path().join("a/b/index.html")).unwrap(), b"two");
    let names: Vec<_> =
        std::fs::read_dir(dir.path().join("a/b")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["index.html"], "no temporary file is left");
}

#[test]
fn remove_tree_removes_deep_and_wide_trees() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("old");
    for i in 0..300 {
        let page = tree.join(format!("section-{}/guide-{i}", i % 7));
        std::fs::create_dir_all(&page).unwrap();
        std::fs::write(page.join("index.html"), "x").unwrap();
    }
    remove_tree(&tree).unwrap();
    assert!(!tree.exists());
    assert!(remove_tree(&tree).is_err(), "a missing folder is an error");
}
