//! ftfy's own test suite (`tests/fixtures/repair/ftfy/test_cases.json`, unmodified, Apache-2.0),
//! run through the build's entry point, `content::decode_and_repair`. The expected text is
//! `fixed-encoding` (what ftfy's `fix_encoding` gives), or `fixed` when the case has none: ftfy's
//! `fix_text` also straightens quotes and decodes HTML entities, which is no repair of an encoding.

use serde::Deserialize;

use crate::content::decode_and_repair;

const CASES: &str = include_str!("../../../tests/fixtures/repair/ftfy/test_cases.json");

#[derive(Debug, Deserialize)]
struct Case {
    label: String,
    original: String,
    fixed: String,
    #[serde(rename = "fixed-encoding")]
    fixed_encoding: Option<String>,
    expect: String,
}

impl Case {
    fn expected(&self) -> &str {
        self.fixed_encoding.as_deref().unwrap_or(&self.fixed)
    }

    fn repaired(&self) -> String {
        decode_and_repair(self.original.as_bytes()).text
    }
}

fn cases() -> Vec<Case> {
    serde_json::from_str(CASES).expect("ftfy's test cases are JSON")
}

#[test]
fn every_case_ftfy_expects_to_pass_is_repaired_exactly() {
    let cases = cases();
    let mut failures = Vec::new();
    let mut passed = [0usize; 2];
    for case in &cases {
        let repaired = case.repaired();
        let right = repaired == case.expected();
        let group = usize::from(case.expect == "fail");
        passed[group] += usize::from(right);
        if !right && case.expect == "pass" {
            failures.push(format!(
                "{}\n   original: {:?}\n   expected: {:?}\n   repaired: {:?}",
                case.label,
                case.original,
                case.expected(),
                repaired
            ));
        }
    }
    let total = |expect: &str| cases.iter().filter(|c| c.expect == expect).count();
    println!(
        "ftfy suite: {}/{} expect=pass cases exact; {}/{} expect=fail cases exact too",
        passed[0],
        total("pass"),
        passed[1],
        total("fail")
    );
    assert!(failures.is_empty(), "{} cases wrong:\n{}", failures.len(), failures.join("\n"));
}
