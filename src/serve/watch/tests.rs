//! Table tests: which event on which path needs which rebuild, and editors' save patterns giving
//! exactly one batch with the final state.

use std::collections::BTreeSet;

use notify::event::{CreateKind, DataChange, MetadataKind, ModifyKind, RemoveKind, RenameMode};

use super::*;

fn roots() -> WatchRoots {
    let root = PathBuf::from("/site");
    WatchRoots {
        config: root.join("carnet.toml"),
        blueprint: root.join("render.yaml"),
        content: root.join("content"),
        templates: root.join("templates"),
        themes: root.join("themes"),
        static_dir: root.join("static"),
        root,
    }
}

const WRITE: EventKind = EventKind::Modify(ModifyKind::Data(DataChange::Content));
const CREATE: EventKind = EventKind::Create(CreateKind::File);
const REMOVE: EventKind = EventKind::Remove(RemoveKind::File);
const RENAME_FROM: EventKind = EventKind::Modify(ModifyKind::Name(RenameMode::From));
const RENAME_TO: EventKind = EventKind::Modify(ModifyKind::Name(RenameMode::To));
const OPEN: EventKind = EventKind::Access(AccessKind::Open(AccessMode::Any));
const CLOSE_READ: EventKind = EventKind::Access(AccessKind::Close(AccessMode::Read));
const CLOSE_WRITE: EventKind = EventKind::Access(AccessKind::Close(AccessMode::Write));
const POLLED: EventKind = EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime));
const CHMOD: EventKind = EventKind::Modify(ModifyKind::Metadata(MetadataKind::Permissions));

#[test]
fn classify_table() {
    let table: &[(EventKind, &str, Change)] = &[
        // Guides and the other content files.
        (WRITE, "/site/content/guide.md", Change::Guide),
        (CREATE, "/site/content/dossier/Nouveau Guide.md", Change::Guide),
        (REMOVE, "/site/content/guide.MD", Change::Guide),
        (RENAME_TO, "/site/content/guide.md", Change::Guide),
        (CLOSE_WRITE, "/site/content/guide.md", Change::Guide),
        (POLLED, "/site/content/guide.md", Change::Guide),
        (WRITE, "/site/content/images/schema.png", Change::ContentFile),
        (CREATE, "/site/content/dossier", Change::ContentFile),
        (WRITE, "/site/content/styles.css", Change::ContentFile),
        // Templates, themes, static files, config.
        (WRITE, "/site/templates/base.html", Change::Template),
        (WRITE, "/site/themes/maison/templates/guide.html", Change::Template),
        (WRITE, "/site/themes/maison/static/assets/carnet.css", Change::Stylesheet),
        (WRITE, "/site/static/extra.css", Change::Stylesheet),
        (WRITE, "/site/static/logo.svg", Change::StaticFile),
        (WRITE, "/site/carnet.toml", Change::Config),
        (WRITE, "/site/render.yaml", Change::Blueprint),
        (WRITE, "/site/content/render.yaml", Change::ContentFile),
        (CREATE, "/site/static", Change::Folder),
        (REMOVE, "/site/content", Change::Folder),
        // Reads, permissions and editor leftovers change nothing.
        (OPEN, "/site/content/guide.md", Change::Nothing),
        (CLOSE_READ, "/site/content/guide.md", Change::Nothing),
        (CHMOD, "/site/content/guide.md", Change::Nothing),
        (CREATE, "/site/content/4913", Change::Nothing),
        (RENAME_TO, "/site/content/guide.md~", Change::Nothing),
        (WRITE, "/site/content/.guide.md.swp", Change::Nothing),
        (WRITE, "/site/content/.guide.md.swx", Change::Nothing),
        (WRITE, "/site/content/guide.md.kate-swp", Change::Nothing),
        (WRITE, "/site/content/.#guide.md", Change::Nothing),
        (WRITE, "/site/content/#guide.md#", Change::Nothing),
        (CREATE, "/site/content/guide.md___jb_tmp___", Change::Nothing),
        (RENAME_TO, "/site/content/guide.md___jb_old___", Change::Nothing),
        (WRITE, "/site/content/.git/index", Change::Nothing),
        (WRITE, "/site/content/.obsidian/workspace.json", Change::Nothing),
        (WRITE, "/site/templates/.base.html.swp", Change::Nothing),
        // Other files of the root: the output folder, the build's staging and kept folders, notes.
        (CREATE, "/site/public/index.html", Change::Nothing),
        (CREATE, "/site/.public.carnet-staging-12", Change::Nothing),
        (WRITE, "/site/.public.carnet-previous/index.html", Change::Nothing),
        (WRITE, "/site/README.md", Change::Nothing),
        (WRITE, "/site/contenu/guide.md", Change::Nothing),
        (WRITE, "/elsewhere/content/guide.md", Change::Nothing),
    ];
    let roots = roots();
    for (kind, path, expected) in table {
        assert_eq!(classify(kind, Path::new(path), &roots), *expected, "{kind:?} on {path}");
    }
}

#[test]
fn classify_with_the_guides_at_the_root() {
    // `content_dir = "."`: the content folder holds templates/ and static/, and dependencies.
    let roots = WatchRoots { content: PathBuf::from("/site"), ..roots() };
    let table: &[(EventKind, &str, Change)] = &[
        (WRITE, "/site/GUIDE_RENDER_COMPLET.md", Change::Guide),
        (WRITE, "/site/docs/schema.png", Change::ContentFile),
        (WRITE, "/site/carnet.toml", Change::Config),
        (WRITE, "/site/templates/base.html", Change::Template),
        (WRITE, "/site/static/extra.css", Change::Stylesheet),
        (WRITE, "/site/node_modules/pkg/README.md", Change::Nothing),
        (WRITE, "/site/core/__pycache__/wsgi.pyc", Change::Nothing),
        (WRITE, "/site/.venv/lib/x.md", Change::Nothing),
    ];
    for (kind, path, expected) in table {
        assert_eq!(classify(kind, Path::new(path), &roots), *expected, "{kind:?} on {path}");
    }
}

/// Feeds events a few milliseconds apart, with a simulated file system, and collects the batches
/// the debouncer hands over while time runs on for three seconds.
struct Scene {
    debouncer: Debouncer,
    now: Instant,
    files: BTreeSet<PathBuf>,
    batches: Vec<Batch>,
}

impl Scene {
    fn new(files: &[&str]) -> Scene {
        Scene {
            debouncer: Debouncer::default(),
            now: Instant::now(),
            files: files.iter().map(PathBuf::from).collect(),
            batches: Vec::new(),
        }
    }

    fn step(&mut self, millis: u64) {
        let end = self.now + Duration::from_millis(millis);
        while self.now < end {
            self.now += Duration::from_millis(1);
            let files = &self.files;
            if let Some(batch) = self.debouncer.poll(self.now, |p| files.contains(p)) {
                self.batches.push(batch);
            }
        }
    }

    fn event(&mut self, kind: EventKind, paths: &[&str]) -> &mut Scene {
        let path = PathBuf::from(paths[0]);
        match kind {
            EventKind::Create(_) => {
                self.files.insert(path);
            }
            EventKind::Remove(_) => {
                self.files.remove(&path);
            }
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => {
                self.files.remove(&path);
                self.files.insert(PathBuf::from(paths[1]));
            }
            _ => {}
        }
        let event =
            Event { kind, paths: paths.iter().map(PathBuf::from).collect(), attrs: Default::default() };
        self.debouncer.add(self.now, &event, &roots());
        self.step(2);
        self
    }

    fn finish(&mut self) -> Vec<Vec<String>> {
        self.step(3000);
        self.batches.iter().map(|b| b.changes.keys().map(|p| p.display().to_string()).collect()).collect()
    }
}

const GUIDE: &str = "/site/content/guide.md";
const BACKUP: &str = "/site/content/guide.md~";
const RENAME_BOTH: EventKind = EventKind::Modify(ModifyKind::Name(RenameMode::Both));

#[test]
fn a_plain_write_gives_one_batch() {
    let mut scene = Scene::new(&[GUIDE]);
    scene.event(WRITE, &[GUIDE]).event(WRITE, &[GUIDE]).event(CLOSE_WRITE, &[GUIDE]);
    assert_eq!(scene.finish(), [[GUIDE]]);
}

#[test]
fn a_vim_save_gives_one_batch_even_when_the_new_file_comes_late() {
    let mut scene = Scene::new(&[GUIDE]);
    scene.event(CREATE, &["/site/content/4913"]).event(REMOVE, &["/site/content/4913"]);
    scene.event(RENAME_BOTH, &[GUIDE, BACKUP]);
    // vim fsyncs the backup before it writes the new file: the guide is missing for a while.
    scene.step(150);
    assert!(scene.batches.is_empty(), "no rebuild while the renamed guide is missing");
    scene.event(CREATE, &[GUIDE]).event(WRITE, &[GUIDE]).event(CLOSE_WRITE, &[GUIDE]);
    scene.event(REMOVE, &[BACKUP]);
    assert_eq!(scene.finish(), [[GUIDE]]);
}

#[test]
fn a_safe_write_through_a_temporary_file_gives_one_batch() {
    // VS Code, JetBrains ("safe write"), Kate: write a temporary file, then rename it over.
    for temp in ["/site/content/guide.md___jb_tmp___", "/site/content/.guide.md.kate-swp"] {
        let mut scene = Scene::new(&[GUIDE]);
        scene.event(CREATE, &[temp]).event(WRITE, &[temp]).event(CLOSE_WRITE, &[temp]);
        scene.event(RENAME_FROM, &[temp]).event(RENAME_TO, &[GUIDE]).event(RENAME_BOTH, &[temp, GUIDE]);
        assert_eq!(scene.finish(), [[GUIDE]], "{temp}");
    }
}

#[test]
fn a_file_still_open_for_writing_holds_the_burst_when_the_watcher_reports_closes() {
    let mut scene = Scene::new(&[]);
    scene.debouncer = Debouncer::new(true);
    scene.event(CREATE, &[GUIDE]);
    // The editor stalls between creating the file and writing it: no rebuild of an empty guide.
    scene.step(150);
    assert!(scene.batches.is_empty(), "no rebuild while the guide is open for writing");
    scene.event(WRITE, &[GUIDE]).event(CLOSE_WRITE, &[GUIDE]);
    scene.step(QUIET.as_millis() as u64 + 5);
    assert_eq!(scene.batches.len(), 1, "rebuilt once closed, without waiting for the grace period");
    assert_eq!(scene.finish(), [[GUIDE]]);

    // Without close events (polling), the quiet gap alone ends the burst.
    let mut scene = Scene::new(&[]);
    scene.event(CREATE, &[GUIDE]);
    scene.step(QUIET.as_millis() as u64 + 5);
    assert_eq!(scene.batches.len(), 1);
}

#[test]
fn a_temporary_file_renamed_over_a_guide_is_not_awaited_back() {
    // sed -i, Kate (QSaveFile): a temporary file with an ordinary name, renamed over the guide.
    let temp = "/site/content/sedX4k2Qa";
    let mut scene = Scene::new(&[GUIDE]);
    scene.event(CREATE, &[temp]).event(WRITE, &[temp]).event(CLOSE_WRITE, &[temp]);
    scene.files.remove(Path::new(temp));
    scene.event(RENAME_FROM, &[temp]).event(RENAME_TO, &[GUIDE]).event(RENAME_BOTH, &[temp, GUIDE]);
    scene.step(QUIET.as_millis() as u64 + 5);
    assert_eq!(scene.batches.len(), 1, "rebuilt after the quiet gap, without the grace period");
}

#[test]
fn a_save_through_any_temporary_file_is_an_edit_of_the_guide_alone() {
    // sed -i, `x.md.new` then mv, editors' hidden and visible temporary names: the batch holds
    // the guide only, so the preview updates its pages instead of rebuilding the site.
    for temp in [
        "/site/content/sedX4k2Qa",
        "/site/content/guide.md.new",
        "/site/content/guide.md.tmp.456",
        "/site/content/.guide.md.tmp123",
        "/site/content/guide.tmp.md",
        "/site/content/.#guide.md",
        "/site/content/guide.md___jb_tmp___",
    ] {
        let mut scene = Scene::new(&[GUIDE]);
        scene.event(CREATE, &[temp]).event(WRITE, &[temp]).event(CLOSE_WRITE, &[temp]);
        scene.files.remove(Path::new(temp));
        scene.event(RENAME_FROM, &[temp]).event(RENAME_TO, &[GUIDE]).event(RENAME_BOTH, &[temp, GUIDE]);
        assert_eq!(scene.finish(), [[GUIDE]], "{temp}");
        assert!(scene.batches[0].changes.values().all(|c| *c == Change::Guide), "{temp}");
    }
}

#[test]
fn a_temporary_file_created_and_deleted_alone_rebuilds_nothing() {
    let temp = "/site/content/guide.md.tmp.789";
    let mut scene = Scene::new(&[GUIDE]);
    scene.event(CREATE, &[temp]).event(WRITE, &[temp]);
    scene.files.remove(Path::new(temp));
    scene.event(REMOVE, &[temp]);
    assert!(scene.finish().is_empty());
}

#[test]
fn a_deleted_guide_is_rebuilt_after_the_grace_period() {
    let mut scene = Scene::new(&[GUIDE]);
    scene.event(REMOVE, &[GUIDE]);
    scene.step(GRACE.as_millis() as u64 - 20);
    assert!(scene.batches.is_empty());
    assert_eq!(scene.finish(), [[GUIDE]]);
}

#[test]
fn a_renamed_folder_gives_one_batch() {
    let mut scene = Scene::new(&["/site/content/a"]);
    scene.event(RENAME_FROM, &["/site/content/a"]).event(RENAME_TO, &["/site/content/b"]);
    scene.event(RENAME_BOTH, &["/site/content/a", "/site/content/b"]);
    assert_eq!(scene.finish(), [["/site/content/a", "/site/content/b"]]);
}

#[test]
fn a_checkout_of_a_hundred_files_gives_one_batch() {
    let names: Vec<String> = (0..100).map(|i| format!("/site/content/guide-{i}.md")).collect();
    let mut scene = Scene::new(&[]);
    for (i, name) in names.iter().enumerate() {
        let kind = if i % 3 == 0 {
            REMOVE
        } else if i % 3 == 1 {
            CREATE
        } else {
            WRITE
        };
        scene.event(kind, &[name]);
    }
    let batches = scene.finish();
    assert_eq!(batches.len(), 1, "{batches:?}");
    assert_eq!(batches[0].len(), 100);
}

#[test]
fn a_burst_that_never_stops_is_cut_at_the_maximum_wait() {
    let mut scene = Scene::new(&[GUIDE]);
    for _ in 0..1500 {
        scene.event(WRITE, &[GUIDE]);
    }
    assert!(!scene.batches.is_empty(), "a log-like writer still gets rebuilds");
}

#[test]
fn stylesheet_only_batches_are_told_apart() {
    let batch = |paths: &[(&str, Change)]| Batch {
        changes: paths.iter().map(|(p, c)| (PathBuf::from(p), *c)).collect(),
    };
    assert!(batch(&[("/site/static/a.css", Change::Stylesheet)]).stylesheets_only());
    assert!(!batch(&[("/site/static/a.css", Change::Stylesheet), (GUIDE, Change::Guide)]).stylesheets_only());
    assert!(batch(&[("/site/carnet.toml", Change::Config)]).changes_roots());
    assert_eq!(
        batch(&[(GUIDE, Change::Guide), ("/site/content/b.md", Change::Guide)]).describe(Path::new("/site")),
        "content/b.md and 1 more"
    );
}

#[test]
fn the_watch_limit_is_recognised_whichever_way_it_is_reported() {
    assert!(is_watch_limit(&notify::Error::new(notify::ErrorKind::MaxFilesWatch)));
    // inotify_add_watch: ENOSPC; inotify_init: EMFILE.
    assert!(is_watch_limit(&notify::Error::io(std::io::Error::from_raw_os_error(28))));
    assert!(is_watch_limit(&notify::Error::io(std::io::Error::from_raw_os_error(24))));
    assert!(!is_watch_limit(&notify::Error::io(std::io::Error::from_raw_os_error(2))));
    assert!(!is_watch_limit(&notify::Error::path_not_found()));
}

#[test]
fn files_the_ignore_files_leave_out_rebuild_nothing_and_an_ignore_file_rebuilds_all() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join(".gitignore"), "*.log\nmedia/\n").unwrap();
    std::fs::create_dir_all(root.join("media/photos")).unwrap();
    let roots = WatchRoots { content: root.to_path_buf(), ..WatchRoots::of(root) };
    let event = |kind: EventKind, path: PathBuf| Event::new(kind).add_path(path);
    let mut debouncer = Debouncer::new(true);
    let now = Instant::now();
    assert!(!debouncer.add(now, &event(WRITE, root.join("celery.log")), &roots), "an application's log");
    assert!(!debouncer.add(now, &event(CREATE, root.join("media/photos/x.png")), &roots), "an upload");
    assert!(debouncer.add(now, &event(WRITE, root.join("GUIDE.md")), &roots));
    assert_eq!(classify(&WRITE, &root.join(".gitignore"), &roots), Change::Config);
    assert_eq!(classify(&WRITE, &root.join("docs/.ignore"), &roots), Change::Config);
}
