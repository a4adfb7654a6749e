//! `carnet serve` under hostile or heavy use: the real binary on an ephemeral loopback port,
//! driven with raw sockets so that every request goes out exactly as written. Paths never leave
//! the preview folder, oversized heads are refused, slow clients neither block others nor stay
//! forever, many connections are all answered and memory stays flat.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::fixture::Site;
use crate::serve::{fixture, get, Server, TIMEOUT};

/// What a planted secret file holds: it must never appear in an answer.
const SECRET: &str = "SECRET-7f3a9c-never-served";

/// A server over the fixture site, with the secret planted next to the folder it serves and at
/// the site root.
fn server_with_secrets(site: &Site) -> (Server, PathBuf) {
    site.file("secret.txt", SECRET);
    site.file("content/.hidden.md", SECRET);
    let server = Server::start(site, &["-v"]);
    let stderr = wait_for(|| {
        server.stderr().lines().find_map(|l| l.strip_prefix("preview folder: ").map(PathBuf::from))
    });
    std::fs::write(stderr.join("secret.txt"), SECRET).unwrap();
    (server, stderr)
}

fn wait_for<T>(mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(found) = probe() {
            return found;
        }
        assert!(Instant::now() < deadline, "timed out");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sends `bytes` as they are and returns whatever came back before the server closed (or
/// `wait` passed): the whole answer as text, `""` when the connection was reset.
fn raw(addr: &str, bytes: &[u8], wait: Duration) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(wait)).unwrap();
    let _ = stream.write_all(bytes);
    let mut answer = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buffer[..n]),
        }
    }
    String::from_utf8_lossy(&answer).into_owned()
}

fn status_of(answer: &str) -> u16 {
    answer.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

#[test]
fn traversal_in_every_spelling_never_leaves_the_preview_folder() {
    let site = fixture();
    let (server, _preview) = server_with_secrets(&site);
    let targets = [
        "/../secret.txt",
        "/../../secret.txt",
        "/a/b/../../../secret.txt",
        "/./../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/%2e./secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/guide/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/%5c..%5csecret.txt",
        "/%252e%252e/secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/%25252e%25252e/secret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/%e0%80%ae%e0%80%ae/secret.txt",
        "/..%00/secret.txt",
        "/secret.txt%00.html",
        "/%00",
        "//secret.txt",
        "//../secret.txt",
        "///..//..//secret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/proc/self/environ",
        "/C:/secret.txt",
        "/C:%5csecret.txt",
        "/.hidden/",
        "/%2e%2e",
        "/..",
        "/..;/secret.txt",
    ];
    for target in targets {
        let answer = raw(
            &server.addr,
            format!("GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes(),
            TIMEOUT,
        );
        assert!(matches!(status_of(&answer), 400 | 404), "{target}: {}", answer.lines().next().unwrap_or(""));
        assert!(!answer.contains(SECRET) && !answer.contains("root:"), "{target} leaked a file");
    }
    // Forms a browser never sends, written raw: backslashes, absolute URIs, a NUL, no slash,
    // the asterisk form, a CONNECT.
    let heads: [&[u8]; 10] = [
        b"GET /..\\secret.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        b"GET \\..\\secret.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        b"GET http://localhost/../secret.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        b"GET http://localhost/%2e%2e/secret.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        b"GET file:///etc/passwd HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        b"GET /\0/../secret.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        b"GET secret.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        b"GET ../secret.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        b"OPTIONS * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        b"CONNECT localhost:80 HTTP/1.1\r\nHost: localhost:80\r\nConnection: close\r\n\r\n",
    ];
    for head in heads {
        let answer = raw(&server.addr, head, TIMEOUT);
        let shown = String::from_utf8_lossy(head);
        assert!(!answer.contains(SECRET) && !answer.contains("root:"), "{shown:?} leaked a file");
        assert!(matches!(status_of(&answer), 0 | 400 | 404 | 405), "{shown:?}: {answer}");
    }
    assert_eq!(server.get("/guide/").status, 200, "still serving");
}

#[test]
fn the_live_reload_endpoint_cannot_be_used_to_read_files() {
    let site = fixture();
    let (server, _preview) = server_with_secrets(&site);
    for target in [
        "/__carnet/events?file=../secret.txt",
        "/__carnet/events?path=%2e%2e%2fsecret.txt&x=/../../secret.txt",
        "/__carnet/events/../secret.txt",
        "/__carnet/events/..%2f..%2fsecret.txt",
        "/__carnet/events/%2e%2e/%2e%2e/secret.txt",
        "/__carnet/events/secret.txt",
        "/__carnet/events/",
        "/__carnet/events%2f..%2f..%2fsecret.txt",
        "/__carnet/../secret.txt",
        "/__carnet/",
    ] {
        // The channel itself never ends: take what it sends in a second.
        let answer = raw(
            &server.addr,
            format!("GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes(),
            Duration::from_secs(1),
        );
        assert!(!answer.contains(SECRET), "{target} leaked the secret:\n{answer}");
        match status_of(&answer) {
            200 => {
                assert!(answer.contains("text/event-stream"), "{target}: {answer}");
                assert!(answer.contains("event: hello"), "{target}: {answer}");
            }
            400 | 404 => {}
            other => panic!("{target}: status {other}"),
        }
    }
    let answer = raw(
        &server.addr,
        b"POST /__carnet/events HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 4\r\n\r\nfile",
        TIMEOUT,
    );
    assert!(matches!(status_of(&answer), 405), "{answer}");
}

#[test]
fn oversized_request_lines_and_headers_are_refused_and_the_server_keeps_serving() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let long_path = format!("GET /{} HTTP/1.1\r\nHost: localhost\r\n\r\n", "a".repeat(100_000));
    let long_header = format!("GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: {}\r\n\r\n", "b".repeat(200_000));
    let many_headers = format!(
        "GET / HTTP/1.1\r\nHost: localhost\r\n{}\r\n",
        (0..500).map(|i| format!("X-H{i}: v\r\n")).collect::<String>()
    );
    let endless_line = format!("GET /{}", "c".repeat(1_000_000));
    for (what, request) in [
        ("a 100 kB path", long_path),
        ("a 200 kB header", long_header),
        ("500 headers", many_headers),
        ("a 1 MB request line", endless_line),
    ] {
        let answer = raw(&server.addr, request.as_bytes(), TIMEOUT);
        let status = status_of(&answer);
        // Refused with a status, or the connection closed on a client still writing.
        assert!(
            matches!(status, 400 | 414 | 431 | 0),
            "{what}: {status} {}",
            answer.lines().next().unwrap_or("")
        );
        assert_ne!(status, 0, "{what}: no answer at all");
        assert_eq!(server.get("/guide/").status, 200, "still serving after {what}");
    }
    let garbage: Vec<u8> = (0..65_536u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let _ = raw(&server.addr, &garbage, Duration::from_secs(2));
    assert_eq!(server.get("/guide/").status, 200, "still serving after binary garbage");
}

#[test]
fn slow_clients_do_not_block_others_and_are_dropped() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let started = Instant::now();
    // Twenty clients that send one byte of their head per second, and one that sends nothing.
    let trickles: Vec<_> = (0..20)
        .map(|_| {
            let addr = server.addr.clone();
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(&addr).unwrap();
                let mut reader = stream.try_clone().unwrap();
                reader.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
                let closer = std::thread::spawn(move || {
                    let mut sink = Vec::new();
                    let _ = reader.read_to_end(&mut sink);
                    Instant::now()
                });
                for byte in b"GET /guide/ HTTP/1.1\r\nHost: localhost\r\nX-Slow: "
                    .iter()
                    .chain(b"z".repeat(100).iter())
                {
                    if stream.write_all(&[*byte]).is_err() {
                        break;
                    }
                    std::thread::sleep(Duration::from_secs(1));
                }
                closer.join().unwrap()
            })
        })
        .collect();
    let mut silent = TcpStream::connect(&server.addr).unwrap();
    silent.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    std::thread::sleep(Duration::from_secs(2));

    // Meanwhile everyone else is served.
    for path in ["/guide/", "/autre/", "/assets/carnet.css", "/"] {
        for _ in 0..10 {
            assert_eq!(server.get(path).status, 200, "{path} while slow clients hang on");
        }
    }
    // And the slow ones are dropped by the server, not by this test's 60 s read timeout.
    let mut byte = [0u8; 1];
    let silent_read = silent.read(&mut byte);
    assert!(
        matches!(silent_read, Ok(0) | Err(_)) && started.elapsed() < Duration::from_secs(55),
        "{silent_read:?}"
    );
    for trickle in trickles {
        let closed_at = trickle.join().unwrap();
        let after = closed_at.duration_since(started);
        assert!(after < Duration::from_secs(55), "a slow client was kept {after:?}");
    }
    eprintln!("slow clients dropped after {:?}", started.elapsed());
    assert_eq!(server.get("/guide/").status, 200);
}

#[test]
fn two_hundred_simultaneous_connections_are_all_answered() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    // All connected first, then all asking, then all read: each is held open meanwhile.
    let mut streams: Vec<TcpStream> =
        (0..200).map(|_| TcpStream::connect(&server.addr).expect("connect")).collect();
    let paths = ["/guide/", "/autre/", "/assets/carnet.css", "/assets/nav.js", "/nulle-part/"];
    for (i, stream) in streams.iter_mut().enumerate() {
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        write!(
            stream,
            "GET {} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
            paths[i % paths.len()]
        )
        .unwrap();
    }
    let mut statuses = std::collections::BTreeMap::new();
    for (i, mut stream) in streams.into_iter().enumerate() {
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap_or_else(|e| panic!("connection {i}: {e}"));
        let status = status_of(&String::from_utf8_lossy(&answer));
        *statuses.entry(status).or_insert(0) += 1;
    }
    assert_eq!(statuses, [(200, 160), (404, 40)].into_iter().collect(), "{statuses:?}");
    // Two hundred event streams at once, too.
    let events: Vec<_> = (0..200).map(|_| server.subscribe()).collect();
    assert_eq!(server.get("/guide/").status, 200);
    drop(events);
}

/// A client keeping its connection alive: one request after the other, reading each answer by
/// its length.
struct KeepAlive {
    reader: BufReader<TcpStream>,
}

impl KeepAlive {
    fn connect(addr: &str) -> KeepAlive {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        stream.set_nodelay(true).unwrap();
        KeepAlive { reader: BufReader::new(stream) }
    }

    fn request(&mut self, method: &str, path: &str) -> u16 {
        // One write: pieces sent apart wait for the server's delayed ACK (Nagle), 40 ms each.
        let head = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\n\r\n");
        self.reader.get_mut().write_all(head.as_bytes()).unwrap();
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        let status = status_of(&line);
        let mut length = 0;
        loop {
            line.clear();
            self.reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap();
                }
            }
        }
        if method != "HEAD" {
            let mut body = vec![0; length];
            self.reader.read_exact(&mut body).unwrap();
        }
        status
    }
}

/// The server's resident memory, in kB.
fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn ten_thousand_requests_leave_memory_flat() {
    let site = fixture();
    for i in 0..20 {
        site.file(
            &format!("content/lot/guide-{i}.md"),
            format!("# Guide {i}\n\n{}\n", "Du texte. ".repeat(500)),
        );
    }
    let server = Server::start(&site, &[]);
    let pid = server.child.id();
    let requests: [(&str, &str, u16); 8] = [
        ("GET", "/guide/", 200),
        ("GET", "/lot/guide-7/", 200),
        ("GET", "/assets/carnet.css", 200),
        ("HEAD", "/autre/", 200),
        ("GET", "/nulle-part/", 404),
        ("GET", "/%2e%2e/secret", 400),
        ("GET", "/guide", 301),
        ("GET", "/assets/search-engine.js", 200),
    ];
    let run = |count: usize| {
        let mut client = KeepAlive::connect(&server.addr);
        for i in 0..count {
            if i % 100 == 99 {
                client = KeepAlive::connect(&server.addr); // new connections too
            }
            let (method, path, expected) = requests[i % requests.len()];
            assert_eq!(client.request(method, path), expected, "{method} {path}");
        }
    };
    run(2_000); // warm-up: the runtime's and the allocator's pools reach their working size
    let before = rss_kb(pid);
    run(10_000);
    let after = rss_kb(pid);
    eprintln!("carnet serve RSS: {before} kB before 10,000 requests, {after} kB after");
    assert!(after < before + 16 * 1024, "memory grew from {before} kB to {after} kB over 10,000 requests");
}

#[cfg(target_os = "linux")]
#[test]
fn the_server_listens_on_loopback_only_by_default() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let port: u16 = server.addr.rsplit(':').next().unwrap().parse().unwrap();
    // /proc/net/tcp{,6}: local address and port in hex, state 0A = listening.
    let mut listening = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else { continue };
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (address, state) = (fields[1], fields[3]);
            let (ip, hex_port) = address.split_once(':').unwrap();
            if state == "0A" && u16::from_str_radix(hex_port, 16).unwrap() == port {
                listening.push(ip.to_string());
            }
        }
    }
    assert_eq!(listening, ["0100007F"], "carnet serve must listen on 127.0.0.1 only");
    // Asked for all interfaces, it says what that means.
    let open = Server::start(&site, &["--bind", "0.0.0.0"]);
    let stderr = wait_for(|| Some(open.stderr()).filter(|s| s.contains("warning")));
    assert!(stderr.contains("every computer that can reach this one can read the site"), "{stderr}");
    assert_eq!(get(&open.addr, "/guide/").status, 200);
}
