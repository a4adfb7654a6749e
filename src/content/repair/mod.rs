//! Encoding repair (placeholder API, replaced by the repair work of issue 3).
//!
//! `decode` turns bytes into text (BOM, UTF-8, legacy code pages); `repair` undoes mojibake.

use std::borrow::Cow;

/// Text decoded from a file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// The legacy encoding the bytes were decoded from, when they were not UTF-8.
    pub encoding: Option<&'static str>,
    /// Whether a byte order mark was found (and removed).
    pub had_bom: bool,
}

/// What `repair` did to a text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepairReport {
    /// Number of damaged sequences repaired.
    pub repaired: usize,
    /// The code pages undone, outermost layer first.
    pub layers: Vec<&'static str>,
    /// Characters chosen among several candidates for a lost byte.
    pub guesses: Vec<Guess>,
    /// Places that look damaged but could not be repaired.
    pub unrepairable: Vec<Spot>,
}

impl RepairReport {
    pub fn is_clean(&self) -> bool {
        self.repaired == 0 && self.guesses.is_empty() && self.unrepairable.is_empty()
    }
}

/// A lost byte restored by judgement. Line and column (in characters) start at 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guess {
    pub line: usize,
    pub col: usize,
    pub chosen: String,
    pub alternatives: Vec<String>,
}

/// A damaged place left as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spot {
    pub line: usize,
    pub col: usize,
    pub text: String,
}

/// Bytes → text: honours and removes a BOM; takes valid UTF-8 as it is.
pub fn decode(bytes: &[u8]) -> Decoded {
    let (bytes, had_bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded { text: text.to_string(), encoding: None, had_bom },
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Decoded { text: text.into_owned(), encoding: Some("windows-1252"), had_bom }
        }
    }
}

/// Text → repaired text.
pub fn repair(text: &str) -> (Cow<'_, str>, RepairReport) {
    (Cow::Borrowed(text), RepairReport::default())
}
