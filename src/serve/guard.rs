//! Who may read the preview: the `Host` a request names, and the origin of the page that asks
//! for the reload channel. Against DNS rebinding (a page of another site whose name is made to
//! point at this computer) and against other sites' pages reading the channel's diagnostics.
//!
//! `Guard::host` accepts `localhost`, `127.0.0.1` and `[::1]` (any port) and the bound address;
//! with a wildcard `--bind` (`0.0.0.0`, `::`) any host. `Guard::events` further wants a host that
//! no DNS answer can stand for (one of those, or any IP address when bound to every interface) and,
//! when the browser names one, the request's own origin (`http://` and that host). The two
//! middlewares (`check_host`, `check_events`) answer a refusal in plain text.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::uri::Authority;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The host part of a `Host` header or an origin.
#[derive(Debug, Clone, PartialEq, Eq)]
enum HostName {
    Ip(IpAddr),
    /// A DNS name, lower-cased.
    Name(String),
}

/// A `Host` header or the authority of an origin, parsed: `127.0.0.1:1111`, `[::1]`, `localhost`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct HostPort {
    name: HostName,
    port: Option<u16>,
}

impl HostPort {
    fn parse(text: &str) -> Option<HostPort> {
        // `Authority` also takes `user@host`: no such thing in a Host header.
        if text.contains('@') || text.is_empty() {
            return None;
        }
        let authority = Authority::from_str(text).ok()?;
        let host = authority.host();
        let port = match &authority.as_str()[host.len()..] {
            "" => None,
            rest => {
                let digits = rest
                    .strip_prefix(':')
                    .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))?;
                Some(digits.parse::<u16>().ok()?)
            }
        };
        let name = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            Some(v6) => HostName::Ip(IpAddr::V6(v6.parse().ok()?)),
            None => match host.parse::<Ipv4Addr>() {
                Ok(v4) => HostName::Ip(IpAddr::V4(v4)),
                Err(_) => HostName::Name(host.to_ascii_lowercase()),
            },
        };
        Some(HostPort { name, port })
    }

    /// The port, with HTTP's default when the header leaves it out.
    fn port_or_default(&self) -> u16 {
        self.port.unwrap_or(80)
    }
}

/// Why a request was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No `Host`, several, or one that is no host name.
    BadHost,
    /// A host this server does not answer to.
    OtherHost,
    /// The reload channel asked for by another site's page, or by a host a DNS answer can fake.
    CrossOrigin,
}

/// What the server answers to, from the address it is bound to.
#[derive(Debug, Clone)]
pub struct Guard {
    bound: IpAddr,
}

impl Guard {
    pub fn new(bound: IpAddr) -> Guard {
        Guard { bound }
    }

    fn any_host(&self) -> bool {
        self.bound.is_unspecified()
    }

    /// Names no DNS answer can stand for: the loopback names and the bound address.
    fn pinned(&self, name: &HostName) -> bool {
        match name {
            HostName::Name(name) => name == "localhost",
            HostName::Ip(ip) => {
                *ip == IpAddr::V4(Ipv4Addr::LOCALHOST)
                    || *ip == IpAddr::V6(Ipv6Addr::LOCALHOST)
                    || *ip == self.bound
            }
        }
    }

    /// Whether a request naming `host` (its `Host` header, or its absolute URI's authority) is
    /// answered.
    pub fn host(&self, host: Option<&str>) -> Result<(), Refusal> {
        let parsed = host.and_then(HostPort::parse);
        match parsed {
            _ if self.any_host() => Ok(()),
            None => Err(Refusal::BadHost),
            Some(parsed) if self.pinned(&parsed.name) => Ok(()),
            Some(_) => Err(Refusal::OtherHost),
        }
    }

    /// Whether the reload channel is given to a request for `host` sent with these `Origin` and
    /// `Sec-Fetch-Site` headers. A browser sends `Origin` with a cross-origin request; a
    /// same-origin one may have none, and is accepted.
    pub fn events(
        &self,
        host: Option<&str>,
        origin: Option<&str>,
        fetch_site: Option<&str>,
    ) -> Result<(), Refusal> {
        let host = host.and_then(HostPort::parse).ok_or(Refusal::BadHost)?;
        let unfakeable = self.pinned(&host.name) || (self.any_host() && matches!(host.name, HostName::Ip(_)));
        if !unfakeable {
            return Err(Refusal::CrossOrigin);
        }
        if let Some(origin) = origin {
            let own = origin
                .strip_prefix("http://")
                .and_then(HostPort::parse)
                .is_some_and(|o| o.name == host.name && o.port_or_default() == host.port_or_default());
            if !own {
                return Err(Refusal::CrossOrigin);
            }
        }
        match fetch_site {
            None | Some("same-origin" | "none") => Ok(()),
            Some(_) => Err(Refusal::CrossOrigin),
        }
    }
}

/// The host a request names: the authority of its absolute URI (`http://host/path`, which
/// HTTP/1.1 puts before `Host`), else its one `Host` header; `None` when it has none or several.
fn requested_host(request: &Request) -> Option<String> {
    let uri = request.uri();
    if let (Some(_), Some(authority)) = (uri.scheme(), uri.authority()) {
        return Some(authority.as_str().to_string());
    }
    single(request.headers(), header::HOST).map(str::to_string)
}

/// The value of a header sent once, as text.
fn single(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    let mut values = headers.get_all(name).iter();
    let first = values.next()?;
    values.next().is_none().then(|| first.to_str().ok()).flatten()
}

/// Middleware: answers only requests for a host `Guard::host` accepts.
pub async fn check_host(State(guard): State<Arc<Guard>>, request: Request, next: Next) -> Response {
    match guard.host(requested_host(&request).as_deref()) {
        Ok(()) => next.run(request).await,
        Err(refusal) => refused(refusal, &guard),
    }
}

/// Middleware of the reload channel: same-origin requests only.
pub async fn check_events(State(guard): State<Arc<Guard>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let verdict = guard.events(
        requested_host(&request).as_deref(),
        single(headers, header::ORIGIN),
        single(headers, header::HeaderName::from_static("sec-fetch-site")),
    );
    // Several `Origin` headers read as none above: refuse them rather than guess.
    let verdict = verdict.and_then(|()| match headers.get_all(header::ORIGIN).iter().count() {
        0 | 1 => Ok(()),
        _ => Err(Refusal::CrossOrigin),
    });
    match verdict {
        Ok(()) => next.run(request).await,
        Err(refusal) => refused(refusal, &guard),
    }
}

/// A short plain-text refusal that says what the server answers to.
fn refused(refusal: Refusal, guard: &Guard) -> Response {
    let hosts = if guard.bound.is_loopback() || guard.any_host() {
        "localhost, 127.0.0.1 or [::1]".to_string()
    } else {
        format!("localhost, 127.0.0.1, [::1] or {}", guard.bound)
    };
    let (status, text) = match refusal {
        Refusal::BadHost => (
            StatusCode::BAD_REQUEST,
            "carnet serve: the request must name one host (Host header).\n".to_string(),
        ),
        Refusal::OtherHost => (
            StatusCode::MISDIRECTED_REQUEST,
            format!("carnet serve answers only to {hosts}: open the preview at one of these addresses.\n"),
        ),
        Refusal::CrossOrigin => (
            StatusCode::FORBIDDEN,
            "carnet serve: the live-reload channel is only for the preview's own pages.\n".to_string(),
        ),
    };
    let mut response = (status, text).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(bind: &str) -> Guard {
        Guard::new(bind.parse().unwrap())
    }

    #[test]
    fn host_headers_are_parsed_strictly() {
        let ip = |s: &str| HostName::Ip(s.parse().unwrap());
        let parsed = |s: &str| HostPort::parse(s).map(|h| (h.name, h.port));
        assert_eq!(parsed("127.0.0.1:1111"), Some((ip("127.0.0.1"), Some(1111))));
        assert_eq!(parsed("[::1]:8000"), Some((ip("::1"), Some(8000))));
        assert_eq!(parsed("[::1]"), Some((ip("::1"), None)));
        assert_eq!(parsed("LocalHost"), Some((HostName::Name("localhost".into()), None)));
        for bad in ["", "user@localhost", "localhost:", "localhost:99999", "local host", "[::1", "::1", "a/b"]
        {
            assert_eq!(parsed(bad), None, "{bad}");
        }
    }

    #[test]
    fn loopback_names_and_the_bound_address_are_answered_others_refused() {
        let local = guard("127.0.0.1");
        for ok in [
            "localhost",
            "localhost:1111",
            "127.0.0.1",
            "127.0.0.1:1111",
            "[::1]",
            "[::1]:1111",
            "LOCALHOST:80",
        ] {
            assert_eq!(local.host(Some(ok)), Ok(()), "{ok}");
        }
        for other in [
            "evil.com",
            "evil.com:1111",
            "localhost.evil.com",
            "127.0.0.1.nip.io:1111",
            "192.168.1.5:1111",
            "localhost.",
            "127.0.0.2",
            "[::ffff:127.0.0.1]",
        ] {
            assert_eq!(local.host(Some(other)), Err(Refusal::OtherHost), "{other}");
        }
        assert_eq!(local.host(None), Err(Refusal::BadHost));
        assert_eq!(local.host(Some("a b")), Err(Refusal::BadHost));

        let lan = guard("192.168.1.5");
        assert_eq!(lan.host(Some("192.168.1.5:1111")), Ok(()));
        assert_eq!(lan.host(Some("localhost:1111")), Ok(()));
        assert_eq!(lan.host(Some("192.168.1.6:1111")), Err(Refusal::OtherHost));
        assert_eq!(lan.host(Some("pc.local:1111")), Err(Refusal::OtherHost));

        let everywhere = guard("0.0.0.0");
        for any in ["evil.com", "pc.local:1111", "192.168.1.5:1111"] {
            assert_eq!(everywhere.host(Some(any)), Ok(()), "{any}");
        }
    }

    #[test]
    fn the_reload_channel_wants_its_own_origin() {
        let local = guard("127.0.0.1");
        let host = Some("127.0.0.1:1111");
        assert_eq!(local.events(host, None, None), Ok(()), "same-origin EventSource: no Origin");
        assert_eq!(local.events(host, Some("http://127.0.0.1:1111"), Some("same-origin")), Ok(()));
        assert_eq!(local.events(Some("localhost:1111"), Some("http://LOCALHOST:1111"), None), Ok(()));
        assert_eq!(local.events(Some("localhost"), Some("http://localhost:80"), None), Ok(()));
        assert_eq!(local.events(host, None, Some("none")), Ok(()), "typed in the address bar");
        for origin in [
            "http://evil.com",
            "http://127.0.0.1:1112",
            "http://localhost:1111",
            "https://127.0.0.1:1111",
            "null",
            "http://127.0.0.1:1111/",
            "http://user@127.0.0.1:1111",
        ] {
            assert_eq!(local.events(host, Some(origin), None), Err(Refusal::CrossOrigin), "{origin}");
        }
        for site in ["cross-site", "same-site", "anything"] {
            assert_eq!(local.events(host, None, Some(site)), Err(Refusal::CrossOrigin), "{site}");
        }
        assert_eq!(local.events(None, None, None), Err(Refusal::BadHost));

        // Bound to every interface: any host gets the pages, but the channel only goes to hosts
        // that are addresses, which DNS rebinding cannot produce.
        let everywhere = guard("0.0.0.0");
        assert_eq!(
            everywhere.events(Some("192.168.1.5:1111"), Some("http://192.168.1.5:1111"), None),
            Ok(())
        );
        assert_eq!(everywhere.events(Some("localhost:1111"), None, None), Ok(()));
        assert_eq!(
            everywhere.events(Some("evil.com:1111"), Some("http://evil.com:1111"), None),
            Err(Refusal::CrossOrigin)
        );
        assert_eq!(everywhere.events(Some("evil.com:1111"), None, None), Err(Refusal::CrossOrigin));
        assert_eq!(
            everywhere.events(Some("192.168.1.5:1111"), Some("http://evil.com:1111"), None),
            Err(Refusal::CrossOrigin)
        );
    }
}
