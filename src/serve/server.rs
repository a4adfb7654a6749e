//! The HTTP side of the preview (axum): the built site as static files, and the reload channel.
//!
//! `router` answers `GET /__carnet/events` with server-sent events (see `reload`),
//! `GET /__carnet/live-reload.js` with the script that listens to them, and every other GET or
//! HEAD from the folder of the last good build: `/x/` serves `x/index.html`, `/x` redirects to
//! `/x/`, anything missing gets `404.html` with status 404. `url_path` (pure, table-tested)
//! refuses every way out of that folder: `..`, encoded dots, slashes and backslashes, NUL.
//! Before any of that, `guard` refuses requests for other hosts, and other origins' requests for
//! the reload channel; after, every answer gets the site's header rules (`headers`), its
//! Content-Security-Policy included. `run` is the connection loop (hyper's HTTP/1): a request
//! head must arrive within `HEADER_READ_TIMEOUT` and fit in `MAX_HEAD_BYTES`, so a slow or
//! oversized client is dropped or refused (431) without holding anything that other clients need.

use std::convert::Infallible;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::Stream;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};

use super::guard::{self, Guard};
use super::headers::HeaderRules;
use super::reload::{BuildState, Message};

/// Where pages subscribe to reload messages.
pub const EVENTS_PATH: &str = "/__carnet/events";
/// Where pages load the live-reload script from: a file of the site's own origin, which the
/// site's Content-Security-Policy (`script-src 'self'`) lets run.
pub const LIVE_RELOAD_PATH: &str = "/__carnet/live-reload.js";
const LIVE_RELOAD_SCRIPT: &str = include_str!("live_reload.js");

/// The tag that loads the live-reload script (the theme's), also in the stand-in page shown
/// before any build succeeded.
const LIVE_RELOAD: &str = include_str!("../../themes/default/templates/_live_reload.html");

/// The site being served: the folder of a good build, and that build's number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    pub dir: PathBuf,
    pub build: u64,
}

/// What the request handlers share.
#[derive(Clone)]
pub struct App {
    /// The last good build, `None` until one succeeded.
    pub site: Arc<RwLock<Option<Served>>>,
    pub status: watch::Receiver<Arc<BuildState>>,
    /// Turns true when the server stops: event streams end so connections can close.
    pub shutdown: watch::Receiver<bool>,
    /// The site's header rules (its render.yaml's), read again by each full build.
    pub headers: SharedHeaders,
}

/// The header rules every answer gets, replaced when render.yaml changes.
pub type SharedHeaders = Arc<RwLock<Arc<HeaderRules>>>;

/// How long a client may take to send a request head, and how long an idle keep-alive connection
/// stays open: a client that trickles its headers byte by byte is dropped after this.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest request head (request line and headers) read; a larger one gets 431.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// How long open connections get to finish their response once the server stops.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);
/// The pause after a failed accept (too many open files: let some connections close).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Serves `router` on `listener`, one task per connection, until `shutdown` completes; then
/// stops accepting, lets each connection finish its response (at most `DRAIN_TIMEOUT`) and
/// returns. A failed accept (out of file descriptors) is retried, never fatal.
pub async fn run(listener: TcpListener, router: Router, shutdown: impl Future<Output = ()>) {
    let (stop, stopping) = watch::channel(false);
    // Each connection holds a sender: `recv` answers `None` once they are all gone.
    let (open, mut all_closed) = mpsc::channel::<()>(1);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => {
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        tokio::spawn(connection(stream, router.clone(), stopping.clone(), open.clone()));
    }
    drop(listener);
    let _ = stop.send(true);
    drop(open);
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, all_closed.recv()).await;
}

/// One HTTP/1.1 connection, closed gracefully (after the response in flight) when told to stop.
async fn connection(
    stream: TcpStream,
    router: Router,
    mut stop: watch::Receiver<bool>,
    _open: mpsc::Sender<()>,
) {
    let _ = stream.set_nodelay(true);
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT).max_buf_size(MAX_HEAD_BYTES);
    let connection = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(router));
    let mut connection = std::pin::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => return,
        _ = stop.wait_for(|stop| *stop) => connection.as_mut().graceful_shutdown(),
    }
    let _ = connection.await;
}

/// The preview's routes, behind the `guard` (outermost: a refused request reaches nothing).
pub fn router(app: App, guard: Guard) -> Router {
    let guard = Arc::new(guard);
    let same_origin = middleware::from_fn_with_state(guard.clone(), guard::check_events);
    Router::new()
        .route(EVENTS_PATH, get(events).route_layer(same_origin))
        .route(LIVE_RELOAD_PATH, get(live_reload_script))
        .fallback(files)
        .layer(middleware::from_fn_with_state(app.headers.clone(), site_headers))
        .layer(middleware::from_fn_with_state(guard, guard::check_host))
        .with_state(app)
}

/// Adds the site's header rules to every answer.
async fn site_headers(State(headers): State<SharedHeaders>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let mut response = next.run(request).await;
    let rules = headers.read().unwrap_or_else(|e| e.into_inner()).clone();
    rules.apply(&path, response.headers_mut());
    response
}

async fn live_reload_script() -> Response {
    file(StatusCode::OK, "live-reload.js", LIVE_RELOAD_SCRIPT.as_bytes().to_vec())
}

/// The reload channel of one page: `hello`, then one message per build.
async fn events(State(app): State<App>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let mut status = app.status.clone();
    let first = status.borrow_and_update().clone();
    let start = (status, app.shutdown.clone(), first.build, Some(first.hello()));
    let stream =
        futures_util::stream::unfold(start, |(mut status, mut shutdown, seen, pending)| async move {
            if let Some(message) = pending {
                return Some((Ok(to_event(message)), (status, shutdown, seen, None)));
            }
            if *shutdown.borrow() {
                return None;
            }
            tokio::select! {
                changed = status.changed() => {
                    changed.ok()?;
                    let state = status.borrow_and_update().clone();
                    let message = state.message_after(seen);
                    Some((Ok(to_event(message)), (status, shutdown, state.build, None)))
                }
                _ = shutdown.changed() => None,
            }
        });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(10)))
}

fn to_event(message: Message) -> Event {
    Event::default().event(message.event).data(message.data)
}

/// Why a URL path cannot name a file of the site.
#[derive(Debug, PartialEq, Eq)]
pub struct BadPath;

/// The segments of a URL path, decoded once, or `BadPath` when it tries to leave the folder or
/// hides a separator: `..`, `%2e%2e`, `%2f`, `\`, `%5c`, NUL and other control characters, `:`.
/// Empty and `.` segments are dropped; a double-encoded `%252e` stays the literal name `%2e`.
pub fn url_path(raw: &str) -> Result<Vec<String>, BadPath> {
    if !raw.starts_with('/') {
        return Err(BadPath);
    }
    let mut segments = Vec::new();
    for raw_segment in raw.split('/') {
        let segment = percent_decode_str(raw_segment).decode_utf8().map_err(|_| BadPath)?;
        let refused = segment.contains(['/', '\\', ':']) || segment.chars().any(char::is_control);
        if refused || segment == ".." {
            return Err(BadPath);
        }
        if !segment.is_empty() && segment != "." {
            segments.push(segment.into_owned());
        }
    }
    Ok(segments)
}

/// Characters escaped in a path segment of a redirect.
const SEGMENT: &AsciiSet =
    &CONTROLS.add(b' ').add(b'"').add(b'#').add(b'%').add(b'/').add(b'<').add(b'>').add(b'?');

async fn files(State(app): State<App>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed");
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let response = respond(&app, &uri).await;
    if method == Method::HEAD {
        // The headers of the GET, its length included, without the body.
        let (mut parts, body) = response.into_parts();
        if let Some(length) = HttpBody::size_hint(&body).exact() {
            parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        }
        return Response::from_parts(parts, Body::empty());
    }
    response
}

async fn respond(app: &App, uri: &Uri) -> Response {
    let Ok(segments) = url_path(uri.path()) else {
        return plain(StatusCode::BAD_REQUEST, "Bad Request");
    };
    let Some(served) = app.site.read().unwrap_or_else(|e| e.into_inner()).clone() else {
        return no_site_yet();
    };
    let site = &served.dir;
    let mut path = site.clone();
    path.extend(&segments);
    let Some(mut path) = inside(site, &path) else {
        return not_found(&served).await;
    };
    if path.is_dir() {
        if !uri.path().ends_with('/') {
            return redirect_to_folder(&segments, uri.query());
        }
        path.push("index.html");
    }
    match tokio::fs::read(&path).await {
        Ok(body) => page(StatusCode::OK, &path.to_string_lossy(), body, served.build),
        Err(_) => not_found(&served).await,
    }
}

/// A file of the site; an HTML page is marked with the build it comes from
/// (`<html data-live-build="N"`), so that a page loaded just before a rebuild finished, and
/// subscribed just after, still knows that it must reload.
fn page(status: StatusCode, name: &str, mut body: Vec<u8>, build: u64) -> Response {
    let kind = content_type(name);
    if kind.starts_with("text/html") {
        let head = &body[..body.len().min(512)];
        if let Some(at) = head.windows(5).position(|w| w == b"<html") {
            let mark = format!(" data-live-build=\"{build}\"");
            body.splice(at + 5..at + 5, mark.into_bytes());
        }
    }
    file(status, name, body)
}

/// `path` with symbolic links resolved, if it exists and stays inside `site`.
fn inside(site: &Path, path: &Path) -> Option<PathBuf> {
    let site = site.canonicalize().ok()?;
    let path = path.canonicalize().ok()?;
    path.starts_with(&site).then_some(path)
}

fn redirect_to_folder(segments: &[String], query: Option<&str>) -> Response {
    let mut location: String =
        segments.iter().map(|s| format!("/{}", utf8_percent_encode(s, SEGMENT))).collect();
    location.push('/');
    if let Some(query) = query {
        location.push('?');
        location.push_str(query);
    }
    let mut response = plain(StatusCode::MOVED_PERMANENTLY, "");
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

async fn not_found(served: &Served) -> Response {
    match tokio::fs::read(served.dir.join("404.html")).await {
        Ok(body) => page(StatusCode::NOT_FOUND, "404.html", body, served.build),
        Err(_) => plain(StatusCode::NOT_FOUND, "Not Found"),
    }
}

/// Before any build succeeded: a page that only shows the errors (through the live-reload
/// overlay) and turns into the site once the author fixes them.
fn no_site_yet() -> Response {
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Construction en cours</title></head>\n\
         <body><p>Le site n’a pas encore pu être construit : corrigez l’erreur, la page se mettra à jour.</p>\n\
         {LIVE_RELOAD}</body></html>\n"
    );
    file(StatusCode::SERVICE_UNAVAILABLE, "index.html", body.into_bytes())
}

fn file(status: StatusCode, name: &str, body: Vec<u8>) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(name)));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut response = (status, text).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The media type of a file, by extension; text types say `charset=utf-8`.
pub fn content_type(name: &str) -> &'static str {
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" | "toml" | "yaml" | "yml" | "csv" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths_stay_inside_the_site() {
        let ok: &[(&str, &[&str])] = &[
            ("/", &[]),
            ("/dossier/autre-guide/", &["dossier", "autre-guide"]),
            ("/assets/carnet.css", &["assets", "carnet.css"]),
            ("/./a//b/", &["a", "b"]),
            ("//etc/passwd", &["etc", "passwd"]),
            ("/caf%C3%A9/", &["café"]),
            ("/%252e%252e/secret", &["%2e%2e", "secret"]),
            ("/a%20b.png", &["a b.png"]),
        ];
        for (raw, segments) in ok {
            let expected: Vec<String> = segments.iter().map(|s| s.to_string()).collect();
            assert_eq!(url_path(raw), Ok(expected), "{raw}");
        }
        let refused = [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/%2E%2E/etc/passwd",
            "/.%2e/x",
            "/a%2f..%2f..%2fetc/passwd",
            "/..%2fetc",
            "/..\\..\\etc\\passwd",
            "/%5c..%5c..%5cetc",
            "/a%00.html",
            "/a%0a",
            "/C:/Windows/win.ini",
            "/%ff%fe",
            "etc/passwd",
        ];
        for raw in refused {
            assert_eq!(url_path(raw), Err(BadPath), "{raw}");
        }
    }

    #[test]
    fn pages_are_marked_with_their_build() {
        let response =
            page(StatusCode::OK, "a/index.html", b"<!DOCTYPE html>\n<html lang=\"fr\">".to_vec(), 12);
        let body = futures_util::FutureExt::now_or_never(axum::body::to_bytes(response.into_body(), 1 << 20));
        let body = body.expect("a ready body").expect("bytes");
        assert_eq!(&body[..], b"<!DOCTYPE html>\n<html data-live-build=\"12\" lang=\"fr\">");
        let css = page(StatusCode::OK, "a.css", b"<html".to_vec(), 12);
        let body = futures_util::FutureExt::now_or_never(axum::body::to_bytes(css.into_body(), 1 << 20));
        assert_eq!(&body.unwrap().unwrap()[..], b"<html", "only HTML pages are marked");
    }

    #[test]
    fn text_types_say_utf8() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("assets/carnet.CSS"), "text/css; charset=utf-8");
        assert_eq!(content_type("assets/nav.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("image.png"), "image/png");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }
}
