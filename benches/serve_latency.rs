//! Save-to-refresh latency of `carnet serve`: from a guide written to disk to the `reload` message
//! an open page receives (the rebuild is complete and served by then), p50 and p95 over many edits.
//!
//! `cargo bench --bench serve_latency` measures a copy of the bundled site; set
//! `CARNET_BENCH_ROOT=DIR` to measure another site (e.g. 1,000 guides from
//! `cargo bench --bench build -- 1000`, which leaves its corpus in target/bench-corpus/1000), `CARNET_BENCH_EDITS=N` and
//! `CARNET_BENCH_PAUSE_MS` (pause between a refresh and the next edit, default 100).

/// Shared with `soak`, which uses more of it.
#[path = "serve/mod.rs"]
#[allow(dead_code)]
mod serve;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serve::{copy_tree, work_dir, Server};

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("serve_latency: benchmark");
        return;
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = work_dir("bench");
    let source = std::env::var_os("CARNET_BENCH_ROOT").map_or_else(|| manifest.to_path_buf(), PathBuf::from);
    copy_tree(&source.join("content"), &work.join("content"));
    if source.join("carnet.toml").is_file() {
        std::fs::copy(source.join("carnet.toml"), work.join("carnet.toml")).unwrap();
    }
    let edits: usize = std::env::var("CARNET_BENCH_EDITS").ok().and_then(|n| n.parse().ok()).unwrap_or(40);
    // Pause between a refresh and the next edit (an author saves every few seconds at most).
    let pause: u64 = std::env::var("CARNET_BENCH_PAUSE_MS").ok().and_then(|n| n.parse().ok()).unwrap_or(100);
    let guide = first_guide(&work.join("content")).expect("a guide to edit");

    let server = Server::start(&work);
    let events = subscribe(&server.addr);
    let original = std::fs::read_to_string(&guide).unwrap();
    let mut latencies = Vec::with_capacity(edits);
    for i in 0..edits {
        std::thread::sleep(Duration::from_millis(pause));
        let written = Instant::now();
        std::fs::write(&guide, format!("{original}\n\nModification {i}.\n")).unwrap();
        let name = events.recv_timeout(Duration::from_secs(60)).expect("a reload message");
        assert_eq!(name, "reload");
        latencies.push(written.elapsed());
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&work);

    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    let guides = walk(&source.join("content")).len();
    println!(
        "serve_latency: {guides} guides, {edits} edits {pause} ms apart: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        at(0.5).as_secs_f64() * 1e3,
        at(0.95).as_secs_f64() * 1e3,
        at(1.0).as_secs_f64() * 1e3
    );
}

/// The names of the events of the reload channel, after `hello`.
fn subscribe(addr: &str) -> mpsc::Receiver<String> {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(stream, "GET /__carnet/events HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if let Some(name) = line.strip_prefix("event: ") {
                if name != "hello" && sender.send(name.to_string()).is_err() {
                    return;
                }
            }
        }
    });
    receiver
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().map(Result::unwrap) {
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else if entry.path().extension().is_some_and(|e| e == "md") {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    files
}

fn first_guide(content: &Path) -> Option<PathBuf> {
    walk(content).into_iter().find(|p| p.file_name().is_some_and(|n| n != "index.md"))
}
