//! What the `carnet serve` benchmarks share (`serve_latency`, `soak`): a work folder holding a
//! copy of a site, and the server running on it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};

/// An empty folder of the system's temporary folder, named for this benchmark and process.
pub fn work_dir(bench: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("carnet-{bench}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Copies the folder `from` and everything in it to `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().map(Result::unwrap) {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `carnet serve` on a free port, quiet; stopped as Ctrl-C would stop it when dropped.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
}

impl Server {
    /// Starts the release `carnet serve` on `root` and waits for the line giving its address.
    pub fn start(root: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_carnet"))
            .args(["-q", "serve", "--port", "0", "--root"])
            .arg(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start carnet serve");
        let stdout = child.stdout.take().unwrap();
        let line = BufReader::new(stdout).lines().next().expect("the address line").unwrap();
        let addr = line.split_whitespace().find(|w| w.starts_with("http://")).expect("an address");
        let addr = addr.trim_start_matches("http://").trim_end_matches('/').to_string();
        Server { child, addr }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The exit status if the server has stopped.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().unwrap()
    }

    /// Sends SIGTERM (the server then removes its private folder) and waits for the exit.
    pub fn stop(&mut self) -> ExitStatus {
        let kill = format!("kill -TERM {} 2>/dev/null", self.child.id());
        if Command::new("sh").args(["-c", &kill]).status().is_err() {
            let _ = self.child.kill();
        }
        self.child.wait().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.exited().is_none() {
            self.stop();
        }
    }
}
