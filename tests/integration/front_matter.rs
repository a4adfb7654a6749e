//! Hostile front matter: refused fast, with the file and line, by the real binary.

use std::time::{Duration, Instant};

use crate::fixture::Site;

/// A guide whose YAML front matter holds `x: [[[…]]]`, `levels` deep.
fn nested_guide(levels: usize) -> String {
    format!("---\ntitle: Guide\nx: {}{}\n---\n# Guide\n\nTexte.\n", "[".repeat(levels), "]".repeat(levels))
}

#[test]
fn front_matter_of_200_kb_is_refused_at_once_naming_the_file() {
    // Regression: 200 KB of nested brackets kept `carnet build` busy for 15 s (52–66 s on a
    // slower machine) before "recursion limit exceeded".
    let site = Site::new();
    site.file("content/guide.md", nested_guide(100_000));
    let started = Instant::now();
    let run = site.carnet(&["build"]);
    let took = started.elapsed();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "guide.md:1:1: invalid front matter: front matter of 196 KiB, over the limit of 64 KiB"
        ),
        "{}",
        run.stderr
    );
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

#[test]
fn deep_nesting_under_the_size_limit_is_refused_at_once_with_its_line() {
    // 30,000 levels in 60 KB: 1.5 s of YAML scanning (release) before the limits.
    let site = Site::new();
    site.file("content/guide.md", nested_guide(30_000));
    site.file("content/autre.md", "+++\ntitle = \"Autre\"\nx = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n+++\n");
    let started = Instant::now();
    let run = site.carnet(&["check"]);
    let took = started.elapsed();
    assert_eq!(run.code, 1, "{}", run.stdout);
    for expected in [
        "guide.md:3:1: invalid front matter: front matter nested more than 32 levels deep",
        "autre.md:3:1: invalid front matter: front matter nested more than 32 levels deep",
    ] {
        assert!(run.stdout.contains(expected), "{expected}\n{}", run.stdout);
    }
    assert!(took < Duration::from_secs(2), "took {took:?}");
}
