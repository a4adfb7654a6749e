//! Watching the site's sources: which file events matter, and when a burst of them is over.
//!
//! 1. `classify` (pure, table-tested) says what an event on a path changes: a guide, a template,
//!    a stylesheet, … or nothing (editor leftovers, hidden files, other files of the root).
//! 2. `Debouncer` (pure, given the time) gathers the changes of a burst — a vim save, a safe write,
//!    a `git checkout` — and hands them over once, when the burst is quiet and no file that was
//!    renamed or deleted in it is still about to come back.
//! 3. `SourceWatcher` drives `notify`: native events, or polling when asked or when the system's
//!    watch limit is reached; `run` is the loop that calls back once per burst.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, CreateKind, MetadataKind, ModifyKind, RenameMode};
use notify::{Event, EventKind, RecursiveMode, Watcher};

use crate::config::{Config, CONFIG_FILE};
use crate::content::ignored::{IgnoreRules, Verdict, DEPENDENCY_FOLDERS};
use crate::content::walk::{is_guide, is_ignored_name};
use crate::site::blueprint;

/// How long a burst must be quiet before the site is rebuilt.
pub const QUIET: Duration = Duration::from_millis(40);
/// How long a file renamed away or deleted may take to come back (vim's rename save), or a file
/// being written may stay open.
pub const GRACE: Duration = Duration::from_millis(250);
/// A burst never delays a rebuild longer than this.
pub const MAX_WAIT: Duration = Duration::from_secs(2);
/// Interval of the polling watcher.
pub const POLL_INTERVAL: Duration = Duration::from_millis(300);

/// What an event on one path changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Nothing the site is made of.
    Nothing,
    /// A stylesheet of the theme or of `static/`: open pages can swap it without reloading.
    Stylesheet,
    /// A Markdown guide.
    Guide,
    /// Another file of the content folder (an image, a download), or one of its folders.
    ContentFile,
    /// A template of the site or of a theme, or another theme file.
    Template,
    /// A file of `static/`.
    StaticFile,
    /// `render.yaml`: the headers the preview sends, and the routes the build checks.
    Blueprint,
    /// `carnet.toml`.
    Config,
    /// One of the watched folders itself (created, deleted, renamed).
    Folder,
}

/// The places whose changes matter, as absolute paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchRoots {
    pub root: PathBuf,
    pub config: PathBuf,
    pub blueprint: PathBuf,
    pub content: PathBuf,
    pub templates: PathBuf,
    pub themes: PathBuf,
    pub static_dir: PathBuf,
}

impl WatchRoots {
    /// The roots of the site at `root`, with the content folder named by its `carnet.toml`
    /// (the default one when the file is missing or broken: the build will say why).
    pub fn of(root: &Path) -> WatchRoots {
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let config = Config::load(&root).unwrap_or_default();
        let (content_dir, static_dir) = (config.content_dir, config.static_dir);
        WatchRoots {
            config: root.join(CONFIG_FILE),
            blueprint: root.join(blueprint::FILE),
            content: root.join(content_dir),
            templates: root.join("templates"),
            themes: root.join("themes"),
            static_dir: root.join(static_dir),
            root,
        }
    }

    /// The folders watched with everything below them.
    pub fn folders(&self) -> [&Path; 4] {
        [&self.content, &self.templates, &self.themes, &self.static_dir]
    }
}

/// Whether an event of this kind can change a file's contents or existence (reads cannot).
fn kind_matters(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Other => false,
        EventKind::Modify(ModifyKind::Metadata(meta)) => {
            matches!(meta, MetadataKind::WriteTime | MetadataKind::Any)
        }
        EventKind::Any | EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
    }
}

/// What an event of `kind` on `path` changes.
pub fn classify(kind: &EventKind, path: &Path, roots: &WatchRoots) -> Change {
    if !kind_matters(kind) {
        return Change::Nothing;
    }
    if path == roots.config {
        return Change::Config;
    }
    if path == roots.blueprint {
        return Change::Blueprint;
    }
    let is_css = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("css"));
    // The content folder last: with `content_dir = "."` it holds the others.
    let places = [
        (&roots.templates, Change::Template),
        (&roots.themes, Change::Template),
        (&roots.static_dir, Change::StaticFile),
        (&roots.content, Change::ContentFile),
    ];
    for (folder, change) in places {
        let Ok(rel) = path.strip_prefix(folder) else { continue };
        if rel.as_os_str().is_empty() {
            return Change::Folder;
        }
        // An ignore file decides what is published: the whole site is built again.
        if rel.file_name().is_some_and(|name| name == ".gitignore" || name == ".ignore") {
            return Change::Config;
        }
        let skipped = |name: &str| {
            is_ignored_name(name) || (change == Change::ContentFile && DEPENDENCY_FOLDERS.contains(&name))
        };
        if rel.components().any(|c| skipped(&c.as_os_str().to_string_lossy())) {
            return Change::Nothing;
        }
        return match change {
            Change::ContentFile if is_guide(path) => Change::Guide,
            Change::Template | Change::StaticFile if is_css => Change::Stylesheet,
            change => change,
        };
    }
    Change::Nothing
}

/// Whether the site's ignore files leave out `path`, a file of the content or static folder: the
/// build never reads it, so its changes (an application's log, an upload folder) rebuild
/// nothing. Read anew for each event, so that an edited `.gitignore` applies at once.
fn is_git_ignored(change: Change, path: &Path, roots: &WatchRoots) -> bool {
    if !matches!(change, Change::Guide | Change::ContentFile | Change::StaticFile | Change::Stylesheet) {
        return false;
    }
    let mut rules = IgnoreRules::of(&roots.root);
    let mut at = Some(path);
    // The file itself, or a folder it is in (`media/` ignores `media/photo.png`).
    while let Some(here) = at.filter(|p| p.starts_with(&roots.root) && *p != roots.root) {
        if rules.verdict(here, here != path || path.is_dir()) == Verdict::Ignored {
            return true;
        }
        at = here.parent();
    }
    false
}

/// The changes of one burst, handed over once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Each changed path with the biggest change seen on it.
    pub changes: BTreeMap<PathBuf, Change>,
}

impl Batch {
    /// True when only stylesheets changed: pages can swap them without reloading.
    pub fn stylesheets_only(&self) -> bool {
        self.changes.values().all(|c| *c == Change::Stylesheet)
    }

    /// True when the set of watched folders may have changed (config, a folder created).
    pub fn changes_roots(&self) -> bool {
        self.changes.values().any(|c| matches!(c, Change::Config | Change::Folder))
    }

    /// A short description for the terminal: `content/a.md`, or `content/a.md and 99 more`.
    pub fn describe(&self, root: &Path) -> String {
        let mut paths = self.changes.keys().map(|p| p.strip_prefix(root).unwrap_or(p).display());
        let first = paths.next().map(|p| p.to_string()).unwrap_or_default();
        match self.changes.len() {
            0 | 1 => first,
            n => format!("{first} and {} more", n - 1),
        }
    }
}

/// Gathers the changes of a burst and says when it is over. Pure: the caller gives the time and
/// tells which paths exist.
#[derive(Debug, Default)]
pub struct Debouncer {
    burst: Option<Burst>,
    /// The watcher reports files closed after writing (inotify does; polling does not): then a
    /// file still open for writing holds the burst, so a half-written guide is never built.
    closes: bool,
}

#[derive(Debug)]
struct Burst {
    first: Instant,
    last: Instant,
    changes: BTreeMap<PathBuf, Change>,
    /// Files renamed away or deleted in this burst, and when; a later event on them clears them.
    gone: BTreeMap<PathBuf, Instant>,
    /// Files created or written and not closed yet (only when `closes`), and when.
    writing: BTreeMap<PathBuf, Instant>,
    /// Files whose first event in this burst created them: gone by its end, they were an
    /// editor's temporary files (`sed -i`, `guide.md.tmp.456` renamed over the guide).
    created: BTreeSet<PathBuf>,
}

impl Debouncer {
    /// A debouncer for a watcher that reports (`closes`) or not when a written file is closed.
    pub fn new(closes: bool) -> Debouncer {
        Debouncer { burst: None, closes }
    }

    /// Says whether the watcher reports closed files (it changes when falling back to polling).
    pub fn set_closes(&mut self, closes: bool) {
        self.closes = closes;
    }

    /// Notes an event; returns whether it mattered.
    pub fn add(&mut self, now: Instant, event: &Event, roots: &WatchRoots) -> bool {
        let mut mattered = false;
        for (i, path) in event.paths.iter().enumerate() {
            let change = classify(&event.kind, path, roots);
            if change == Change::Nothing || is_git_ignored(change, path, roots) {
                continue;
            }
            mattered = true;
            let burst = self.burst.get_or_insert_with(|| Burst {
                first: now,
                last: now,
                changes: BTreeMap::new(),
                gone: BTreeMap::new(),
                writing: BTreeMap::new(),
                created: BTreeSet::new(),
            });
            burst.last = now;
            if matches!(event.kind, EventKind::Create(_)) && !burst.changes.contains_key(path) {
                burst.created.insert(path.clone());
            }
            let entry = burst.changes.entry(path.clone()).or_insert(change);
            *entry = (*entry).max(change);
            // A file renamed away may come back (vim renames the guide to its backup, then writes
            // it anew); one renamed onto a file of the site (a temporary file saved over a
            // guide: sed -i, Kate) does not.
            let goes_away = match event.kind {
                EventKind::Remove(_) => true,
                EventKind::Modify(ModifyKind::Name(RenameMode::From)) => true,
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => {
                    i == 0
                        && event
                            .paths
                            .get(1)
                            .is_none_or(|to| classify(&event.kind, to, roots) == Change::Nothing)
                }
                _ => false,
            };
            if goes_away && change != Change::Folder {
                burst.gone.insert(path.clone(), now);
            } else {
                burst.gone.remove(path);
            }
            let written = matches!(
                event.kind,
                EventKind::Create(CreateKind::File | CreateKind::Any)
                    | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any)
            );
            if self.closes && written {
                burst.writing.insert(path.clone(), now);
            } else if !matches!(event.kind, EventKind::Modify(ModifyKind::Metadata(_))) {
                burst.writing.remove(path);
            }
        }
        mattered
    }

    /// When `poll` should be called next, if a burst is under way.
    pub fn deadline(&self, exists: impl Fn(&Path) -> bool) -> Option<Instant> {
        let burst = self.burst.as_ref()?;
        let quiet = burst.last + QUIET;
        let gone = burst.gone.iter().filter(|(path, _)| !exists(path)).map(|(_, at)| *at + GRACE);
        let waiting = gone.chain(burst.writing.values().map(|at| *at + GRACE)).max();
        let deadline = waiting.map_or(quiet, |w| w.max(quiet));
        Some(deadline.min(burst.first + MAX_WAIT))
    }

    /// The burst, if it is over at `now`.
    pub fn poll(&mut self, now: Instant, exists: impl Fn(&Path) -> bool) -> Option<Batch> {
        let deadline = self.deadline(&exists)?;
        if now < deadline {
            return None;
        }
        let Burst { mut changes, created, .. } = self.burst.take()?;
        // A temporary file created and renamed away (or deleted) in the burst changed nothing.
        changes.retain(|path, _| !created.contains(path) || exists(path));
        (!changes.is_empty()).then_some(Batch { changes })
    }
}

/// How the sources are watched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Native,
    Polling,
}

/// What the watcher thread receives.
pub enum Message {
    Event(notify::Result<Event>),
    Stop,
}

/// A `notify` watcher over the `WatchRoots`, native or polling.
pub struct SourceWatcher {
    inner: Box<dyn Watcher + Send>,
    mode: Mode,
    roots: WatchRoots,
    watched: Vec<PathBuf>,
    sender: Sender<Message>,
}

/// True when an error means that the system cannot watch more folders (inotify's limit).
pub fn is_watch_limit(error: &notify::Error) -> bool {
    match &error.kind {
        notify::ErrorKind::MaxFilesWatch => true,
        // ENOSPC from inotify_add_watch, EMFILE from inotify_init: out of watches or instances.
        notify::ErrorKind::Io(io) => matches!(io.raw_os_error(), Some(28) | Some(24)),
        _ => false,
    }
}

impl SourceWatcher {
    /// Starts watching; falls back to polling (and says so in the returned note) when the
    /// system cannot watch natively.
    pub fn start(
        roots: WatchRoots,
        poll: bool,
        sender: Sender<Message>,
    ) -> notify::Result<(SourceWatcher, Option<String>)> {
        if !poll {
            let handler = sender.clone();
            match notify::recommended_watcher(move |e| {
                let _ = handler.send(Message::Event(e));
            }) {
                Ok(inner) => {
                    let mut watcher = SourceWatcher {
                        inner: Box::new(inner),
                        mode: Mode::Native,
                        roots: roots.clone(),
                        watched: Vec::new(),
                        sender: sender.clone(),
                    };
                    match watcher.watch_roots() {
                        Ok(()) => return Ok((watcher, None)),
                        Err(e) if is_watch_limit(&e) => {
                            let note = watcher.fall_back_to_polling(&e)?;
                            return Ok((watcher, Some(note)));
                        }
                        Err(e) => return Err(e),
                    }
                }
                Err(e) if is_watch_limit(&e) => {
                    let mut watcher = SourceWatcher::polling(roots, sender)?;
                    watcher.watch_roots()?;
                    return Ok((watcher, Some(polling_note(&e))));
                }
                Err(e) => return Err(e),
            }
        }
        let mut watcher = SourceWatcher::polling(roots, sender)?;
        watcher.watch_roots()?;
        Ok((watcher, None))
    }

    fn polling(roots: WatchRoots, sender: Sender<Message>) -> notify::Result<SourceWatcher> {
        let handler = sender.clone();
        let config = notify::Config::default().with_poll_interval(POLL_INTERVAL);
        let inner = notify::PollWatcher::new(
            move |e| {
                let _ = handler.send(Message::Event(e));
            },
            config,
        )?;
        Ok(SourceWatcher { inner: Box::new(inner), mode: Mode::Polling, roots, watched: Vec::new(), sender })
    }

    /// Replaces the native watcher with a polling one; returns the note to print.
    pub fn fall_back_to_polling(&mut self, error: &notify::Error) -> notify::Result<String> {
        let roots = self.roots.clone();
        *self = SourceWatcher::polling(roots, self.sender.clone())?;
        self.watch_roots()?;
        Ok(polling_note(error))
    }

    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    pub fn roots(&self) -> &WatchRoots {
        &self.roots
    }

    /// Watches the root (for `carnet.toml`, `render.yaml` and folders appearing) and each existing folder.
    fn watch_roots(&mut self) -> notify::Result<()> {
        let mut wanted: Vec<(PathBuf, RecursiveMode)> =
            vec![(self.roots.root.clone(), RecursiveMode::NonRecursive)];
        for folder in self.roots.folders() {
            if folder.is_dir() {
                wanted.push((folder.to_path_buf(), RecursiveMode::Recursive));
            }
        }
        for (path, mode) in wanted {
            if !self.watched.contains(&path) {
                self.inner.watch(&path, mode)?;
                self.watched.push(path);
            }
        }
        Ok(())
    }

    /// After a burst that may have moved the roots (config, a watched folder created, deleted or
    /// replaced): watches everything again, following the config.
    pub fn refresh(&mut self) -> notify::Result<Option<String>> {
        for path in std::mem::take(&mut self.watched) {
            let _ = self.inner.unwatch(&path);
        }
        self.roots = WatchRoots::of(&self.roots.root);
        match self.watch_roots() {
            Ok(()) => Ok(None),
            Err(e) if is_watch_limit(&e) && self.mode == Mode::Native => {
                self.fall_back_to_polling(&e).map(Some)
            }
            Err(e) => Err(e),
        }
    }
}

fn polling_note(error: &notify::Error) -> String {
    format!(
        "cannot watch the sources natively ({error}): the system's watch limit is reached \
         (see fs.inotify.max_user_watches); checking them every {} ms instead",
        POLL_INTERVAL.as_millis()
    )
}

/// What `run` tells its caller between bursts.
pub enum Report {
    /// A note for the terminal (fallback to polling, a watch error).
    Note(String),
    /// A burst is over: rebuild.
    Batch(Batch),
}

/// The watcher thread's loop: gathers events into bursts and calls `on_report` once per burst,
/// until `Message::Stop`. Events arriving during a rebuild form the next burst.
pub fn run(mut watcher: SourceWatcher, receiver: Receiver<Message>, mut on_report: impl FnMut(Report)) {
    // inotify reports files closed after writing; other backends and polling may not.
    let closes = |watcher: &SourceWatcher| cfg!(target_os = "linux") && *watcher.mode() == Mode::Native;
    let mut debouncer = Debouncer::new(closes(&watcher));
    let exists = |p: &Path| p.exists();
    loop {
        debouncer.set_closes(closes(&watcher));
        let message = match debouncer.deadline(exists) {
            Some(deadline) => {
                match receiver.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                    Ok(message) => Some(message),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            None => match receiver.recv() {
                Ok(message) => Some(message),
                Err(_) => return,
            },
        };
        match message {
            Some(Message::Stop) => return,
            Some(Message::Event(Ok(event))) => {
                debouncer.add(Instant::now(), &event, watcher.roots());
            }
            Some(Message::Event(Err(error))) if is_watch_limit(&error) && *watcher.mode() == Mode::Native => {
                match watcher.fall_back_to_polling(&error) {
                    Ok(note) => on_report(Report::Note(note)),
                    Err(e) => on_report(Report::Note(format!("cannot watch the sources: {e}"))),
                }
            }
            Some(Message::Event(Err(error))) => on_report(Report::Note(format!("watch error: {error}"))),
            None => {}
        }
        if let Some(batch) = debouncer.poll(Instant::now(), exists) {
            if batch.changes_roots() {
                match watcher.refresh() {
                    Ok(Some(note)) => on_report(Report::Note(note)),
                    Ok(None) => {}
                    Err(e) => on_report(Report::Note(format!("cannot watch the sources: {e}"))),
                }
            }
            on_report(Report::Batch(batch));
        }
    }
}

#[cfg(test)]
mod tests;
