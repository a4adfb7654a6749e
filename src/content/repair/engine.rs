//! The slow path of `repair`, for a text with suspicious runs.
//!
//! Steps: 1. rank the code pages for the file (the page that best explains most runs first, so
//! `Ã©` is undone as Windows-1254 in a file where `ğŸ”§` proves Windows-1254); 2. repair each
//! run layer after layer until no code page explains it; 3. put back the runs `quoting` finds
//! deliberate; 4. assemble the output and locate guesses and spots (line, column) in it.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::rc::Rc;

use super::codepages::{page, Mask, ALL, COUNT, WINDOWS_1252, WINDOWS_1254};
use super::lost_bytes::{choose, Choice};
use super::mojibake::{candidate_pages, pieces, Piece, PieceKind};
use super::quoting;
use super::report::{Guess, RepairReport, Spot};
use super::scan::{is_marker, runs, Run};
use super::{badness, language, lost_bytes};

/// Mojibake of mojibake of mojibake of mojibake is as deep as anyone has seen.
const MAX_LAYERS: usize = 4;

/// Characters of the run itself read on each side of a lost byte.
const NEAR: usize = 40;

/// What repairing one run gave.
#[derive(Debug, Clone, Default)]
struct Outcome {
    /// The run stays as it is (`text` is then empty).
    keep: bool,
    text: String,
    /// Code page index per layer, outermost first.
    layers: Vec<usize>,
    repaired: usize,
    /// (char index in `text`, choice) for lost bytes chosen among several candidates.
    guesses: Vec<(usize, Choice)>,
    /// The outcome depends on the run's neighbours (a lost byte was looked at): not cached.
    contextual: bool,
    /// The run's damage shows on its own (`badness`), or a byte was lost: evidence that the
    /// text is damaged, without which nothing in it is repaired.
    evident: bool,
}

impl Outcome {
    fn unchanged() -> Self {
        Outcome { keep: true, ..Default::default() }
    }

    /// The run's text after repair.
    fn text<'a>(&'a self, text: &'a str, range: &Range<usize>) -> &'a str {
        if self.keep {
            &text[range.clone()]
        } else {
            &self.text
        }
    }
}

/// Something to report at a byte offset of the output.
enum Event {
    Guess(Choice),
    Spot(char),
}

pub(super) fn repair_text(text: &str) -> (Cow<'_, str>, RepairReport) {
    let all = runs(text);
    let suspicious: Vec<&Run> = all.iter().filter(|r| r.suspicious).collect();
    let mut mask_cache: HashMap<&str, Mask> = HashMap::new();
    let masks: Vec<Mask> = suspicious
        .iter()
        .map(|r| {
            let s = &text[r.range.clone()];
            *mask_cache.entry(s).or_insert_with(|| best_pages(&s.chars().collect::<Vec<_>>()))
        })
        .collect();
    let mut ranking = rank_pages(&masks);
    prefer_turkish_page(text, &mut ranking);
    let proven = ranking.first().filter(|&&(_, votes)| votes > 0).map(|&(cp, _)| cp);
    let settings = Settings {
        ranking: &ranking,
        proven,
        french: OnceCell::new(),
        turkish: OnceCell::new(),
        words: OnceCell::new(),
        text,
    };

    // Outcomes are shared: damaged text repeats the same runs (`Ã©`) over and over.
    let mut cache: HashMap<(&str, bool), Rc<Outcome>> = HashMap::new();
    let unchanged = Rc::new(Outcome::unchanged());
    let mut outcomes: Vec<Rc<Outcome>> = suspicious
        .iter()
        .zip(&masks)
        .map(|(run, &mask)| {
            let original = &text[run.range.clone()];
            if mask == 0 && proven.is_none() && !original.chars().any(|c| ('\u{80}'..='\u{9F}').contains(&c))
            {
                return Rc::clone(&unchanged);
            }
            let lower = in_lower_word(text, &run.range);
            if let Some(hit) = cache.get(&(original, lower)) {
                return Rc::clone(hit);
            }
            let outcome = Rc::new(repair_run(text, run.range.clone(), &settings, lower));
            if !outcome.contextual {
                cache.insert((original, lower), Rc::clone(&outcome));
            }
            outcome
        })
        .collect();
    let ranges: Vec<Range<usize>> = suspicious.iter().map(|r| r.range.clone()).collect();
    // Without one run whose damage shows, the odd sequences are clean text that happens to
    // decode (`Å—`, `Ã’s`, `√π`): nothing is repaired (what looks damaged is still reported).
    if !evidence(text, &all, &ranges, &outcomes) {
        outcomes.iter_mut().for_each(|o| *o = Rc::clone(&unchanged));
    }
    if outcomes.iter().all(|o| o.keep) {
        return assemble(text, &ranges, &outcomes);
    }
    let texts: Vec<&str> = outcomes.iter().zip(&ranges).map(|(o, r)| o.text(text, r)).collect();
    let keep = quoting::deliberate(text, &all, &ranges, &texts);
    let mixed = quoting::in_mixed_code_blocks(text, &all, &ranges, &keep);
    for (outcome, keep) in outcomes.iter_mut().zip(keep) {
        if keep {
            *outcome = Rc::clone(&unchanged);
        }
    }
    let (repaired, mut report) = assemble(text, &ranges, &outcomes);
    // Mojibake kept in a code block that also holds correct text may be damage after all:
    // said, with where it is (lines are the same in the output; columns as in the source).
    for k in mixed {
        let (line, col) = locate(text, ranges[k].start);
        report.unrepairable.push(Spot { line, col, text: text[ranges[k].clone()].to_string() });
    }
    report.unrepairable.sort_by_key(|spot| (spot.line, spot.col));
    (repaired, report)
}

/// Line and column (from 1, in characters) of byte `at` of `text`.
fn locate(text: &str, at: usize) -> (usize, usize) {
    let (_, line, col) = advance(text, (0, 1, 1), at);
    (line, col)
}

/// The output text and the report, from each run's outcome.
fn assemble<'a>(
    text: &'a str,
    ranges: &[Range<usize>],
    outcomes: &[Rc<Outcome>],
) -> (Cow<'a, str>, RepairReport) {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut events: Vec<(usize, Event)> = Vec::new();
    let mut depths: Vec<[usize; COUNT]> = Vec::new();
    let mut repaired = 0;
    let mut last = 0;
    for (range, outcome) in ranges.iter().zip(outcomes) {
        out.push_str(&text[last..range.start]);
        last = range.end;
        let piece = outcome.text(text, range);
        record(outcome, piece, out.len(), &mut events, &mut depths);
        repaired += outcome.repaired;
        out.push_str(piece);
    }
    out.push_str(&text[last..]);
    let report = build_report(&out, repaired, depths, events);
    if out == text {
        (Cow::Borrowed(text), report)
    } else {
        (Cow::Owned(out), report)
    }
}

/// Bit mask of the code pages that repair most of `chars` (0 when none repairs anything).
fn best_pages(chars: &[char]) -> Mask {
    let mask = candidate_pages(chars);
    let mut best: (usize, Mask) = (0, 0);
    for (i, cp) in ALL.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0) {
        let score = pieces(chars, cp, false).1;
        if score > best.0 {
            best = (score, 1 << i);
        } else if score == best.0 && score > 0 {
            best.1 |= 1 << i;
        }
    }
    best.1
}

/// (code page index, votes): the page among the best for most runs first; ties keep `ALL`'s order.
fn rank_pages(masks: &[Mask]) -> Vec<(usize, usize)> {
    let votes = |i: usize| masks.iter().filter(|&&m| m & (1 << i) != 0).count();
    let mut ranking: Vec<(usize, usize)> = (0..COUNT).map(|i| (i, votes(i))).collect();
    ranking.sort_by_key(|&(_, v)| std::cmp::Reverse(v));
    ranking
}

/// Windows-1254 before Windows-1252 when they explain the same runs of a Turkish text: it is
/// the one whose undefined bytes a Turkish text loses (`Å�imdi` can only be `Şimdi` there).
fn prefer_turkish_page(text: &str, ranking: &mut [(usize, usize)]) {
    let position = |cp: usize| ranking.iter().position(|&(i, _)| i == cp);
    let (Some(western), Some(turkish)) = (position(WINDOWS_1252), position(WINDOWS_1254)) else { return };
    if western < turkish && ranking[western].1 == ranking[turkish].1 && language::is_turkish(text) {
        ranking.swap(western, turkish);
    }
}

/// Whether the run follows a lower-case letter (it sits inside a lower-case word; one that only
/// comes before lower-case letters may start a capitalised word, `ÄŒeÅ¡tina` is `Čeština`).
fn in_lower_word(text: &str, range: &Range<usize>) -> bool {
    let mut before = text[..range.start].chars().rev();
    let previous = before.next();
    // A word that starts in the middle of a sentence (`rien ĂŠcrire`) is lower-case too.
    let mid_sentence = previous == Some(' ')
        && before.next().is_some_and(|c| c.is_lowercase() || c == ',')
        // One word: a run holding a space spans several (`le Ã€ â€œanglais` is `le À “anglais`).
        && !text[range.clone()].contains(' ')
        && text[range.end..].chars().next().is_some_and(char::is_lowercase);
    previous.is_some_and(char::is_lowercase) || mid_sentence
}

/// What every run of a text is repaired with.
struct Settings<'a> {
    ranking: &'a [(usize, usize)],
    proven: Option<usize>,
    /// Whether the text is French, worked out on first need (`language`).
    french: OnceCell<bool>,
    /// Whether the text is Turkish, worked out on first need.
    turkish: OnceCell<bool>,
    /// The text's accented words, gathered on first need.
    words: OnceCell<HashSet<String>>,
    text: &'a str,
}

impl Settings<'_> {
    fn french(&self) -> bool {
        *self.french.get_or_init(|| language::is_french(self.text))
    }

    fn turkish(&self) -> bool {
        *self.turkish.get_or_init(|| language::is_turkish(self.text))
    }

    fn vietnamese(&self) -> bool {
        language::is_vietnamese(self.text)
    }

    /// The letter a lone U+FFFD inside a French word stands for, when the word leaves no doubt.
    fn letter_for_hole(&self, range: &Range<usize>) -> Option<char> {
        let in_word = |c: &char| c.is_alphabetic();
        let head: String = self.text[..range.start].chars().rev().take_while(in_word).collect();
        // A run may end with the space after the hole: the word ends there.
        let spaced = self.text[range.clone()].ends_with(' ');
        let tail: String =
            if spaced { String::new() } else { self.text[range.end..].chars().take_while(in_word).collect() };
        let french = || self.french() || language::leans_french(self.text);
        if head.chars().count() + tail.chars().count() < 3 || !french() {
            return None;
        }
        let word: String = head.chars().rev().chain(['\u{FFFD}']).chain(tail.chars()).collect();
        language::letter_for_hole(&word, self.words.get_or_init(|| language::accented_words(self.text)))
    }
}

/// Repairs one run, layer after layer.
fn repair_run(text: &str, range: Range<usize>, settings: &Settings, in_lower_word: bool) -> Outcome {
    let (ranking, proven) = (settings.ranking, settings.proven);
    let mut current: Vec<char> = text[range.clone()].chars().collect();
    let mut outcome = Outcome::default();
    for _ in 0..MAX_LAYERS {
        // The best code page whose pieces the context lets through (a lost byte may fit none).
        let tried = layers(&current, ranking, proven, in_lower_word).into_iter().find_map(|(cp, found)| {
            let contextual = found.iter().any(|p| !matches!(p.kind, PieceKind::Exact(_)));
            outcome.contextual |= contextual;
            let (before, after) =
                if contextual { line_context(text, &range, cp) } else { Default::default() };
            let context = Around { before: &before, after: &after, french: settings };
            let applied = apply(&current, &found, &context);
            (applied.applied > 0).then_some((cp, found, applied))
        });
        let Some((cp, found, Applied { chars: next, applied, guesses, widths })) = tried else { break };
        if outcome.layers.is_empty() {
            outcome.evident = evident(&current, &found);
        }
        for (index, _) in &mut outcome.guesses {
            *index = remap(*index, &found, &widths);
        }
        outcome.guesses.extend(guesses);
        outcome.layers.push(cp);
        outcome.repaired += applied;
        current = next;
    }
    // A run deeper than `MAX_LAYERS` (another layer would still come off: a second repair
    // would peel it, so repair would not be idempotent) is no mojibake anyone has seen; nor is
    // one that repairs into a C1 control character (U+0080–U+009F), which nobody writes. Such
    // a run is left as it is.
    let deeper = outcome.layers.len() == MAX_LAYERS
        && best_layer(&current, ranking, proven, in_lower_word).is_some_and(|(_, found)| !found.is_empty());
    let is_c1 = |c: &char| ('\u{80}'..='\u{9F}').contains(c);
    let had_c1 = text[range.clone()].chars().any(|c| is_c1(&c));
    if deeper || (current.iter().any(is_c1) && !had_c1) {
        return Outcome::unchanged();
    }
    if had_c1 {
        outcome.repaired += c1_as_windows_1252(&mut current);
        outcome.evident = true;
    }
    // A lone U+FFFD (a byte the decoder could not map, or `ï¿½` undone) in a French word.
    if current == ['\u{FFFD}'] || current == ['\u{FFFD}', ' '] {
        outcome.contextual = true;
        if let Some(letter) = settings.letter_for_hole(&range) {
            current[0] = letter;
            outcome.repaired += 1;
            outcome.evident = true;
            outcome.guesses.push((0, Choice { chosen: letter, alternatives: Vec::new() }));
        }
    }
    if outcome.repaired == 0 {
        return Outcome::unchanged();
    }
    outcome.text = current.into_iter().collect();
    outcome
}

/// Whether the text shows damage: a run whose damage shows on its own, or, when every
/// non-ASCII run of the text is repaired (it reads as one consistent mojibake, `ÄŒeÅ¡tina`),
/// a run that looks like mojibake next to its neighbouring letters.
fn evidence(text: &str, all: &[Run], ranges: &[Range<usize>], outcomes: &[Rc<Outcome>]) -> bool {
    if outcomes.iter().any(|o| o.evident) {
        return true;
    }
    let consistent = all.len() == ranges.len() && outcomes.iter().all(|o| !o.keep);
    consistent
        && ranges.iter().any(|range| {
            let start =
                text[..range.start].chars().next_back().map_or(range.start, |c| range.start - c.len_utf8());
            let end = text[range.end..].chars().next().map_or(range.end, |c| range.end + c.len_utf8());
            badness::is_bad(&text[start..end])
        })
}

/// Whether the first layer's pieces show damage on their own: a group of neighbouring pieces
/// that looks like mojibake (`badness`), a piece that restores a lost byte, a letter that
/// repairs into an accented letter of French (`Г©` is `é` in Windows-1251, `ĂŠ` in
/// ISO-8859-2), or three or four characters that repair into an emoji or typographic sign
/// (`вњЁ` is `✨`).
fn evident(chars: &[char], found: &[Piece]) -> bool {
    let mut group = String::new();
    for (k, piece) in found.iter().enumerate() {
        if matches!(piece.kind, PieceKind::Lost { .. } | PieceKind::Dropped(_)) {
            return true;
        }
        if let PieceKind::Exact(c) = piece.kind {
            let french = chars[piece.start].is_alphabetic() && FRENCH_ACCENTED.contains(c);
            let long = piece.end - piece.start >= 3 && lost_bytes::is_sign(c);
            if french || long {
                return true;
            }
        }
        group.extend(&chars[piece.start..piece.end]);
        let joined = found.get(k + 1).is_some_and(|next| next.start == piece.end);
        if !joined {
            if badness::is_bad(&group) {
                return true;
            }
            group.clear();
        }
    }
    false
}

/// Accented letters of French, the language carnet's guides are written in.
const FRENCH_ACCENTED: &str = "éèêëàâîïôûùüçœÉÈÊÀÇ";

/// C1 controls left once every sequence is undone were Windows-1252 characters read as
/// ISO-8859-1 (`\u{84}Handwerk … hin\u{93}`), as browsers read them; the five bytes
/// Windows-1252 leaves undefined stay (and are reported). Returns how many were mapped.
fn c1_as_windows_1252(chars: &mut [char]) -> usize {
    let table = &page(WINDOWS_1252).high;
    let mut mapped: Vec<(usize, char)> = Vec::new();
    for (i, c) in chars.iter_mut().enumerate() {
        if ('\u{80}'..='\u{9F}').contains(c) && table[usize::from(*c as u8 - 0x80)] != '\0' {
            mapped.push((i, *c));
            *c = table[usize::from(*c as u8 - 0x80)];
        }
    }
    // Not where the character makes a sequence with its neighbours (`\u{83}Ã` is `ƒÃ`, which
    // MacRoman reads as `Ĉ`): a second repair would undo it.
    let mask = candidate_pages(chars);
    let mut undone = 0;
    for cp in (0..COUNT).filter(|&cp| mask & (1 << cp) != 0) {
        for piece in pieces(chars, page(cp), false).0 {
            for &(i, c1) in mapped.iter().filter(|&&(i, _)| (piece.start..piece.end).contains(&i)) {
                if chars[i] != c1 {
                    chars[i] = c1;
                    undone += 1;
                }
            }
        }
    }
    mapped.len() - undone
}

/// The rest of the line on each side of `range` (at most `CONTEXT` bytes each: lines can be
/// long), its mojibake through `cp` undone, so that `SÃ©curitÃ©` reads as a context word.
fn line_context(text: &str, range: &Range<usize>, cp: usize) -> (String, String) {
    const CONTEXT: usize = 160;
    let mut start = range.start.saturating_sub(CONTEXT);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    let mut end = (range.end + CONTEXT).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[start..range.start];
    let after = &text[range.end..end];
    let before = before.rfind('\n').map_or(before, |i| &before[i + 1..]);
    let after = after.find('\n').map_or(after, |i| &after[..i]);
    (undo_exact(before, cp), undo_exact(after, cp))
}

/// `text` with the complete sequences of one layer through `cp` undone (lost bytes left).
fn undo_exact(text: &str, cp: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let (found, _) = pieces(&chars, page(cp), false);
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    for piece in &found {
        out.extend(&chars[i..piece.start]);
        match piece.kind {
            PieceKind::Exact(c) => out.push(c),
            _ => out.extend(&chars[piece.start..piece.end]),
        }
        i = piece.end;
    }
    out.extend(&chars[i..]);
    out
}

/// The code page that repairs most of `chars`; ties go to the file's ranking, then, inside a
/// lower-case word, to the page giving more lower-case letters (`hÃŽte` is `hôte` in
/// ISO-8859-15, not `hÎte` in Windows-1252), then to `ALL`'s order (Windows-1252 first).
fn best_layer(
    chars: &[char],
    ranking: &[(usize, usize)],
    proven: Option<usize>,
    in_lower_word: bool,
) -> Option<(usize, Vec<Piece>)> {
    layers(chars, ranking, proven, in_lower_word).into_iter().next()
}

/// Every code page that repairs something in `chars`, best first (see `best_layer`).
fn layers(
    chars: &[char],
    ranking: &[(usize, usize)],
    proven: Option<usize>,
    in_lower_word: bool,
) -> Vec<(usize, Vec<Piece>)> {
    let mask = candidate_pages(chars);
    // (score, votes, lower-case letters), rank of the code page, pieces.
    type Candidate = ((usize, usize, usize), usize, Vec<Piece>);
    let mut found_by_page: Vec<Candidate> = Vec::new();
    for (rank, &(cp, votes)) in ranking.iter().enumerate().filter(|(_, &(i, _))| mask & (1 << i) != 0) {
        let (found, score) = pieces(chars, page(cp), proven == Some(cp));
        let lower = if in_lower_word { lower_case(&found[..found.len().min(1)]) } else { 0 };
        if score > 0 {
            found_by_page.push(((score, votes, lower), rank, found));
        }
    }
    // Best key first; equal keys keep the ranking's order.
    found_by_page.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    found_by_page.into_iter().map(|(_, rank, found)| (ranking[rank].0, found)).collect()
}

/// Lower-case letters the first piece gives, when it starts the run (it touches the letter before).
fn lower_case(first: &[Piece]) -> usize {
    first.iter().filter(|p| p.start == 0 && matches!(p.kind, PieceKind::Exact(c) if c.is_lowercase())).count()
}

/// The text around a run, for the pieces that depend on it.
struct Around<'a> {
    before: &'a str,
    after: &'a str,
    french: &'a Settings<'a>,
}

/// The pieces of a run replaced.
struct Applied {
    chars: Vec<char>,
    /// How many pieces were repaired.
    applied: usize,
    /// (char index in `chars`, choice) for lost bytes chosen among several candidates.
    guesses: Vec<(usize, Choice)>,
    /// How many characters each piece became.
    widths: Vec<usize>,
}

/// Replaces the pieces that the context allows.
fn apply(chars: &[char], found: &[Piece], around: &Around) -> Applied {
    let mut out = Applied {
        chars: Vec::with_capacity(chars.len()),
        applied: 0,
        guesses: Vec::new(),
        widths: Vec::new(),
    };
    let mut i = 0;
    for piece in found {
        out.chars.extend_from_slice(&chars[i..piece.start]);
        i = piece.end;
        let at = out.chars.len();
        let replaced = match &piece.kind {
            PieceKind::Exact(c) => {
                out.chars.push(*c);
                true
            }
            PieceKind::Spaced(c) => {
                let fits =
                    *c != 'à' || a_grave_fits(&out.chars, around, chars.get(piece.end..).unwrap_or_default());
                if fits {
                    out.chars.push(*c);
                    let vietnamese = || around.french.vietnamese();
                    if keeps_its_space(*c, chars.get(piece.end).copied(), around.after, &vietnamese) {
                        out.chars.push(' ');
                    }
                }
                fits
            }
            PieceKind::Dropped(c) => {
                let previous = out.chars.last().copied().or_else(|| around.before.chars().next_back());
                let next = chars.get(piece.end).copied().or_else(|| around.after.chars().next());
                let rest = chars.get(piece.end..).unwrap_or_default();
                let fits =
                    nbsp_fits(*c, previous, next) && (*c != 'à' || a_grave_fits(&out.chars, around, rest));
                if fits {
                    let inside = |c: Option<char>| c.is_some_and(char::is_lowercase);
                    // Inside a word (`tÃtulo`, `possÃvel`) the byte dropped was the soft hyphen
                    // 0xAD of `í` rather than the no-break space of `à` (but in Vietnamese).
                    if *c == 'à' && inside(previous) && inside(next) && !around.french.vietnamese() {
                        out.guesses.push((out.chars.len(), Choice { chosen: 'í', alternatives: vec!['à'] }));
                        out.chars.push('í');
                    } else {
                        out.chars.push(*c);
                    }
                }
                fits
            }
            PieceKind::Lost { candidates, marked, spaced } => {
                let lost = Lost { candidates, marked: *marked, spaced: *spaced };
                restore_lost(chars, piece, &lost, around, &mut out)
            }
        };
        if replaced {
            out.applied += 1;
        } else {
            out.chars.extend_from_slice(&chars[piece.start..piece.end]);
        }
        out.widths.push(out.chars.len() - at);
    }
    out.chars.extend_from_slice(&chars[i..]);
    out
}

/// A lost byte's candidates (see `PieceKind::Lost`).
struct Lost<'a> {
    candidates: &'a [char],
    marked: bool,
    spaced: Option<char>,
}

/// Restores a lost byte (pushing the character): by ranking, or as U+FFFD when the loss shows
/// as U+FFFD and the text is not French (the ranking knows French documentation only).
fn restore_lost(chars: &[char], piece: &Piece, lost: &Lost, around: &Around, out: &mut Applied) -> bool {
    let turkish = around.french.turkish();
    if lost.marked && !around.french.french() && !turkish {
        out.chars.push('\u{FFFD}');
        return true;
    }
    // The space ending the piece, when there is one, is read as the context after it.
    let end = piece.end - usize::from(lost.spaced.is_some());
    // Bounded: a run can be long (a line of emoji without a space).
    let near = &out.chars[out.chars.len().saturating_sub(NEAR)..];
    let left: String = around.before.chars().chain(near.iter().copied()).collect();
    let far = (end + NEAR).min(chars.len());
    let right: String = chars[end..far].iter().copied().chain(around.after.chars()).collect();
    // A text that kept its no-break spaces did not lose a byte 0xA0 (`ðŸ›ï¸` is `🛍️`, not `🛠️`).
    let kept_nbsp = around.french.text.contains('\u{A0}');
    let source_has_nbsp = chars[piece.start..end].contains(&'\u{A0}');
    let needs_a0 = |c: &char| c.encode_utf8(&mut [0; 4]).as_bytes().contains(&0xA0);
    let candidates: Vec<char> = lost
        .candidates
        .iter()
        .copied()
        .filter(|c| !(kept_nbsp && !source_has_nbsp && needs_a0(c)))
        .chain(lost.spaced)
        .collect();
    let letters = if turkish { language::TURKISH_LETTERS } else { "" };
    match choose(&candidates, &left, &right, letters) {
        Some(choice) => {
            if !choice.alternatives.is_empty() {
                out.guesses.push((out.chars.len(), choice.clone()));
            }
            out.chars.push(choice.chosen);
            let took_the_space = lost.spaced == Some(choice.chosen);
            let kept = lost.spaced.is_some() && !took_the_space;
            if kept
                || (took_the_space
                    && keeps_its_space(choice.chosen, chars.get(piece.end).copied(), around.after, &|| {
                        around.french.vietnamese()
                    }))
            {
                out.chars.push(' ');
            }
            true
        }
        None if lost.marked => {
            out.chars.push('\u{FFFD}');
            true
        }
        None => false,
    }
}

/// Whether a space that stood for byte 0xA0 stays a space too. `à` then a space was `à` then a
/// space, the two spaces run together (except before the Portuguese `às`, `àquele`, `àquela`,
/// `àquilo`, and when a second space follows: that one is the word's); a pictograph before a
/// word keeps its space too. A no-break space, or a character followed by more damage or by
/// another space, takes the space's place.
/// In Vietnamese, `à` inside a word before the end of its syllable (`hÃ i` is `hài`) did not
/// stand before a space either. `next`: the character after the space in the run, if any.
fn keeps_its_space(c: char, next: Option<char>, after: &str, vietnamese: &dyn Fn() -> bool) -> bool {
    match (c, next) {
        ('à', Some(next)) => next != ' ',
        ('à', None) => {
            let word: String = after.chars().take_while(|c| c.is_alphabetic()).collect();
            let rest = &after[word.len()..];
            let portuguese = (word == "s" && rest.starts_with(' '))
                || ["quele", "quela", "quilo", "queles", "quelas", "quilos"].contains(&word.as_str());
            let syllable = language::ends_vietnamese_syllable(&word) && vietnamese();
            if syllable {
                return false;
            }
            // At the end of a line, or before a full stop or a comma (which no space comes
            // before), the space was the 0xA0 itself.
            let line_ends = after.is_empty() || after.starts_with(['\n', '\r', '.', ',', ')']);
            !portuguese && !line_ends
        }
        ('\u{A0}', _) | (_, Some(_)) => false,
        (_, None) => after.starts_with(|n: char| n.is_alphanumeric()) && !c.is_alphabetic(),
    }
}

/// Whether a lead byte whose 0xA0 was dropped stands for `à` or a no-break space here: `à`
/// after a lower-case letter (`voilÃ`, `hÃi`) or as a word of its own (`Ã,`, not `"Ã"`),
/// never in an upper-case word (`SÃO`, `NÃO`); a no-break space anywhere but at the start of a
/// word (`Âge`, `CHÂTEAU`).
fn nbsp_fits(c: char, previous: Option<char>, next: Option<char>) -> bool {
    let after_lower = previous.is_some_and(|p| p.is_lowercase());
    let word_follows = next.is_some_and(char::is_alphanumeric);
    match c {
        'à' => {
            let opens = previous.is_none_or(|p| p.is_whitespace() || matches!(p, '\'' | '’' | '('));
            let closes = next
                .is_none_or(|n| n.is_whitespace() || matches!(n, ',' | '.' | ';' | ':' | '!' | '?' | ')'));
            after_lower || (opens && closes)
        }
        _ => {
            let word_start = previous.is_none_or(|p| p.is_whitespace() || p.is_uppercase());
            // `"Â"` alone between quotes is a quoted character, not a space.
            let quoted = previous.is_some_and(|p| matches!(p, '"' | '\'')) && next == previous;
            !(quoted || (word_follows && word_start))
        }
    }
}

/// `à` restored from a lost 0xA0 is not in upper-case text: the nearest letters on each side
/// (past spaces and apostrophes) are not both capitals (`C O N C L U S Ã O` is Portuguese
/// spelt out; `relié Ã Render` is `à`).
fn a_grave_fits(done: &[char], around: &Around, rest: &[char]) -> bool {
    let before = around.before.chars().chain(done.iter().copied()).rev().find(|c| c.is_alphabetic());
    let after = rest.iter().copied().chain(around.after.chars()).find(|c| c.is_alphabetic());
    !(before.is_some_and(char::is_uppercase) && after.is_some_and(char::is_uppercase))
}

/// Where character `index` lands once each piece `k` of `found` became `widths[k]` characters.
fn remap(index: usize, found: &[Piece], widths: &[usize]) -> usize {
    let mut landed = index;
    for (piece, &width) in found.iter().zip(widths).take_while(|(p, _)| p.start < index) {
        if piece.end <= index {
            landed = landed + width - (piece.end - piece.start);
        } else {
            // Inside a piece: it lands where the piece's character is.
            landed -= index - piece.start;
        }
    }
    landed
}

/// Adds a run's guesses, spots and layers; `at` is the run's byte offset in the output.
fn record(
    outcome: &Outcome,
    piece: &str,
    at: usize,
    events: &mut Vec<(usize, Event)>,
    depths: &mut Vec<[usize; COUNT]>,
) {
    let mut guesses = outcome.guesses.iter().peekable();
    let mut offset = at;
    for (index, c) in piece.chars().enumerate() {
        if let Some((_, choice)) = guesses.next_if(|(i, _)| *i == index) {
            events.push((offset, Event::Guess(choice.clone())));
        } else if is_marker(c) {
            events.push((offset, Event::Spot(c)));
        }
        offset += c.len_utf8();
    }
    for (depth, &cp) in outcome.layers.iter().enumerate() {
        if depths.len() <= depth {
            depths.push([0; COUNT]);
        }
        depths[depth][cp] += 1;
    }
}

fn build_report(
    out: &str,
    repaired: usize,
    depths: Vec<[usize; COUNT]>,
    mut events: Vec<(usize, Event)>,
) -> RepairReport {
    let layers = depths
        .iter()
        .filter_map(|counts| {
            (0..COUNT).max_by_key(|&i| (counts[i], std::cmp::Reverse(i))).map(|i| ALL[i].name)
        })
        .collect();
    events.sort_by_key(|(offset, _)| *offset);
    let mut report = RepairReport { repaired, layers, ..Default::default() };
    let mut cursor = (0, 1, 1); // (byte offset, line, col)
    for (offset, event) in events {
        cursor = advance(out, cursor, offset);
        let (line, col) = (cursor.1, cursor.2);
        match event {
            Event::Guess(choice) => report.guesses.push(Guess {
                line,
                col,
                chosen: choice.chosen.to_string(),
                alternatives: choice.alternatives.iter().map(char::to_string).collect(),
            }),
            Event::Spot(c) => report.unrepairable.push(Spot { line, col, text: c.to_string() }),
        }
    }
    report
}

/// Moves a (offset, line, col) cursor forward to byte `to` of `text`.
fn advance(text: &str, (from, mut line, mut col): (usize, usize, usize), to: usize) -> (usize, usize, usize) {
    for c in text[from..to].chars() {
        if c == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
    }
    (to, line, col)
}
