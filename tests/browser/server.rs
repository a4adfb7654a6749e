//! A tiny static file server for the built site, the way a plain static host serves it.
//!
//! `serve(dir)` binds 127.0.0.1 on an ephemeral port and answers GET/HEAD in a thread per
//! connection: `/dir/` serves `dir/index.html`, `/dir` redirects to `/dir/`, anything missing gets
//! `404.html` with status 404, and `Connection: close` always. `serve_as(dir, host)` is a host
//! like a CDN: no redirect (`/dir` serves `dir/index.html` as it is) and header rules by path, as
//! in render.yaml. The integration tests use this file too (`tests/integration/main.rs`).

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::thread;
use std::time::Duration;

/// How a host answers beyond serving files.
#[derive(Debug, Clone, Default)]
pub struct Host {
    /// `/dir` serves `dir/index.html` itself instead of redirecting to `/dir/`.
    pub folder_without_slash: bool,
    /// Header rules `(path pattern, name, value)`: `/*` matches every path, `/a/*` every path
    /// under `/a/` (Render's syntax for these two forms; other forms are refused).
    pub headers: Vec<(String, String, String)>,
}

impl Host {
    fn headers_for(&self, path: &str) -> Vec<(String, String)> {
        let matches = |pattern: &str| match pattern.strip_suffix('*') {
            Some(prefix) if prefix.ends_with('/') && !prefix.contains('*') => path.starts_with(prefix),
            _ => panic!("header path `{pattern}`: the test host knows only `/*` and `/folder/*`"),
        };
        self.headers.iter().filter(|(p, _, _)| matches(p)).map(|(_, n, v)| (n.clone(), v.clone())).collect()
    }
}

/// Serves `dir` until the test process ends; returns the address it listens on.
pub fn serve(dir: &Path) -> SocketAddr {
    serve_as(dir, Host::default())
}

/// `serve` with the behaviour of `host`.
pub fn serve_as(dir: &Path, host: Host) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0 for the static server");
    let addr = listener.local_addr().expect("local address of the static server");
    let dir = dir.to_path_buf();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (dir, host) = (dir.clone(), host.clone());
            thread::spawn(move || {
                // A browser that drops a connection is not a test failure.
                let _ = handle(stream, &dir, &host);
            });
        }
    });
    addr
}

fn handle(stream: TcpStream, dir: &Path, host: &Host) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let mut response = match method {
        "GET" | "HEAD" => respond(dir, target, host),
        _ => Response::text(405, "Method Not Allowed"),
    };
    response.headers = host.headers_for(target.split(['?', '#']).next().unwrap_or("/"));
    response.write(stream, method == "HEAD")
}

struct Response {
    status: u16,
    content_type: &'static str,
    location: Option<String>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn text(status: u16, body: &str) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            location: None,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    fn write(self, mut stream: TcpStream, head_only: bool) -> std::io::Result<()> {
        let reason = match self.status {
            200 => "OK",
            301 => "Moved Permanently",
            404 => "Not Found",
            _ => "Error",
        };
        let mut head = format!(
            "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
            self.status,
            self.content_type,
            self.body.len()
        );
        if !self.headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("cache-control")) {
            head.push_str("Cache-Control: no-store\r\n");
        }
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if let Some(location) = &self.location {
            head.push_str(&format!("Location: {location}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        if !head_only {
            stream.write_all(&self.body)?;
        }
        stream.flush()
    }
}

fn respond(dir: &Path, target: &str, host: &Host) -> Response {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let Some(relative) = safe_relative(&percent_decode(path)) else {
        return Response::text(400, "Bad Request");
    };
    let mut file = dir.join(&relative);
    if file.is_dir() {
        if !path.ends_with('/') && !host.folder_without_slash {
            let location = format!("{path}/");
            return Response { status: 301, location: Some(location), ..Response::text(301, "") };
        }
        file = file.join("index.html");
    }
    match std::fs::read(&file) {
        Ok(body) => {
            Response { status: 200, content_type: content_type(&file), body, ..Response::text(200, "") }
        }
        Err(_) => match std::fs::read(dir.join("404.html")) {
            Ok(body) => {
                Response { content_type: "text/html; charset=utf-8", body, ..Response::text(404, "") }
            }
            Err(_) => Response::text(404, "Not Found"),
        },
    }
}

/// The URL path as a path under the served folder; `None` if it tries to climb out.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for component in Path::new(path.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}
