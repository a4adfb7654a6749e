//! Timing a build: `Stopwatch` measures its stages one after the other (wall time, CPU time of
//! the whole process, resident memory at the end), and `Spent` is the time of work done on the
//! threads beside a stage's own (the search index, made as the guides are outlined), reported
//! as a stage of its own (`Stopwatch::lap_apart`).

use std::time::{Duration, Instant};

/// Measures the stages of a build one after the other: wall time, and where the system tells it
/// (Linux), the CPU time of the whole process (every thread) during the stage.
pub struct Stopwatch {
    last: Instant,
    last_cpu: Option<Duration>,
    pub stages: Vec<Stage>,
}

/// One measured stage of a build.
#[derive(Debug, Clone)]
pub struct Stage {
    pub name: &'static str,
    pub wall: Duration,
    pub cpu: Option<Duration>,
    /// Resident memory of the process at the end of the stage, in bytes.
    pub resident: Option<u64>,
}

impl std::fmt::Display for Stage {
    /// `search 1655.8 ms (cpu 3101 ms, 402 MiB)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {:.1} ms", self.name, self.wall.as_secs_f64() * 1e3)?;
        match (self.cpu, self.resident) {
            (Some(cpu), Some(bytes)) => {
                write!(f, " (cpu {:.0} ms, {} MiB)", cpu.as_secs_f64() * 1e3, bytes >> 20)
            }
            (Some(cpu), None) => write!(f, " (cpu {:.0} ms)", cpu.as_secs_f64() * 1e3),
            (None, Some(bytes)) => write!(f, " ({} MiB)", bytes >> 20),
            (None, None) => Ok(()),
        }
    }
}

impl Stopwatch {
    pub fn start() -> Self {
        Stopwatch { last: Instant::now(), last_cpu: process_cpu_time(), stages: Vec::new() }
    }

    pub fn lap(&mut self, name: &'static str) {
        self.lap_apart(name, None);
    }

    /// Ends stage `name`, less the work measured apart in it (`part`, named by its `Spent`),
    /// which follows it as a stage of its own: `markdown 900 ms, search 500 ms` for 1.4 s of
    /// outlining and indexing in turns.
    pub fn lap_apart(&mut self, name: &'static str, part: Option<&Spent>) {
        let (now, now_cpu) = (Instant::now(), process_cpu_time());
        let cpu = now_cpu.zip(self.last_cpu).map(|(now, last)| now.saturating_sub(last));
        let resident = resident_bytes();
        let (part_wall, part_cpu) = part.map_or((Duration::ZERO, None), |p| (p.wall, p.cpu));
        let wall = (now - self.last).saturating_sub(part_wall);
        let cpu = match part_cpu {
            Some(part_cpu) => cpu.map(|cpu| cpu.saturating_sub(part_cpu)),
            None => cpu,
        };
        self.stages.push(Stage { name, wall, cpu, resident });
        if let Some(part) = part {
            self.stages.push(Stage { name: part.name, wall: part_wall, cpu: part_cpu, resident });
        }
        (self.last, self.last_cpu) = (now, now_cpu);
    }
}

/// The time of a piece of work done inside a stage, on several threads beside the stage's own
/// work (the search index, made as the guides are outlined).
#[derive(Debug, Clone)]
pub struct Spent {
    pub name: &'static str,
    pub wall: Duration,
    /// The threads' time spent on it, where the system tells CPU times.
    pub cpu: Option<Duration>,
}

impl Spent {
    /// Work done on several threads at once, beside other work: `busy` of the threads' time,
    /// which is its CPU time, and as wall time its share of `cores`.
    pub fn from_busy(name: &'static str, busy: Duration, cores: u32) -> Self {
        Spent { name, wall: busy / cores, cpu: process_cpu_time().map(|_| busy) }
    }
}

/// User and system CPU time of the process so far, every thread included.
#[cfg(target_os = "linux")]
fn process_cpu_time() -> Option<Duration> {
    // SAFETY: `getrusage` only writes the `rusage` it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return None;
    }
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    Some(Duration::from_micros(micros(usage.ru_utime) + micros(usage.ru_stime)))
}

#[cfg(not(target_os = "linux"))]
fn process_cpu_time() -> Option<Duration> {
    None
}

/// The process's resident memory now, where the system tells it (Linux).
#[cfg(target_os = "linux")]
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    // SAFETY: `sysconf` only reads a system constant.
    let page_size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    Some(pages * u64::try_from(page_size).ok()?)
}

#[cfg(not(target_os = "linux"))]
fn resident_bytes() -> Option<u64> {
    None
}
