//! External links: `carnet check --external` fetches every `http(s)` link once and reports the
//! broken ones at each place they are written.
//!
//! `check_external` 1. drops links that are not `http(s)` and those on the skip list
//! (`is_skipped`), 2. fetches each distinct URL once (fragment stripped) on `concurrency` threads,
//! at most `per_host` at a time per host: HEAD, then GET when HEAD is refused, redirects followed
//! by hand (`follow`), a short retry on network errors, 5xx and 429, 3. hands each verdict to
//! every occurrence.
//!
//! Where it connects (`address`): public addresses only, checked after name resolution and
//! before connecting, for the link and for every redirect; a redirect to another scheme than
//! http(s) (`file:`, `ftp:`) is not followed either. A link written with a local host
//! (`localhost:8000`, `192.168.1.1`) is skipped; one whose name resolves to a local address, and
//! a redirect to one, is a warning saying it was not checked. Proxies from the environment are
//! not used: carnet could not check where they connect.
//!
//! Severity: only an answer proving the page is gone is an error: 404 Not Found and 410 Gone.
//! Everything else is a warning: 5xx, 429, 401/403 and other 4xx, timeouts, DNS and connection
//! failures, TLS errors, redirect loops. The internet is flaky; a slow or unreachable host must not
//! fail CI.

mod address;

use std::collections::{HashMap, VecDeque};
use std::io;
use std::net::IpAddr;
use std::sync::{mpsc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use ureq::http::{Method, StatusCode};
use ureq::unversioned::transport::DefaultConnector;
use ureq::Agent;

use crate::error::{Diagnostic, Location};
use address::Policy;

/// Sent with every request, so site owners can tell who is knocking.
const USER_AGENT: &str = concat!("carnet-link-check/", env!("CARGO_PKG_VERSION"));
const MAX_REDIRECTS: u32 = 10;
/// The longest wait before a retry, whatever `Retry-After` asks for.
const MAX_RETRY_WAIT: Duration = Duration::from_secs(5);

/// One `http(s)` link, as written at one place in a guide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalLink {
    pub url: String,
    pub location: Location,
}

/// How hard to knock on other people's servers.
#[derive(Debug, Clone)]
pub struct ExternalOptions {
    /// Requests in flight at once, over all hosts.
    pub concurrency: usize,
    /// Requests in flight at once to one host.
    pub per_host: usize,
    /// Budget for one request, redirects included.
    pub timeout: Duration,
    /// Extra attempts after a network error, a 5xx or a 429.
    pub retries: u32,
    /// Wait before the first retry, doubled for each next one. A `Retry-After` in seconds replaces
    /// it; either way the wait is capped at 5 s.
    pub backoff: Duration,
    /// Extra skip patterns: a host (`intranet.fr`, which also covers its subdomains, or
    /// `*.intranet.fr`, only its subdomains), or a URL prefix (`https://github.com/moi/prive`, or
    /// `github.com/moi/prive` for both schemes). Case-insensitive.
    pub skip: Vec<String>,
    /// Local addresses (loopback, private…) connected to all the same, as written in links and
    /// as resolved: a test server's. Empty outside tests: carnet connects to public addresses only.
    pub allowed_local: Vec<IpAddr>,
}

impl Default for ExternalOptions {
    fn default() -> Self {
        ExternalOptions {
            concurrency: 8,
            per_host: 2,
            timeout: Duration::from_secs(10),
            retries: 1,
            backoff: Duration::from_millis(500),
            skip: Vec::new(),
            allowed_local: Vec::new(),
        }
    }
}

/// Checks every `http(s)` link not on the skip list; returns one diagnostic per broken
/// occurrence, in the order of `links`. Links to other schemes are ignored.
pub fn check_external(links: Vec<ExternalLink>, options: &ExternalOptions) -> Vec<Diagnostic> {
    let links: Vec<ExternalLink> = links
        .into_iter()
        .filter(|link| after_scheme(link.url.trim()).is_some() && !is_skipped(&link.url, options))
        .collect();
    let mut pages: Vec<String> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let slots: Vec<usize> = links
        .iter()
        .map(|link| {
            *seen.entry(page_key(&link.url)).or_insert_with_key(|key| {
                pages.push(key.clone());
                pages.len() - 1
            })
        })
        .collect();
    let verdicts = fetch_all(&pages, options);
    links
        .into_iter()
        .zip(slots)
        .filter_map(|(link, slot)| verdicts[slot].diagnostic(link.location, link.url.trim()))
        .collect()
}

/// Whether an `http(s)` URL is on the skip list and is never fetched, so the caller can count
/// them: `localhost`, `*.localhost`, `*.local`, addresses that are not public (`address`), unless
/// in `allowed_local`; `example.com`/`.org`/`.net` and their subdomains, `*.test`, `*.example`,
/// `*.invalid`; URLs with an obvious placeholder (`VOTRE_TOKEN`, `YOUR_…`, `<…>`, `{…}`, `xxx`,
/// `TODO`, `CHANGEME`, `…`; case-insensitive); and the patterns of `options.skip`.
/// False for other schemes: those are not skipped external links, they are not checked at all.
pub fn is_skipped(url: &str, options: &ExternalOptions) -> bool {
    let Some(host) = http_host(url) else {
        return false;
    };
    has_placeholder(url)
        || is_reserved_name(&host)
        || is_local_host(&host, options)
        || options.skip.iter().any(|pattern| matches_pattern(url, &host, pattern))
}

// ---- The skip list ----

/// What follows `http://` or `https://` (any case); `None` for other schemes.
fn after_scheme(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")).then_some(rest)
}

/// The host of an `http(s)` URL, lowercased, without port, user or IPv6 brackets.
fn http_host(url: &str) -> Option<String> {
    let rest = after_scheme(url.trim())?;
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host_port.split(':').next().unwrap_or(""),
    };
    Some(host.trim_end_matches('.').to_ascii_lowercase())
}

/// Brackets and ellipses anywhere, or a placeholder word between the URL's separators (`_` and
/// `-` join words: `todo-list` and `todoist` are not `todo`).
fn has_placeholder(url: &str) -> bool {
    let lower = url.to_lowercase();
    ["<", ">", "{", "}", "…", "..."].iter().any(|mark| lower.contains(mark))
        || lower.split(|c: char| !c.is_alphanumeric() && c != '_' && c != '-').any(is_placeholder_word)
}

fn is_placeholder_word(word: &str) -> bool {
    matches!(word, "todo" | "fixme" | "tbd")
        || ["votre_", "your_", "votre-token", "your-token", "changeme"].iter().any(|mark| word.contains(mark))
        || (word.bytes().filter(|&b| b == b'x').count() >= 3 && word.bytes().all(|b| b == b'x' || b == b'-'))
}

/// Names reserved for documentation and tests (RFC 2606, RFC 6761).
fn is_reserved_name(host: &str) -> bool {
    let tld = host.rsplit('.').next().unwrap_or("");
    ["example.com", "example.org", "example.net"].iter().any(|domain| is_domain_or_sub(host, domain))
        || (host.contains('.') && ["test", "example", "invalid"].contains(&tld))
}

/// Hosts only this machine or its network can reach, as written: local names, and addresses that
/// are not public (names are checked once resolved, when fetched).
fn is_local_host(host: &str, options: &ExternalOptions) -> bool {
    is_domain_or_sub(host, "localhost")
        || host.ends_with(".local")
        || host.parse::<IpAddr>().is_ok_and(|ip| !policy(options).allows(ip))
}

fn policy(options: &ExternalOptions) -> Policy {
    Policy { also_allowed: options.allowed_local.clone() }
}

fn matches_pattern(url: &str, host: &str, pattern: &str) -> bool {
    let pattern = pattern.trim().to_lowercase();
    let url = url.trim().to_lowercase();
    if pattern.is_empty() {
        false
    } else if pattern.contains("://") {
        url.starts_with(&pattern)
    } else if pattern.contains('/') {
        after_scheme(&url).is_some_and(|rest| rest.starts_with(&pattern))
    } else if let Some(parent) = pattern.strip_prefix("*.") {
        host.strip_suffix(parent).is_some_and(|sub| sub.ends_with('.'))
    } else {
        is_domain_or_sub(host, &pattern)
    }
}

fn is_domain_or_sub(host: &str, domain: &str) -> bool {
    host == domain || host.strip_suffix(domain).is_some_and(|sub| sub.ends_with('.'))
}

// ---- Fetching ----

/// Characters a URL may be written with in Markdown but not sent in a request line.
const NOT_IN_URI: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// The URL to request, and the key URLs are deduplicated by: fragment stripped, spaces and
/// non-ASCII characters percent-encoded (so `Système` and `Syst%C3%A8me` are one page).
fn page_key(url: &str) -> String {
    let page = url.trim().split('#').next().unwrap_or("");
    utf8_percent_encode(page, NOT_IN_URI).to_string()
}

/// What one URL turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Ok,
    /// The page is gone: an error.
    Broken(String),
    /// Could not tell, or the host misbehaves: a warning.
    Doubtful(String),
}

impl Verdict {
    fn diagnostic(&self, location: Location, url: &str) -> Option<Diagnostic> {
        match self {
            Verdict::Ok => None,
            Verdict::Broken(why) => Some(Diagnostic::error(location, format!("external link {url}: {why}"))),
            Verdict::Doubtful(why) => {
                Some(Diagnostic::warning(location, format!("external link {url}: {why}")))
            }
        }
    }
}

/// Fetches `pages` on at most `concurrency` threads; the verdicts come back in the same order.
fn fetch_all(pages: &[String], options: &ExternalOptions) -> Vec<Verdict> {
    let agent = agent(options);
    let queue = HostQueue::new(pages, options.per_host.max(1));
    let (sender, receiver) = mpsc::channel();
    thread::scope(|scope| {
        for _ in 0..options.concurrency.max(1).min(pages.len()) {
            let (queue, agent, sender) = (&queue, &agent, sender.clone());
            scope.spawn(move || {
                while let Some(slot) = queue.take() {
                    let verdict = fetch(agent, &pages[slot.index], options);
                    let _ = sender.send((slot.index, verdict));
                }
            });
        }
    });
    drop(sender);
    let mut verdicts = vec![Verdict::Ok; pages.len()];
    for (index, verdict) in receiver {
        verdicts[index] = verdict;
    }
    verdicts
}

/// The agent every request goes through: it follows no redirect itself (`follow` does), uses no
/// proxy, and resolves names through the address policy, which refuses local addresses.
fn agent(options: &ExternalOptions) -> Agent {
    let config = Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .user_agent(USER_AGENT)
        .accept("text/html,application/xhtml+xml,*/*;q=0.8")
        .build();
    Agent::with_parts(config, DefaultConnector::default(), policy(options))
}

/// One URL, with retries: attempts that hit a transient failure are repeated after a wait.
fn fetch(agent: &Agent, page: &str, options: &ExternalOptions) -> Verdict {
    let attempts = options.retries.saturating_add(1);
    let mut use_get = false;
    let mut attempt = 1;
    loop {
        let reply = request(agent, page, &mut use_get, options.timeout);
        if attempt >= attempts || !reply.is_transient() {
            return reply.verdict(attempt, options.timeout);
        }
        thread::sleep(retry_delay(attempt, reply.retry_after(), options.backoff));
        attempt += 1;
    }
}

/// HEAD, or GET when HEAD was refused (and from then on for this URL: retries use GET too).
fn request(agent: &Agent, page: &str, use_get: &mut bool, timeout: Duration) -> Reply {
    if !*use_get {
        match follow(agent, &Method::HEAD, page, timeout) {
            Reply::Status { code, .. } if head_refused(code) => *use_get = true,
            reply => return reply,
        }
    }
    follow(agent, &Method::GET, page, timeout)
}

/// Servers that refuse or mishandle HEAD answer 405, 501, 403, sometimes 404: any 4xx but 429
/// (which is about the rate, not the method) is asked again with GET, whose answer counts.
fn head_refused(code: u16) -> bool {
    code == 501 || ((400..500).contains(&code) && code != 429)
}

// ---- Redirects ----

/// `method` on `page`, then on each redirect's target, at most `MAX_REDIRECTS` times, all within
/// `timeout`. A target that is not http(s) is never requested; the agent's resolver refuses one
/// at a local address before connecting.
fn follow(agent: &Agent, method: &Method, page: &str, timeout: Duration) -> Reply {
    let deadline = Instant::now() + timeout;
    let mut url = page.to_string();
    for hop in 0..=MAX_REDIRECTS {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Reply::Failed(ureq::Error::Timeout(ureq::Timeout::Global));
        }
        let builder = if *method == Method::HEAD { agent.head(&url) } else { agent.get(&url) };
        let response = match builder.config().timeout_global(Some(left)).build().call() {
            Ok(response) => response,
            Err(err) => {
                return match Policy::refused_address(&err) {
                    Some(ip) if hop == 0 => {
                        Reply::Refused(Refusal::LocalLink { host: http_host(&url).unwrap_or(url), ip })
                    }
                    Some(ip) => Reply::Refused(Refusal::LocalRedirect { target: url, ip }),
                    None => Reply::Failed(err),
                }
            }
        };
        let Some(location) = redirect_location(&response) else {
            return Reply::answered(&response);
        };
        match redirect_target(&url, &location) {
            Ok(target) => url = target,
            Err(refusal) => return Reply::Refused(refusal),
        }
    }
    Reply::Failed(ureq::Error::TooManyRedirects)
}

/// The `Location` of a redirect (301, 302, 303, 307, 308); `None` for any other answer, and
/// for a redirect without a target, which is taken as the final answer.
fn redirect_location(response: &ureq::http::Response<ureq::Body>) -> Option<String> {
    if !matches!(response.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = response.headers().get("location")?;
    let location = String::from_utf8_lossy(location.as_bytes()).trim().to_string();
    (!location.is_empty()).then_some(location)
}

/// The absolute URL that `location` points to from `base` (RFC 3986 references; dot segments
/// are left to the server), without fragment and encoded like a written link. Another scheme
/// than http(s) (`file:`, `ftp:`, `data:`) is refused.
fn redirect_target(base: &str, location: &str) -> Result<String, Refusal> {
    let location = page_key(location);
    let target = match scheme_of(&location) {
        Some(_) if after_scheme(&location).is_some() => location,
        Some(_) => return Err(Refusal::Scheme { target: location }),
        None if location.starts_with("//") => format!("{}:{location}", scheme_of(base).unwrap_or("https")),
        None if location.starts_with('/') => format!("{}{location}", origin(base)),
        None if location.is_empty() => page_key(base),
        None if location.starts_with('?') => {
            format!("{}{location}", base.split(['?', '#']).next().unwrap_or(base))
        }
        None => format!("{}{location}", folder(base)),
    };
    Ok(target)
}

/// The scheme of an absolute URL (`http`, `file`, `mailto`); `None` for a relative reference.
fn scheme_of(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

/// `https://host:port` of `https://host:port/path?query`.
fn origin(url: &str) -> &str {
    let start = url.find("://").map_or(0, |i| i + 3);
    let end = url[start..].find(['/', '?', '#']).map_or(url.len(), |i| start + i);
    &url[..end]
}

/// `https://host/a/` of `https://host/a/b?query`: where a relative path starts from.
fn folder(url: &str) -> String {
    let origin = origin(url);
    let path = url[origin.len()..].split(['?', '#']).next().unwrap_or("");
    let folder = path.rfind('/').map_or("/", |i| &path[..=i]);
    format!("{origin}{folder}")
}

/// A link or a redirect that carnet does not follow.
#[derive(Debug)]
enum Refusal {
    /// The link's own host is (or resolves to) a local address.
    LocalLink { host: String, ip: IpAddr },
    /// A redirect to a host that is (or resolves to) a local address.
    LocalRedirect { target: String, ip: IpAddr },
    /// A redirect to another scheme than http(s).
    Scheme { target: String },
}

impl Refusal {
    fn text(&self) -> String {
        match self {
            Refusal::LocalLink { host, ip } => format!("not checked: {host} is a local address ({ip})"),
            Refusal::LocalRedirect { target, ip } => {
                format!("redirect to a local address not followed: {target} ({ip})")
            }
            Refusal::Scheme { target } => {
                format!("redirect to another scheme than http(s) not followed: {target}")
            }
        }
    }
}

/// The outcome of one request (redirects included).
#[derive(Debug)]
enum Reply {
    Status { code: u16, retry_after: Option<Duration> },
    Failed(ureq::Error),
    Refused(Refusal),
}

impl Reply {
    fn answered(response: &ureq::http::Response<ureq::Body>) -> Reply {
        Reply::Status {
            code: response.status().as_u16(),
            retry_after: response
                .headers()
                .get("retry-after")
                .and_then(|value| value.to_str().ok())
                .and_then(parse_retry_after),
        }
    }

    /// Worth another try: the host is busy, failing for now, or the network is.
    fn is_transient(&self) -> bool {
        match self {
            Reply::Status { code, .. } => *code == 429 || (*code >= 500 && *code != 501),
            Reply::Failed(err) => matches!(
                err,
                ureq::Error::Timeout(_)
                    | ureq::Error::Io(_)
                    | ureq::Error::HostNotFound
                    | ureq::Error::ConnectionFailed
                    | ureq::Error::Protocol(_)
            ),
            Reply::Refused(_) => false,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            Reply::Status { retry_after, .. } => *retry_after,
            Reply::Failed(_) | Reply::Refused(_) => None,
        }
    }

    fn verdict(self, attempts: u32, timeout: Duration) -> Verdict {
        let tries = if attempts > 1 { format!(" (after {attempts} attempts)") } else { String::new() };
        match self {
            // 2xx, or a 3xx that is not followed (304, a redirect without a target).
            Reply::Status { code, .. } if code < 400 => Verdict::Ok,
            Reply::Status { code: code @ (404 | 410), .. } => Verdict::Broken(status_text(code)),
            Reply::Status { code, .. } => Verdict::Doubtful(format!("{}{tries}", status_text(code))),
            Reply::Failed(err) => Verdict::Doubtful(format!("{}{tries}", failure_text(&err, timeout))),
            Reply::Refused(refusal) => Verdict::Doubtful(refusal.text()),
        }
    }
}

/// `404 Not Found`.
fn status_text(code: u16) -> String {
    match StatusCode::from_u16(code).ok().and_then(|status| status.canonical_reason()) {
        Some(reason) => format!("{code} {reason}"),
        None => format!("HTTP {code}"),
    }
}

fn failure_text(err: &ureq::Error, timeout: Duration) -> String {
    match err {
        ureq::Error::Timeout(_) => format!("timed out after {}", show_duration(timeout)),
        ureq::Error::Io(io) if io.kind() == io::ErrorKind::TimedOut => {
            format!("timed out after {}", show_duration(timeout))
        }
        ureq::Error::Io(io) if io.kind() == io::ErrorKind::ConnectionRefused => "connection refused".into(),
        ureq::Error::Io(io) => format!("network error: {io}"),
        ureq::Error::HostNotFound => "host not found".into(),
        ureq::Error::TooManyRedirects => format!("more than {MAX_REDIRECTS} redirects"),
        ureq::Error::BadUri(_) => "not a valid URL".into(),
        other => other.to_string(),
    }
}

fn show_duration(duration: Duration) -> String {
    match duration.as_millis() {
        ms if ms % 1000 == 0 => format!("{} s", ms / 1000),
        ms => format!("{ms} ms"),
    }
}

/// `Retry-After` in seconds; the HTTP-date form is ignored (the backoff applies instead).
fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The wait before attempt `attempt + 1`: what the server asked for, or the backoff doubled for
/// each attempt so far; never more than `MAX_RETRY_WAIT`.
fn retry_delay(attempt: u32, retry_after: Option<Duration>, backoff: Duration) -> Duration {
    let doubled = || backoff.saturating_mul(1 << attempt.saturating_sub(1).min(16));
    retry_after.unwrap_or_else(doubled).min(MAX_RETRY_WAIT)
}

// ---- Per-host limit ----

/// The pages still to fetch, handed out in order to whichever thread asks, skipping pages whose
/// host already has `per_host` requests in flight.
struct HostQueue {
    hosts: Vec<String>,
    per_host: usize,
    state: Mutex<QueueState>,
    freed: Condvar,
}

struct QueueState {
    pending: VecDeque<usize>,
    in_flight: HashMap<String, usize>,
}

/// A page taken from the queue; dropping it frees its host's slot.
struct Slot<'a> {
    queue: &'a HostQueue,
    index: usize,
}

impl HostQueue {
    fn new(pages: &[String], per_host: usize) -> Self {
        HostQueue {
            hosts: pages.iter().map(|page| http_host(page).unwrap_or_default()).collect(),
            per_host,
            state: Mutex::new(QueueState { pending: (0..pages.len()).collect(), in_flight: HashMap::new() }),
            freed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next page whose host has a free slot, waiting for one if need be; `None` when done.
    fn take(&self) -> Option<Slot<'_>> {
        let mut guard = self.lock();
        loop {
            let state = &mut *guard;
            if state.pending.is_empty() {
                return None;
            }
            let busy = |index: &usize| state.in_flight.get(&self.hosts[*index]).copied().unwrap_or(0);
            if let Some(position) = state.pending.iter().position(|index| busy(index) < self.per_host) {
                let index = state.pending.remove(position)?;
                *state.in_flight.entry(self.hosts[index].clone()).or_default() += 1;
                return Some(Slot { queue: self, index });
            }
            guard = self.freed.wait(guard).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        if let Some(count) = self.queue.lock().in_flight.get_mut(&self.queue.hosts[self.index]) {
            *count -= 1;
        }
        self.queue.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Instant;

    use crate::error::Severity;

    // ---- A canned HTTP/1.1 server on 127.0.0.1 ----

    struct Request {
        method: String,
        path: String,
        /// 1 for the first request to this path, 2 for the second…
        nth: usize,
    }

    struct Canned {
        status: u16,
        headers: Vec<(&'static str, String)>,
        delay: Duration,
    }

    fn status(status: u16) -> Canned {
        Canned { status, headers: Vec::new(), delay: Duration::ZERO }
    }

    fn redirect(to: &str) -> Canned {
        Canned { headers: vec![("Location", to.to_string())], ..status(301) }
    }

    type Handler = dyn Fn(&Request) -> Canned + Send + Sync;

    #[derive(Default)]
    struct Seen {
        /// (method, path) of every request, in order of arrival.
        requests: Mutex<Vec<(String, String)>>,
        user_agents: Mutex<Vec<String>>,
        active: AtomicUsize,
        peak: AtomicUsize,
    }

    struct Server {
        base: String,
        seen: Arc<Seen>,
    }

    impl Server {
        fn start(handler: impl Fn(&Request) -> Canned + Send + Sync + 'static) -> Server {
            Server::on(TcpListener::bind("127.0.0.1:0").unwrap(), handler)
        }

        /// Two servers on one port, at two loopback addresses (`127.0.0.1` and `127.0.0.2`).
        fn pair(
            first: impl Fn(&Request) -> Canned + Send + Sync + 'static,
            second: impl Fn(&Request) -> Canned + Send + Sync + 'static,
        ) -> (Server, Server) {
            for _ in 0..50 {
                let one = TcpListener::bind("127.0.0.1:0").unwrap();
                let port = one.local_addr().unwrap().port();
                if let Ok(two) = TcpListener::bind(("127.0.0.2", port)) {
                    return (Server::on(one, first), Server::on(two, second));
                }
            }
            panic!("no port free on both 127.0.0.1 and 127.0.0.2");
        }

        fn on(listener: TcpListener, handler: impl Fn(&Request) -> Canned + Send + Sync + 'static) -> Server {
            let base = format!("http://{}", listener.local_addr().unwrap());
            let seen = Arc::new(Seen::default());
            let handler: Arc<Handler> = Arc::new(handler);
            let accepted = Arc::clone(&seen);
            thread::spawn(move || {
                for stream in listener.incoming().flatten() {
                    let (handler, seen) = (Arc::clone(&handler), Arc::clone(&accepted));
                    thread::spawn(move || answer(stream, &*handler, &seen));
                }
            });
            Server { base, seen }
        }

        fn url(&self, path: &str) -> String {
            format!("{}{path}", self.base)
        }

        fn requests(&self) -> Vec<(String, String)> {
            self.seen.requests.lock().unwrap().clone()
        }

        fn requests_to(&self, path: &str) -> Vec<String> {
            self.requests().into_iter().filter(|(_, p)| p == path).map(|(method, _)| method).collect()
        }

        fn peak(&self) -> usize {
            self.seen.peak.load(Ordering::SeqCst)
        }
    }

    /// Requests are counted as active from the end of their head to the start of the answer, a
    /// window inside the client's request: the count never exceeds what the client has in flight.
    fn answer(mut stream: TcpStream, handler: &Handler, seen: &Seen) {
        let Some((method, path, user_agent)) = read_head(&mut stream) else {
            return;
        };
        let nth = {
            let mut requests = seen.requests.lock().unwrap();
            requests.push((method.clone(), path.clone()));
            requests.iter().filter(|(_, p)| *p == path).count()
        };
        seen.user_agents.lock().unwrap().push(user_agent);
        let now = seen.active.fetch_add(1, Ordering::SeqCst) + 1;
        seen.peak.fetch_max(now, Ordering::SeqCst);
        let canned = handler(&Request { method: method.clone(), path, nth });
        thread::sleep(canned.delay);
        seen.active.fetch_sub(1, Ordering::SeqCst);
        let body = if method == "HEAD" { "" } else { "carnet test page" };
        let mut head =
            format!("HTTP/1.1 {}\r\nContent-Length: 16\r\nConnection: close\r\n", status_text(canned.status));
        for (name, value) in &canned.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        let _ = stream.write_all(format!("{head}\r\n{body}").as_bytes());
    }

    fn read_head(stream: &mut TcpStream) -> Option<(String, String, String)> {
        stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        let mut bytes = Vec::new();
        let mut buffer = [0; 1024];
        while !bytes.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buffer).ok().filter(|&n| n > 0)?;
            bytes.extend_from_slice(&buffer[..n]);
        }
        let head = String::from_utf8_lossy(&bytes).into_owned();
        let mut words = head.split_whitespace();
        let (method, path) = (words.next()?.to_string(), words.next()?.to_string());
        let user_agent = head
            .lines()
            .find_map(|line| line.split_once(':').filter(|(name, _)| name.eq_ignore_ascii_case("user-agent")))
            .map_or(String::new(), |(_, value)| value.trim().to_string());
        Some((method, path, user_agent))
    }

    // ---- Helpers ----

    fn link(url: &str, line: usize) -> ExternalLink {
        ExternalLink { url: url.to_string(), location: Location::at("guide.md", line, 5) }
    }

    fn local() -> ExternalOptions {
        ExternalOptions {
            allowed_local: vec![IpAddr::from([127, 0, 0, 1])],
            timeout: Duration::from_millis(1000),
            backoff: Duration::from_millis(10),
            ..ExternalOptions::default()
        }
    }

    fn shown(diagnostics: &[Diagnostic]) -> Vec<String> {
        diagnostics.iter().map(|d| format!("{:?} {}: {}", d.severity, d.location, d.message)).collect()
    }

    // ---- Fetching ----

    #[test]
    fn live_page_gives_nothing_and_is_asked_once_with_head() {
        let server = Server::start(|_| status(200));
        let diagnostics = check_external(vec![link(&server.url("/ok"), 1)], &local());
        assert_eq!(shown(&diagnostics), Vec::<String>::new());
        assert_eq!(server.requests(), [("HEAD".to_string(), "/ok".to_string())]);
    }

    #[test]
    fn missing_page_is_an_error_at_every_occurrence_fetched_once() {
        let server = Server::start(|r| if r.path == "/gone" { status(404) } else { status(200) });
        let (gone, ok) = (server.url("/gone"), server.url("/ok"));
        let links = vec![
            link(&gone, 3),
            link(&format!("{ok}#intro"), 4),
            link(&format!("{gone}#section"), 7),
            link(&format!("{ok}#fin"), 8),
        ];
        let diagnostics = check_external(links, &local());
        assert_eq!(
            shown(&diagnostics),
            [
                format!("Error guide.md:3:5: external link {gone}: 404 Not Found"),
                format!("Error guide.md:7:5: external link {gone}#section: 404 Not Found"),
            ]
        );
        // HEAD said 404, GET confirmed it; each page once whatever its fragments.
        assert_eq!(server.requests_to("/gone"), ["HEAD", "GET"]);
        assert_eq!(server.requests_to("/ok"), ["HEAD"]);
    }

    #[test]
    fn only_gone_pages_are_errors_other_failures_are_warnings() {
        let server = Server::start(|r| status(r.path[1..].parse().unwrap()));
        let codes = [200, 204, 404, 410, 400, 401, 403, 429, 500, 503];
        let links = codes.iter().map(|code| link(&server.url(&format!("/{code}")), 1)).collect();
        let diagnostics = check_external(links, &ExternalOptions { retries: 0, ..local() });
        let found: Vec<(String, Severity)> = diagnostics
            .iter()
            .map(|d| (d.message.rsplit(": ").next().unwrap().to_string(), d.severity))
            .collect();
        let expected = [
            ("404 Not Found", Severity::Error),
            ("410 Gone", Severity::Error),
            ("400 Bad Request", Severity::Warning),
            ("401 Unauthorized", Severity::Warning),
            ("403 Forbidden", Severity::Warning),
            ("429 Too Many Requests", Severity::Warning),
            ("500 Internal Server Error", Severity::Warning),
            ("503 Service Unavailable", Severity::Warning),
        ];
        assert_eq!(found, expected.map(|(message, severity)| (message.to_string(), severity)));
    }

    #[test]
    fn server_error_then_success_is_retried_and_passes() {
        let server = Server::start(|r| if r.nth == 1 { status(500) } else { status(200) });
        let diagnostics = check_external(vec![link(&server.url("/flaky"), 1)], &local());
        assert_eq!(shown(&diagnostics), Vec::<String>::new());
        assert_eq!(server.requests_to("/flaky"), ["HEAD", "HEAD"]);
    }

    #[test]
    fn lasting_server_error_is_a_warning_after_the_retries() {
        let server = Server::start(|_| status(503));
        let url = server.url("/down");
        let diagnostics = check_external(vec![link(&url, 2)], &ExternalOptions { retries: 2, ..local() });
        assert_eq!(
            shown(&diagnostics),
            [format!(
                "Warning guide.md:2:5: external link {url}: 503 Service Unavailable (after 3 attempts)"
            )]
        );
        assert_eq!(server.requests_to("/down").len(), 3);
    }

    #[test]
    fn too_many_requests_waits_as_long_as_retry_after_says() {
        let server = Server::start(|r| match r.nth {
            1 => Canned { headers: vec![("Retry-After", "1".to_string())], ..status(429) },
            _ => status(200),
        });
        let started = Instant::now();
        let diagnostics = check_external(vec![link(&server.url("/busy"), 1)], &local());
        assert_eq!(shown(&diagnostics), Vec::<String>::new());
        assert!(started.elapsed() >= Duration::from_secs(1), "waited only {:?}", started.elapsed());
    }

    #[test]
    fn retry_delay_doubles_the_backoff_and_caps_retry_after() {
        let backoff = Duration::from_millis(100);
        assert_eq!(retry_delay(1, None, backoff), Duration::from_millis(100));
        assert_eq!(retry_delay(3, None, backoff), Duration::from_millis(400));
        assert_eq!(retry_delay(1, Some(Duration::from_secs(2)), backoff), Duration::from_secs(2));
        assert_eq!(retry_delay(1, Some(Duration::from_secs(3600)), backoff), MAX_RETRY_WAIT);
        assert_eq!(retry_delay(40, None, backoff), MAX_RETRY_WAIT);
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }

    #[test]
    fn head_refused_falls_back_to_get() {
        let server = Server::start(|r| if r.method == "HEAD" { status(405) } else { status(200) });
        let diagnostics = check_external(vec![link(&server.url("/no-head"), 1)], &local());
        assert_eq!(shown(&diagnostics), Vec::<String>::new());
        assert_eq!(server.requests_to("/no-head"), ["HEAD", "GET"]);
    }

    #[test]
    fn redirects_are_followed_to_the_final_answer() {
        let server = Server::start(|r| match r.path.as_str() {
            "/old" => redirect("/new"),
            "/new" => status(200),
            "/moved" => redirect("/nowhere"),
            "/loop" => redirect("/loop"),
            _ => status(404),
        });
        let (moved, looping) = (server.url("/moved"), server.url("/loop"));
        let links = vec![link(&server.url("/old"), 1), link(&moved, 2), link(&looping, 3)];
        let diagnostics = check_external(links, &ExternalOptions { retries: 0, ..local() });
        assert_eq!(
            shown(&diagnostics),
            [
                format!("Error guide.md:2:5: external link {moved}: 404 Not Found"),
                format!("Warning guide.md:3:5: external link {looping}: more than 10 redirects"),
            ]
        );
        assert_eq!(server.requests_to("/new"), ["HEAD"]);
    }

    #[test]
    fn redirect_to_a_local_address_is_not_followed() {
        // Regression: a public page could send the checker to the build machine's loopback, its
        // network or the cloud metadata address.
        let inside = Server::pair(|_| status(200), |_| status(200)).1;
        let target = inside.url("/admin");
        let outside = Server::start(move |_| redirect(&target));
        let url = outside.url("/page");
        let diagnostics = check_external(vec![link(&url, 1)], &local());
        let target = inside.url("/admin");
        assert_eq!(
            shown(&diagnostics),
            [format!("Warning guide.md:1:5: external link {url}: redirect to a local address not followed: {target} (127.0.0.2)")]
        );
        assert_eq!(inside.requests(), Vec::<(String, String)>::new());
    }

    #[test]
    fn redirect_to_a_name_that_resolves_to_a_local_address_is_not_followed() {
        // The address is checked after name resolution, and the connection goes to the address
        // checked: `localhost` is 127.0.0.1, where only a decoy listens, on the port of the
        // allowed server at 127.0.0.2.
        let target = Arc::new(std::sync::OnceLock::<String>::new());
        let moved = Arc::clone(&target);
        let (decoy, server) = Server::pair(|_| status(200), move |_| redirect(moved.get().unwrap()));
        let port = server.base.rsplit(':').next().unwrap();
        target.set(format!("http://localhost:{port}/secret")).unwrap();
        let url = server.url("/page");
        let options = ExternalOptions { allowed_local: vec![IpAddr::from([127, 0, 0, 2])], ..local() };
        let diagnostics = check_external(vec![link(&url, 1)], &options);
        let shown = shown(&diagnostics);
        let expected = format!(
            "external link {url}: redirect to a local address not followed: {} (",
            target.get().unwrap()
        );
        assert!(shown.len() == 1 && shown[0].contains(&expected), "{shown:?}");
        assert_eq!(decoy.requests(), Vec::<(String, String)>::new());
        assert_eq!(server.requests(), [("HEAD".to_string(), "/page".to_string())]);
    }

    #[test]
    fn link_to_a_name_that_resolves_to_a_local_address_is_not_fetched() {
        // `2130706433` is 127.0.0.1 written as one number: no skip rule on the written host
        // catches it, the check of the resolved address does.
        let decoy = Server::start(|_| status(404));
        let port = decoy.base.rsplit(':').next().unwrap().to_string();
        let url = format!("http://2130706433:{port}/");
        let diagnostics = check_external(
            vec![link(&url, 1)],
            &ExternalOptions { retries: 0, ..ExternalOptions::default() },
        );
        assert_eq!(
            shown(&diagnostics),
            [format!("Warning guide.md:1:5: external link {url}: not checked: 2130706433 is a local address (127.0.0.1)")]
        );
        assert_eq!(decoy.requests(), Vec::<(String, String)>::new());
    }

    #[test]
    fn redirect_to_another_scheme_is_not_followed() {
        let server = Server::start(|r| match r.path.as_str() {
            "/file" => redirect("file:///etc/passwd"),
            "/ftp" => redirect("ftp://ftp.fr/pub/"),
            _ => status(404),
        });
        let (file, ftp) = (server.url("/file"), server.url("/ftp"));
        let diagnostics = check_external(vec![link(&file, 1), link(&ftp, 2)], &local());
        assert_eq!(
            shown(&diagnostics),
            [
                format!("Warning guide.md:1:5: external link {file}: redirect to another scheme than http(s) not followed: file:///etc/passwd"),
                format!("Warning guide.md:2:5: external link {ftp}: redirect to another scheme than http(s) not followed: ftp://ftp.fr/pub/"),
            ]
        );
        assert_eq!(server.requests().len(), 2, "HEAD only: {:?}", server.requests());
    }

    #[test]
    fn slow_host_times_out_as_a_warning() {
        let server = Server::start(|_| Canned { delay: Duration::from_millis(1500), ..status(200) });
        let url = server.url("/slow");
        let options = ExternalOptions { timeout: Duration::from_millis(200), retries: 0, ..local() };
        let started = Instant::now();
        let diagnostics = check_external(vec![link(&url, 4)], &options);
        assert!(started.elapsed() < Duration::from_secs(1), "took {:?}", started.elapsed());
        assert_eq!(
            shown(&diagnostics),
            [format!("Warning guide.md:4:5: external link {url}: timed out after 200 ms")]
        );
    }

    #[test]
    fn the_timeout_covers_the_whole_chain_of_redirects() {
        let server = Server::start(|r| {
            let hop: u32 = r.path.trim_start_matches("/hop").parse().unwrap();
            Canned { delay: Duration::from_millis(120), ..redirect(&format!("/hop{}", hop + 1)) }
        });
        let url = server.url("/hop0");
        let options = ExternalOptions { timeout: Duration::from_millis(300), retries: 0, ..local() };
        let started = Instant::now();
        let diagnostics = check_external(vec![link(&url, 1)], &options);
        assert!(started.elapsed() < Duration::from_millis(900), "took {:?}", started.elapsed());
        assert_eq!(
            shown(&diagnostics),
            [format!("Warning guide.md:1:5: external link {url}: timed out after 300 ms")]
        );
    }

    #[test]
    fn refused_connection_is_a_warning() {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let url = format!("http://127.0.0.1:{port}/");
        let diagnostics = check_external(vec![link(&url, 1)], &ExternalOptions { retries: 0, ..local() });
        assert_eq!(
            shown(&diagnostics),
            [format!("Warning guide.md:1:5: external link {url}: connection refused")]
        );
    }

    #[test]
    fn per_host_limit_bounds_simultaneous_requests() {
        let server = Server::start(|_| Canned { delay: Duration::from_millis(80), ..status(200) });
        let links = (0..8).map(|i| link(&server.url(&format!("/page{i}")), i)).collect();
        let options = ExternalOptions { concurrency: 8, per_host: 2, ..local() };
        assert!(check_external(links, &options).is_empty());
        assert_eq!(server.requests().len(), 8);
        assert_eq!(server.peak(), 2, "the host saw {} requests at once", server.peak());
    }

    #[test]
    fn concurrency_bounds_requests_over_all_hosts() {
        let server = Server::start(|_| Canned { delay: Duration::from_millis(80), ..status(200) });
        let links = (0..9).map(|i| link(&server.url(&format!("/page{i}")), i)).collect();
        let options = ExternalOptions { concurrency: 3, per_host: 8, ..local() };
        assert!(check_external(links, &options).is_empty());
        assert_eq!(server.peak(), 3, "the host saw {} requests at once", server.peak());
    }

    #[test]
    fn requests_name_carnet_as_user_agent() {
        let server = Server::start(|_| status(200));
        check_external(vec![link(&server.url("/"), 1)], &local());
        let user_agents = server.seen.user_agents.lock().unwrap().clone();
        assert_eq!(user_agents, [format!("carnet-link-check/{}", env!("CARGO_PKG_VERSION"))]);
    }

    #[test]
    fn non_ascii_and_spaces_are_percent_encoded_and_deduplicated() {
        let server =
            Server::start(|r| if r.path == "/caf%C3%A9%20cr%C3%A8me" { status(200) } else { status(404) });
        let links = vec![
            link(&server.url("/café crème#recette"), 1),
            link(&server.url("/caf%C3%A9%20cr%C3%A8me"), 2),
        ];
        assert_eq!(shown(&check_external(links, &local())), Vec::<String>::new());
        assert_eq!(server.requests().len(), 1);
    }

    #[test]
    fn loopback_is_not_fetched_by_default() {
        let server = Server::start(|_| status(404));
        let diagnostics = check_external(vec![link(&server.url("/gone"), 1)], &ExternalOptions::default());
        assert!(diagnostics.is_empty());
        assert!(server.requests().is_empty());
    }

    #[test]
    fn only_http_and_https_links_are_checked() {
        let server = Server::start(|_| status(404));
        let ftp = server.url("/gone").replacen("http", "ftp", 1);
        let links = vec![link("mailto:support@carnet.fr", 1), link(&ftp, 2), link("/guides/autre/", 3)];
        assert!(check_external(links, &local()).is_empty());
        assert!(server.requests().is_empty());
        assert!(!is_skipped("mailto:votre_nom@example.com", &ExternalOptions::default()));
    }

    #[test]
    fn no_links_start_no_threads_and_give_nothing() {
        assert!(check_external(Vec::new(), &ExternalOptions { concurrency: 0, per_host: 0, ..local() })
            .is_empty());
    }

    // ---- The skip list ----

    fn skipped(url: &str) -> bool {
        is_skipped(url, &ExternalOptions::default())
    }

    #[test]
    fn urls_with_placeholders_are_skipped() {
        for url in [
            "https://fmos-mfmc.onrender.com/setup/?token=VOTRE_TOKEN",
            "https://api.telegram.org/botYOUR_TOKEN/getMe",
            "https://api.service.fr/v1?key=your_api_key",
            "https://<votre-app>.onrender.com/",
            "https://github.com/{owner}/{repo}",
            "https://xxx.onrender.com",
            "https://monsite.fr/XXXX/admin",
            "https://monsite.fr/TODO",
            "https://monsite.fr/xxx-xxx",
            "https://api.service.fr/?token=VOTRE-TOKEN",
            "https://monsite.fr/?password=changeme",
            "https://CHANGEME.herokuapp.com",
            "https://monsite.fr/…",
        ] {
            assert!(skipped(url), "{url} should be skipped");
        }
    }

    #[test]
    fn documentation_and_reserved_names_are_skipped() {
        for url in [
            "https://example.com/",
            "http://EXAMPLE.org/page",
            "https://www.example.net:8443/x",
            "https://api.example.com./v1",
            "https://monapp.test/",
            "https://site.example/",
            "https://nulle.part.invalid/",
            "http://app.localhost:3000/",
        ] {
            assert!(skipped(url), "{url} should be skipped");
        }
    }

    #[test]
    fn local_addresses_are_skipped_unless_allowed() {
        let local_urls = [
            "http://localhost:8000/",
            "http://127.8.9.10/",
            "http://[::1]:8080/",
            "http://[::ffff:127.0.0.1]/",
            "http://0.0.0.0:8000",
            "http://10.0.0.12/",
            "http://192.168.1.1/",
            "http://172.16.0.1/",
            "http://172.31.255.255/",
            "http://169.254.169.254/latest/meta-data",
            "http://100.64.0.1/",
            "http://224.0.0.251/",
            "http://255.255.255.255/",
            "http://[fe80::1]/",
            "http://[fd00::1]/",
            "http://[ff02::1]/",
            "http://[::ffff:10.0.0.1]/",
            "http://[64:ff9b::a9fe:a9fe]/",
            "http://imprimante.local/",
        ];
        for url in local_urls {
            assert!(skipped(url), "{url} should be skipped");
            assert!(is_skipped(url, &local()), "{url} should be skipped when only 127.0.0.1 is allowed");
        }
        for url in ["http://127.0.0.1:5000/admin", "http://user:secret@127.0.0.1/"] {
            assert!(skipped(url), "{url} should be skipped");
            assert!(!is_skipped(url, &local()), "{url} should be fetched when 127.0.0.1 is allowed");
        }
    }

    #[test]
    fn redirect_targets_are_resolved_against_the_url_that_redirected() {
        let base = "https://docs.fr:8443/guides/render/deploy?v=2";
        let cases = [
            ("https://autre.fr/x", "https://autre.fr/x"),
            ("HTTP://autre.fr/x#section", "HTTP://autre.fr/x"),
            ("//cdn.fr/y", "https://cdn.fr/y"),
            ("/racine?a=1", "https://docs.fr:8443/racine?a=1"),
            ("voisin", "https://docs.fr:8443/guides/render/voisin"),
            ("../haut", "https://docs.fr:8443/guides/render/../haut"),
            ("?v=3", "https://docs.fr:8443/guides/render/deploy?v=3"),
            ("/café crème", "https://docs.fr:8443/caf%C3%A9%20cr%C3%A8me"),
        ];
        for (location, expected) in cases {
            assert_eq!(redirect_target(base, location).unwrap(), expected, "{location}");
        }
        assert_eq!(redirect_target("http://h.fr", "a").unwrap(), "http://h.fr/a");
        assert_eq!(redirect_target("http://h.fr/a?b=/c", "d").unwrap(), "http://h.fr/d");
        for location in
            ["file:///etc/passwd", "ftp://ftp.fr/", "javascript:alert(1)", "data:text/html,x", "gopher://h/"]
        {
            let refusal = redirect_target(base, location).unwrap_err();
            assert!(matches!(refusal, Refusal::Scheme { .. }), "{location}: {refusal:?}");
        }
    }

    #[test]
    fn real_hosts_are_not_skipped() {
        for url in [
            "https://render.com/docs/deploy-flask",
            "https://todoist.com/",
            "https://github.com/owner/todo-list",
            "https://docs.github.com/en/account-and-profile/your-personal-account",
            "https://example.community/",
            "https://notexample.com/",
            "http://172.32.0.1/",
            "http://8.8.8.8/",
            "https://fr.wikipedia.org/wiki/Système_d'exploitation",
            "https://maxxx.fr/",
            "HTTPS://DOCS.PYTHON.ORG/3/",
        ] {
            assert!(!skipped(url), "{url} should be checked");
        }
    }

    #[test]
    fn skip_patterns_match_hosts_subdomains_and_prefixes() {
        let options = ExternalOptions {
            skip: vec![
                "intranet.fr".into(),
                "*.interne.fr".into(),
                "https://github.com/moi/prive".into(),
                "gitlab.com/equipe/".into(),
            ],
            ..ExternalOptions::default()
        };
        let cases = [
            ("https://intranet.fr/", true),
            ("https://wiki.intranet.fr/page", true),
            ("https://pasintranet.fr/", false),
            ("https://interne.fr/", false),
            ("https://wiki.interne.fr/", true),
            ("https://github.com/moi/prive/issues/1", true),
            ("http://github.com/moi/prive", false),
            ("https://github.com/moi/public", false),
            ("http://GitLab.com/equipe/projet", true),
            ("https://gitlab.com/autre/", false),
        ];
        for (url, expected) in cases {
            assert_eq!(is_skipped(url, &options), expected, "{url}");
        }
    }
}
