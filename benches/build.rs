//! Build benchmark (issue 8): a full `carnet -v build`, as a whole process, over generated corpora
//! of French guides (`corpus`: ~6.5 KB each, code blocks, cross-links, one folder, 10 % damaged).
//! For each size it prints the median wall time, CPU time (user + system) and peak memory of the
//! process, pages per second, the files and bytes written (the output folder), and the stages of
//! the last run, for two starts, the headline first:
//! - `fresh`: no output folder and no kept site, as on a fresh checkout (both are removed before
//!   each build): how Render builds every deploy;
//! - `rebuild`: the output of the previous build there, and on Linux the site before it, kept
//!   beside it for the build to write over (`site::output`), as when an author builds again.
//!
//! `cargo bench --bench build [-- SIZES…]` (default 100 1000 10000); `RUNS` builds per size and
//! start (default 3); `DROP_CACHES=1` empties the system's page cache before each build (root
//! only), so that the build reads and writes a cold disk. Each corpus is regenerated into
//! `target/bench-corpus/N/content` (`CARNET_BENCH_DIR` to put it elsewhere) and left there with
//! its last site in `N/public` (e.g. for `CARNET_BENCH_ROOT` of `serve_latency`). It reports
//! only: it fails when a build fails, never because of a time.

/// The test (tests/integration/corpus.rs) reads more of it than the benchmark does.
#[path = "corpus/mod.rs"]
#[allow(dead_code)]
mod corpus;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const SEED: u64 = 1;
const MOJIBAKE: f64 = 0.1;
const USAGE: &str =
    "usage: cargo bench --bench build [-- SIZES…]   (RUNS=3, CARNET_BENCH_DIR=target/bench-corpus)";

/// One `carnet build` process.
struct Run {
    wall: Duration,
    usage: Option<Usage>,
    /// What it printed on stderr (`-v`: the stages, then `Built N pages …`).
    log: String,
}

/// The resources used by a finished child process.
#[derive(Clone, Copy)]
struct Usage {
    cpu: Duration,
    peak_bytes: u64,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    if args.iter().any(|a| a == "--list") {
        println!("build: benchmark");
        return;
    }
    let sizes: Vec<usize> = match args.iter().map(|a| a.parse()).collect::<Result<Vec<usize>, _>>() {
        Ok(_) if args.is_empty() => vec![100, 1000, 10_000],
        Ok(sizes) if sizes.iter().all(|&n| n > 0) => sizes,
        _ => exit(2, USAGE),
    };
    let runs: usize = std::env::var("RUNS").ok().and_then(|r| r.parse().ok()).filter(|&r| r > 0).unwrap_or(3);
    let dir = std::env::var_os("CARNET_BENCH_DIR").map_or_else(default_dir, PathBuf::from);

    let drop_caches = std::env::var_os("DROP_CACHES").is_some_and(|v| v == "1");

    println!(
        "{:<7} {:<7} {:>7} {:>8} {:>8} {:>9} {:>8} {:>7} {:>7}  stages (last run)",
        "guides", "start", "src MB", "wall s", "cpu s", "peak MiB", "pages/s", "files", "out MB"
    );
    for n in sizes {
        let root = dir.join(n.to_string());
        let guides = corpus::generate(n, SEED, MOJIBAKE);
        let source =
            corpus::write(&guides, &root.join("content")).unwrap_or_else(|e| exit(1, &e.to_string()));
        for fresh in [true, false] {
            let runs: Vec<Run> =
                (0..runs).map(|_| build(&root, fresh, drop_caches).unwrap_or_else(|e| exit(1, &e))).collect();
            let start = if fresh { "fresh" } else { "rebuild" };
            println!("{}", row(n, start, source, &runs, &root.join("public")));
        }
    }
    println!(
        "{runs} runs per size and start: median wall and CPU time, highest peak; page cache {}; corpora \
         in {} (seed {SEED}, {} % damaged); machine: {} cores, load {}",
        if drop_caches { "emptied before each build" } else { "as the previous build left it" },
        dir.display(),
        MOJIBAKE * 100.0,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::fs::read_to_string("/proc/loadavg")
            .map_or_else(|_| "?".into(), |l| l.split(' ').take(3).collect::<Vec<_>>().join(" ")),
    );
}

/// `target/bench-corpus`, next to the `carnet` binary being measured (`target/release/carnet`).
fn default_dir() -> PathBuf {
    let carnet = Path::new(env!("CARGO_BIN_EXE_carnet"));
    carnet.ancestors().nth(2).unwrap_or(Path::new(".")).join("bench-corpus")
}

/// Builds the site at `root` with the release `carnet`, as a whole process: from nothing when
/// `fresh`, else over what the previous builds left.
fn build(root: &Path, fresh: bool, drop_caches: bool) -> Result<Run, String> {
    let output = root.join("public");
    if fresh {
        for dir in [output.clone(), root.join(".public.carnet-previous")] {
            if dir.exists() {
                std::fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
        }
    }
    if drop_caches {
        empty_page_cache()?;
    }
    let log_path = root.join("build.log");
    let log = std::fs::File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_carnet"))
        .args(["-v", "build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(&output)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|e| format!("carnet: {e}"))?;
    let (status, usage) = wait(child).map_err(|e| format!("waiting for carnet: {e}"))?;
    let wall = started.elapsed();
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    if !status.success() {
        let tail: Vec<&str> = log.lines().rev().take(20).collect::<Vec<_>>().into_iter().rev().collect();
        return Err(format!("carnet build of {} failed ({status}):\n{}", root.display(), tail.join("\n")));
    }
    Ok(Run { wall, usage, log })
}

/// Waits for `child` with `wait4`, which also returns the child's own resource usage: `Child::wait`
/// gives only the status, and `getrusage(RUSAGE_CHILDREN)` has the peak of all children so far.
#[cfg(unix)]
fn wait(child: std::process::Child) -> std::io::Result<(ExitStatus, Option<Usage>)> {
    use std::os::unix::process::ExitStatusExt;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: `rusage` is plain data, for which all zeroes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not reaped yet (`Child` never waits on drop); `status` and
    // `usage` are valid for writes.
    while unsafe { libc::wait4(pid, &mut status, 0, &mut usage) } != pid {
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
    let seconds = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    let cpu = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    // Linux counts ru_maxrss in KiB, macOS in bytes.
    let unit = if cfg!(target_os = "macos") { 1 } else { 1024 };
    let peak_bytes = usage.ru_maxrss as u64 * unit;
    Ok((ExitStatus::from_raw(status), Some(Usage { cpu, peak_bytes })))
}

/// Elsewhere: the status only (CPU time and peak memory are shown as `-`).
#[cfg(not(unix))]
fn wait(mut child: std::process::Child) -> std::io::Result<(ExitStatus, Option<Usage>)> {
    Ok((child.wait()?, None))
}

/// Writes the dirty pages out, then empties the page cache, the dentries and the inodes.
#[cfg(target_os = "linux")]
fn empty_page_cache() -> Result<(), String> {
    // SAFETY: `sync` takes no argument and cannot fail.
    unsafe { libc::sync() };
    std::fs::write("/proc/sys/vm/drop_caches", "3")
        .map_err(|e| format!("DROP_CACHES=1 needs root (/proc/sys/vm/drop_caches: {e})"))
}

#[cfg(not(target_os = "linux"))]
fn empty_page_cache() -> Result<(), String> {
    Err("DROP_CACHES=1 works on Linux only".into())
}

/// A line of the table for `n` guides.
fn row(n: usize, start: &str, source: u64, runs: &[Run], output: &Path) -> String {
    let wall = median(runs.iter().map(|r| r.wall).collect());
    let usages: Option<Vec<Usage>> = runs.iter().map(|r| r.usage).collect();
    let (cpu, peak) = match usages {
        Some(u) => (
            format!("{:.2}", median(u.iter().map(|u| u.cpu).collect()).as_secs_f64()),
            format!("{:.0}", u.iter().map(|u| u.peak_bytes).max().unwrap_or(0) as f64 / (1 << 20) as f64),
        ),
        None => ("-".into(), "-".into()),
    };
    let last = &runs[runs.len() - 1].log;
    let pages: f64 =
        after(last, "Built ").and_then(|s| s.split(' ').next()?.parse().ok()).unwrap_or(f64::NAN);
    let stages = after(last, "stages: ").and_then(|s| s.lines().next()).unwrap_or("?");
    let (files, bytes) = written(output);
    format!(
        "{n:<7} {start:<7} {:>7.1} {:>8.3} {cpu:>8} {peak:>9} {:>8.0} {files:>7} {:>7.1}  {stages}",
        source as f64 / 1e6,
        wall.as_secs_f64(),
        pages / wall.as_secs_f64(),
        bytes as f64 / 1e6,
    )
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[(values.len() - 1) / 2]
}

/// What follows the last `marker` in `log`.
fn after<'a>(log: &'a str, marker: &str) -> Option<&'a str> {
    log.rfind(marker).map(|at| &log[at + marker.len()..])
}

/// How many files are under `dir`, and their bytes: what a build writes.
fn written(dir: &Path) -> (u64, u64) {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.metadata().ok())
        .fold((0, 0), |(files, bytes), m| (files + 1, bytes + m.len()))
}

fn exit(code: i32, message: &str) -> ! {
    eprintln!("{message}");
    std::process::exit(code)
}
