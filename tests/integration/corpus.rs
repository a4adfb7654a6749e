//! The generated corpus of the build benchmark (`benches/corpus`) is what the benchmark claims:
//! the same bytes for the same seed, damaged guides that really are mojibake of clean French,
//! and a site carnet builds, whose links between guides all resolve.

use std::collections::HashSet;

use encoding_rs::{Encoding, WINDOWS_1252, WINDOWS_1254};

use crate::fixture::Site;

#[path = "../../benches/corpus/mod.rs"]
mod generator;

use generator::generate;

const GUIDES: usize = 30;
const MOJIBAKE: f64 = 0.2;

/// The one clean sentence that shows mojibake on purpose (a symptom bullet).
const QUOTED_MOJIBAKE: &str = "« Ã© » au lieu de « é »";

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let texts =
        |seed| generate(GUIDES, seed, MOJIBAKE).into_iter().map(|g| (g.name, g.text)).collect::<Vec<_>>();
    assert!(texts(1) == texts(1));
    assert!(texts(1) != texts(2));
}

#[test]
fn guides_look_like_the_benchmark_corpus() {
    let guides = generate(GUIDES, 1, MOJIBAKE);
    let names: HashSet<&str> = guides.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names.len(), GUIDES, "distinct file names");
    let damaged = guides.iter().filter(|g| g.damage.is_some()).count();
    assert_eq!(damaged, 6, "round(0.2 × 30) damaged guides");
    for guide in &guides {
        let text = &guide.text;
        assert!(guide.name.starts_with("GUIDE_") && guide.name.ends_with(".md"), "{}", guide.name);
        assert!((3_000..12_000).contains(&text.len()), "{}: {} bytes", guide.name, text.len());
        assert!(text.starts_with("# ") && text.matches("\n## ").count() >= 7, "{}", guide.name);
        assert!(text.contains("\n### "), "{}", guide.name);
        assert!(text.matches("```").count() >= 6, "{}: code blocks", guide.name);
        assert!(links(text).len() >= 3, "{}: links", guide.name);
        assert!(text.contains("`GUIDE_"), "{}: a reference in inline code", guide.name);
    }
    let anchored = guides.iter().flat_map(|g| links(&g.text)).filter(|l| l.contains('#')).count();
    assert!(anchored > 0, "links to sections");
}

#[test]
fn damaged_guides_are_clean_french_read_through_a_code_page() {
    let clean = generate(GUIDES, 1, 0.0);
    for (guide, original) in generate(GUIDES, 1, MOJIBAKE).iter().zip(&clean) {
        assert_eq!(original.damage, None);
        assert!(original.text.contains("é") && original.text.contains("à"), "{}: French", guide.name);
        let elsewhere = original.text.replace(QUOTED_MOJIBAKE, "");
        assert!(!elsewhere.contains('Ã') && !elsewhere.contains("ðŸ"), "{}: clean", guide.name);
        let Some(encoding) = guide.damage else {
            assert_eq!(guide.text, original.text);
            continue;
        };
        assert!(guide.text.contains("Ã©") && !guide.text.contains('é'), "{}: damaged", guide.name);
        let title = |text: &str| text.lines().next().unwrap_or_default().to_string();
        assert_ne!(
            title(&guide.text),
            title(&original.text),
            "{}: the title's emoji is damaged too",
            guide.name
        );
        assert_eq!(
            encoded(&guide.text, encoding),
            without_undefined(&original.text, encoding),
            "{}",
            guide.name
        );
    }
}

/// The generator drops the bytes Python's code pages leave undefined, and only those. (Every
/// undefined byte is a UTF-8 continuation byte: the second byte of U+0080–U+00BF.)
#[test]
fn the_bytes_dropped_are_those_undefined_in_pythons_code_pages() {
    for encoding in [WINDOWS_1252, WINDOWS_1254] {
        for byte in 0x80..=0xbf_u8 {
            let damaged = generator::mojibake_of(&char::from(byte).to_string(), encoding);
            let expected = if undefined(encoding).contains(&byte) { 1 } else { 2 };
            assert_eq!(damaged.chars().count(), expected, "{} {byte:#x}: {damaged:?}", encoding.name());
        }
    }
}

#[test]
fn carnet_builds_the_corpus_and_links_between_guides_resolve() {
    let site = Site::new();
    let guides = generate(GUIDES, 1, MOJIBAKE);
    let content = site.root().join("content");
    let bytes = generator::write(&guides, &content).unwrap();
    assert_eq!(bytes, guides.iter().map(|g| g.text.len() as u64).sum::<u64>());
    for guide in &guides {
        let on_disk = std::fs::read(content.join(&guide.name)).unwrap();
        assert!(on_disk == guide.text.as_bytes(), "{}: written as UTF-8", guide.name);
    }
    let damaged: HashSet<&str> =
        guides.iter().filter(|g| g.damage.is_some()).map(|g| g.name.as_str()).collect();

    // As in the real corpus, an anchor into a damaged guide may miss (its headings are mojibake
    // until carnet repairs them); nothing else may.
    let check = site.carnet(&["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&check.stdout).expect(&check.stderr);
    for finding in report["findings"].as_array().unwrap() {
        let path = finding["path"].as_str().unwrap();
        let message = finding["message"].as_str().unwrap();
        let in_damaged = damaged.iter().any(|name| path.ends_with(name));
        let into_damaged_anchor = message
            .split('`')
            .nth(1)
            .and_then(|dest| dest.split_once('#'))
            .is_some_and(|(target, _)| message.starts_with("broken link") && damaged.contains(target));
        assert!(into_damaged_anchor || (in_damaged && finding["severity"] == "warning"), "{path}: {message}");
    }

    // carnet repairs the damaged guides' headings before it resolves links: the whole site builds.
    let run = site.carnet(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("Built {} pages", GUIDES + 2)), "{}", run.stderr);
}

/// The Markdown links of a guide: `[texte](GUIDE_X.md#ancre)` → `GUIDE_X.md#ancre`.
fn links(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("](GUIDE_") {
        let dest = &rest[start + 2..];
        let end = dest.find(')').expect("a closed link");
        found.push(&dest[..end]);
        rest = &dest[end..];
    }
    found
}

fn encoded(text: &str, encoding: &'static Encoding) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable, "{} cannot encode the damaged text", encoding.name());
    bytes.into_owned()
}

/// The UTF-8 bytes of `text` but those `encoding` cannot decode.
fn without_undefined(text: &str, encoding: &'static Encoding) -> Vec<u8> {
    text.bytes().filter(|b| !undefined(encoding).contains(b)).collect()
}

/// The bytes Python's codecs cannot decode (`bytes([b]).decode("cp1252")` fails).
fn undefined(encoding: &'static Encoding) -> &'static [u8] {
    if encoding == WINDOWS_1252 {
        &[0x81, 0x8d, 0x8f, 0x90, 0x9d]
    } else {
        assert_eq!(encoding, WINDOWS_1254);
        &[0x81, 0x8d, 0x8e, 0x8f, 0x90, 0x9d, 0x9e]
    }
}
