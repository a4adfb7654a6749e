//! The front matter keys that mean nothing to carnet, counted over the whole site: `carnet check`
//! lists each once, with how many guides write it and the first of them, instead of a warning per
//! key per file (their values are kept for templates as `page.extra`).

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::content::{frontmatter, Guide};
use crate::report::thousands;

/// Keys listed by default; `-v` lists them all.
const KEYS_SHOWN: usize = 8;

/// Guides named for each key.
const FILES_NAMED: usize = 3;

/// One key unknown to carnet, in `carnet check --format json` too.
#[derive(Debug, Serialize, PartialEq)]
pub struct UnknownKey {
    pub key: String,
    /// How many guides write it.
    pub guides: usize,
    /// The first of them.
    pub files: Vec<String>,
    /// A key of carnet's it is close to (`titel` → `title`), as a likely typo.
    pub suggestion: Option<&'static str>,
}

/// Every unknown key of `guides`, the most written first.
pub fn unknown_keys(guides: &[Guide]) -> Vec<UnknownKey> {
    let mut found: BTreeMap<&str, (usize, Vec<String>)> = BTreeMap::new();
    for guide in guides {
        for key in &guide.front.unknown {
            let (count, files) = found.entry(key).or_default();
            *count += 1;
            if files.len() < FILES_NAMED {
                files.push(guide.path.display().to_string());
            }
        }
    }
    let mut keys: Vec<UnknownKey> = found
        .into_iter()
        .map(|(key, (guides, files))| UnknownKey {
            key: key.to_string(),
            guides,
            files,
            suggestion: typo_of(key),
        })
        .collect();
    keys.sort_by(|a, b| b.guides.cmp(&a.guides).then_with(|| a.key.cmp(&b.key)));
    keys
}

/// The key of carnet's that `key` most likely misspells.
fn typo_of(key: &str) -> Option<&'static str> {
    let key = key.to_lowercase();
    frontmatter::meaningful_keys()
        .map(|known| (strsim::normalized_damerau_levenshtein(&key, known), known))
        .filter(|(score, known)| *score >= 0.75 && *known != key)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, known)| known)
}

/// The keys as a few lines of text: one per key, the most written first.
pub fn write_unknown_keys(out: &mut impl Write, keys: &[UnknownKey], all: bool) -> io::Result<()> {
    if keys.is_empty() {
        return Ok(());
    }
    writeln!(out, "note: front matter keys carnet does not read, kept for templates as `page.extra`:")?;
    let shown = if all { keys.len() } else { KEYS_SHOWN };
    for key in keys.iter().take(shown) {
        let more = if key.guides > key.files.len() { ", …" } else { "" };
        let typo = key.suggestion.map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
        writeln!(
            out,
            "  {}{typo}: {} guide(s) ({}{more})",
            key.key,
            thousands(key.guides),
            key.files.join(", ")
        )?;
    }
    if keys.len() > shown {
        writeln!(
            out,
            "  … and {} other keys (`carnet -v check` lists them all)",
            thousands(keys.len() - shown)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn likely_typos_of_carnet_keys_are_pointed_out() {
        assert_eq!(typo_of("titel"), Some("title"));
        assert_eq!(typo_of("weigth"), Some("weight"));
        assert_eq!(typo_of("nav-order"), Some("nav_order"));
        assert_eq!(typo_of("layout"), None);
        assert_eq!(typo_of("tags"), None);
    }
}
