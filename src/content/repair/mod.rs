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
    engine::repair_text(text)
}

#[cfg(test)]
mod ftfy_suite;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
