//! Real mojibake collected from public repositories (`tests/fixtures/real/mojibake/`): carnet's
//! repair against expectations written by hand. `score.py` in that folder scores ftfy on the
//! same file.

use std::fs;

use carnet::content::repair::repair;
use serde_json::Value;

/// Damaged texts repaired exactly, at least (the figure reached when the floor was set; ftfy
/// 6.3.1 gets 125 with `fix_encoding`, 118 with `fix_text`).
const EXACT_FLOOR: usize = 150;

struct Sample {
    id: String,
    clean: bool,
    damaged: String,
    expected: String,
}

fn samples() -> Vec<Sample> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/real/mojibake/samples.jsonl");
    let text = fs::read_to_string(path).expect("samples.jsonl");
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let v: Value = serde_json::from_str(line).expect("a JSON line");
            let field = |name: &str| v[name].as_str().expect(name).to_string();
            Sample {
                id: field("id"),
                clean: field("kind") == "clean",
                damaged: field("damaged"),
                expected: field("expected"),
            }
        })
        .collect()
}

#[test]
fn real_mojibake_is_repaired_and_clean_text_is_left_alone() {
    let samples = samples();
    let damaged = samples.iter().filter(|s| !s.clean).count();
    assert!(damaged >= 150 && samples.len() - damaged >= 40, "the fixture is whole");
    let mut exact = 0;
    let mut harmed = Vec::new();
    let mut missed = Vec::new();
    for s in &samples {
        let (repaired, _) = repair(&s.damaged);
        if s.clean {
            assert_eq!(s.damaged, s.expected, "{}: a clean sample expects itself", s.id);
            if repaired != s.damaged {
                harmed.push(format!("{}: {:?} became {:?}", s.id, s.damaged, repaired));
            }
        } else if repaired == s.expected {
            exact += 1;
        } else {
            missed.push(s.id.as_str());
        }
        // Repair is idempotent on real text too.
        let (again, _) = repair(&repaired);
        assert_eq!(again, repaired, "{}: a second repair changed the text", s.id);
    }
    assert!(exact >= EXACT_FLOOR, "{exact}/{damaged} exact (floor {EXACT_FLOOR}); missed: {missed:?}");
    assert!(harmed.is_empty(), "clean texts changed:\n{}", harmed.join("\n"));
}
