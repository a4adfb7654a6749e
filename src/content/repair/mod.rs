//! Encoding repair: the only code that turns a guide's bytes into text to trust.
//!
//! `decode` (bytes → text: BOM, UTF-8, UTF-16, legacy code pages guessed by chardetng) and
//! `repair` (text → text: undo UTF-8 read through a single-byte code page, layer after layer,
//! restoring lost bytes). `repair` steps: 1. `scan` looks for a lead/continuation pair or a
//! lost-byte mark, and without one returns the text borrowed (the fast path); 2. `engine` ranks
//! the code pages for the file and repairs each run (`mojibake`, `lost_bytes`, `classify`),
//! except mojibake quoted on purpose (`quoting`, `code`); 3. `report` says what was done.

mod badness;
mod classify;
mod code;
mod codepages;
mod decode;
mod engine;
mod language;
mod lost_bytes;
mod mojibake;
mod quoting;
mod report;
mod scan;

use std::borrow::Cow;

pub use decode::{decode, Decoded};
pub use report::{Guess, RepairReport, Spot};

/// Text → repaired text: borrowed when nothing changes. Never adds or removes a line, never
/// touches ASCII (so line endings, tabs and Markdown stay as they are) but for a space or a `?`
/// that stood for a lost byte (`voilÃ  le` is `voilà le`), and is idempotent.
pub fn repair(text: &str) -> (Cow<'_, str>, RepairReport) {
    if scan::looks_clean(text) {
        return (Cow::Borrowed(text), RepairReport::default());
    }
    let (first, mut report) = engine::repair_text(text);
    let Cow::Owned(mut repaired) = first else { return (first, report) };
    // What one pass repaired can make new neighbours (a code page ranked anew, a `?` next to
    // a lead byte): passes go on until nothing changes, so that repair is idempotent. Repaired
    // text is nearly always clean, so this costs one fast scan.
    for _ in 0..MAX_PASSES {
        if scan::looks_clean(&repaired) {
            break;
        }
        let (again, more) = engine::repair_text(&repaired);
        report.unrepairable = more.unrepairable;
        let Cow::Owned(again) = again else { break };
        report.repaired += more.repaired;
        report.guesses.extend(more.guesses);
        repaired = again;
    }
    (Cow::Owned(repaired), report)
}

/// Passes after the first, at most.
const MAX_PASSES: usize = 3;

#[cfg(test)]
mod ftfy_suite;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
