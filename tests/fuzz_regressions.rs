//! Every input the fuzzers ever broke carnet with, replayed on stable `cargo test`.
//!
//! `fuzz/run.sh` runs the targets of `fuzz/` (cargo fuzz, nightly); a crash it finds is copied
//! to `tests/fixtures/fuzz/<target>/` once fixed, named after what broke. These tests run each
//! stored input, and the seed inputs of `fuzz/seeds/<target>/`, through the same function the
//! fuzzer calls (`fuzz/harness.rs`), with the same properties checked.

#[path = "../fuzz/harness.rs"]
mod harness;

use std::path::Path;

/// Runs `target` over every file of the stored crashes and seeds of `name`; returns how many.
fn replay(name: &str, target: fn(&[u8])) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut replayed = 0;
    for dir in [root.join("tests/fixtures/fuzz").join(name), root.join("fuzz/seeds").join(name)] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut files: Vec<_> = entries.map(|e| e.expect("list the fuzz inputs").path()).collect();
        files.sort();
        for file in files.iter().filter(|f| f.is_file()) {
            let data = std::fs::read(file).expect("read a fuzz input");
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(outcome.is_ok(), "{name}: {} breaks carnet again", file.display());
            replayed += 1;
        }
    }
    replayed
}

#[test]
fn repair_survives_every_stored_fuzz_input() {
    replay("repair", harness::repair);
    let real =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/repair/RESOLUTION_ERREUR_OOM_RENDER.md");
    harness::repair(&std::fs::read(real).expect("the damaged seed guide"));
}

#[test]
fn markdown_survives_every_stored_fuzz_input() {
    replay("markdown", harness::markdown);
    harness::markdown(b"# A {#x}\n\n# A {#x}\n\n## x\n\n```console\n$ echo '<script>'\n```\n");
}

#[test]
fn links_survive_every_stored_fuzz_input() {
    assert!(replay("links", harness::links) > 0, "the seed site of fuzz/seeds/links/ is replayed");
}

#[test]
fn front_matter_survives_every_stored_fuzz_input() {
    assert!(replay("frontmatter", harness::frontmatter) > 0, "the seeds of fuzz/seeds/frontmatter/");
}
