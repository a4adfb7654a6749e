//! Undoing one layer of mojibake in one run of non-ASCII characters, through one code page.
//!
//! Steps: 1. encode each character back to its byte in the code page (U+FFFD becomes a hole,
//! characters the code page lacks stay as they are); 2. read those bytes as UTF-8, keeping only
//! complete, valid sequences whose character is plausible (`classify`), and sequences missing one
//! byte the code page leaves undefined (candidates for `lost_bytes`); 3. score: the number of
//! characters repaired, so that the code page explaining most of the run wins.

use super::badness::is_bad;
use super::classify::{is_drawing_or_maths, is_natural, plausible, Plausible};
use super::codepages::{CodePage, Mask, NBSP_LEADS};
use super::scan::pair_pages;

/// A byte of the run in one code page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Byte(u8),
    /// U+FFFD: a byte the code page could not decode.
    Hole,
    /// A character the code page has no byte for.
    Keep,
    /// A space, which may stand for byte 0xA0 (a no-break space turned into a space).
    Space,
    /// `?`, which a lossy decoder may have written for the last byte of a sequence.
    Question,
}

/// Characters `start..end` of a run (char indices) stand for one character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Piece {
    pub start: usize,
    pub end: usize,
    pub kind: PieceKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum PieceKind {
    /// Every byte is there.
    Exact(char),
    /// Every byte is there, a space standing for byte 0xA0 (the last character of the piece).
    Spaced(char),
    /// The sequence lost its byte 0xA0 (a dropped no-break space): `Ã` is `à`, `Â` a no-break
    /// space. Only as the last piece of a run, and only where the context allows (`engine`).
    Dropped(char),
    /// One byte was lost; these characters fit (at least one, unless `marked`). `marked`: the
    /// loss shows as U+FFFD or `?`, rather than a byte dropped without a trace. `spaced`: what
    /// the space ending the piece gives as 0xA0, one more candidate (otherwise the space stays).
    Lost { candidates: Vec<char>, marked: bool, spaced: Option<char> },
}

/// Code pages (bit mask over `ALL`) in which some neighbouring pair of `chars` is lead + continuation.
pub(super) fn candidate_pages(chars: &[char]) -> Mask {
    let as_byte = |c: char| match c {
        ' ' => '\u{A0}',
        '?' => '\u{FFFD}',
        _ => c,
    };
    let pairs = chars.windows(2).fold(0, |mask, w| mask | pair_pages(as_byte(w[0]), as_byte(w[1])));
    // A run ending in `Ã` or `Â` may have lost the 0xA0 after it.
    let dropped = chars.last().filter(|c| NBSP_LEADS.contains(c)).map_or(0, |&c| pair_pages(c, '\u{A0}'));
    // `Ì` alone may be a decomposed accent that lost its byte 0x81 (`seÌquences`).
    let acute = if chars == ['Ì'] { pair_pages('Ì', '€') } else { 0 };
    pairs | dropped | acute
}

/// The repairable pieces of `chars` through `cp`, and their score (characters covered).
/// `proven`: the file shows this code page's mojibake elsewhere, so a run of box drawing can be
/// mojibake too (`┬╗` is `»` read as DOS 850).
pub(super) fn pieces(chars: &[char], cp: &CodePage, proven: bool) -> (Vec<Piece>, usize) {
    let toks: Vec<Tok> = chars.iter().map(|&c| token(c, cp)).collect();
    let mut found: Vec<(Piece, Plausible)> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        match sequence_at(&toks, i, cp) {
            Some((end, kind, class)) if accept(&chars[i..end], end == chars.len(), cp, proven) => {
                // MacRoman reads UTF-8 as natural letters too (`ÿß` is `ا`): only in company.
                let natural =
                    cp.name == "macintosh" && chars[i..end].iter().all(|&c| is_natural(c) && c != 'ƒ');
                let class = if natural { Plausible::InCluster } else { class };
                found.push((Piece { start: i, end, kind }, class));
                i = end;
            }
            _ => i += 1,
        }
    }
    let plausible: Vec<Piece> = (0..found.len())
        .filter(|&k| {
            found[k].1 == Plausible::Common
                || has_cluster_neighbour(&found, k)
                || looks_bad(chars, &found[k].0)
        })
        .map(|k| found[k].0.clone())
        .collect();
    // From the end: a guess only stands when what follows it still does.
    let mut kept: Vec<Piece> = Vec::with_capacity(plausible.len());
    for piece in plausible.into_iter().rev() {
        if !dangling(&piece, kept.last(), &toks) {
            kept.push(piece);
        }
    }
    kept.reverse();
    // A C1 control is only an inner layer: a code page giving a real character scores higher.
    // Nor is a space read as 0xA0 evidence of the code page.
    let weak = |p: &Piece| usize::from(is_c1(&p.kind) || matches!(p.kind, PieceKind::Spaced(_)));
    let score = kept.iter().map(|p| p.end - p.start - weak(p)).sum();
    (kept, score)
}

/// A piece that guessed at a byte (dropped without a trace, or a space read as 0xA0) in the
/// middle of a run, where no other sequence follows it: the run is more likely clean text in a
/// script whose letters stand for UTF-8 bytes (`ПоздравЂаво`, Turkish `Ğ „Äpfel`).
fn dangling(piece: &Piece, next: Option<&Piece>, toks: &[Tok]) -> bool {
    let guessed = match &piece.kind {
        PieceKind::Lost { marked, spaced, .. } => !marked || spaced.is_some(),
        PieceKind::Spaced(_) => true,
        _ => false,
    };
    let after = piece.end + toks[piece.end..].iter().take_while(|t| **t == Tok::Space).count();
    let followed = next.is_some_and(|next| next.start == after);
    guessed && after < toks.len() && !followed
}

fn is_c1(kind: &PieceKind) -> bool {
    matches!(kind, PieceKind::Exact(c) if ('\u{80}'..='\u{9F}').contains(c))
}

fn token(c: char, cp: &CodePage) -> Tok {
    match c {
        '\u{FFFD}' => Tok::Hole,
        ' ' => Tok::Space,
        '?' => Tok::Question,
        _ => cp.byte(c).map_or(Tok::Keep, Tok::Byte),
    }
}

/// The UTF-8 sequence starting at token `i`: its end, what it gives, and how plausible it is.
fn sequence_at(toks: &[Tok], i: usize, cp: &CodePage) -> Option<(usize, PieceKind, Plausible)> {
    let Tok::Byte(lead) = toks[i] else { return None };
    if lead == 0xED {
        if let Some(found) = cesu8_at(toks, i) {
            return Some(found);
        }
    }
    let nbsp = cp.high[0x20] == '\u{A0}';
    let len = match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let lossy = cp.name.starts_with("windows-");
    let mut bytes: Vec<Option<u8>> = vec![Some(lead)];
    let mut inner_space = false;
    let mut end = i + 1;
    while bytes.len() < len {
        let continues = matches!(toks.get(end + 1), Some(Tok::Byte(0x80..=0xBF)));
        match toks.get(end) {
            Some(Tok::Byte(b @ 0x80..=0xBF)) => bytes.push(Some(*b)),
            Some(Tok::Hole) => bytes.push(None),
            // `?` for one byte (ftfy's `LOSSY_UTF8_RE`), as lossy Windows decoders write it:
            // after `Â`/`Ã`, or in a longer sequence.
            Some(Tok::Question)
                if lossy && !bytes.contains(&None) && (len > 2 || matches!(lead, 0xC2 | 0xC3)) =>
            {
                bytes.push(None)
            }
            // A space for 0xA0 inside a sequence (`â € ` is U+2800).
            Some(Tok::Space) if nbsp && !inner_space && bytes.len() < len - 1 && continues => {
                bytes.push(Some(0xA0));
                inner_space = true;
            }
            _ => break,
        }
        end += 1;
    }
    let holes = bytes.iter().filter(|b| b.is_none()).count();
    if bytes.len() == len && holes == 0 {
        let raw: Vec<u8> = bytes.iter().flatten().copied().collect();
        let c = single_char(&raw)?;
        let class = plausible(c);
        let kind = if inner_space { PieceKind::Spaced(c) } else { PieceKind::Exact(c) };
        // A space inside a sequence is only read as 0xA0 for a common character.
        let fits = if inner_space { class == Plausible::Common } else { class != Plausible::Never };
        return fits.then_some((end, kind, class));
    }
    if inner_space {
        return None;
    }
    if bytes.len() == len && holes == 1 {
        let candidates = lost_candidates(&bytes, cp);
        return Some((end, PieceKind::Lost { candidates, marked: true, spaced: None }, Plausible::Common));
    }
    if bytes.len() != len - 1 || holes > 0 {
        return None;
    }
    missing_last(toks, end, &bytes, cp)
}

/// A sequence one byte short, ending at token `end`: the byte may be 0xA0 turned into the space
/// that follows (`Ã le`, `âš ï¸`), 0xA0 dropped (`voilÃ,`), or, from three-byte sequences on,
/// any byte the code page left undefined, dropped anywhere after the lead byte (`ğŸ” Causes`).
fn missing_last(
    toks: &[Tok],
    end: usize,
    bytes: &[Option<u8>],
    cp: &CodePage,
) -> Option<(usize, PieceKind, Plausible)> {
    let lead = bytes[0]?;
    let nbsp = cp.high[0x20] == '\u{A0}';
    let space_follows = toks.get(end) == Some(&Tok::Space);
    // A space between two non-ASCII characters (the run goes on) may be any sequence's 0xA0;
    // one before ASCII text only that of three- and four-byte sequences, and of the two-byte
    // sequences ftfy's `ALTERED_UTF8_RE` names: à, no-break space, Š, Π, Р, ٠.
    let run_goes_on = toks.len() > end + 1;
    let altered = is_nbsp_lead(lead, cp) || matches!(lead, 0xC5 | 0xCE | 0xD0 | 0xD9);
    let spaced = (nbsp && space_follows && (bytes.len() > 1 || run_goes_on || altered))
        .then(|| {
            let raw: Vec<u8> = bytes.iter().flatten().copied().chain([0xA0]).collect();
            single_char(&raw)
        })
        .flatten()
        .map(|c| (c, plausible(c)))
        .filter(|&(_, class)| class == Plausible::Common || (run_goes_on && class == Plausible::InCluster));
    if bytes.len() == 1 {
        // Cyrillic: `Ñ` in a run of Cyrillic mojibake lost a byte Windows-1252 leaves undefined
        // (`Ð½ÐµÐ»ÑŒÐ·Ñ` is `нельзя`, `ÑÐ²ÐµÑ€Ñ…Ñƒ` is `сверху`); `lost_bytes` ranks с, я, э.
        let cyrillic_run = toks.iter().filter(|t| matches!(t, Tok::Byte(0xD0 | 0xD1))).count() >= 3;
        let western = cp.high[0x50] == 'Ð' && cp.high[0x51] == 'Ñ';
        // `Ì` alone: a decomposed accent that lost its byte 0x81 (`lost_bytes` wants a
        // lower-case letter before it).
        if lead == 0xCC && cp.high[0x4C] == 'Ì' && toks.len() == 1 {
            let acute = PieceKind::Lost { candidates: vec!['\u{301}'], marked: false, spaced: None };
            return Some((end, acute, Plausible::Common));
        }
        if matches!(lead, 0xD0 | 0xD1) && cyrillic_run && western {
            let candidates = lost_candidates(&[Some(lead), None], cp);
            if !candidates.is_empty() {
                let spaced = spaced.map(|(c, _)| c);
                let end = end + usize::from(spaced.is_some());
                return Some((end, PieceKind::Lost { candidates, marked: false, spaced }, Plausible::Common));
            }
        }
        if let Some((c, class)) = spaced {
            return Some((end + 1, PieceKind::Spaced(c), class));
        }
        if nbsp && is_nbsp_lead(lead, cp) {
            let c = single_char(&[lead, 0xA0])?;
            return Some((end, PieceKind::Dropped(c), Plausible::Common));
        }
        return None;
    }
    let spaced = spaced.map(|(c, _)| c);
    let mut candidates = Vec::new();
    for at in (1..=bytes.len()).rev() {
        let mut with_hole = bytes.to_vec();
        with_hole.insert(at, None);
        for c in lost_candidates(&with_hole, cp) {
            if !candidates.contains(&c) && Some(c) != spaced {
                candidates.push(c);
            }
        }
    }
    match spaced {
        Some(c) if candidates.is_empty() => Some((end + 1, PieceKind::Spaced(c), Plausible::Common)),
        Some(_) => Some((end + 1, PieceKind::Lost { candidates, marked: false, spaced }, Plausible::Common)),
        None if candidates.is_empty() => None,
        None => Some((end, PieceKind::Lost { candidates, marked: false, spaced: None }, Plausible::Common)),
    }
}

fn is_nbsp_lead(lead: u8, cp: &CodePage) -> bool {
    matches!(lead, 0xC2 | 0xC3) && NBSP_LEADS.contains(&cp.high[usize::from(lead - 0x80)])
}

/// A surrogate pair encoded as two three-byte sequences (CESU-8, Java's "modified UTF-8"):
/// `ED A0–AF xx ED B0–BF xx` is one character above U+FFFF.
fn cesu8_at(toks: &[Tok], i: usize) -> Option<(usize, PieceKind, Plausible)> {
    let bytes: Vec<u8> = toks
        .get(i..i + 6)?
        .iter()
        .map(|t| match t {
            Tok::Byte(b) => Some(*b),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let [0xED, hi @ 0xA0..=0xAF, a @ 0x80..=0xBF, 0xED, lo @ 0xB0..=0xBF, b @ 0x80..=0xBF] = bytes[..] else {
        return None;
    };
    let high = 0xD000 | (u32::from(hi & 0x3F) << 6) | u32::from(a & 0x3F);
    let low = 0xD000 | (u32::from(lo & 0x3F) << 6) | u32::from(b & 0x3F);
    let c = char::decode_utf16([high as u16, low as u16]).next()?.ok()?;
    let class = plausible(c);
    (class != Plausible::Never).then_some((i + 6, PieceKind::Exact(c), class))
}

/// Every plausible character the hole in `bytes` can be, filled with a byte `cp` leaves undefined
/// (or 0xA0, the no-break space that editors drop).
fn lost_candidates(bytes: &[Option<u8>], cp: &CodePage) -> Vec<char> {
    let nbsp = cp.high[0x20] == '\u{A0}';
    let undefined =
        (0x80u8..=0xBF).filter(|&b| cp.high[usize::from(b - 0x80)] == '\0' || (nbsp && b == 0xA0));
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
    // What looks like mojibake on its own (`√≤` is `ò`, `ƒÅ` is `ā`) needs no other guard.
    if is_bad(&original.iter().collect::<String>()) {
        return true;
    }
    if !proven && original.iter().all(|&c| is_drawing_or_maths(c)) {
        return false;
    }
    // A letter, then a no-break space before ASCII punctuation, is French typography (`DAĞ :`),
    // except after Ã and Â, whose no-break space is the most common mojibake (à, NBSP). So is a
    // letter, a no-break space and a `?` that would be a lossy decoder's lost byte, wherever the
    // run ends (`destiné ?`, `priorité ? »`: as mojibake, a CJK or Hangul character).
    // In a file without other mojibake, a French word's last letter, closing punctuation and a
    // `?` are typography too (`voilà…?`, `déjà”?`), not a lost byte (an Indic or CJK character).
    let typography = match original {
        [letter, '\u{A0}'] => ends_run && !matches!(letter, 'Ã' | 'Â'),
        [letter, '\u{A0}', '?'] => !matches!(letter, 'Ã' | 'Â'),
        [letter, mark, '?'] => !proven && is_word_end(*letter) && is_closing_punctuation(*mark),
        _ => false,
    };
    if typography {
        return false;
    }
    // MacRoman gives quotes and dashes for lead bytes and accented letters for continuation
    // bytes: natural characters only ("—é") is clean text, unless letters (`ÿß`) next to
    // other repaired letters (see `pieces`); its mojibake has √, ≈, ‚ in it.
    !(cp.name == "macintosh" && original.iter().all(|&c| is_natural(c) && !c.is_alphabetic()))
}

/// Accented letters that end French words (`déjà`, `été`, `où`, `allô`, `dû`) and are lead bytes
/// of three-byte sequences in Windows-1252.
fn is_word_end(c: char) -> bool {
    matches!(c, 'à' | 'â' | 'é' | 'è' | 'ê' | 'ë' | 'ï' | 'î' | 'ô' | 'ù' | 'û')
}

/// Punctuation that may close a word before a question mark (quotes, dashes, ellipsis).
fn is_closing_punctuation(c: char) -> bool {
    matches!(c, '…' | '»' | '«' | '”' | '“' | '’' | '‘' | '—' | '–' | '›')
}

/// A rarer character is taken when its three- or four-character source looks like mojibake on
/// its own (`à¸‡` is `ง`; two characters are too short to tell: `3×²` is not `3ײ`).
fn looks_bad(chars: &[char], piece: &Piece) -> bool {
    piece.end - piece.start >= 3 && is_bad(&chars[piece.start..piece.end].iter().collect::<String>())
}

/// A rarer character is taken next to another repaired letter (`ΕλληνικÎ¬`, `Ñ›Ð¸`).
fn has_cluster_neighbour(found: &[(Piece, Plausible)], k: usize) -> bool {
    let is_letter = |kind: &PieceKind| matches!(kind, PieceKind::Exact(c) if c.is_alphabetic());
    let is_cluster = |j: usize| found[j].1 == Plausible::InCluster || is_letter(&found[j].0.kind);
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
        let PieceKind::Lost { candidates, .. } = &found[0].kind else { panic!("{found:?}") };
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
