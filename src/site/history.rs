//! What git knows about the guides: the date of each guide's last commit ("Mis à jour le …"),
//! and the repository's address on GitHub or GitLab ("Modifier cette page", "Signaler un
//! problème").
//!
//! `read` runs git twice for the whole site, whatever its size: `git rev-parse` (top folder,
//! shallow or not, branch) and one `git log --name-only` over the content folder, newest first,
//! parsed once: a file's first appearance is its last commit. Outside a git repository, or
//! without git, there is nothing. In a shallow clone (`--depth 1`) the one commit there seems to
//! add every file: no dates then, only the links.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

/// The git facts of a site.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Last commit date (`YYYY-MM-DD`, the committer's own day) of each file in git, by its path
    /// from the content folder with `/` separators. A file not there is not in the repository
    /// (no edit link then). In a shallow clone these are not the files' dates (`updated`).
    pub dates: HashMap<String, String>,
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
    /// The date to show for the file `rel`: none in a shallow clone, where the one commit there
    /// seems to have written every file.
    pub fn updated(&self, rel: &str) -> Option<&str> {
        if self.shallow {
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
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "core.quotepath=off"])
        .args(args)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .output()
        .ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// What git knows about the guides of the content folder `content`; `None` outside a repository.
pub fn read(content: &Path) -> Option<History> {
    let facts =
        git(content, &["rev-parse", "--show-prefix", "--is-shallow-repository", "--abbrev-ref", "HEAD"])?;
    let mut lines = facts.lines();
    let content_prefix = lines.next()?.to_string();
    let shallow = lines.next()? == "true";
    let branch = lines.next().filter(|b| *b != "HEAD").unwrap_or("main").to_string();
    let forge = git(content, &["remote", "get-url", "origin"]).and_then(|url| forge_of(&url, &branch));
    let dates = last_dates(content)?;
    Some(History { dates, content_prefix, forge, branch, shallow })
}

/// The date of each file's last commit, from one `git log` over `content`.
fn last_dates(content: &Path) -> Option<HashMap<String, String>> {
    let log = git(
        content,
        &["log", "--format=%x00%cs", "--name-only", "--no-renames", "--relative", "-z", "--", "."],
    )?;
    Some(parse_log(&log))
}

/// Parses `git log --format=%x00%cs --name-only -z` (newest first): a NUL then the date, a
/// newline, then the commit's files, each ended by a NUL.
fn parse_log(log: &str) -> HashMap<String, String> {
    let mut dates = HashMap::new();
    let mut date = "";
    for field in log.split('\0') {
        let field = field.trim_start_matches('\n');
        if field.is_empty() {
            continue;
        }
        match field.split_once('\n') {
            // A commit's header: its date, then maybe its first file.
            Some((head, first)) if is_date(head) => {
                date = head;
                let first = first.trim_start_matches('\n');
                if !first.is_empty() {
                    dates.entry(first.to_string()).or_insert_with(|| date.to_string());
                }
            }
            _ if is_date(field) => date = field,
            _ => {
                dates.entry(field.to_string()).or_insert_with(|| date.to_string());
            }
        }
    }
    dates
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

    #[test]
    fn one_log_gives_each_file_its_newest_date() {
        let log = "\u{0}2025-11-03\ncontent/a.md\u{0}guide é.md\u{0}\u{0}2025-10-01\na.md\u{0}b.md\u{0}";
        let dates = parse_log(log);
        assert_eq!(dates.get("content/a.md").map(String::as_str), Some("2025-11-03"));
        assert_eq!(dates.get("guide é.md").map(String::as_str), Some("2025-11-03"));
        assert_eq!(dates.get("a.md").map(String::as_str), Some("2025-10-01"));
        assert_eq!(dates.get("b.md").map(String::as_str), Some("2025-10-01"));
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
