//! `carnet serve`: the real binary on an ephemeral loopback port over a fixture site. A test edits
//! the sources the way editors save them and listens on the reload channel like an open page
//! does, then asserts what the page would be told and what the server answers.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::fixture::Site;

/// The longest any single wait may take.
pub(crate) const TIMEOUT: Duration = Duration::from_secs(20);
/// How long to listen for a second, unwanted message after a save (its burst is long over:
/// the debouncer waits 40 ms of quiet, 250 ms at most for a file renamed away).
const SETTLE: Duration = Duration::from_millis(1200);

/// A running `carnet serve`, killed when dropped (also when the test fails).
pub(crate) struct Server {
    pub(crate) child: Child,
    /// `127.0.0.1:PORT`.
    pub(crate) addr: String,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    pub(crate) fn start(site: &Site, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_carnet"))
            .args(["serve", "--port", "0", "--root"])
            .arg(site.root())
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start carnet serve");
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        let mut err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n @ 1..) = err.read(&mut buffer) {
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        let (sender, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = sender.send(line);
            }
        });
        let mut server = Server { child, addr: String::new(), stderr };
        let line = lines
            .recv_timeout(TIMEOUT)
            .unwrap_or_else(|_| panic!("carnet serve printed no address; stderr:\n{}", server.stderr()));
        let url = line.split_whitespace().find(|w| w.starts_with("http://")).expect("a URL in the line");
        assert!(line.starts_with("Serving http://127.0.0.1:"), "{line}");
        server.addr = url.trim_start_matches("http://").trim_end_matches('/').to_string();
        server
    }

    pub(crate) fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// The server's stderr once it holds `needle` (the thread reading the pipe may lag behind
    /// the event stream), or what it holds after 10 s.
    pub(crate) fn stderr_with(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let stderr = self.stderr();
            if stderr.contains(needle) || Instant::now() > deadline {
                return stderr;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Subscribes to the reload channel like a page; returns once `hello` arrived.
    pub(crate) fn subscribe(&self) -> Events {
        let mut stream = TcpStream::connect(&self.addr).expect("connect to the event stream");
        write!(
            stream,
            "GET /__carnet/events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
            self.addr
        )
        .unwrap();
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let (mut event, mut data) = (String::new(), String::new());
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if let Some(name) = line.strip_prefix("event: ") {
                    event = name.to_string();
                } else if let Some(text) = line.strip_prefix("data: ") {
                    data.push_str(text);
                } else if line.is_empty() && !event.is_empty() {
                    let message = (std::mem::take(&mut event), std::mem::take(&mut data));
                    if sender.send(message).is_err() {
                        return;
                    }
                }
            }
        });
        let events = Events { receiver };
        let (name, data) = events.next("the hello message");
        assert_eq!(name, "hello", "{data}");
        events
    }

    pub(crate) fn get(&self, path: &str) -> Response {
        get(&self.addr, path)
    }
}

impl Drop for Server {
    /// Stops the server as Ctrl-C would (so that it removes its private folder), or kills it.
    fn drop(&mut self) {
        if stop(&mut self.child).is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Sends SIGTERM (through the shell's `kill`: no procps needed) and waits for the exit code.
pub(crate) fn stop(child: &mut Child) -> Option<i32> {
    if let Some(status) = child.try_wait().ok()? {
        return status.code();
    }
    let kill = format!("kill -TERM {} 2>/dev/null", child.id());
    Command::new("sh").args(["-c", &kill]).status().ok()?;
    let deadline = Instant::now() + TIMEOUT;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().ok()? {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// The reload messages of one subscribed page: (event name, JSON data).
pub(crate) struct Events {
    receiver: Receiver<(String, String)>,
}

impl Events {
    pub(crate) fn next(&self, what: &str) -> (String, String) {
        self.receiver.recv_timeout(TIMEOUT).unwrap_or_else(|_| panic!("timed out waiting for {what}"))
    }

    /// The next message, which must be `name`; returns its data.
    pub(crate) fn expect(&self, name: &str, after: &str) -> String {
        let (event, data) = self.next(&format!("`{name}` after {after}"));
        assert_eq!(event, name, "after {after}: {data}");
        data
    }

    /// Nothing more arrives for a while: the save gave exactly one message.
    fn expect_quiet(&self, after: &str) {
        if let Ok((event, data)) = self.receiver.recv_timeout(SETTLE) {
            panic!("a second message after {after}: {event} {data}");
        }
    }
}

pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) head: String,
    pub(crate) body: String,
}

impl Response {
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim().to_string())
        })
    }
}

/// One HTTP/1.1 GET, sent as written (no normalisation of the path).
pub(crate) fn get(addr: &str, path: &str) -> Response {
    request(addr, "GET", path)
}

pub(crate) fn request(addr: &str, method: &str, path: &str) -> Response {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("read the response");
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    Response { status, head: head.to_string(), body: body.to_string() }
}

fn guide(title: &str, text: &str) -> String {
    format!("# {title}\n\n{text}\n\n## Plus bas\n\nVoir [l'autre guide](autre.md).\n")
}

pub(crate) fn fixture() -> Site {
    let site = Site::new();
    site.file("carnet.toml", "title = \"Essai\"\n")
        .file("content/guide.md", guide("Guide", "Première version."))
        .file("content/autre.md", "# Autre guide\n\nTexte.\n");
    site
}

/// Waits until `path` answers with a body containing `text` (a page of the new build).
pub(crate) fn wait_served(server: &Server, path: &str, text: &str) -> Response {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let response = server.get(path);
        if response.body.contains(text) {
            return response;
        }
        assert!(Instant::now() < deadline, "{path} never served `{text}`:\n{}", response.body);
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn serve_prints_its_address_and_serves_the_site_with_the_reload_script() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let page = server.get("/guide/");
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type").as_deref(), Some("text/html; charset=utf-8"));
    assert!(page.body.contains("Première version."));
    assert!(page.body.contains("/__carnet/events"), "the preview injects the reload script");
    assert!(page.body.contains("http://127.0.0.1:"), "canonical URLs point at the preview");
    // The preview writes nothing into the site: `carnet build` output has no reload script.
    assert!(!site.root().join("public").exists(), "serve must not write public/");
    site.build();
    assert!(!site.read("guide/index.html").contains("__carnet"), "build output has no reload script");
}

#[test]
fn a_plain_write_then_a_vim_save_then_a_safe_write_each_refresh_once() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let events = server.subscribe();

    assert!(server.get("/guide/").body.contains("<html data-live-build=\"1\""), "pages say their build");
    site.file("content/guide.md", guide("Guide", "Deuxième version."));
    let data = events.expect("reload", "a plain write");
    assert!(data.contains("\"build\":2"), "{data}");
    let page = wait_served(&server, "/guide/", "Deuxième version.");
    assert!(
        page.body.contains("<html data-live-build=\"2\""),
        "a page loaded before its subscription can tell"
    );
    events.expect_quiet("a plain write");

    // vim: probe file 4913, rename the guide to its backup, write the new guide, drop the backup.
    let content = site.root().join("content");
    std::fs::write(content.join("4913"), "").unwrap();
    std::fs::remove_file(content.join("4913")).unwrap();
    std::fs::rename(content.join("guide.md"), content.join("guide.md~")).unwrap();
    std::fs::write(content.join(".guide.md.swp"), "swap").unwrap();
    std::thread::sleep(Duration::from_millis(60)); // vim's fsync of the backup, longer than a quiet gap
    std::fs::write(content.join("guide.md"), guide("Guide", "Troisième version, par vim.")).unwrap();
    std::fs::remove_file(content.join("guide.md~")).unwrap();
    events.expect("reload", "a vim save");
    wait_served(&server, "/guide/", "Troisième version, par vim.");
    events.expect_quiet("a vim save");

    // JetBrains "safe write": a temporary file renamed over the guide.
    std::fs::write(content.join("guide.md___jb_tmp___"), guide("Guide", "Quatrième version.")).unwrap();
    std::fs::rename(content.join("guide.md"), content.join("guide.md___jb_old___")).unwrap();
    std::fs::rename(content.join("guide.md___jb_tmp___"), content.join("guide.md")).unwrap();
    std::fs::remove_file(content.join("guide.md___jb_old___")).unwrap();
    events.expect("reload", "a safe write");
    wait_served(&server, "/guide/", "Quatrième version.");
    events.expect_quiet("a safe write");

    // sed -i: a temporary file with an ordinary name (`sedXXXXXX`), renamed over the guide.
    let sed =
        Command::new("sed").args(["-i", "s/Quatrième/Cinquième/"]).arg(content.join("guide.md")).status();
    assert!(sed.expect("run sed").success());
    events.expect("reload", "sed -i");
    wait_served(&server, "/guide/", "Cinquième version.");
    events.expect_quiet("sed -i");

    // Editor leftovers alone change nothing.
    std::fs::write(content.join(".guide.md.swp"), "more swap").unwrap();
    std::fs::write(content.join("guide.md~"), "backup").unwrap();
    events.expect_quiet("writing only swap and backup files");
}

#[test]
fn a_guide_written_slowly_refreshes_once_with_its_final_text() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let events = server.subscribe();
    // An editor that truncates the file, then takes its time to write it (a slow disk, a big file).
    let mut file = std::fs::File::create(site.root().join("content/guide.md")).unwrap();
    std::thread::sleep(Duration::from_millis(150));
    file.write_all(guide("Guide", "Écrit lentement.").as_bytes()).unwrap();
    drop(file);
    events.expect("reload", "a slow write");
    wait_served(&server, "/guide/", "Écrit lentement.");
    events.expect_quiet("a slow write");
}

#[test]
fn a_checkout_of_a_hundred_guides_refreshes_once() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let events = server.subscribe();
    for i in 0..100 {
        site.file(&format!("content/lot/guide-{i:03}.md"), format!("# Guide {i}\n\nTexte {i}.\n"));
    }
    events.expect("reload", "100 new guides");
    events.expect_quiet("100 new guides");
    wait_served(&server, "/lot/guide-099/", "Texte 99.");
    let home = server.get("/");
    let nav = server.get(&format!("/{}", crate::fixture::asset_in(&home.body, "nav.js")));
    assert!(nav.body.contains("lot/guide-042/"), "new guides appear in the sidebar");
}

#[test]
fn a_deleted_guide_then_answers_404_with_a_way_home() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let events = server.subscribe();
    site.remove("content/autre.md");
    // The link from guide.md is broken now: a warning in the preview, not a failure.
    let data = events.expect("reload", "deleting a guide");
    assert!(data.contains("broken link"), "{data}");
    assert!(data.contains("\"severity\":\"warning\""), "{data}");
    let gone = server.get("/autre/");
    assert_eq!(gone.status, 404);
    assert!(gone.body.contains("Page introuvable"));
    assert!(gone.body.contains("href=\"/\""), "the 404 page leads home");
    assert!(gone.body.contains("/__carnet/events"), "the 404 page reloads too");
}

#[test]
fn a_broken_template_shows_its_error_keeps_the_old_site_and_the_fix_clears_it() {
    let site = fixture();
    site.file(
        "templates/guide.html",
        "{% extends \"base.html\" %}\n{% block main %}{{ page.content | safe }}{% endblock main %}\n",
    );
    let server = Server::start(&site, &[]);
    let events = server.subscribe();

    site.file(
        "templates/guide.html",
        "{% extends \"base.html\" %}\n{% block main %}{{ page.content | safe }\n{% endblock main %}\n",
    );
    let data = events.expect("failed", "breaking a template");
    assert!(data.contains("\"file\":\"templates/guide.html\""), "{data}");
    assert!(data.contains("\"line\":2"), "{data}");
    assert!(data.contains("\"ok\":false"), "{data}");
    let page = server.get("/guide/");
    assert_eq!(page.status, 200, "the last good site is still served");
    assert!(page.body.contains("Première version."));
    let stderr = server.stderr_with("templates/guide.html:2:");
    assert!(stderr.contains("templates/guide.html:2:"), "the terminal shows the error too:\n{stderr}");

    // A page opened now sees the error at once.
    let late = server.subscribe_after_hello_with("\"ok\":false");
    drop(late);

    site.file("templates/guide.html", "{% extends \"base.html\" %}\n{% block main %}<div class=\"neuf\">{{ page.content | safe }}</div>{% endblock main %}\n");
    let data = events.expect("reload", "fixing the template");
    assert!(data.contains("\"ok\":true"), "{data}");
    wait_served(&server, "/guide/", "class=\"neuf\"");
}

impl Server {
    /// Subscribes and checks that the `hello` message carries `text`.
    fn subscribe_after_hello_with(&self, text: &str) -> TcpStream {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        write!(stream, "GET /__carnet/events HTTP/1.1\r\nHost: {}\r\n\r\n", self.addr).unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        while !line.starts_with("data: ") {
            line.clear();
            assert!(reader.read_line(&mut line).unwrap() > 0, "stream closed before hello");
        }
        assert!(line.contains(text), "{line}");
        stream
    }
}

#[test]
fn a_stylesheet_change_swaps_styles_without_a_reload() {
    let site = fixture();
    site.file("static/extra.css", "body { color: black; }\n");
    let server = Server::start(&site, &[]);
    let events = server.subscribe();
    site.file("static/extra.css", "body { color: navy; }\n");
    events.expect("css", "changing a stylesheet");
    wait_served(&server, "/extra.css", "navy");
    site.file("static/extra.css", "body { color: teal; }\n");
    site.file("content/guide.md", guide("Guide", "Avec du contenu."));
    events.expect("reload", "a stylesheet and a guide");
}

#[test]
fn polling_sees_changes_too() {
    let site = fixture();
    let server = Server::start(&site, &["--poll"]);
    let events = server.subscribe();
    site.file("content/nouveau.md", "# Nouveau\n\nArrivé par sondage.\n");
    events.expect("reload", "a new guide, polled");
    wait_served(&server, "/nouveau/", "Arrivé par sondage.");
}

#[test]
fn the_server_answers_like_a_static_host_and_never_leaves_the_site() {
    let site = fixture();
    site.file("content/images/schéma 1.png", [0x89, b'P', b'N', b'G']);
    let server = Server::start(&site, &[]);

    let folder = server.get("/guide");
    assert_eq!(folder.status, 301);
    assert_eq!(folder.header("location").as_deref(), Some("/guide/"));
    assert_eq!(server.get("/guide/?x=1").status, 200);
    assert_eq!(server.get("/guide?x=1").header("location").as_deref(), Some("/guide/?x=1"));
    let home = server.get("/").body;
    let (css_path, nav_path) = (
        format!("/{}", crate::fixture::asset_in(&home, "carnet.css")),
        format!("/{}", crate::fixture::asset_in(&home, "nav.js")),
    );
    let css = server.get(&css_path);
    assert_eq!(css.header("content-type").as_deref(), Some("text/css; charset=utf-8"));
    let js = server.get(&nav_path);
    assert_eq!(js.header("content-type").as_deref(), Some("text/javascript; charset=utf-8"));
    let image = server.get("/images/sch%C3%A9ma%201.png");
    assert_eq!((image.status, image.header("content-type").as_deref()), (200, Some("image/png")));
    let page = server.get("/guide/");
    let head = request(&server.addr, "HEAD", "/guide/");
    assert_eq!((head.status, head.body.as_str()), (200, ""), "HEAD: the headers only");
    assert_eq!(head.header("content-length"), Some(page.body.len().to_string()), "HEAD gives GET's length");
    let post = request(&server.addr, "POST", "/guide/");
    assert_eq!((post.status, post.header("allow").as_deref()), (405, Some("GET, HEAD")));
    let missing = server.get("/nulle-part/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("Page introuvable"));

    site.file("secret.txt", "root:x:0:0");
    for path in [
        "/../secret.txt",
        "/../../../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
        "/.%2e/.%2e/.%2e/etc/passwd",
        "/guide/..%2f..%2f..%2fetc%2fpasswd",
        "/%2f..%2f..%2fetc/passwd",
        "/..%5c..%5c..%5cetc%5cpasswd",
        "/%5c%5cserver%5cshare",
        "/%252e%252e/%252e%252e/etc/passwd",
        "//etc/passwd",
        "/etc/passwd",
        "/assets/search-manifest.js%00.png",
        "/C:/Windows/win.ini",
    ] {
        let response = server.get(path);
        assert!(matches!(response.status, 400 | 404), "{path}: {}", response.status);
        assert!(!response.body.contains("root:"), "{path} leaked a file");
    }
    // A raw backslash is not even valid in a request target.
    let response = server.get("/..\\..\\secret.txt");
    assert!(matches!(response.status, 400 | 404), "backslashes: {}", response.status);

    // Many readers at once.
    let addr = server.addr.clone();
    let readers: Vec<_> = (0..64)
        .map(|i| {
            let (addr, css_path) = (addr.clone(), css_path.clone());
            std::thread::spawn(move || get(&addr, if i % 2 == 0 { "/guide/" } else { &css_path }).status)
        })
        .collect();
    let statuses: Vec<u16> = readers.into_iter().map(|r| r.join().unwrap()).collect();
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
}

#[test]
fn sigterm_stops_the_server_cleanly_and_removes_its_folder() {
    let site = fixture();
    let mut server = Server::start(&site, &["-v"]);
    let _events = server.subscribe();
    let stderr = server.stderr_with("preview folder: ");
    let folder = stderr
        .lines()
        .find_map(|l| l.strip_prefix("preview folder: "))
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| panic!("-v names the preview folder:\n{stderr}"));
    assert!(folder.is_dir());
    let head = server.get("/guide/");
    assert_eq!(stop(&mut server.child), Some(0), "exit code after SIGTERM:\n{}", server.stderr());
    assert!(!folder.exists(), "{} left behind", folder.display());
    assert!(head.status == 200);
}

#[test]
fn a_site_broken_from_the_start_shows_its_error_until_it_is_fixed() {
    let site = fixture();
    site.file("carnet.toml", "title = \"Essai\"\ntitel = \"faute\"\n");
    let server = Server::start(&site, &[]);
    let waiting = server.get("/guide/");
    assert_eq!(waiting.status, 503, "nothing built yet");
    assert!(waiting.body.contains("/__carnet/events"), "the stand-in page shows the errors and reloads");
    let hello = server.subscribe_after_hello_with("\"file\":\"carnet.toml\",\"line\":2");
    drop(hello);
    let events = server.subscribe();
    site.file("carnet.toml", "title = \"Essai\"\n");
    events.expect("reload", "fixing carnet.toml");
    assert_eq!(server.get("/guide/").status, 200);
}
