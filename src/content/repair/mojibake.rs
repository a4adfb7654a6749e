//! Undoing one layer of mojibake in one run of non-ASCII characters, through one code page.
//!
//! Steps: 1. encode each character back to its byte in the code page (U+FFFD becomes a hole,
//! characters the code page lacks stay as they are); 2. read those bytes as UTF-8, keeping only
//! complete, valid sequences whose character is plausible (`classify`), and sequences missing one
//! byte the code page leaves undefined (candidates for `lost_bytes`); 3. score: the number of
//! characters repaired, so that the code page explaining most of the run wins.

use super::classify::{is_drawing_or_maths, is_natural, plausible, Plausible};
use super::codepages::{CodePage, Mask};
use super::scan::pair_pages;

/// A byte of the run in one code page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Byte(u8),
    /// U+FFFD: a byte the code page could not decode.
    Hole,
    /// A character the code page has no byte for.
    Keep,
}

/// Characters `start..end` of a run (char indices) stand for one character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub start: usize,
    pub end: usize,
    pub kind: PieceKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PieceKind {
    /// Every byte is there.
    Exact(char),
    /// One byte was lost; these characters fit (at least one).
    Lost(Vec<char>),
}

/// Code pages (bit mask over `ALL`) in which some neighbouring pair of `chars` is lead + continuation.
pub fn candidate_pages(chars: &[char]) -> Mask {
    chars.windows(2).fold(0, |mask, w| mask | pair_pages(w[0], w[1]))
}

/// The repairable pieces of `chars` through `cp`, and their score (characters covered).
/// `proven`: the file shows this code page's mojibake elsewhere, so a run of box drawing can be
/// mojibake too (`┬╗` is `»` read as DOS 850).
pub fn pieces(chars: &[char], cp: &CodePage, proven: bool) -> (Vec<Piece>, usize) {
    let toks: Vec<Tok> = chars.iter().map(|&c| token(c, cp)).collect();
    let mut found: Vec<(Piece, Plausible)> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        match sequence_at(&toks, i, cp) {
            Some((end, kind, class)) if accept(&chars[i..end], end == chars.len(), cp, proven) => {
                found.push((Piece { start: i, end, kind }, class));
                i = end;
            }
            _ => i += 1,
        }
    }
    let kept: Vec<Piece> = (0..found.len())
        .filter(|&k| found[k].1 == Plausible::Common || has_cluster_neighbour(&found, k))
        .map(|k| found[k].0.clone())
        .collect();
    // A C1 control is only an inner layer: a code page giving a real character scores higher.
    let score = kept.iter().map(|p| p.end - p.start - usize::from(is_c1(&p.kind))).sum();
    (kept, score)
}

fn is_c1(kind: &PieceKind) -> bool {
    matches!(kind, PieceKind::Exact(c) if ('\u{80}'..='\u{9F}').contains(c))
}

fn token(c: char, cp: &CodePage) -> Tok {
    if c == '\u{FFFD}' {
        return Tok::Hole;
    }
    cp.byte(c).map_or(Tok::Keep, Tok::Byte)
}

/// The UTF-8 sequence starting at token `i`: its end, what it gives, and how plausible it is.
fn sequence_at(toks: &[Tok], i: usize, cp: &CodePage) -> Option<(usize, PieceKind, Plausible)> {
    let Tok::Byte(lead) = toks[i] else { return None };
    let len = match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let mut bytes: Vec<Option<u8>> = vec![Some(lead)];
    let mut end = i + 1;
    while bytes.len() < len {
        match toks.get(end) {
            Some(Tok::Byte(b @ 0x80..=0xBF)) => bytes.push(Some(*b)),
            Some(Tok::Hole) => bytes.push(None),
            _ => break,
        }
        end += 1;
    }
    let holes = bytes.iter().filter(|b| b.is_none()).count();
    if bytes.len() == len && holes == 0 {
        let raw: Vec<u8> = bytes.iter().flatten().copied().collect();
        let c = single_char(&raw)?;
        let class = plausible(c);
        return (class != Plausible::Never).then_some((end, PieceKind::Exact(c), class));
    }
    // One byte lost: a hole where it was, or (from three-byte sequences on) dropped anywhere
    // after the lead byte, the end first.
    let found = if bytes.len() == len && holes == 1 {
        lost_candidates(&bytes, cp)
    } else if bytes.len() == len - 1 && len >= 3 && holes == 0 {
        let mut found = Vec::new();
        for at in (1..len).rev() {
            let mut with_hole = bytes.clone();
            with_hole.insert(at, None);
            for c in lost_candidates(&with_hole, cp) {
                if !found.contains(&c) {
                    found.push(c);
                }
            }
        }
        found
    } else {
        return None;
    };
    (!found.is_empty()).then_some((end, PieceKind::Lost(found), Plausible::Common))
}

/// Every plausible character the hole in `bytes` can be, filled with a byte `cp` leaves undefined.
fn lost_candidates(bytes: &[Option<u8>], cp: &CodePage) -> Vec<char> {
    let undefined = (0x80u8..=0xBF).filter(|&b| cp.high[usize::from(b - 0x80)] == '\0');
    undefined
        .filter_map(|b| {
            let raw: Vec<u8> = bytes.iter().map(|x| x.unwrap_or(b)).collect();
            single_char(&raw)
        })
        .filter(|&c| plausible(c) == Plausible::Common)
        .collect()
}

fn single_char(raw: &[u8]) -> Option<char> {
    let text = std::str::from_utf8(raw).ok()?;
    let mut chars = text.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

/// Guards against clean text that happens to form valid UTF-8.
fn accept(original: &[char], ends_run: bool, cp: &CodePage, proven: bool) -> bool {
    if !proven && original.iter().all(|&c| is_drawing_or_maths(c)) {
        return false;
    }
    // A letter, then a no-break space before ASCII punctuation, is French typography (`DAĞ :`),
    // except after Ã and Â, whose no-break space is the most common mojibake (à, NBSP).
    if ends_run && original.len() == 2 && original[1] == '\u{A0}' && !matches!(original[0], 'Ã' | 'Â') {
        return false;
    }
    // MacRoman gives quotes and dashes for lead bytes and accented letters for continuation
    // bytes: natural characters only ("—é") is clean text; its mojibake has √, ≈, ‚ in it.
    !(cp.name == "macintosh" && original.iter().all(|&c| is_natural(c)))
}

fn has_cluster_neighbour(found: &[(Piece, Plausible)], k: usize) -> bool {
    let is_cluster = |j: usize| found[j].1 == Plausible::InCluster;
    let before = k > 0 && is_cluster(k - 1) && found[k - 1].0.end == found[k].0.start;
    let after = k + 1 < found.len() && is_cluster(k + 1) && found[k + 1].0.start == found[k].0.end;
    before || after
}

#[cfg(test)]
mod tests {
    use super::super::codepages::{page, IBM850, MACINTOSH, WINDOWS_1252, WINDOWS_1254};
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn windows_1252_sequence_is_exact() {
        let (found, score) = pieces(&chars("Ã©"), page(WINDOWS_1252), false);
        assert_eq!(found, vec![Piece { start: 0, end: 2, kind: PieceKind::Exact('é') }]);
        assert_eq!(score, 2);
    }

    #[test]
    fn dropped_last_byte_gives_candidates_not_the_neighbour() {
        let (found, _) = pieces(&chars("ğŸ”"), page(WINDOWS_1254), false);
        let PieceKind::Lost(candidates) = &found[0].kind else { panic!("{found:?}") };
        assert_eq!(candidates[..7], chars("🔁🔍🔎🔏🔐🔝🔞"));
        assert_eq!((found[0].start, found[0].end), (0, 3));
    }

    #[test]
    fn clean_typography_is_not_a_sequence() {
        assert_eq!(pieces(&chars("é\u{A0}»"), page(WINDOWS_1252), false).1, 0);
        assert_eq!(pieces(&chars("—é"), page(MACINTOSH), false).1, 0);
        assert_eq!(pieces(&chars("├®"), page(IBM850), false).0[0].kind, PieceKind::Exact('é'));
        assert_eq!(pieces(&chars("┬╗"), page(IBM850), false).1, 0);
        assert_eq!(pieces(&chars("┬╗"), page(IBM850), true).0[0].kind, PieceKind::Exact('»'));
    }
}
