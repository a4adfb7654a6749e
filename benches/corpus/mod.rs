//! A generated corpus of French troubleshooting guides for the build benchmark and its test: the
//! Rust port of the `plain` layout of `gen_corpus.py` (one folder of `GUIDE_*.md`, ~6.5 KB each).
//!
//! `generate(n, seed, mojibake)` draws the guides' skeletons (file name, title, H3 headings, so
//! that links can name them), writes each guide (`guide`), then damages a fraction of them the way
//! the real sources were damaged (`mojibake`); `write` puts them in a folder. The output depends
//! only on `(n, seed, mojibake)`; it is not byte for byte what the Python script writes (another
//! random generator), but has the same shapes: sizes, headings, code blocks, links, references.
//!
//! Shared by `benches/build.rs` and `tests/integration/corpus.rs` through `#[path]`: it is not
//! part of carnet.

mod code;
mod guide;
mod rng;
mod vocabulary;

use std::collections::HashMap;
use std::io;
use std::path::Path;

use encoding_rs::{Encoding, WINDOWS_1252, WINDOWS_1254};

use rng::Rng;
use vocabulary::{H3_DIAG, H3_STEPS, PROBLEMS, TITLE_EMOJI, TOPICS};

/// One generated guide.
pub struct Guide {
    /// `GUIDE_<TOPIC>_<PROBLEM>[_k].md`
    pub name: String,
    pub text: String,
    /// The code page the guide's UTF-8 was read through, for a damaged guide.
    pub damage: Option<&'static Encoding>,
}

/// What other guides know of a guide: its file name, title and H3 headings.
struct Skeleton {
    name: String,
    title: String,
    topic: &'static str,
    emoji: &'static str,
    diagnosis: Vec<&'static str>,
    steps: Vec<&'static str>,
}

impl Skeleton {
    fn headings(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.diagnosis.iter().chain(&self.steps).copied()
    }
}

/// `n` guides, of which `round(mojibake × n)` damaged (`0 ≤ mojibake ≤ 1`).
pub fn generate(n: usize, seed: u64, mojibake: f64) -> Vec<Guide> {
    assert!(n >= 1 && (0.0..=1.0).contains(&mojibake), "need n ≥ 1 and 0 ≤ mojibake ≤ 1");
    let skeletons = skeletons(n, seed);
    let damaged = damaged(n, seed, mojibake);
    (0..n)
        .map(|i| {
            let text = guide::write(i, &skeletons, seed);
            let damage = damaged.get(&i).copied();
            let text = match damage {
                Some(encoding) => mojibake_of(&text, encoding),
                None => text,
            };
            Guide { name: skeletons[i].name.clone(), text, damage }
        })
        .collect()
}

/// Writes the guides into `dir`, emptied first; returns the bytes written.
pub fn write(guides: &[Guide], dir: &Path) -> io::Result<u64> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let mut bytes = 0;
    for guide in guides {
        std::fs::write(dir.join(&guide.name), &guide.text)?;
        bytes += guide.text.len() as u64;
    }
    Ok(bytes)
}

/// The anchor a heading gets on GitHub (and in carnet, for these headings): lower case, letters,
/// digits, `_` and `-` kept, spaces turned into `-`, the rest dropped.
pub fn github_anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// UTF-8 text read through a Windows code page and saved as UTF-8; the bytes the code page leaves
/// undefined are dropped, as Python's `decode(codepage, errors="ignore")` does. (`encoding_rs`
/// follows the WHATWG tables, which decode those bytes to C1 controls: the only C1 controls here.)
pub fn mojibake_of(text: &str, encoding: &'static Encoding) -> String {
    let (decoded, _) = encoding.decode_without_bom_handling(text.as_bytes());
    decoded.chars().filter(|c| !('\u{80}'..='\u{9f}').contains(c)).collect()
}

/// File names, titles and headings. Topic × problem pairs are dealt in a shuffled order; past 576
/// guides they come round again as `…_2` (« cas n° 2 »), `…_3`, and so on.
fn skeletons(n: usize, seed: u64) -> Vec<Skeleton> {
    let mut rng = Rng::new(&format!("{seed}:names"));
    let mut pairs: Vec<_> = TOPICS.iter().flat_map(|t| PROBLEMS.iter().map(move |p| (t, p))).collect();
    rng.shuffle(&mut pairs);
    let mut used: HashMap<String, usize> = HashMap::new();
    (0..n)
        .map(|i| {
            let (&(topic_key, topic), &(problem_key, problem)) = pairs[i % pairs.len()];
            let base = format!("GUIDE_{topic_key}_{problem_key}");
            let count = used.entry(base.clone()).or_default();
            *count += 1;
            let k = *count;
            let mut rng = Rng::new(&format!("{seed}:skel:{i}"));
            let emoji = rng.pick(TITLE_EMOJI);
            let mut title = format!("{} {topic}", capitalized(problem));
            if k > 1 {
                title.push_str(&format!(" (cas n° {k})"));
            }
            let diagnosis_count = rng.int(2, 3);
            let diagnosis = rng.sample(H3_DIAG, diagnosis_count);
            let steps_count = rng.int(2, 4);
            let steps = rng.sample(H3_STEPS, steps_count);
            let name = if k == 1 { format!("{base}.md") } else { format!("{base}_{k}.md") };
            Skeleton { name, title, topic, emoji, diagnosis, steps }
        })
        .collect()
}

/// Which guides are damaged, and through which code page (two in three: Windows-1252).
fn damaged(n: usize, seed: u64, mojibake: f64) -> HashMap<usize, &'static Encoding> {
    let mut rng = Rng::new(&format!("{seed}:mojibake"));
    let count = (mojibake * n as f64).round_ties_even() as usize;
    let all: Vec<usize> = (0..n).collect();
    let mut chosen = rng.sample(&all, count);
    chosen.sort_unstable();
    chosen.into_iter().map(|i| (i, rng.pick(&[WINDOWS_1252, WINDOWS_1252, WINDOWS_1254]))).collect()
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}
