//! `carnet serve`: the real binary on an ephemeral loopback port over a fixture site. A test edits
//! the sources the way editors save them and listens on the reload channel like an open page
//! does, then asserts what the page would be told and what the server answers.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
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

/// The tag of the live-reload script in the preview's pages: a file, not inline code.
const RELOAD_SCRIPT: &str = "<script src=\"/__carnet/live-reload.js\"></script>";

/// A running `carnet serve`, killed when dropped (also when the test fails).
pub(crate) struct Server {
    pub(crate) child: Child,
    /// `127.0.0.1:PORT`.
    pub(crate) addr: String,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    pub(crate) fn start(site: &Site, extra: &[&str]) -> Server {
        Server::start_in(site, extra, &std::env::temp_dir())
    }

    /// `start` with `temp` as the system's temporary folder (where previews keep their site).
    pub(crate) fn start_in(site: &Site, extra: &[&str], temp: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_carnet"))
            .args(["serve", "--port", "0", "--root"])
            .arg(site.root())
            .args(extra)
            .env("TMPDIR", temp)
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
    assert!(page.body.contains(RELOAD_SCRIPT), "the preview adds the reload script");
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
    assert!(gone.body.contains(RELOAD_SCRIPT), "the 404 page reloads too");
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
    site.file("content/images.md", "# Images\n\n![Schéma](<images/schéma 1.png>)\n");
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
    assert!(waiting.body.contains(RELOAD_SCRIPT), "the stand-in page shows the errors and reloads");
    let hello = server.subscribe_after_hello_with("\"file\":\"carnet.toml\",\"line\":2");
    drop(hello);
    let events = server.subscribe();
    site.file("carnet.toml", "title = \"Essai\"\n");
    events.expect("reload", "fixing carnet.toml");
    assert_eq!(server.get("/guide/").status, 200);
}

/// Sends `head` exactly as written and returns what came back before the server closed or
/// `wait` passed (the reload channel never closes by itself).
fn send(addr: &str, head: &str, wait: Duration) -> Response {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(wait)).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 8192];
    while let Ok(n @ 1..) = stream.read(&mut buffer) {
        bytes.extend_from_slice(&buffer[..n]);
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    Response { status, head: head.to_string(), body: body.to_string() }
}

/// A request for the reload channel with these extra header lines; what it sent in a second.
fn events_with(server: &Server, headers: &str) -> Response {
    let head = format!("GET /__carnet/events HTTP/1.1\r\n{headers}Accept: text/event-stream\r\n\r\n");
    send(&server.addr, &head, Duration::from_secs(1))
}

fn port_of(server: &Server) -> &str {
    server.addr.rsplit(':').next().unwrap()
}

#[test]
fn a_page_asked_for_under_another_host_name_is_refused_against_dns_rebinding() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let port = port_of(&server);
    let get_as = |host: &str| {
        let head = format!("GET /guide/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        send(&server.addr, &head, TIMEOUT)
    };
    for host in [
        format!("evil.com:{port}"),
        "evil.com".to_string(),
        format!("localhost.evil.com:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
        format!("192.168.1.20:{port}"),
        format!("[::ffff:7f00:1]:{port}"),
    ] {
        let answer = get_as(&host);
        assert!(matches!(answer.status, 403 | 421), "Host {host}: {}", answer.status);
        assert!(!answer.body.contains("Première version."), "Host {host} read the page");
        assert!(
            answer.body.contains("localhost, 127.0.0.1"),
            "the refusal says where to go: {}",
            answer.body
        );
        assert_eq!(answer.header("content-type").as_deref(), Some("text/plain; charset=utf-8"));
    }
    // A request naming another host in its target, none, or two.
    for head in [
        format!("GET http://evil.com:{port}/guide/ HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"),
        "GET /guide/ HTTP/1.0\r\n\r\n".to_string(),
        format!("GET /guide/ HTTP/1.1\r\nHost: localhost:{port}\r\nHost: evil.com\r\nConnection: close\r\n\r\n"),
    ] {
        let answer = send(&server.addr, &head, TIMEOUT);
        assert!(matches!(answer.status, 400 | 403 | 421), "{head:?}: {}", answer.status);
        assert!(!answer.body.contains("Première version."), "{head:?} read the page");
    }
    for host in [
        format!("localhost:{port}"),
        "localhost".to_string(),
        format!("LocalHost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ] {
        let answer = get_as(&host);
        assert_eq!(answer.status, 200, "Host {host}");
        assert!(answer.body.contains("Première version."), "Host {host}");
    }
}

#[test]
fn the_reload_channel_is_refused_to_other_origins_and_its_diagnostics_stay_home() {
    let site = fixture();
    // A warning in every message of the channel: the file and the line it names must not leak.
    site.file("content/casse.md", "# Cassé\n\nVoir [ailleurs](nulle-part.md).\n");
    let server = Server::start(&site, &[]);
    let (addr, port) = (server.addr.clone(), port_of(&server));
    let own = format!("Host: {addr}\r\n");
    for headers in [
        format!("{own}Origin: http://evil.com\r\n"),
        format!("{own}Origin: http://evil.com:{port}\r\n"),
        format!("{own}Origin: http://localhost:{port}\r\n"),
        format!("{own}Origin: http://127.0.0.1:1\r\n"),
        format!("{own}Origin: https://{addr}\r\n"),
        format!("{own}Origin: null\r\n"),
        format!("{own}Origin: http://{addr}\r\nOrigin: http://evil.com\r\n"),
        format!("{own}Sec-Fetch-Site: cross-site\r\n"),
        format!("{own}Sec-Fetch-Site: same-site\r\n"),
        format!("Host: evil.com:{port}\r\nOrigin: http://evil.com:{port}\r\n"),
    ] {
        let answer = events_with(&server, &headers);
        assert!(matches!(answer.status, 403 | 421), "{headers:?}: {}", answer.status);
        assert!(!answer.body.contains("event:") && !answer.body.contains("casse.md"), "{headers:?} leaked");
        assert!(answer.header("access-control-allow-origin").is_none(), "{headers:?}");
    }
    // Same-origin: EventSource sends no Origin, or its own; typed in the address bar.
    for headers in [
        own.clone(),
        format!("{own}Origin: http://{addr}\r\n"),
        format!("Host: localhost:{port}\r\nOrigin: http://localhost:{port}\r\n"),
        format!("{own}Sec-Fetch-Site: same-origin\r\n"),
        format!("{own}Sec-Fetch-Site: none\r\n"),
    ] {
        let answer = events_with(&server, &headers);
        assert_eq!(answer.status, 200, "{headers:?}: {}", answer.body);
        assert!(
            answer.body.contains("event: hello") && answer.body.contains("content/casse.md"),
            "{headers:?}"
        );
        assert!(answer.header("access-control-allow-origin").is_none(), "{headers:?}");
    }
}

#[test]
fn bound_to_every_interface_any_host_reads_the_pages_but_not_the_reload_channel() {
    let site = fixture();
    let server = Server::start(&site, &["--bind", "0.0.0.0"]);
    let port = port_of(&server);
    let page =
        send(&server.addr, "GET /guide/ HTTP/1.1\r\nHost: poste.local\r\nConnection: close\r\n\r\n", TIMEOUT);
    assert_eq!(page.status, 200, "a colleague's browser names this computer as it likes");
    for headers in [
        format!("Host: evil.com:{port}\r\nOrigin: http://evil.com:{port}\r\n"),
        format!("Host: evil.com:{port}\r\n"),
        format!("Host: 127.0.0.1:{port}\r\nOrigin: http://evil.com\r\n"),
    ] {
        let answer = events_with(&server, &headers);
        assert_eq!(answer.status, 403, "{headers:?}");
        assert!(!answer.body.contains("event:"), "{headers:?}");
    }
    for headers in [
        format!("Host: 127.0.0.1:{port}\r\n"),
        format!("Host: 192.168.1.20:{port}\r\nOrigin: http://192.168.1.20:{port}\r\n"),
    ] {
        assert!(events_with(&server, &headers).body.contains("event: hello"), "{headers:?}");
    }
}

/// The `/*` header rules of a Blueprint, but `Cache-Control`: `(lower-case name, value)`.
fn blueprint_headers(path: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
    let rules = yaml["services"][0]["headers"].as_sequence().expect("headers").clone();
    rules
        .iter()
        .filter(|rule| rule["path"].as_str() == Some("/*"))
        .map(|rule| {
            (rule["name"].as_str().unwrap().to_lowercase(), rule["value"].as_str().unwrap().to_string())
        })
        .filter(|(name, _)| name != "cache-control")
        .collect()
}

/// The base64 SHA-256 of each inline `<script>` of `html`.
fn inline_script_hashes(html: &str) -> Vec<String> {
    use base64::Engine;
    use sha2::Digest;
    html.match_indices("<script>")
        .map(|(i, tag)| {
            let body = &html[i + tag.len()..i + html[i..].find("</script>").unwrap()];
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(body.as_bytes()))
        })
        .collect()
}

#[test]
fn the_preview_sends_the_headers_readers_get_and_its_scripts_run_under_them() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    // No render.yaml: the headers of the one `carnet init` writes.
    let init = blueprint_headers(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/init/render.yaml"));
    assert!(init.iter().any(|(name, _)| name == "content-security-policy"), "{init:?}");
    let home = server.get("/").body;
    let css = format!("/{}", crate::fixture::asset_in(&home, "carnet.css"));
    for path in ["/", "/guide/", "/nulle-part/", "/guide", css.as_str(), "/__carnet/live-reload.js"] {
        let answer = server.get(path);
        for (name, value) in &init {
            assert_eq!(answer.header(name).as_ref(), Some(value), "{name} on {path}");
        }
        assert_eq!(answer.header("cache-control").as_deref(), Some("no-store"), "{path}");
    }
    // What the policy allows is what the page runs: its inline scripts by their hash, the
    // live-reload script as a file of its own origin.
    let page = server.get("/guide/");
    let policy = page.header("content-security-policy").unwrap();
    let hashes = inline_script_hashes(&page.body);
    assert_eq!(hashes.len(), 2, "the theme's two inline scripts");
    for hash in hashes {
        assert!(policy.contains(&format!("'sha256-{hash}'")), "{hash} not in {policy}");
    }
    assert!(policy.contains("script-src 'self'") && policy.contains("connect-src 'self'"), "{policy}");
    let script = server.get("/__carnet/live-reload.js");
    assert_eq!(script.header("content-type").as_deref(), Some("text/javascript; charset=utf-8"));
    assert!(script.body.contains("new EventSource(\"/__carnet/events\")"));

    // The site's own render.yaml, read again when it changes.
    let blueprint = "services:\n  - type: web\n    runtime: static\n    name: essai\n    headers:\n      - path: /*\n        name: Content-Security-Policy\n        value: \"default-src 'self'; script-src 'self'\"\n      - path: /*\n        name: X-Frame-Options\n        value: DENY\n";
    site.file("render.yaml", blueprint);
    let deadline = Instant::now() + TIMEOUT;
    while server.get("/guide/").header("x-frame-options").is_none() {
        assert!(Instant::now() < deadline, "render.yaml's headers never applied");
        std::thread::sleep(Duration::from_millis(20));
    }
    let page = server.get("/guide/");
    assert_eq!(
        page.header("content-security-policy").as_deref(),
        Some("default-src 'self'; script-src 'self'")
    );
    assert_eq!(page.header("referrer-policy"), None, "only the site's rules");

    // A render.yaml that cannot be read: a warning naming it, and carnet's headers.
    site.file("render.yaml", "services: [\n");
    let deadline = Instant::now() + TIMEOUT;
    while server.get("/guide/").header("x-frame-options").is_some() {
        assert!(Instant::now() < deadline, "a broken render.yaml kept its headers");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        server.get("/guide/").header("content-security-policy"),
        init.iter().find(|(n, _)| n == "content-security-policy").map(|(_, v)| v.clone())
    );
    let warning = format!("{}: cannot read its headers", site.root().join("render.yaml").display());
    let stderr = server.stderr_with(&warning);
    assert!(stderr.contains(&format!("warning: {warning} (not YAML")), "{stderr}");
}

/// The preview folder a server started with `-v` names on stderr.
fn preview_folder(server: &Server) -> PathBuf {
    let stderr = server.stderr_with("preview folder: ");
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("preview folder: "))
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("-v names the preview folder:\n{stderr}"))
}

#[test]
fn a_killed_preview_s_folder_is_private_and_removed_at_the_next_start_but_a_running_one_s_is_kept() {
    use std::os::unix::fs::PermissionsExt;

    let temp = tempfile::tempdir().unwrap();
    let site = fixture();
    let mut killed = Server::start_in(&site, &["-v"], temp.path());
    let killed_folder = preview_folder(&killed);
    let running = Server::start_in(&site, &["-v"], temp.path());
    let running_folder = preview_folder(&running);
    for folder in [&killed_folder, &running_folder] {
        let mode = std::fs::metadata(folder).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{} is readable by others: {mode:o}", folder.display());
    }
    let look_alike = temp.path().join("carnet-serve-notes");
    std::fs::create_dir(&look_alike).unwrap();
    // SIGKILL: nothing runs, the folder stays. The next preview starts at once, while the killed
    // one may still be exiting (and, not waited for, stays a zombie).
    killed.child.kill().unwrap();
    let next = Server::start_in(&site, &["-v"], temp.path());
    let next_folder = preview_folder(&next);
    let deadline = Instant::now() + TIMEOUT;
    while killed_folder.exists() {
        assert!(
            Instant::now() < deadline,
            "the killed preview's folder is left: {}",
            killed_folder.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    killed.child.wait().unwrap();
    assert!(running_folder.is_dir() && look_alike.is_dir() && next_folder.is_dir());
    // Removed by the next preview, or by the running one, which started while the killed one
    // was alive and keeps checking the folders in use for a while.
    let removed = format!("removed the folder of a stopped preview: {}", killed_folder.display());
    let deadline = Instant::now() + TIMEOUT;
    while !next.stderr().contains(&removed) && !running.stderr().contains(&removed) {
        assert!(
            Instant::now() < deadline,
            "no preview says it removed the folder:\n{}\n{}",
            next.stderr(),
            running.stderr()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(running.get("/guide/").status, 200, "the running preview still serves");
    assert_eq!(next.get("/guide/").status, 200);
}
