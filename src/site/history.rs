//! What git knows about the guides: the date of each guide's last commit ("Mis à jour le …"),
//! and the repository's address on GitHub or GitLab ("Modifier cette page", "Signaler un
//! problème").
//!
//! `read` runs git three times for the whole site, whatever its size: `git rev-parse` (top
//! folder, shallow or not, branch), `git remote` and one `git log --name-only` over the content
//! folder, newest first, read as it comes: a file's first appearance is its last commit, and
//! once every guide has appeared git is stopped (in an application's repository the guides are
//! a few files among years of commits: walking the rest took seconds). Outside a git
//! repository, or without git, there is nothing.
//!
//! In a shallow clone the oldest commits there (the boundary, listed in `.git/shallow`) seem to
//! add every file they hold: a file last seen in one of them gets no date, since its real last
//! change may be older; a file changed by a later commit has its true date. So `--depth 1` shows
//! the links and no date at all, and a deeper clone the dates of the files changed within it.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

/// The git facts of a site.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Last commit date (`YYYY-MM-DD`, the committer's own day) of each file in git, by its path
    /// from the content folder with `/` separators. A file not there is not in the repository
    /// (no edit link then). Some are not the files' dates: see `undated`.
    pub dates: HashMap<String, String>,
    /// Files whose last commit here is a shallow clone's boundary: their date is unknown.
    pub undated: HashSet<String>,
    /// The content folder's path from the repository's top folder: `content/`, or empty.
    pub content_prefix: String,
    /// The repository on a forge, when its address is known.
    pub forge: Option<Forge>,
    /// The checked-out branch (`main` when HEAD is detached, as in CI clones).
    pub branch: String,
    pub shallow: bool,
}

/// A repository on GitHub or GitLab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forge {
    /// `https://github.com/equipe/guides`, without `.git` nor credentials.
    pub url: String,
    pub branch: String,
    pub kind: ForgeKind,
}

impl History {
    /// The date to show for the file `rel`: none when it is unknown (a shallow clone's boundary).
    pub fn updated(&self, rel: &str) -> Option<&str> {
        if self.undated.contains(rel) {
            return None;
        }
        self.dates.get(rel).map(String::as_str)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForgeKind {
    GitHub,
    GitLab,
}

impl Forge {
    /// The forge's editor for `path` (from the repository's top folder).
    pub fn edit_url(&self, path: &str) -> String {
        let path = encode(path, PATH);
        match self.kind {
            ForgeKind::GitHub => format!("{}/edit/{}/{path}", self.url, self.branch),
            ForgeKind::GitLab => format!("{}/-/edit/{}/{path}", self.url, self.branch),
        }
    }

    /// A new issue about the guide `title` at `page` (its address, or its file).
    pub fn report_url(&self, title: &str, page: &str) -> String {
        let subject = encode(&format!("Guide à corriger : {title}"), QUERY);
        let body = encode(&format!("Page : {page}\n\nCe qui ne va pas :\n"), QUERY);
        match self.kind {
            ForgeKind::GitHub => format!("{}/issues/new?title={subject}&body={body}", self.url),
            ForgeKind::GitLab => {
                format!("{}/-/issues/new?issue[title]={subject}&issue[description]={body}", self.url)
            }
        }
    }
}

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

const QUERY: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
const PATH: &AsciiSet = &QUERY.remove(b'/');

fn encode(text: &str, set: &'static AsciiSet) -> String {
    utf8_percent_encode(text, set).to_string()
}

/// A forge from a remote's address (`git@github.com:equipe/guides.git`,
/// `https://jeton@gitlab.com/equipe/guides`); `None` for other hosts.
pub fn forge_of(remote: &str, branch: &str) -> Option<Forge> {
    let remote = remote.trim();
    let rest = remote
        .strip_prefix("https://")
        .or_else(|| remote.strip_prefix("http://"))
        .or_else(|| remote.strip_prefix("ssh://"))
        .or_else(|| remote.strip_prefix("git@"))?;
    let rest = rest.rsplit_once('@').map_or(rest, |(_, after)| after);
    let (host, path) = rest.split_once([':', '/'])?;
    let path = path.trim_matches('/').trim_end_matches(".git");
    let kind = match host.to_ascii_lowercase().as_str() {
        "github.com" => ForgeKind::GitHub,
        "gitlab.com" => ForgeKind::GitLab,
        _ => return None,
    };
    let valid = |c: char| c.is_ascii_alphanumeric() || "-_./".contains(c);
    if path.split('/').count() < 2 || !path.chars().all(valid) {
        return None;
    }
    let base = if kind == ForgeKind::GitHub { "https://github.com" } else { "https://gitlab.com" };
    Some(Forge { url: format!("{base}/{path}"), branch: branch.to_string(), kind })
}

/// A forge written in carnet.toml (`repository = "https://github.com/equipe/guides"`).
pub fn configured_forge(url: &str, branch: Option<&str>) -> Option<Forge> {
    forge_of(url, branch.unwrap_or("main"))
}

/// Runs git in `dir`; its standard output, when it succeeds.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = git_command(dir, args).output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// git in `dir` with `args`, paths written as they are (not quoted), taking no optional lock.
fn git_command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new("git");
    command.arg("-C").arg(dir).args(["-c", "core.quotepath=off"]).args(args).env("GIT_OPTIONAL_LOCKS", "0");
    command
}

/// What git knows about the guides of the content folder `content`, `guides` being their paths
/// from it (with `/`); `None` outside a repository.
pub fn read(content: &Path, guides: HashSet<String>) -> Option<History> {
    let facts = git(
        content,
        &[
            "rev-parse",
            "--show-prefix",
            "--is-shallow-repository",
            "--abbrev-ref",
            "HEAD",
            "--git-path",
            "shallow",
        ],
    )?;
    let mut lines = facts.lines();
    let content_prefix = lines.next()?.to_string();
    let shallow = lines.next()? == "true";
    let branch = lines.next().filter(|b| *b != "HEAD").unwrap_or("main").to_string();
    // The boundary of a shallow clone: one commit id a line (a file, not a git process).
    let boundary = match lines.next() {
        Some(path) if shallow => std::fs::read_to_string(content.join(path)).unwrap_or_default(),
        _ => String::new(),
    };
    let boundary: HashSet<&str> = boundary.lines().map(str::trim).collect();
    let forge = git(content, &["remote", "get-url", "origin"]).and_then(|url| forge_of(&url, &branch));
    let (dates, undated) = read_log(content, &boundary, guides)?;
    Some(History { dates, undated, content_prefix, forge, branch, shallow })
}

/// `git log --name-only` over `content`, newest first, read until every one of `guides` has its
/// date (then git is stopped) or to its end; `None` when git fails.
fn read_log(
    content: &Path,
    boundary: &HashSet<&str>,
    mut guides: HashSet<String>,
) -> Option<(HashMap<String, String>, HashSet<String>)> {
    let mut log = LogReader::new(boundary);
    if guides.is_empty() {
        return Some(log.finish());
    }
    let args = ["log", "--format=%x00%cs %H", "--name-only", "--no-renames", "--relative", "-z", "--", "."];
    let mut child = git_command(content, &args).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().ok()?;
    let mut stdout = child.stdout.take()?;
    // Bytes after the last NUL read: the start of a field still coming.
    let mut pending = Vec::new();
    let mut chunk = vec![0; 64 << 10];
    let whole = loop {
        let read = match stdout.read(&mut chunk) {
            Ok(0) => break true,
            Ok(read) => read,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break false,
        };
        pending.extend_from_slice(&chunk[..read]);
        let Some(end) = memchr::memrchr(0, &pending) else { continue };
        for field in pending[..end].split(|&b| b == 0) {
            if let Some(dated) = log.field(&String::from_utf8_lossy(field)) {
                guides.remove(dated);
                if guides.is_empty() {
                    // Every guide has its date: older commits cannot change them.
                    let _ = child.kill();
                    let _ = child.wait();
                    return Some(log.finish());
                }
            }
        }
        pending.drain(..=end);
    };
    drop(stdout);
    let succeeded = child.wait().is_ok_and(|status| status.success());
    (whole && succeeded).then(|| {
        log.field(&String::from_utf8_lossy(&pending));
        log.finish()
    })
}

/// Reads `git log --format='%x00%cs %H' --name-only -z` (newest first), a NUL-ended field at a
/// time: a NUL then the date and the commit id, a newline, then the commit's files, each ended
/// by a NUL. Files whose first appearance is in a `boundary` commit are undated (date unknown).
struct LogReader<'b> {
    boundary: &'b HashSet<&'b str>,
    dates: HashMap<String, String>,
    undated: HashSet<String>,
    /// The date of the commit whose files come next, and whether it is a boundary commit.
    date: String,
    at_boundary: bool,
}

impl<'b> LogReader<'b> {
    fn new(boundary: &'b HashSet<&'b str>) -> Self {
        LogReader {
            boundary,
            dates: HashMap::new(),
            undated: HashSet::new(),
            date: String::new(),
            at_boundary: false,
        }
    }

    /// Takes one field; gives back the file it names when this is the file's first appearance.
    fn field<'f>(&mut self, field: &'f str) -> Option<&'f str> {
        let field = field.trim_start_matches('\n');
        if field.is_empty() {
            return None;
        }
        let (head, first) = field.split_once('\n').unwrap_or((field, ""));
        let file = match commit_header(head) {
            // A commit's header: its date and id, then maybe its first file.
            Some((day, id)) => {
                self.date = day.to_string();
                self.at_boundary = self.boundary.contains(id);
                first.trim_start_matches('\n')
            }
            None => field,
        };
        if file.is_empty() || self.dates.contains_key(file) {
            return None;
        }
        self.dates.insert(file.to_string(), self.date.clone());
        if self.at_boundary {
            self.undated.insert(file.to_string());
        }
        Some(file)
    }

    fn finish(self) -> (HashMap<String, String>, HashSet<String>) {
        (self.dates, self.undated)
    }
}

/// `2025-11-03 <40 or 64 hex digits>`: (date, commit id).
fn commit_header(text: &str) -> Option<(&str, &str)> {
    let (date, id) = text.split_once(' ')?;
    let hex = (id.len() == 40 || id.len() == 64) && id.bytes().all(|b| b.is_ascii_hexdigit());
    (is_date(date) && hex).then_some((date, id))
}

fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-' && text.bytes().filter(u8::is_ascii_digit).count() == 8
}

/// `2025-11-03` → `3 novembre 2025`.
pub fn french_date(iso: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    let mut parts = iso.splitn(3, '-');
    let year: u32 = parts.next()?.parse().ok()?;
    let month: usize = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.get(..2)?.parse().ok()?;
    let name = MONTHS.get(month.checked_sub(1)?)?;
    let day = if day == 1 { "1er".to_string() } else { day.to_string() };
    Some(format!("{day} {name} {year}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A whole log, as `read_log` reads it.
    fn parse_log(log: &str, boundary: &HashSet<&str>) -> (HashMap<String, String>, HashSet<String>) {
        let mut reader = LogReader::new(boundary);
        for field in log.split('\0') {
            reader.field(field);
        }
        reader.finish()
    }

    const NEW: &str = "1111111111111111111111111111111111111111";
    const OLD: &str = "2222222222222222222222222222222222222222";

    #[test]
    fn one_log_gives_each_file_its_newest_date() {
        let log = format!(
            "\u{0}2025-11-03 {NEW}\ncontent/a.md\u{0}guide é.md\u{0}\u{0}2025-10-01 {OLD}\na.md\u{0}b.md\u{0}guide é.md\u{0}"
        );
        let (dates, undated) = parse_log(&log, &HashSet::new());
        assert_eq!(dates.get("content/a.md").map(String::as_str), Some("2025-11-03"));
        assert_eq!(dates.get("guide é.md").map(String::as_str), Some("2025-11-03"));
        assert_eq!(dates.get("a.md").map(String::as_str), Some("2025-10-01"));
        assert_eq!(dates.get("b.md").map(String::as_str), Some("2025-10-01"));
        assert!(undated.is_empty());
    }

    #[test]
    fn files_last_seen_at_a_shallow_clone_s_boundary_have_no_date() {
        let log = format!("\u{0}2025-11-03 {NEW}\na.md\u{0}\u{0}2025-10-01 {OLD}\na.md\u{0}b.md\u{0}");
        let (dates, undated) = parse_log(&log, &HashSet::from([OLD]));
        assert_eq!(dates.len(), 2, "both files are in git (edit links)");
        let history = History { dates, undated, ..History::default() };
        assert_eq!(history.updated("a.md"), Some("2025-11-03"), "changed after the boundary: a true date");
        assert_eq!(history.updated("b.md"), None, "only the boundary has it: its date is unknown");
    }

    #[test]
    fn dates_in_french() {
        assert_eq!(french_date("2025-11-03").as_deref(), Some("3 novembre 2025"));
        assert_eq!(french_date("2026-08-01").as_deref(), Some("1er août 2026"));
        assert_eq!(french_date("2026-13-01"), None);
    }

    #[test]
    fn forges_from_remote_addresses() {
        let github = forge_of("git@github.com:equipe/guides.git", "main").unwrap();
        assert_eq!(github.url, "https://github.com/equipe/guides");
        assert_eq!(
            github.edit_url("content/Mon guide.md"),
            "https://github.com/equipe/guides/edit/main/content/Mon%20guide.md"
        );
        let token = forge_of("https://x-access-token:SECRET@github.com/equipe/guides", "prod").unwrap();
        assert_eq!(token.url, "https://github.com/equipe/guides", "credentials are never kept");
        let gitlab = forge_of("https://gitlab.com/groupe/sous-groupe/guides.git", "main").unwrap();
        assert_eq!(gitlab.edit_url("a.md"), "https://gitlab.com/groupe/sous-groupe/guides/-/edit/main/a.md");
        assert!(gitlab.report_url("Pare-feu", "/pare-feu/").starts_with(
            "https://gitlab.com/groupe/sous-groupe/guides/-/issues/new?issue[title]=Guide%20%C3%A0%20corriger%20%3A%20Pare-feu&"
        ));
        assert_eq!(forge_of("https://git.example.org/equipe/guides", "main"), None);
        assert_eq!(forge_of("/srv/depots/guides.git", "main"), None);
        let issue = github.report_url("Résolution : « OOM »", "https://docs.example.org/oom/");
        assert!(
            issue.starts_with("https://github.com/equipe/guides/issues/new?title=Guide%20%C3%A0%20corriger"),
            "{issue}"
        );
        assert!(!issue.contains(' ') && !issue.contains('«'), "{issue}");
    }
}
