//! Soak test of `carnet serve`, run on demand (`cargo bench --bench soak`), never in CI: 500 rapid
//! edits in one minute while 20 clients stay connected, each with an open reload channel and a
//! loop of page fetches. Passes when the server never crashes, always answers, serves the final
//! state, stops cleanly, and its memory stays stable; prints the figures.
//!
//! Settings: `CARNET_SOAK_EDITS` (500), `CARNET_SOAK_SECONDS` (60), `CARNET_SOAK_CLIENTS` (20).
//! Every 25th edit breaks the guide's front matter (a failed build, the last good site stays
//! served) and the next one repairs it; edits alternate between a plain write and an editor's
//! save through a renamed temporary file.

#[path = "serve/mod.rs"]
mod serve;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[derive(Default)]
struct Counts {
    fetches: AtomicU64,
    not_ok: AtomicU64,
    fetch_errors: AtomicU64,
    reloads: AtomicU64,
    failed: AtomicU64,
    reconnects: AtomicU64,
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("soak: benchmark");
        return;
    }
    let edits = setting("CARNET_SOAK_EDITS", 500);
    let seconds = setting("CARNET_SOAK_SECONDS", 60);
    let clients = setting("CARNET_SOAK_CLIENTS", 20);
    let work = serve::work_dir("soak");
    serve::copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("content"), &work.join("content"));
    let guide = work.join("content/soak.md");
    std::fs::write(&guide, page(0)).unwrap();

    let mut server = serve::Server::start(&work);
    let (addr, pid) = (server.addr.clone(), server.pid());

    let counts = Arc::new(Counts::default());
    let done = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();
    for i in 0..clients {
        let (a, c, d) = (addr.clone(), counts.clone(), done.clone());
        threads.push(std::thread::spawn(move || listen(&a, &c, &d)));
        let (a, c, d) = (addr.clone(), counts.clone(), done.clone());
        threads.push(std::thread::spawn(move || fetch_loop(&a, i, &c, &d)));
    }
    std::thread::sleep(Duration::from_secs(2));
    let rss_start = rss_kb(pid);
    let mut rss_max = rss_start;
    let started = Instant::now();
    let interval = Duration::from_secs(seconds) / edits as u32;
    for n in 1..=edits {
        let text = if n % 25 == 0 && n != edits { broken(n) } else { page(n) };
        save(&guide, &text, n % 2 == 0);
        if let Some(status) = server.exited() {
            panic!("carnet serve died during edit {n}: {status}");
        }
        if n % 25 == 0 {
            rss_max = rss_max.max(rss_kb(pid));
        }
        let next = interval * n as u32;
        if let Some(wait) = next.checked_sub(started.elapsed()) {
            std::thread::sleep(wait);
        }
    }
    let editing = started.elapsed();
    let final_text = format!("Édition numéro {edits}.");
    let settle = Instant::now();
    loop {
        if get(&addr, "/soak/").is_some_and(|(status, body)| status == 200 && body.contains(&final_text)) {
            break;
        }
        assert!(settle.elapsed() < Duration::from_secs(30), "the final state was never served");
        std::thread::sleep(Duration::from_millis(20));
    }
    let final_after = settle.elapsed();
    std::thread::sleep(Duration::from_secs(3));
    let rss_end = rss_kb(pid);
    done.store(true, Ordering::Relaxed);
    let exit = server.stop();
    for thread in threads {
        let _ = thread.join();
    }
    let _ = std::fs::remove_dir_all(&work);

    let fetches = counts.fetches.load(Ordering::Relaxed);
    println!(
        "soak: {edits} edits in {:.1} s ({} failed builds on purpose), {clients} clients",
        editing.as_secs_f64(),
        (edits - 1) / 25
    );
    println!(
        "  page fetches: {fetches}, not 200: {}, connection errors: {}",
        counts.not_ok.load(Ordering::Relaxed),
        counts.fetch_errors.load(Ordering::Relaxed)
    );
    println!(
        "  reload channel: {} reload and {} failed messages over all clients, {} reconnections",
        counts.reloads.load(Ordering::Relaxed),
        counts.failed.load(Ordering::Relaxed),
        counts.reconnects.load(Ordering::Relaxed)
    );
    println!("  final state served {} ms after the last edit", final_after.as_millis());
    println!("  RSS: {rss_start} kB at start, {rss_max} kB at most while editing, {rss_end} kB at the end");
    println!("  exit after SIGTERM: {exit}");
    assert!(exit.success(), "carnet serve did not stop cleanly: {exit}");
    assert_eq!(counts.not_ok.load(Ordering::Relaxed), 0, "some fetches were not answered 200");
    assert_eq!(counts.fetch_errors.load(Ordering::Relaxed), 0, "some connections failed");
    assert!(rss_end < rss_start * 3 + 64 * 1024, "memory grew from {rss_start} kB to {rss_end} kB");
}

fn page(n: u64) -> String {
    format!(
        "# Guide de soak\n\nÉdition numéro {n}.\n\n## Détails\n\n{}\n",
        "Du texte de remplissage. ".repeat(200)
    )
}

fn broken(n: u64) -> String {
    format!("+++\ntitle = [\n+++\n# Cassé\n\nÉdition cassée {n}.\n")
}

/// A plain write, or an editor's save: a temporary file renamed over the guide.
fn save(path: &Path, text: &str, by_rename: bool) {
    if by_rename {
        let temp = path.with_file_name(".soak.md.tmp");
        std::fs::write(&temp, text).unwrap();
        std::fs::rename(&temp, path).unwrap();
    } else {
        std::fs::write(path, text).unwrap();
    }
}

/// One open page's reload channel, reconnecting when the server closes it.
fn listen(addr: &str, counts: &Counts, done: &AtomicBool) {
    while !done.load(Ordering::Relaxed) {
        let Ok(mut stream) = TcpStream::connect(addr) else {
            counts.reconnects.fetch_add(1, Ordering::Relaxed);
            std::thread::sleep(Duration::from_millis(100));
            continue;
        };
        stream.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
        let request = format!("GET /__carnet/events HTTP/1.1\r\nHost: {addr}\r\n\r\n");
        if stream.write_all(request.as_bytes()).is_err() {
            continue;
        }
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) => break,
                Ok(_) if line.starts_with("event: reload") => {
                    counts.reloads.fetch_add(1, Ordering::Relaxed);
                }
                Ok(_) if line.starts_with("event: failed") => {
                    counts.failed.fetch_add(1, Ordering::Relaxed);
                }
                Ok(_) => {}
                Err(_) if done.load(Ordering::Relaxed) => return,
                Err(e)
                    if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
                Err(_) => break,
            }
        }
        if !done.load(Ordering::Relaxed) {
            counts.reconnects.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// A reader clicking around: the edited guide, a stylesheet, the sidebar, a 404.
fn fetch_loop(addr: &str, client: u64, counts: &Counts, done: &AtomicBool) {
    let paths = ["/soak/", "/assets/carnet.css", "/assets/nav.js", "/", "/nulle-part/"];
    let mut i = client as usize;
    while !done.load(Ordering::Relaxed) {
        let path = paths[i % paths.len()];
        i += 1;
        counts.fetches.fetch_add(1, Ordering::Relaxed);
        match get(addr, path) {
            Some((status, _)) if status == 200 || (path == "/nulle-part/" && status == 404) => {}
            Some((status, _)) => {
                eprintln!("{path}: {status}");
                counts.not_ok.fetch_add(1, Ordering::Relaxed);
            }
            None => {
                counts.fetch_errors.fetch_add(1, Ordering::Relaxed);
            }
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

fn get(addr: &str, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).ok()?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, text))
}

fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}
