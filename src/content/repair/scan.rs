//! Finding where mojibake can be: the fast path and the runs the slow path looks at.
//!
//! UTF-8 read through a single-byte code page turns every multi-byte character into two or more
//! non-ASCII characters: one standing for a lead byte (0xC2–0xF4) and the rest for continuation
//! bytes (0x80–0xBF), in the same code page. `looks_clean` scans the bytes for such a pair, or a
//! lost-byte mark (U+FFFD, a C1 control); text without one comes back untouched, at memory speed.

use std::ops::Range;

use super::classify::is_natural;
use super::codepages::{Mask, MACINTOSH, NBSP_LEADS};

pub(super) use super::codepages::roles;

/// U+FFFD or a C1 control: a byte a decoder could not map, or kept as a control.
pub(super) fn is_marker(c: char) -> bool {
    c == '\u{FFFD}' || ('\u{80}'..='\u{9F}').contains(&c)
}

/// Code pages (mask) in which `a` then `b` could be a lead byte then a continuation byte. Two
/// natural characters (`’é`) do not count for MacRoman, where lead bytes are quotes and dashes
/// and continuation bytes accented letters (see `mojibake::accept`).
pub(super) fn pair_pages(a: char, b: char) -> Mask {
    let mask = roles(a).0 & roles(b).1;
    // `ƒ` is no natural letter but MacRoman's lead byte 0xC4 (`ƒÅ` is `ā`).
    if mask & MACROMAN != 0 && is_natural(a) && is_natural(b) && a != 'ƒ' {
        mask & !MACROMAN
    } else {
        mask
    }
}

/// The bit of MacRoman in `ALL`.
const MACROMAN: Mask = 1 << MACINTOSH;

/// `a` then `b` could be a lead byte then a continuation byte in one code page.
pub(super) fn is_suspicious_pair(a: char, b: char) -> bool {
    pair_pages(a, b) != 0
}

/// True when nothing in `text` can be repaired or reported (the fast path).
pub(super) fn looks_clean(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = skip_ascii(bytes, 0);
    while i < bytes.len() {
        let Some(c) = text[i..].chars().next() else { break };
        if is_marker(c) || lost_nbsp_after(text, i, c) || lost_acute_at(text, i, c) {
            return false;
        }
        let next = i + c.len_utf8();
        if next < bytes.len() && bytes[next] >= 0x80 {
            if let Some(d) = text[next..].chars().next() {
                if is_suspicious_pair(c, d) {
                    return false;
                }
            }
            i = next;
        } else {
            i = skip_ascii(bytes, next);
        }
    }
    true
}

/// `Ì` (lead byte 0xCC in Windows-1252) between two lower-case ASCII letters: a decomposed
/// accent (`e` + U+0301 is `e CC 81`, as macOS writes) whose byte 0x81 was lost (`seÌquences`).
fn lost_acute_at(text: &str, at: usize, c: char) -> bool {
    c == 'Ì'
        && text[..at].chars().next_back().is_some_and(|p| p.is_ascii_lowercase())
        && text[at + c.len_utf8()..].chars().next().is_some_and(|n| n.is_ascii_lowercase())
}

/// Lead bytes 0xC5, 0xCE, 0xD0 and 0xD9 in Windows-1252: with 0xA0 they are Š, Π, Р and ٠.
const ALTERED_LEADS: [char; 4] = ['Å', 'Î', 'Ð', 'Ù'];

/// `Ã` or `Â` (or another lead byte) that may have lost the 0xA0 after it (`voilÃ le`, `déjÃ,`, `hÃi`): not
/// followed by a letter or digit, or following a lower-case letter. `SÃO` and `Âge` are clean.
fn lost_nbsp_after(text: &str, at: usize, c: char) -> bool {
    // All of them stand in U+00C2..=U+0413: one comparison for most text.
    if !('\u{C2}'..='\u{413}').contains(&c) || !(NBSP_LEADS.contains(&c) || ALTERED_LEADS.contains(&c)) {
        return false;
    }
    let next = text[at + c.len_utf8()..].chars().next();
    let previous = text[..at].chars().next_back();
    !next.is_some_and(char::is_alphanumeric) || previous.is_some_and(char::is_lowercase)
}

/// The index of the first non-ASCII byte at or after `i`, eight bytes at a time.
fn skip_ascii(bytes: &[u8], mut i: usize) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        if u64::from_ne_bytes(word) & HIGH != 0 {
            break;
        }
        i += 8;
    }
    while i < bytes.len() && bytes[i] < 0x80 {
        i += 1;
    }
    i
}

/// A maximal run of non-ASCII characters, and whether repair should look at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Run {
    /// Byte range in the text.
    pub range: Range<usize>,
    pub suspicious: bool,
}

/// Every maximal run of non-ASCII characters of `text`. A run takes in the spaces after it
/// when they may stand for a lost 0xA0 (a no-break space turned into a space): one space
/// between two non-ASCII characters (`à¸ à¸²`, `âš ï¸`), or the spaces after a run that ends in
/// a lead byte (`voilÃ  le`) or in an unfinished sequence (`âš `).
pub(super) fn runs(text: &str) -> Vec<Run> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = skip_ascii(bytes, 0);
    while i < bytes.len() {
        let start = i;
        let mut suspicious = false;
        let mut previous: Option<char> = None;
        loop {
            for c in text[i..].chars() {
                if c.is_ascii() {
                    break;
                }
                suspicious = suspicious || is_marker(c) || previous.is_some_and(|p| is_suspicious_pair(p, c));
                previous = Some(c);
                i += c.len_utf8();
            }
            let Some(last) = previous else { break };
            let spaces = bytes[i..].iter().take(2).take_while(|&&b| b == b' ').count();
            let joins = spaces == 1 && bytes.get(i + 1).is_some_and(|&b| b >= 0x80);
            if joins && roles(last) != (0, 0) {
                suspicious = suspicious || is_suspicious_pair(last, '\u{A0}');
                previous = Some('\u{A0}');
                i += 1;
                continue;
            }
            // A lossy decoder's `?` for a byte inside damage (`ItÃ?Â¢â?¬â?¢s`).
            let after_question =
                (bytes.get(i) == Some(&b'?')).then(|| text[i + 1..].chars().next()).flatten();
            let damaged_so_far = suspicious || NBSP_LEADS.contains(&last);
            if after_question.is_some_and(|c| roles(c) != (0, 0)) && roles(last).0 != 0 && damaged_so_far {
                previous = Some('\u{FFFD}');
                i += 1;
                continue;
            }
            suspicious = suspicious || (i - start == last.len_utf8() && lost_acute_at(text, start, last));
            let lead = NBSP_LEADS.contains(&last) || (ALTERED_LEADS.contains(&last) && spaces > 0);
            if lead {
                suspicious = suspicious || lost_nbsp_after(text, i - last.len_utf8(), last);
            }
            if spaces > 0 && (lead || (suspicious && roles(last).1 != 0)) {
                i += spaces;
            } else if bytes.get(i) == Some(&b'?') && suspicious && roles(last).1 != 0 {
                // A lossy decoder's `?` for the last byte of a sequence (`â€?`), before ASCII
                // text: one before more non-ASCII text could be the start of its sequence.
                if bytes.get(i + 1).is_none_or(u8::is_ascii) {
                    i += 1;
                }
            }
            break;
        }
        found.push(Run { range: start..i, suspicious });
        i = skip_ascii(bytes, i);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_french_takes_the_fast_path() {
        assert!(looks_clean("Le cœur du problème : « mémoire » – l’été, 20 °C, 5 €… ✅ 🔧\r\n\t"));
        assert!(looks_clean("Türkçe: ağ, şifre, ılık, İstanbul; SÃO PAULO, NÃO; Größe ÄÖÜ"));
        assert!(looks_clean("├── src\n│   └── main.rs\n∑ x² ≤ √y ± ∞"));
    }

    #[test]
    fn mojibake_and_markers_leave_the_fast_path() {
        assert!(!looks_clean("RÃ©solution"));
        assert!(!looks_clean("## ğŸ” Causes"));
        assert!(!looks_clean("caf\u{FFFD}"));
        assert!(!looks_clean("â€\u{9D}"));
    }

    #[test]
    fn runs_are_maximal_and_flagged() {
        let text = "é RÃ©s ’é";
        let found = runs(text);
        let shown: Vec<(&str, bool)> = found.iter().map(|r| (&text[r.range.clone()], r.suspicious)).collect();
        assert_eq!(shown, vec![("é", false), ("Ã©", true), ("’é", false)]);
    }
}
