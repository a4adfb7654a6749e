//! Mojibake quoted on purpose, which repair leaves as it is. Two rules, each resting on evidence
//! that the file's own encoding works:
//! 1. a line whose repair would give a word the same line already shows correctly encoded
//!    (« `RÃ©solution` au lieu de Résolution », a table row `| é | Ã© |`) is an example;
//! 2. mojibake in code (inline spans, fenced blocks) is quoted when the prose has none left
//!    after rule 1 and the file holds correctly encoded non-ASCII text (prose or code).
//!
//! Partially damaged files are still repaired: a damaged word seldom sits next to its clean form
//! on one line, and damaged prose makes code damage likely too.

use std::collections::HashMap;
use std::ops::Range;

use super::classify::is_natural;
use super::code::CodeMap;
use super::lost_bytes::is_emoji_part;
use super::scan::Run;

/// For each suspicious run (`ranges`, with its `repaired` text), whether to keep it as it is.
pub(super) fn deliberate(text: &str, all: &[Run], ranges: &[Range<usize>], repaired: &[&str]) -> Vec<bool> {
    let changed: Vec<bool> = ranges.iter().zip(repaired).map(|(r, &new)| text[r.clone()] != *new).collect();
    // C1 controls are never written on purpose: those are always repaired.
    let controls = |k: usize| text[ranges[k].clone()].chars().any(|c| ('\u{80}'..='\u{9F}').contains(&c));
    let mut keep = vec![false; ranges.len()];
    // Where correctly encoded text starts: a line without any cannot show a clean form.
    let clean: Vec<usize> = all.iter().filter(|r| !r.suspicious).map(|r| r.range.start).collect();
    let has_clean = |line: &Range<usize>| {
        let k = clean.partition_point(|&start| start < line.start);
        clean.get(k).is_some_and(|&start| start < line.end)
    };
    let mut i = 0;
    while i < ranges.len() {
        let line = line_around(text, ranges[i].start);
        let j = i + ranges[i..].iter().take_while(|r| r.start < line.end).count();
        let example = changed[i..j].iter().any(|&c| c)
            && has_clean(&line)
            && shows_clean_form(text, &line, &ranges[i..j], &repaired[i..j]);
        if example {
            keep[i..j].iter_mut().for_each(|k| *k = true);
        }
        i = j;
    }
    let left: Vec<usize> = (0..ranges.len()).filter(|&k| changed[k] && !keep[k]).collect();
    if left.is_empty() {
        return keep;
    }
    // Rule 3: string literals and doctests in code, and inline code spans, quote mojibake on
    // purpose (`MOJIBAKE_MARKERS = ("Ã", "â€")`, `>>> fix_text('âœ” No problems')`, a regular
    // expression `/[Ã‚]/`) when nothing else in the text is damaged and each run stands alone
    // between quotes or brackets, or next to its own word without the damage
    // (`-replace "Gajjiï¿½ Sathvik", "Gajji Sathvik"`). Mojibake inside the words of a
    // literal (`toast.success("Ã‰tape mise Ã  jour")`, `"âœ… Done"`) is damage.
    if left.iter().all(|&k| quoted_marker(text, &ranges[k], repaired[k])) {
        left.iter().filter(|&&k| !controls(k)).for_each(|&k| keep[k] = true);
        return keep;
    }
    if !has_evidence(text, all) {
        return keep;
    }
    let code = CodeMap::new(text);
    if left.iter().all(|&k| code.contains(ranges[k].start)) {
        left.iter().filter(|&&k| !controls(k)).for_each(|&k| keep[k] = true);
    }
    keep
}

/// The kept runs (`keep`) that sit in a fenced code block which also holds correctly encoded
/// text (a letter or typographic sign in a run that is no mojibake): such a block is neither
/// a clean quotation nor plainly damaged, so these runs are reported.
pub(super) fn in_mixed_code_blocks(
    text: &str,
    all: &[Run],
    ranges: &[Range<usize>],
    keep: &[bool],
) -> Vec<usize> {
    if !keep.iter().any(|&k| k) {
        return Vec::new();
    }
    let code = CodeMap::new(text);
    let clean_in = |block: &Range<usize>| {
        all.iter().filter(|r| !r.suspicious && block.contains(&r.range.start)).any(|r| {
            let s = &text[r.range.clone()];
            s.chars().any(is_natural) && !s.chars().all(|c| matches!(c, 'Ã' | 'Â' | 'â' | 'ð' | 'ğ' | 'Ð'))
        })
    };
    (0..ranges.len())
        .filter(|&k| keep[k])
        .filter(|&k| code.block_of(ranges[k].start).is_some_and(|block| clean_in(&block)))
        .collect()
}

/// Whether `range` is mojibake quoted as such: in a doctest line (`>>> …`), or standing alone
/// between quotes, backticks or brackets (`"Ã©"`, `` `â€™` ``, `[Ã‚]`), or inside a literal
/// of code whose line also holds the word without the damage (`"Gajjiï¿½"` next to `Gajji`).
fn quoted_marker(text: &str, range: &Range<usize>, repaired: &str) -> bool {
    let line = line_around(text, range.start);
    let (head, tail) = (&text[line.start..range.start], &text[range.end..line.end]);
    if text[line.clone()].trim_start().starts_with(">>>") {
        return true;
    }
    let opens = |c: char| matches!(c, '"' | '\'' | '`' | '[' | '(' | '|' | '/' | ',');
    let closes = |c: char| matches!(c, '"' | '\'' | '`' | ']' | ')' | '|' | '[' | '/' | ',');
    let alone = |head: &str, tail: &str| {
        head.chars().next_back().is_some_and(opens) && tail.chars().next().is_some_and(closes)
    };
    // A run that ends with a space is followed by a word of its own (`"ðŸ“‹ [Menu]"`); an
    // emoji alone between quotes is an icon (`emoji: "ðŸ—ºï¸"`), and a long run a line of
    // symbols (`"â•â•â•â•"`), not a marker.
    let icon = repaired.chars().any(is_emoji_part) || text[range.clone()].chars().count() > 6;
    if !run_ends_with_space(text, range) && !icon && alone(head, tail) {
        return true;
    }
    let run = &text[range.clone()];
    let literal = in_code_literal(head, tail, &text[line.clone()]);
    // A line that quotes a marker alone (`"Ã" before a letter ("ÃŠTRE")`) talks about mojibake.
    // The quoted word alone, not a phrase (`'"Qual Ã¨ la password?"'` next to `'â“'` is damage).
    let talks_about_it = || {
        let one_word = ['"', '\''].iter().any(|&q| {
            let opened = head.matches(q).count() % 2 == 1;
            let inside = |part: &str| !part.contains(char::is_whitespace);
            opened
                && tail
                    .find(q)
                    .is_some_and(|end| inside(&tail[..end]) && inside(&head[head.rfind(q).unwrap_or(0)..]))
        });
        one_word && marker_alone_in(&text[line.clone()], &alone)
    };
    (literal && shows_other_spelling(head, run, tail)) || talks_about_it()
}

fn run_ends_with_space(text: &str, range: &Range<usize>) -> bool {
    text[range.clone()].ends_with(char::is_whitespace)
}

/// Whether a line holds a run of mojibake lead characters standing alone between quotes.
fn marker_alone_in(line: &str, alone: &dyn Fn(&str, &str) -> bool) -> bool {
    line.char_indices().any(|(i, c)| {
        matches!(c, 'Ã' | 'Â' | 'â' | 'Ð') && {
            let end = line[i..].find(|c: char| c.is_ascii()).map_or(line.len(), |k| i + k);
            // Short: a marker (`"Ã"`, `"â€"`), not an icon (`"ðŸ—ºï¸"`, `'âœ…'`).
            line[i..end].chars().count() <= 2 && alone(&line[..i], &line[end..])
        }
    })
}

/// Whether the run between `head` and `tail` sits between two ASCII quotes of a line of code
/// (one with `=`, brackets or a call).
fn in_code_literal(head: &str, tail: &str, line: &str) -> bool {
    let code_like = line.contains(['=', '(', '[', '{']);
    let quoted = ['"', '\''].iter().any(|&quote| {
        let opened = head.matches(quote).count() % 2 == 1;
        opened && tail.contains(quote)
    });
    code_like && quoted
}

/// Whether the word holding the run stands elsewhere in the line spelt another way: without the
/// damage (`"Gajjiï¿½"` next to `Gajji`) or damaged otherwise (`fÃ¼r` next to `f�r`).
fn shows_other_spelling(head: &str, run: &str, tail: &str) -> bool {
    let in_word = |c: &char| c.is_alphanumeric();
    let before: String =
        head.chars().rev().take_while(in_word).collect::<Vec<_>>().into_iter().rev().collect();
    // A run may end with the space that follows it.
    let after: String =
        if run.ends_with(' ') { String::new() } else { tail.chars().take_while(in_word).collect() };
    if before.chars().count() + after.chars().count() < 2 {
        return false;
    }
    let damaged = format!("{before}{run}{after}");
    let other = |w: &str| {
        w != damaged
            && w.len() >= before.len() + after.len()
            && w.starts_with(before.as_str())
            && w.ends_with(after.as_str())
            && w[before.len()..w.len() - after.len()].chars().count() <= 2
    };
    let rest = [&head[..head.len() - before.len()], &tail[after.len()..]];
    rest.iter().any(|part| {
        part.split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '/' | '(' | ')' | ',')).any(other)
    })
}

/// The line holding byte `at`, without its newline.
fn line_around(text: &str, at: usize) -> Range<usize> {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    start..end
}

/// Whether repairing the runs of `line` gives a word the line already holds, correctly encoded.
fn shows_clean_form(text: &str, line: &Range<usize>, ranges: &[Range<usize>], repaired: &[&str]) -> bool {
    let mut after = String::with_capacity(line.len());
    let mut last = line.start;
    for (range, new) in ranges.iter().zip(repaired) {
        after.push_str(&text[last..range.start]);
        after.push_str(new);
        last = range.end;
    }
    after.push_str(&text[last..line.end]);
    let before = words(&text[line.clone()]);
    // `à` is too common a word: a line can hold it clean and damaged without quoting anything.
    let telling = |word: &&str| !matches!(*word, "à" | "À");
    words(&after)
        .iter()
        .filter(|(w, _)| telling(w))
        .any(|(word, &n)| before.get(word).is_some_and(|&m| n > m))
}

/// Words (between spaces and ASCII punctuation) holding non-ASCII characters, counted.
fn words(line: &str) -> HashMap<&str, usize> {
    let mut counts = HashMap::new();
    let words = line.split(|c: char| c.is_whitespace() || c.is_ascii_punctuation());
    for word in words.filter(|w| !w.is_ascii()) {
        *counts.entry(word).or_insert(0) += 1;
    }
    counts
}

/// Correctly encoded non-ASCII text somewhere: a run that is not suspicious, with a letter,
/// typographic punctuation or an emoji (a lone `Ã` or `Â` is a leftover of damage instead).
fn has_evidence(text: &str, all: &[Run]) -> bool {
    let leftovers = ['Ã', 'Â', 'â', 'ð', 'ğ', 'Ð'];
    all.iter().filter(|r| !r.suspicious).any(|r| {
        let s = &text[r.range.clone()];
        let leftover = s.chars().count() == 1 && s.chars().all(|c| leftovers.contains(&c));
        !leftover && s.chars().any(|c| is_natural(c) || c >= '\u{1F300}')
    })
}
