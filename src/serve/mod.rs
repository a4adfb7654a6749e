//! `carnet serve`: the live preview, a dev server and a watcher around `site::build`.
//!
//! `run`: 1. bind the address (port 0: an ephemeral one) and print the URL; 2. build the site
//! into a private folder (`folder`; `Builder`, two slots so that a build never writes under the
//! server's feet); 3. serve it (`server`, behind `guard`, with the headers of render.yaml:
//! `headers`) while the watcher thread (`watch::run`) rebuilds once per burst of changes — in
//! place, page by page, when only guides were edited (`site::live`), else the whole site into the
//! other slot — and publishes each outcome to open pages (`reload`); 4. stop on Ctrl-C or SIGTERM.

pub mod folder;
pub mod guard;
pub mod headers;
pub mod reload;
pub mod server;
pub mod watch;

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::sync::watch as channel;

use crate::error::{Diagnostic, Error, Result};
use crate::markdown::Renderer;
use crate::report::Reporter;
use crate::site::live::{LiveSite, Outcome};
use crate::site::{self, BuildOptions};
use folder::PreviewFolder;
use guard::Guard;
use headers::HeaderRules;
use reload::{BuildState, DiagnosticView};
use watch::{Batch, Change, Report, SourceWatcher, WatchRoots};

/// How long a preview killed just before this one started is given to finish exiting, so that
/// its folder is removed too.
const EXIT_GRACE: Duration = Duration::from_secs(3);

/// What `carnet serve` is asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site root.
    pub root: PathBuf,
    /// The address to listen on.
    pub bind: IpAddr,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// Open the site in the default browser.
    pub open: bool,
    /// Poll the sources instead of using the system's file events.
    pub poll: bool,
}

/// `carnet serve`: runs until Ctrl-C or SIGTERM; returns the exit code.
pub fn run(args: &ServeOptions, reporter: &Reporter) -> Result<u8> {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().map_err(|e| {
            Error::Preview { action: "start the server for", path: args.root.clone(), reason: e.to_string() }
        })?;
    runtime.block_on(serve(args, *reporter))
}

async fn serve(args: &ServeOptions, reporter: Reporter) -> Result<u8> {
    check_root(&args.root)?;
    let address = SocketAddr::new(args.bind, args.port);
    let listen = |source| Error::Listen { address, source };
    let listener = tokio::net::TcpListener::bind(address).await.map_err(listen)?;
    let bound = listener.local_addr().map_err(listen)?;
    let url = local_url(args.bind, bound.port());
    if !args.bind.is_loopback() {
        warn(
            &reporter,
            format!(
                "serving on {}: every computer that can reach this one can read the site",
                if args.bind.is_unspecified() {
                    "all network interfaces".to_string()
                } else {
                    args.bind.to_string()
                }
            ),
        );
    }

    let mut builder = Builder::new(&args.root, &url, reporter)?;
    for stale in &builder.folder.cleaned {
        reporter.detail(format!("removed the folder of a stopped preview: {}", stale.display()));
    }
    let in_use = std::mem::take(&mut builder.folder.in_use);
    std::thread::spawn(move || {
        for stale in folder::remove_when_stopped(in_use, EXIT_GRACE) {
            reporter.detail(format!("removed the folder of a stopped preview: {}", stale.display()));
        }
    });
    reporter.detail(format!("preview folder: {}", builder.folder.path().display()));
    let first = builder.build(None);
    let (publish, status) = channel::channel(Arc::new(first));
    let (stop_streams, shutdown) = channel::channel(false);
    let app =
        server::App { site: builder.serving.clone(), status, shutdown, headers: builder.headers.clone() };

    let (sender, receiver) = mpsc::channel();
    let roots = WatchRoots::of(&args.root);
    let (watcher, note) = SourceWatcher::start(roots, args.poll, sender.clone())
        .map_err(|e| Error::Preview { action: "watch", path: args.root.clone(), reason: e.to_string() })?;
    if let Some(note) = note {
        warn(&reporter, note);
    }
    let watching = match watcher.mode() {
        watch::Mode::Native => "watching for changes",
        watch::Mode::Polling => "watching for changes by polling",
    };
    announce(&url, watching);
    let watch_thread = std::thread::spawn(move || {
        watch::run(watcher, receiver, |report| match report {
            Report::Note(note) => warn(&reporter, note),
            Report::Batch(batch) => {
                let state = builder.build(Some(&batch));
                let _ = publish.send(Arc::new(state));
            }
        });
        builder
    });
    if args.open {
        if let Err(e) = opener::open(&url) {
            warn(&reporter, format!("cannot open a browser: {e}"));
        }
    }

    server::run(listener, server::router(app, Guard::new(args.bind)), async move {
        stop_signal().await;
        let _ = stop_streams.send(true);
    })
    .await;
    reporter.info("Stopping");
    let _ = sender.send(watch::Message::Stop);
    if let Ok(builder) = watch_thread.join() {
        builder.clean();
    }
    Ok(0)
}

fn warn(reporter: &Reporter, message: impl std::fmt::Display) {
    reporter.info(format!("warning: {message}"));
}

/// The URL to open: the loopback address when bound to all interfaces.
fn local_url(bind: IpAddr, port: u16) -> String {
    let host = match bind {
        IpAddr::V4(ip) if ip.is_unspecified() => "127.0.0.1".to_string(),
        IpAddr::V6(ip) if ip.is_unspecified() => "[::1]".to_string(),
        IpAddr::V4(ip) => ip.to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
    };
    format!("http://{host}:{port}/")
}

/// The line scripts and tests wait for, on stdout, flushed at once.
fn announce(url: &str, watching: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "Serving {url} ({watching}; Ctrl-C to stop)");
    let _ = stdout.flush();
}

async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}

/// Builds the site into one of two private folders in turn, and points the server at the last
/// good one only once it is complete.
struct Builder {
    root: PathBuf,
    base_url: String,
    reporter: Reporter,
    /// Private folder holding the two slots; removed on exit.
    folder: PreviewFolder,
    slots: [PathBuf; 2],
    /// The slot the server reads, shared with it.
    serving: Arc<RwLock<Option<server::Served>>>,
    /// The headers of the site's render.yaml, read before each full build, shared with the server.
    headers: server::SharedHeaders,
    /// Kept between builds: its cache of highlighted code blocks.
    renderer: Arc<Renderer>,
    /// The last good site in memory, updated in place when only guides changed.
    live: Option<LiveSite>,
    session: u64,
    builds: u64,
    last_ok: bool,
}

impl Builder {
    fn new(root: &Path, url: &str, reporter: Reporter) -> Result<Builder> {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_nanos();
        let folder = PreviewFolder::create(&std::env::temp_dir())?;
        let slots = [folder.path().join("a"), folder.path().join("b")];
        Ok(Builder {
            root: root.to_path_buf(),
            base_url: url.to_string(),
            reporter,
            slots,
            folder,
            serving: Arc::new(RwLock::new(None)),
            headers: Arc::new(RwLock::new(Arc::new(HeaderRules::default()))),
            renderer: Arc::new(Renderer::new()),
            live: None,
            session: nanos as u64 ^ u64::from(std::process::id()),
            builds: 0,
            last_ok: false,
        })
    }

    /// Builds (after `batch`, or the first time), reports in the terminal, and switches the
    /// server to the new site when the build succeeded.
    fn build(&mut self, batch: Option<&Batch>) -> BuildState {
        if let Some(state) = batch.and_then(|batch| self.update(batch)) {
            return state;
        }
        self.full_build(batch)
    }

    /// Takes in edited guides without building the whole site, when that is all that changed.
    fn update(&mut self, batch: &Batch) -> Option<BuildState> {
        if !self.last_ok || !batch.changes.values().all(|c| *c == Change::Guide) {
            return None;
        }
        let paths: Vec<&Path> = batch.changes.keys().map(PathBuf::as_path).collect();
        let live = self.live.as_mut()?;
        let result = match live.update(&paths) {
            Ok(Outcome::Updated(update)) => Ok(update),
            Ok(Outcome::NeedsFullBuild(reason)) => {
                self.reporter.detail(format!("full build: {reason}"));
                self.live = None;
                return None;
            }
            Err(err) => Err(err),
        };
        self.builds += 1;
        let changed = format!(" ({} changed)", batch.describe(&self.root));
        let (ok, diagnostics) = match result {
            Ok(update) => {
                let dir = live.output().to_path_buf();
                *self.serving.write().unwrap_or_else(|e| e.into_inner()) =
                    Some(server::Served { dir, build: self.builds });
                self.report_success(&update.summary);
                self.reporter.info(format!(
                    "Updated {} page(s) in {} ms{changed}",
                    update.pages,
                    update.summary.elapsed.as_millis()
                ));
                (true, update.summary.diagnostics)
            }
            Err(err) => {
                // The folder may lag behind the site in memory: the next change builds it all.
                self.live = None;
                self.reporter.error(&err);
                self.reporter.info(format!("Update failed{changed}; fix it and save again"));
                (false, failure_diagnostics(err))
            }
        };
        self.last_ok = ok;
        let diagnostics = diagnostics.iter().map(|d| DiagnosticView::new(d, &self.root)).collect();
        Some(BuildState { session: self.session, build: self.builds, ok, css_only: false, diagnostics })
    }

    fn report_success(&self, summary: &site::BuildSummary) {
        self.reporter.diagnostics(&summary.diagnostics);
        let stages: Vec<String> = summary.stages.iter().map(ToString::to_string).collect();
        self.reporter.detail(format!("stages: {}", stages.join(", ")));
    }

    /// Builds the whole site into the slot not being served, and keeps it in memory.
    fn full_build(&mut self, batch: Option<&Batch>) -> BuildState {
        let started = Instant::now();
        self.live = None;
        self.read_headers();
        let serving = self.serving.read().unwrap_or_else(|e| e.into_inner()).clone();
        let serving_first = serving.as_ref().is_some_and(|s| s.dir == self.slots[0]);
        let slot = if serving_first { &self.slots[1] } else { &self.slots[0] };
        self.clear_slot(slot);
        let options = BuildOptions::preview(&self.root, slot.clone(), Some(self.base_url.clone()));
        let result = site::build_keeping(&options, self.renderer.clone());
        self.builds += 1;
        let changed = batch.map(|b| format!(" ({} changed)", b.describe(&self.root))).unwrap_or_default();
        let css_only = batch.is_some_and(Batch::stylesheets_only) && self.last_ok;
        let (ok, diagnostics) = match result {
            Ok((summary, built)) => {
                let served = server::Served { dir: slot.clone(), build: self.builds };
                *self.serving.write().unwrap_or_else(|e| e.into_inner()) = Some(served);
                let reporter = self.reporter;
                let on_error = move |err: Error| reporter.error(&err);
                self.live = Some(LiveSite::new(built, options, on_error));
                self.report_success(&summary);
                self.reporter.info(format!(
                    "Built {} pages in {} ms{changed}",
                    summary.pages,
                    started.elapsed().as_millis()
                ));
                (true, summary.diagnostics)
            }
            Err(err) => {
                self.reporter.error(&err);
                let kept = if serving.is_some() {
                    "still serving the last good site"
                } else {
                    "nothing to serve yet"
                };
                self.reporter.info(format!("Build failed{changed}: {kept}; fix it and save again"));
                (false, failure_diagnostics(err))
            }
        };
        self.last_ok = ok;
        let diagnostics = diagnostics.iter().map(|d| DiagnosticView::new(d, &self.root)).collect();
        BuildState { session: self.session, build: self.builds, ok, css_only, diagnostics }
    }

    /// Takes the header rules of the site's render.yaml (a full build follows each change of it).
    fn read_headers(&self) {
        let (rules, warning) = HeaderRules::of_site(&self.root);
        if let Some(warning) = warning {
            self.reporter.diagnostic(&warning);
        }
        *self.headers.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(rules);
    }

    /// Moves the site two builds old out of the way and deletes it in the background: deleting
    /// a thousand pages can take seconds, which the author should not wait for.
    fn clear_slot(&self, slot: &Path) {
        if !slot.exists() {
            return;
        }
        let trash = self.folder.path().join(format!("old-{}", self.builds));
        if std::fs::rename(slot, &trash).is_ok() {
            std::thread::spawn(move || std::fs::remove_dir_all(trash));
        }
    }

    fn clean(self) {
        self.folder.remove();
    }
}

/// The errors of a failed build, or one that says what stopped it.
fn failure_diagnostics(err: Error) -> Vec<Diagnostic> {
    match err {
        Error::Build(diagnostics) => diagnostics.into_iter().filter(Diagnostic::is_error).collect(),
        Error::Config(diagnostic) => vec![*diagnostic],
        other => vec![Diagnostic::error(crate::error::Location::default(), other.to_string())],
    }
}

/// The site root must be a folder: say so plainly, naming it, before anything starts.
fn check_root(root: &std::path::Path) -> Result<()> {
    match std::fs::metadata(root) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(Error::Usage(format!("--root {}: not a folder", root.display()))),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Err(Error::Usage(format!(
            "--root {}: no such folder (give the folder holding carnet.toml and content/)",
            root.display()
        ))),
        Err(err) => Err(Error::Usage(format!("--root {}: {err}", root.display()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_to_open_is_a_loopback_one() {
        assert_eq!(local_url("127.0.0.1".parse().unwrap(), 41234), "http://127.0.0.1:41234/");
        assert_eq!(local_url("0.0.0.0".parse().unwrap(), 8000), "http://127.0.0.1:8000/");
        assert_eq!(local_url("::".parse().unwrap(), 8000), "http://[::1]:8000/");
        assert_eq!(local_url("192.168.1.5".parse().unwrap(), 80), "http://192.168.1.5:80/");
    }
}
